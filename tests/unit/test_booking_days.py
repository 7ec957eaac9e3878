"""A thing arranged on one day for another: the two dates are read together (``_tense.py``).

"Booked the boat on 3 August, for 9 September": the day of the booking comes before the
day booked, and both are the occurrences the sentence means, never a year apart.
All sentences are invented.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from mirix_py._temporal import resolve_time_expressions


def _days(text: str, anchor: datetime) -> list[date]:
    return [m.start.date() for m in resolve_time_expressions(text, anchor)]


PAIRS = [
    "We booked the ferry to Hvar on 3 August, for 9 September.",
    "i paid the deposit on 3 aug for the 9 sept sailing",
    "On 3 August I reserved the cabin for 9 September.",
    "Reserved the cabin on the 3rd of August and we sail on 9 September!",
]


@pytest.mark.parametrize("text", PAIRS)
@pytest.mark.parametrize(
    "said",
    [
        datetime(2031, 6, 20, tzinfo=UTC),  # both ahead: this year's, not last year's
        datetime(2031, 8, 20, tzinfo=UTC),  # booked 17 days ago, not next year
        datetime(2031, 9, 1, tzinfo=UTC),
    ],
)
def test_the_booking_day_and_the_day_booked_are_this_years(text: str, said: datetime) -> None:
    assert _days(text, said) == [date(2031, 8, 3), date(2031, 9, 9)]


def test_the_booking_day_never_falls_after_the_day_booked() -> None:
    for month in range(1, 13):
        said = datetime(2031, month, 15, tzinfo=UTC)
        for text in PAIRS:
            booked_on, booked_for = _days(text, said)
            assert booked_on <= booked_for, (text, said)
            assert (booked_for - booked_on).days < 366, (text, said)


def test_a_range_booked_moves_as_a_whole_and_a_said_year_is_kept() -> None:
    (on, stay) = resolve_time_expressions(
        "We booked the villa on 3 August for 9-16 September.", datetime(2031, 8, 20, tzinfo=UTC)
    )
    assert on.start.date() == date(2031, 8, 3)
    assert (stay.start.date(), stay.end.date()) == (date(2031, 9, 9), date(2031, 9, 17))
    kept = _days("I booked it on 3 August 2029 for 9 September.", datetime(2031, 8, 20, tzinfo=UTC))
    assert kept[0] == date(2029, 8, 3)


def test_two_dates_without_an_arrangement_are_left_alone() -> None:
    # no booking verb and no "for": each date keeps its own reading
    said = datetime(2031, 8, 20, tzinfo=UTC)
    assert _days("We met on 3 August and again on 9 September.", said) == [
        date(2031, 8, 3),
        date(2030, 9, 9),
    ]


def test_days_named_without_a_month_are_read_from_the_message() -> None:
    said = datetime(2031, 5, 20, tzinfo=UTC)  # a Tuesday
    monday, friday = _days("On Monday I booked the table for Friday.", said)
    assert monday == date(2031, 5, 19)
    assert abs((friday - said.date()).days) < 7  # a weekday is never moved by a year
