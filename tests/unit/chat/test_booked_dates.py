"""Asked when an arranged event is, the event's date, not the day it was booked.

All messages are invented, in several styles (terse, lower case with typos, non-native).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mirix_py._chat.booked_dates import booking_dates
from mirix_py._chat.models import Hit
from mirix_py._temporal import annotate_text
from tests.unit.chat.helpers import answer_text, said


def _told(text: str, day: int = 3) -> Hit:
    """A message of Oona's said on ``day`` May 2024, annotated as the write path does."""
    return said(annotate_text(text, datetime(2024, 5, day, 12, tzinfo=UTC)), day, actor="Oona")


@pytest.mark.parametrize(
    ("question", "message", "expected"),
    [
        (
            "When is Oona's Skye trip?",
            "Booked our Skye trip today! We drive up 14 to 21 June.",
            "14 to 21 June 2024",
        ),
        (
            "When is the Skye trip?",
            "just booked skye trip yesterday, its the 14th till 21st june",
            "14 to 21 June 2024",
        ),
        (
            "When does Oona leave for Skye?",
            "We have booked Skye last week, we are leaving June 14.",
            "14 June 2024",
        ),
        (
            "When is the Tartu half marathon?",
            "registerd for the Tartu half marathon 2 days ago, race day 8 sept",
            "8 September 2024",
        ),
        (
            "When is the opera?",
            "got the tickets this morning!! opera is 9 august, Tosca",
            "9 August 2024",
        ),
    ],
)
def test_a_when_question_gets_the_events_date_not_the_bookings(
    question: str, message: str, expected: str
) -> None:
    assert answer_text(question, _told(message)) == expected


def test_asked_when_it_was_booked_the_booking_day_stays() -> None:
    message = _told("just booked skye trip yesterday, its the 14th till 21st june")
    assert answer_text("When did Oona book the Skye trip?", message) == "2 May 2024"


def test_a_past_event_said_with_another_date_is_no_booking() -> None:
    message = _told("Went to the opera yesterday, wow! The next one is 9 august")
    assert answer_text("When did Oona go to the opera?", message) == "2 May 2024"


def test_a_time_after_for_is_the_events_not_the_bookings() -> None:
    text = annotate_text(
        "Booked a table for Friday at Lumo, and the cinema for Saturday.",
        datetime(2024, 5, 6, 12, tzinfo=UTC),  # a Monday: both days just gone
    )
    assert booking_dates(text, datetime(2024, 5, 6, 12, tzinfo=UTC)) == set()
