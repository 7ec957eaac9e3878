"""A range whose end is a day of the month alone ("March 3rd to the 7th") is a range.

All sentences are invented, in several styles (terse, lower case, non-native).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from mirix_py._temporal import resolve_time_expressions

MID_JAN = datetime(2027, 1, 20, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("We're in Faro march 3rd through the 7th.", date(2027, 3, 3), date(2027, 3, 7)),
        ("from mar 3 to the 7th we are by my parents", date(2027, 3, 3), date(2027, 3, 7)),
        ("Ski week: Feb 27 - the 3rd, then back to work", date(2027, 2, 27), date(2027, 3, 3)),
    ],
)
def test_a_range_ending_on_the_nth_is_one_range(text: str, first: date, last: date) -> None:
    (mention,) = resolve_time_expressions(text, MID_JAN)
    assert (mention.start.date(), mention.end.date()) == (
        first,
        date.fromordinal(last.toordinal() + 1),
    )


def test_the_nth_that_names_something_else_ends_no_range() -> None:
    (mention,) = resolve_time_expressions("From May 3 to the 4th floor the lift is out.", MID_JAN)
    assert mention.text == "May 3"
