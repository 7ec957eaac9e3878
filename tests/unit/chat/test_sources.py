"""The turns the best facts were read from rank next to those facts."""

from __future__ import annotations

from mirix_py._chat.cues import read_question
from mirix_py._chat.sources import SOURCE_TOP, lift_fact_sources, lift_topic_facts
from mirix_py._memory import SemanticMemory
from tests.unit.chat.helpers import episode, hit


def _fact(text: str, source: str) -> SemanticMemory:
    return SemanticMemory(user_id="u", name="User", summary=text, source_ids=[source])


def test_the_source_turn_of_a_top_fact_is_lifted_to_just_below_it() -> None:
    change = episode(
        "I handed in my notice at the mill, I'm opening a cider shop called Pomme",
        actor="user",
        source="t-17",
    )
    chatter = [
        hit(episode(f"What about option {n}?", actor="user", sequence=n), 1.2) for n in (1, 2)
    ]
    hits = [
        *chatter,
        hit(_fact("works at Pomme", "t-17"), 1.0),
        hit(change, 0.4),
    ]
    ranked = lift_fact_sources(hits, read_question("Where do I work now?"))
    order = [str(h.record.get("summary")) for h in ranked]
    assert order.index("works at Pomme") < order.index(change.summary) < len(chatter) + 2
    lifted = next(h for h in ranked if h.memory_id == change.id)
    assert 0.4 < lifted.score.score < 1.0


def test_only_the_best_facts_lift_and_nothing_is_added() -> None:
    weak = _fact("likes pears", "t-3")
    source = episode("pears are fine I guess", actor="user", source="t-3")
    hits = [hit(episode(f"turn {n}", sequence=n), 2.0) for n in range(SOURCE_TOP)]
    hits += [hit(weak, 1.0), hit(source, 0.1)]
    ranked = lift_fact_sources(hits, read_question("Which fruit do I like?"))
    assert len(ranked) == len(hits)
    assert next(h for h in ranked if h.memory_id == source.id).score.score == 0.1


def test_a_fact_off_the_question_lifts_nothing() -> None:
    # a fact about the person asked ranks high for any question about them; its
    # source turn is no evidence for a question about something else
    source = episode("Morning! I am Lena, a designer at Kiezkauf", actor="user", source="t-1")
    hits = [hit(_fact("works at Kiezkauf", "t-1"), 1.0), hit(source, 0.3)]
    ranked = lift_fact_sources(hits, read_question("What is my access token for the API?"))
    assert next(h for h in ranked if h.memory_id == source.id).score.score == 0.3


def test_an_on_topic_fact_about_the_person_asked_ranks_near_the_top() -> None:
    # a long reply sharing one word with the question ("works for most people")
    # outranks, and crowds out, the short fact that answers it
    reply = episode("A method that works for most people is to split pay " * 10, actor="assistant")
    other = _fact("lives in Tromsø", "t-2")
    answer = _fact("works at Fjordline Ferries", "t-1")
    hits = [hit(reply, 1.5), hit(other, 1.0), hit(answer, 0.9)]
    ranked = lift_topic_facts(hits, read_question("Which company do I work for?"))
    order = [h.memory_id for h in ranked]
    assert order[:2] == [reply.id, answer.id]
    assert next(h for h in ranked if h.memory_id == other.id).score.score == 1.0


def test_facts_about_someone_not_asked_are_not_lifted() -> None:
    reply = episode("My brother works at the harbour now", actor="user")
    brother = SemanticMemory(user_id="u", name="Ivo", summary="works at the harbour")
    hits = [hit(reply, 1.5), hit(brother, 0.5)]
    ranked = lift_topic_facts(hits, read_question("Where do I work?"))
    assert next(h for h in ranked if h.memory_id == brother.id).score.score == 0.5
