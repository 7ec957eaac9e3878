"""A date offered, proposed or chosen is the one still to come (``_tense.py``).

All sentences are invented, in several styles (terse, lower case with typos, non-native).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from mirix_py._temporal import resolve_time_expressions

LATE_OCT = datetime(2027, 10, 21, 9, 30, tzinfo=UTC)
MID_NOV = datetime(2027, 11, 19, 9, 30, tzinfo=UTC)


def _day(text: str, anchor: datetime) -> date:
    (mention,) = resolve_time_expressions(text, anchor)
    assert mention.granularity == "day"
    return mention.start.date()


@pytest.mark.parametrize(
    "text",
    [
        "the hall is double booked so they offered 8 november instead",
        "Kestrel Dental offered me 8 November, I said yes.",
        "physio offerd 8 nov insted",  # typos: no past marker at all
        "The landlord proposed the 8th of November for the handover.",
        "my teacher suggested us a new date on 8 november for the exam",
        "we finaly settled on 8 nov for the house warming",
        "Council gave us 8 November for the bulky waste pickup.",
    ],
)
def test_a_date_offered_or_chosen_in_the_past_tense_is_the_coming_one(text: str) -> None:
    assert _day(text, LATE_OCT) == date(2027, 11, 8)


@pytest.mark.parametrize(
    "text",
    [
        "they offered 8 november instead",  # said eleven days after: the offer was for then
        "The landlord proposed the 8th of November for the handover.",
    ],
)
def test_a_date_offered_that_has_just_gone_stays_the_recent_one(text: str) -> None:
    assert _day(text, MID_NOV) == date(2027, 11, 8)


@pytest.mark.parametrize(
    "text",
    [
        "Dario proposed to me on 8 November, on the beach!",  # a proposal, not a date offered
        "They offered me the job on 8 November.",  # the offer's own day
        "we played it on 8 november instead, the gym was free",  # done, not offered
    ],
)
def test_other_past_events_on_that_day_stay_in_the_past(text: str) -> None:
    assert _day(text, LATE_OCT) == date(2026, 11, 8)
