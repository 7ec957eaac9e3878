"""Differences of clock durations (``durations.py`` read by ``difference.py``).

All messages are invented, in several styles (terse, lower case with typos, non-native).
"""

from __future__ import annotations

from functools import partial

import pytest

from mirix_py._chat.difference import quantities
from mirix_py._chat.durations import clock, durations, spoken
from tests.unit.chat.helpers import answer_text, said

_said = partial(said, actor="Wren")


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("Finished the canal half in 1:51:09, legs gone.", 6669),
        ("my 5k is down to 26:14 now", 1574),
        ("the ferry took 3h 05m, rough sea", 11100),
        ("Bus is 1 hr 58 min to the coast.", 7080),
        ("we was walking 2 hours and 10 minutes in the forest", 7800),
        ("plank record 3m20s!!", 200),
        ("train 1h47 door to door", 6420),
    ],
)
def test_a_duration_is_read_in_seconds(text: str, seconds: int) -> None:
    (found,) = durations(text)
    assert found.seconds == seconds


@pytest.mark.parametrize(
    "text",
    [
        "the call is at 4:29, don't be late",
        "Dinner 7:30 pm at Kaya's.",
        "doors open from 18:00",
        "yoga from 9:30 to 10:45 on tuesdays",
        "we ran 5 m then stopped",  # one unit only: an ordinary quantity
        "score was 3:1 in the end",
        "5 mins 2 hours",  # units out of order
    ],
)
def test_times_of_day_and_single_units_are_no_durations(text: str) -> None:
    assert durations(text) == []


def test_a_duration_is_one_quantity_and_its_parts_are_not_read_again() -> None:
    found = quantities("The ferry took 3h 05m, and cost 40 euros.", 1, frozenset())
    assert [(q.kind, q.value) for q in found] == [("duration", 11100.0), ("unit:euro", 40.0)]


def test_spoken_and_clock_forms() -> None:
    assert spoken(269) == "4 minutes 29 seconds"
    assert clock(269) == "4:29"
    assert spoken(3725) == "1 hour 2 minutes 5 seconds"
    assert clock(3725) == "1:02:05"
    assert spoken(60) == "1 minute"


def test_how_much_faster_gives_the_difference_in_words_and_as_a_clock() -> None:
    text = answer_text(
        "How much faster was Wren's canal half marathon this year than last year?",
        _said("Last year's canal half marathon: 1:51:09, never again lol", 2),
        _said("I did the canal half marathon in 1:46:40 this year, so happy", 9),
        _said("The canal path is 21 km, flat all the way.", 10),
    )
    assert text.startswith("4 minutes 29 seconds (4:29)")
    assert "1:51:09" in text and "1:46:40" in text


def test_durations_in_units_are_compared_in_words() -> None:
    text = answer_text(
        "How much longer is the ferry to Vela than the ferry to Brac?",
        _said("ferry to Vela is 3h 05m, bring pills", 2),
        _said("Ferry to Brac takes 2 h 58 min only.", 4),
    )
    assert text.startswith("7 minutes (3h 05m vs 2 h 58 min)")


def test_a_single_unit_is_compared_with_a_clock_duration() -> None:
    text = answer_text(
        "How many minutes slower was Wren's 10k in the rain?",
        _said("my normal 10k take 52 minutes", 2),
        _said("10k in the rain today, 58:40, so slow", 9),
    )
    assert text.startswith("6 minutes 40 seconds (6:40)")
