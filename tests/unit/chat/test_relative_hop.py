"""Two-step questions through a relative clause (``relative_hop.py``)."""

from __future__ import annotations

from datetime import UTC, datetime

from mirix_py._chat.answer import answer_offline
from mirix_py._chat.compose import build_context
from mirix_py._chat.cues import read_question
from mirix_py._chat.models import Hit
from mirix_py._chat.relative_hop import relative_hop
from tests.unit.chat.helpers import episode, hit

NOW = datetime(2024, 6, 20, 10, tzinfo=UTC)


def _said(text: str, day: int, *, actor: str = "Olga", score: float = 1.0) -> Hit:
    return hit(episode(text, actor=actor, day=day, session=f"s{day}"), score)


def _answer(question: str, *hits: Hit) -> str:
    pack = build_context([], list(hits), budget_tokens=2000)
    return answer_offline(read_question(question), pack, min_evidence=0.2, now=NOW).text


def _hop(question: str, *hits: Hit) -> str | None:
    cues = read_question(question)
    found = relative_hop(cues.text, cues.names, list(hits))
    return None if found is None else found.question


def test_the_relative_clause_is_replaced_by_the_name_it_is_said_of() -> None:
    hits = (
        _said(
            "My grandson Casimir is turning 12 on the 3rd of August and he is mad about trains, "
            "he has a model railway in his room.",
            1,
        ),
        _said(
            "Casimir wants to help, he says he will paint the garden shed himself, he has "
            "decided he wants to be a painter now.",
            5,
        ),
        _said("The garden shed needs a new roof before the painting.", 6),
    )
    question = "How old is the grandchild who wants to paint the garden shed?"
    assert _hop(question, *hits) == "How old is Casimir?"
    assert "12" in _answer(question, *hits)


def test_the_attribute_is_answered_of_the_resolved_person_not_of_the_asker() -> None:
    hits = (
        _said("My colleague Philippa swims too.", 1),
        _said("Philippa persuaded me to sign up for a charity swim in Lake Bled on 4 July.", 2),
        _said(
            "I finished the charity swim in 1 hour 10 minutes! Philippa was much faster, "
            "48 minutes, wow.",
            9,
        ),
    )
    question = (
        "What was the finish time of the colleague who persuaded Olga to sign up for the "
        "charity swim?"
    )
    assert _hop(question, *hits) == "What was the finish time of Philippa?"
    text = _answer(question, *hits)
    assert "48 minutes" in text and "1 hour" not in text


def test_questions_without_a_resolvable_clause_are_left_alone() -> None:
    hits = (_said("Casimir says he will paint the garden shed himself this summer.", 5),)
    assert _hop("How old is Casimir?", *hits) is None  # no relative clause
    assert _hop("How old is the nephew who wants to bake bread?", *hits) is None  # not said
    # a clause said only of the asker (no other name in the sentence) resolves to nobody
    own = (_said("I want to paint the garden shed this summer.", 5),)
    assert _hop("How old is the nephew who wants to paint the garden shed?", *own) is None
