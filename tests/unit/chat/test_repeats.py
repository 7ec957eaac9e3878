"""Facts a turn shown whole already says are left out of the context, and their room
goes to other memories (:mod:`mirix_py._chat.repeats`, ``build_context``)."""

from __future__ import annotations

from mirix_py._chat.compose import build_context
from mirix_py._chat.cues import read_question
from mirix_py._chat.models import Hit
from mirix_py._chat.repeats import says
from mirix_py._memory import SemanticMemory
from tests.unit.chat.helpers import episode, hit

ORCHARD = "We planted three apple trees in the allotment on Sunday, the kids loved it!"


def _fact(summary: str, source: str, score: float, name: str = "Dara") -> Hit:
    return hit(SemanticMemory(user_id="u", name=name, summary=summary, source_ids=[source]), score)


def _turn(text: str, source: str, score: float, sequence: int = 0) -> Hit:
    return hit(episode(text, actor="Dara", sequence=sequence, source=source), score)


def test_a_turn_says_the_fact_read_from_it() -> None:
    turn = _turn(ORCHARD, "t1", 1.0)
    assert says(turn, _fact("(with others) planted three apple trees in the allotment", "t1", 1.0))


def test_a_fact_with_words_the_turn_lacks_is_not_said() -> None:
    turn = _turn(ORCHARD, "t1", 1.0)
    # a detail merged in from elsewhere: the fact says more than the turn
    assert not says(turn, _fact("planted three apple trees from the Hollins nursery", "t1", 1.0))


def test_a_fact_read_from_another_turn_is_not_said() -> None:
    turn = _turn(ORCHARD, "t1", 1.0)
    assert not says(turn, _fact("planted three apple trees in the allotment", "t9", 1.0))
    assert not says(_fact("planted apple trees", "t1", 1.0), turn)  # a fact says no turn


def _hits() -> list[Hit]:
    return [
        _fact("(with others) planted three apple trees in the allotment", "t1", 3.0),
        _turn(ORCHARD, "t1", 2.5),
        _turn("Dug a pond for the frogs behind the greenhouse last spring.", "t2", 1.0, 1),
        _turn("Also sowed a row of broad beans by the fence in March.", "t3", 0.9, 2),
    ]


def test_the_repeated_fact_leaves_room_for_another_item() -> None:
    question = read_question("What projects has Dara done in the allotment?")
    # the budget holds the fact and the turn, or the turn and the next item
    budget = 60
    pack = build_context([], _hits(), budget_tokens=budget, question=question)
    shown = {s for h in pack.refs.values() for s in h.source_ids}
    assert "apple trees in the allotment on Sunday" in pack.text
    assert "(with others)" not in pack.text
    assert "t2" in shown
    assert pack.tokens <= budget


def test_a_question_for_one_thing_keeps_the_fact() -> None:
    # the answer step reads a fact's value (and whether it is still current) first
    question = read_question("What did Dara plant in the allotment?")
    pack = build_context([], _hits(), budget_tokens=60, question=question)
    assert "(with others)" in pack.text


def test_what_two_people_share_keeps_the_facts() -> None:
    # the answer names the shared items from both people's facts
    question = read_question("What hobbies do Dara and Sol both enjoy?")
    assert question.asks_several
    pack = build_context([], _hits(), budget_tokens=60, question=question)
    assert "(with others)" in pack.text


def test_without_a_question_every_memory_is_shown_as_before() -> None:
    pack = build_context([], _hits(), budget_tokens=2000)
    assert "(with others)" in pack.text
