"""A statement a shown turn already says is shown once, as the turn (invented text)."""

from __future__ import annotations

from datetime import UTC, datetime

from mirix_py._chat.compose import build_context
from mirix_py._chat.cues import read_question
from mirix_py._chat.repeats import Shown, restated
from mirix_py._memory import SemanticMemory
from mirix_py._memory.statements import STATEMENT
from tests.unit.chat.helpers import episode, hit


def _turn(text: str, who: str = "Ines", day: str = "3 May 2024") -> Shown:
    return Shown("t", who, text, day)


def _fact(text: str, who: str = "Ines", day: str = "3 May 2024") -> Shown:
    return Shown("f", who, text, day)


def test_a_fact_the_speakers_turn_says_whole_is_restated() -> None:
    turn = _turn("Guess what, I joined a rowing club on Tuesday [30 April 2024]! So much fun.")
    assert restated([_fact("joined a rowing club on Tuesday [30 April 2024]")], [turn]) == {"f"}
    mine = _turn("Our rowing club won the regatta, the whole crew cried.")
    assert restated([_fact("(with others) won the regatta")], [mine]) == {"f"}


def test_a_fact_saying_more_another_day_or_someone_else_is_kept() -> None:
    turn = _turn("I joined a rowing club on Tuesday.")
    assert restated([_fact("joined a rowing club and a choir")], [turn]) == set()
    assert restated([_fact("joined a rowing club", day="9 Jun 2024")], [turn]) == set()
    other = _turn("I joined a rowing club on Tuesday.", who="Bruno")
    assert restated([_fact("joined a rowing club")], [other]) == set()
    named = _turn("Ines joined a rowing club, she told me.", who="Bruno")
    assert restated([_fact("joined a rowing club")], [named]) == {"f"}


def test_a_negated_fact_is_not_said_by_the_plain_turn() -> None:
    turn = _turn("I am allergic to shellfish, sadly.")
    assert restated([_fact("is not allergic to shellfish")], [turn]) == set()


def _hits(with_fact: bool, aspect: str = STATEMENT) -> list:  # type: ignore[type-arg]
    fact = SemanticMemory(
        user_id="u",
        name="Ines",
        summary="joined a rowing club",
        aspect=aspect,
        occurred_at=datetime(2024, 5, 1, 12, tzinfo=UTC),
    )
    turn = episode("I joined a rowing club, the coach is strict.", actor="Ines", sequence=0)
    fillers = [
        episode(f"Ines planted {n} tulip bulbs along the garden fence", actor="Ines", sequence=n)
        for n in range(1, 40)
    ]
    hits = [hit(turn, 2.9), *(hit(f, 2.0 - n / 100) for n, f in enumerate(fillers))]
    return [hit(fact, 3.0), *hits] if with_fact else hits


def test_a_restated_fact_leaves_its_room_to_the_next_memory() -> None:
    question = read_question("What club did Ines join?")
    tight = build_context([], _hits(True), budget_tokens=200, question=question)
    assert "] joined a rowing club" not in tight.text  # said by the turn shown
    assert "I joined a rowing club" in tight.text
    without = build_context([], _hits(False), budget_tokens=200, question=question)
    shown = sorted(str(h.record["summary"]) for h in tight.refs.values())
    assert shown == sorted(str(h.record["summary"]) for h in without.refs.values())  # no cost
    loose = build_context([], _hits(True)[:2], budget_tokens=1000, question=question)
    assert "[1] joined a rowing club" in loose.text  # all fits: nothing left out
    plain = build_context([], _hits(True), budget_tokens=200)  # no question: as ranked
    assert "joined a rowing club (1 May 2024)" in plain.text


def test_an_attribute_fact_is_kept_beside_the_turn_it_restates() -> None:
    # an attribute fact is typed (the answer step reads its aspect, which value is
    # current): only first-person statements, clauses of a turn, are left out
    question = read_question("What club did Ines join?")
    tight = build_context([], _hits(True, aspect=""), budget_tokens=200, question=question)
    assert "] joined a rowing club" in tight.text
