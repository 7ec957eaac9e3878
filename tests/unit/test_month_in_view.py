"""A day of the month alone takes the month the talk is about (``_month_in_view.py``).

All turns are invented, in several styles (terse, lower case with typos, non-native).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from mirix_py._month_in_view import CARRY_TURNS, DateThread

EARLY_DEC = datetime(2027, 12, 3, 16, 45, tzinfo=UTC)


def _thread(turns: Sequence[str], anchor: datetime = EARLY_DEC) -> list[str]:
    thread = DateThread()
    return [thread.annotate(text, anchor) for text in turns]


@pytest.mark.parametrize(
    ("turns", "expected"),
    [
        (  # the month in an earlier turn, the day in the reply
            ["We're thinking of Lisbon in March, for our wedding anniversary.",
             "Lovely! Is the anniversary on a weekend?",
             "it's on the 21st, a tuesday i think"],
            "on the 21st [21 March 2028]",
        ),
        (  # terse, lower case, with a typo
            ["dentist moved to feb 2028", "ok", "its on the 9th in the mornign"],
            "on the 9th [9 February 2028]",
        ),
        (  # non-native wording, the day said by the other speaker
            ["In september we have married in Cluj, it was very beautiful.",
             "Congratulations! So your anniversary was on the 12th?"],
            "on the 12th [12 September 2027]",
        ),
    ],
)  # fmt: skip
def test_a_bare_day_takes_the_month_named_in_the_turns_just_before(
    turns: list[str], expected: str
) -> None:
    assert expected in _thread(turns)[-1]


def test_a_bare_day_takes_the_month_named_earlier_in_the_same_message() -> None:
    (text,) = _thread(["We did Kyoto in April. Landed on the 2nd, flew home on the 11th."])
    assert "on the 2nd [2 April 2027]" in text
    assert "on the 11th [11 April 2027]" in text


def test_a_span_of_bare_days_is_a_span_in_that_month() -> None:
    (text,) = _thread(["The Porto trip is in May. We're there from the 3rd to the 7th."])
    assert "the 3rd to the 7th [3-7 May 2028]" in text


def test_another_time_said_in_between_brings_the_talk_back_to_today() -> None:
    turns = ["We met in March, at Pia's party.", "Tomorrow I see her again!", "It's on the 14th."]
    assert _thread(turns)[-1].endswith("on the 14th [14 December 2027].")


def test_a_month_goes_out_of_view_after_turns_without_any_time() -> None:
    turns = ["My sister's birthday was in June.", *["ok", "sure", "haha"][:CARRY_TURNS]]
    assert "[14 June 2027]" in _thread([*turns, "the party was on the 14th"])[-1]
    quiet = [*turns, "nice"]
    assert "[14 November 2027]" in _thread([*quiet, "the party was on the 14th"])[-1]


def test_a_turn_said_days_later_does_not_carry_the_month() -> None:
    thread = DateThread()
    thread.annotate("We go skiing in February.", EARLY_DEC)
    later = thread.annotate("the boiler man comes on the 14th", EARLY_DEC + timedelta(days=5))
    assert later.endswith("[14 December 2027]")


def test_the_month_it_is_said_in_keeps_todays_rule() -> None:
    # in view: December, said in December; a past 28th is November's, as without the rule
    turns = ["We moved in December, finally.", "the first bill came on the 28th"]
    assert _thread(turns)[-1].endswith("[28 November 2027]")


def test_a_day_not_in_the_month_in_view_keeps_todays_rule() -> None:
    turns = ["We fly out in April.", "the 31st? no, we leave on the 31st of next month"]
    assert "on the 31st of next month [31 January 2028]" in _thread(turns)[-1]
    visa = _thread(["We fly out in April.", "the visa ends on the 31st"])
    assert "[31 December 2027]" in visa[-1]
