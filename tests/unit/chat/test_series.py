"""The last reading of a value told once with its unit and later as bare numbers."""

from __future__ import annotations

import pytest

from mirix_py._chat.series import asks_reading, latest_reading
from tests.unit.chat.helpers import answer_text, said


def test_the_last_bare_reading_answers_what_holds_now_lowercase() -> None:
    hits = [
        said("hi! rosa here, 52, retired. trying to get fitter. now 88.5 kg", 2, actor="Rosa"),
        said("Welcome Rosa! Let's start with walking.", 2, actor="Helper"),
        said("87.2 this morning :)", 9, actor="Rosa"),
        said("That is steady progress.", 9, actor="Helper"),
        said("ok walked 5 km today. 85.9 now", 20, actor="Rosa"),
    ]
    assert "85.9" in answer_text("What is Rosa's current weight?", *hits)
    assert "85.9" in answer_text("What is Rosa's most recent weight?", *hits)


def test_the_first_value_still_answers_a_question_for_the_starting_one() -> None:
    hits = [
        said("Starting point: I weigh 104 kg. Doctor says lose some.", 2, actor="Piet"),
        said("98 today, good week", 15, actor="Piet"),
    ]
    assert "104" in answer_text("What was Piet's starting weight?", *hits)


def test_a_count_told_again_as_a_bare_number() -> None:
    hits = [
        said("Our newsletter has 240 subscribers, mostly neighbours.", 3, actor="Wen"),
        said("Big news: 310 as of this week!", 12, actor="Wen"),
        said("Lovely. Keep the posts short.", 12, actor="Assistant"),
        said("we're at 355 finally", 19, actor="Wen"),
    ]
    assert "355" in answer_text("How many newsletter subscribers does Wen have now?", *hits)


def test_a_price_series_keeps_its_currency_sign() -> None:
    hits = [
        said("The gym membership is £38 a month at the moment.", 1, actor="Dara"),
        said("They emailed, it's going up. Sigh.", 5, actor="Dara"),
        said("Confirmed - £41 from today", 14, actor="Dara"),
    ]
    assert "£41" in answer_text("How much is Dara's gym membership now?", *hits)


def _latest(first: str, anchor_text: str, *later: tuple[str, int, str]) -> str | None:
    """The reading :func:`latest_reading` finds after ``first`` told in ``anchor_text``."""
    anchor = said(anchor_text, 1, actor="Lu")
    told = [(0, anchor), *((i + 1, said(t, d, actor=a)) for i, (t, d, a) in enumerate(later))]
    found = latest_reading(first, anchor, anchor_text, told, frozenset({"weight"}))
    return None if found is None else found[1]


def test_the_bare_reading_takes_the_first_values_unit() -> None:
    assert _latest("232 lbs", "Currently 232 lbs.", ("down to 226 though!", 5, "Lu")) == "226 lbs"


@pytest.mark.parametrize(
    "later",
    [
        "2100 calories today",  # another measure
        "aiming for 200 by christmas",  # a goal
        "should I get to 210 first?",  # a question
        "paid 230 for the new bike",  # a number of something else
        "the 22nd works for me",  # an ordinal
        "was 240 back in march",  # an earlier value
        "6 weeks in",  # far from the value
        "lost the final 190 - 231",  # a score
        "another 150 this week",  # a change by an amount
        "the bank says 1.75% and 230 a month",  # a sentence of several numbers
        "230 a month",  # a rate, the value is none
    ],
)
def test_numbers_that_are_no_reading_are_passed_over(later: str) -> None:
    assert _latest("232 lbs", "Currently 232 lbs.", (later, 5, "Lu")) is None


def test_another_speakers_numbers_are_no_reading() -> None:
    assert _latest("232 lbs", "Currently 232 lbs.", ("225 today, nice work", 5, "Bot")) is None
    assert _latest("232 lbs", "Currently 232 lbs.", ("225 this week", 5, "Coach")) is None


def test_an_earlier_number_is_no_reading() -> None:
    anchor = said("im 80 kilo now", 9, actor="Lu")
    earlier = said("84 today", 2, actor="Lu")
    found = latest_reading("80 kilo", anchor, "im 80 kilo now", [(0, earlier), (1, anchor)], set())
    assert found is None


@pytest.mark.parametrize(
    ("question", "follows"),
    [
        ("What is Ada's weight now?", True),
        ("How many members does the club have at the moment?", True),
        ("What is Ada's goal weight?", False),
        ("What was her weight before the trip?", False),
        ("What is the maximum weight for the cabin bag?", False),
    ],
)
def test_asks_reading(question: str, follows: bool) -> None:
    assert asks_reading(question) is follows
