"""A fact that a shown turn says is shown as the turn: its number on the turn's line,
no line of its own, still among the answer step's memories (:mod:`mirix_py._chat.folds`,
``build_context``)."""

from __future__ import annotations

from datetime import UTC, datetime

from mirix_py._chat.answer_llm import cited_numbers
from mirix_py._chat.compose import build_context, render_memories
from mirix_py._chat.cues import read_question
from mirix_py._chat.folds import folds, says_fact
from mirix_py._chat.models import Hit, estimate_tokens
from mirix_py._memory import SemanticMemory
from tests.unit.chat.helpers import episode, hit

KILN = "Our club fired the new kiln on Saturday and my blue teapot came out without a crack!"


def _fact(summary: str, source: str, score: float, *, day: int = 3, name: str = "Ines") -> Hit:
    record = SemanticMemory(
        user_id="u",
        name=name,
        summary=summary,
        source_ids=[source],
        occurred_at=datetime(2024, 5, day, 12, tzinfo=UTC),
    )
    return hit(record, score)


def _turn(text: str, source: str, score: float, *, day: int = 3, sequence: int = 0) -> Hit:
    record = episode(text, actor="Ines", day=day, sequence=sequence, source=source)
    return hit(record, score, session=f"s{day}")


class _Shown:
    """A memory as shown: the fields folding reads."""

    def __init__(self, memory: Hit, who: str, line: str, day: str = "3 May 2024") -> None:
        self.hit, self.who, self.line, self.day = memory, who, line, day


def test_a_turn_says_the_fact_read_from_it() -> None:
    turn = _Shown(_turn(KILN, "m1", 1.0), "Ines", KILN)
    fact = _Shown(_fact("(with others) fired the new kiln", "m1", 1.0), "Ines", "")
    assert says_fact(turn, fact)
    # the subject's name is said by the speaker; a name the turn does not say is not
    other = _Shown(_fact("fired the new kiln", "m1", 1.0, name="Tomas"), "Tomas", "")
    assert not says_fact(turn, other)


def test_a_fact_saying_more_than_the_turn_keeps_its_line() -> None:
    turn = _Shown(_turn(KILN, "m1", 1.0), "Ines", KILN)
    merged = _Shown(_fact("fired the new kiln at 1240 degrees", "m1", 1.0), "Ines", "")
    assert not says_fact(turn, merged)  # a detail from another message
    elsewhere = _Shown(_fact("fired the new kiln", "m9", 1.0), "Ines", "")
    assert not says_fact(turn, elsewhere)  # read from another turn
    later = _Shown(_fact("fired the new kiln", "m1", 1.0), "Ines", "", day="9 May 2024")
    assert not says_fact(turn, later)  # another day


def test_an_excerpt_without_the_fact_s_sentence_does_not_say_it() -> None:
    cut = _Shown(_turn(KILN, "m1", 1.0), "Ines", "… my blue teapot came out without a crack!")
    assert not says_fact(cut, _Shown(_fact("fired the new kiln", "m1", 1.0), "Ines", ""))


def test_folds_maps_each_said_fact_to_the_first_turn_that_says_it() -> None:
    turn = _Shown(_turn(KILN, "m1", 1.0), "Ines", KILN)
    again = _Shown(_turn(KILN, "m1", 1.0), "Ines", KILN)
    fact = _Shown(_fact("fired the new kiln", "m1", 1.0), "Ines", "")
    lone = _Shown(_fact("sells mugs at the Sunday market", "m4", 1.0), "Ines", "")
    assert folds([(1, fact), (2, lone), (4, again), (3, turn)]) == {1: 3}


def _hits() -> list[Hit]:
    return [
        _fact("fired the new kiln on Saturday", "m1", 3.0),
        _turn(KILN, "m1", 2.5),
        _turn(
            "The glaze test tiles for the spring show are drying by the window.",
            "m2",
            1.0,
            sequence=1,
        ),
        _turn("Booked a stall at the craft fair in the old market hall.", "m3", 0.9, sequence=2),
    ]


def test_the_fact_is_shown_as_the_turn_and_stays_for_the_answer() -> None:
    question = read_question("What did Ines do with the kiln?")
    pack = build_context([], _hits(), budget_tokens=2000, question=question)
    assert "Facts:" not in pack.text
    assert f"Ines: [1, 2] {KILN}" in pack.text  # the fact's number and the turn's
    assert any(
        h.record.get("summary") == "fired the new kiln on Saturday" for h in pack.refs.values()
    )
    assert sum(h.memory_type.value == "semantic" for h in pack.refs.values()) == 1


def test_the_folded_fact_s_room_goes_to_another_memory() -> None:
    question = read_question("What did Ines do with the kiln?")
    budget = 70  # holds the three turns with the fact folded, not with the fact's own line
    pack = build_context([], _hits(), budget_tokens=budget, question=question)
    shown = {s for h in pack.refs.values() for s in h.source_ids}
    assert {"m1", "m2", "m3"} <= shown
    assert pack.tokens <= budget
    assert estimate_tokens(render_memories(sorted(pack.refs.items()))) > budget


def test_a_fact_ranked_after_its_turn_costs_only_its_number() -> None:
    question = read_question("What did Ines do with the kiln?")
    turn_first = [_hits()[1], _fact("fired the new kiln on Saturday", "m1", 2.0), *_hits()[2:]]
    pack = build_context([], turn_first, budget_tokens=70, question=question)
    assert f"Ines: [1, 2] {KILN}" in pack.text
    assert {s for h in pack.refs.values() for s in h.source_ids} == {"m1", "m2", "m3"}


def test_without_a_question_every_memory_keeps_its_line() -> None:
    pack = build_context([], _hits(), budget_tokens=2000)
    assert "Facts:" in pack.text
    assert ", " not in pack.text.split("Events:")[1].split("]")[0]


def test_a_plain_text_answer_cites_each_number_of_a_folded_line() -> None:
    assert cited_numbers("She fired the kiln [1, 2]; the fair is booked [4].") == [1, 2, 4]
    assert cited_numbers("Booked in [2025], no citation here") == [2025]
    assert cited_numbers("No brackets at all.") == []
