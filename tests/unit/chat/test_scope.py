"""Answering from the memories about the person a question names (mirix_py._chat.scope)."""

from __future__ import annotations

from datetime import UTC, datetime

from mirix_py._chat.answer import answer_offline
from mirix_py._chat.compose import build_context
from mirix_py._chat.cues import read_question
from mirix_py._chat.draft import NOT_MENTIONED
from mirix_py._chat.models import Hit
from mirix_py._chat.scope import asked_people, circle, in_scope, someone_else
from mirix_py._memory import SemanticMemory
from tests.unit.chat.helpers import episode, hit


def _fact(name: str, summary: str, day: int = 3) -> SemanticMemory:
    return SemanticMemory(
        user_id="u",
        name=name,
        summary=summary,
        occurred_at=datetime(2024, 5, day, 12, tzinfo=UTC),
    )


def _answer(question: str, hits: list[Hit]) -> tuple[str, bool]:
    pack = build_context([], hits, budget_tokens=1000)
    draft = answer_offline(read_question(question), pack, min_evidence=0.35)
    return draft.text, draft.abstained


def test_asked_people_are_owners_the_question_names() -> None:
    hits = [
        hit(episode("my boss is Ulla", actor="Odile Marchetti")),
        hit(_fact("Bertram", "lives in Ghent")),
        hit(episode("Sounds good.", actor="Assistant")),
    ]
    assert asked_people(read_question("Who is Odile's boss?").names, hits) == {"odile marchetti"}
    assert asked_people(read_question("Where does Bertram live?").names, hits) == {"bertram"}
    assert asked_people(read_question("Where is the station?").names, hits) == frozenset()


def test_circle_holds_session_partners_and_people_named_about_the_asked() -> None:
    hits = [
        hit(episode("my brother Caspar is a pilot", actor="Odile", session="s1")),
        hit(episode("Does he fly long haul?", actor="Assistant", session="s1")),
        hit(_fact("Caspar", "works at Skyline Air")),
        hit(_fact("Bertram", "works at Ghent Harbour")),
        hit(episode("my cousin Fenna visits", actor="Bertram", session="s9")),
    ]
    around = circle(frozenset({"odile"}), hits)
    assert around.people == {"odile", "assistant", "caspar"}
    assert around.sessions == {"s1"}
    # an assistant that also talks with someone else is in the circle only in Odile's sessions
    hits.append(hit(episode("Fenna sounds fun.", actor="Assistant", session="s9")))
    around = circle(frozenset({"odile"}), hits)
    assert around.people == {"odile", "caspar"}
    assert [someone_else(h, around) for h in hits] == [False, False, False, True, True, True]


def test_facts_about_someone_else_do_not_answer_a_role_question() -> None:
    hits = [
        hit(_fact("Bertram", "manager is Quentin Albers"), 3.0),
        hit(episode("moved teams; my new manager here is Ysolde Brandt", actor="Odile"), 2.0),
        hit(episode("Congratulations on the move.", actor="Assistant"), 1.5),
    ]
    text, abstained = _answer("Who is Odile's manager now?", hits)
    assert "Ysolde Brandt" in text and not abstained
    # the same fact about the person asked does answer
    hits[0] = hit(_fact("Odile", "manager is Quentin Albers", day=9), 3.0)
    assert _answer("Who is Odile's manager now?", hits)[0] == "Quentin Albers"


def test_another_persons_words_do_not_stop_an_abstention() -> None:
    hits = [
        hit(episode("yes, my wife Marisol and our two boys", actor="Bertram", session="s9"), 3.0),
        hit(episode("I retired from the post office last year.", actor="Odile"), 2.0),
        hit(episode("my daughter Ines set this up for me", actor="Odile", sequence=1), 1.8),
    ]
    assert _answer("What is the name of Odile's wife?", hits) == (NOT_MENTIONED, True)
    # Bertram's own question is answered from his words
    assert _answer("What is the name of Bertram's wife?", hits)[1] is False


def test_a_role_holders_own_fact_answers_a_question_about_them() -> None:
    hits = [
        hit(_fact("Bertram", "works at Ghent Harbour"), 3.0),
        hit(_fact("Odile", "partner is Caspar"), 2.5),
        hit(_fact("Caspar", "works at Lindqvist Clinic"), 2.0),
        hit(episode("My partner Caspar got a job at Lindqvist Clinic.", actor="Odile"), 1.0),
    ]
    text, _ = _answer("Where does Odile's partner work?", hits)
    assert "Lindqvist Clinic" in text


def test_unscoped_when_the_question_names_nobody_in_context() -> None:
    numbered = [
        (1, hit(_fact("Bertram", "works at Ghent Harbour"))),
        (2, hit(episode("the ferry leaves at nine", actor="Odile"))),
    ]
    assert in_scope(read_question("When does the ferry leave?").names, numbered) == numbered
    # nothing about the person asked: nothing is dropped either
    assert in_scope(read_question("Where does Hedda work?").names, numbered) == numbered


def test_a_tight_budget_goes_to_the_person_asked_first() -> None:
    hits = [
        hit(
            episode("my sister Marisol swims at dawn in the cold harbour water", actor="Bertram"),
            3.0,
            session="s9",
        ),
        hit(
            episode("Marisol also rows on the canal with her club at weekends", actor="Bertram"),
            2.5,
            session="s9",
            position=1,
        ),
        hit(episode("I swim at the lido on Sundays.", actor="Odile"), 1.0),
    ]
    budget = 50  # room for two of the three
    question = read_question("When does Odile swim?")
    pack = build_context([], hits, budget_tokens=budget, question=question)
    assert "lido" in pack.text
    # without a question (no scope), the best scores come first
    plain = build_context([], hits, budget_tokens=budget)
    assert "lido" not in plain.text
