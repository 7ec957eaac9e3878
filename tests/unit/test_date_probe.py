"""A demanding user's dates: weekdays relative to another stated day, arranged days,
fortnights, edges of months, holidays, moves, said on a known day (issue #17 item 5)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from mirix_py._temporal import resolve_time_expressions

TUE = datetime(2026, 12, 1, 9, tzinfo=UTC)  # a Tuesday
THU = datetime(2026, 12, 3, 9, tzinfo=UTC)
FRI = datetime(2026, 12, 4, 9, tzinfo=UTC)
SAT = datetime(2026, 12, 5, 9, tzinfo=UTC)
MID_DEC = datetime(2026, 12, 10, 9, tzinfo=UTC)
JAN = datetime(2027, 1, 5, 9, tzinfo=UTC)
OCT = datetime(2026, 10, 10, 9, tzinfo=UTC)
MAY = datetime(2026, 5, 20, 9, tzinfo=UTC)


def _days(text: str, anchor: datetime) -> list[tuple[str, date, date]]:
    """Each mention as (text, first day, last day)."""
    return [
        (m.text, m.start.date(), date.fromordinal(m.end.date().toordinal() - 1))
        for m in resolve_time_expressions(text, anchor)
    ]


def _day(text: str, anchor: datetime) -> date:
    (mention,) = resolve_time_expressions(text, anchor)
    return mention.start.date()


def test_a_weekday_booked_on_another_weekday_is_still_to_come() -> None:
    assert _days("On Monday I booked the table for Friday.", TUE) == [
        ("Monday", date(2026, 11, 30), date(2026, 11, 30)),
        ("Friday", date(2026, 12, 4), date(2026, 12, 4)),
    ]


@pytest.mark.parametrize(
    ("text", "anchor", "expected"),
    [
        ("I booked the table for Friday.", TUE, date(2026, 12, 4)),
        ("I got tickets for Saturday.", TUE, date(2026, 12, 5)),
        ("Noor signed up for Saturday's relay.", TUE, date(2026, 12, 5)),
        ("We registered the boat on Friday, it is official.", TUE, date(2026, 11, 27)),
        ("The quiz night is on Saturday.", TUE, date(2026, 12, 5)),  # present: the coming one
        ("Vet appointment on Thursday", TUE, date(2026, 12, 3)),  # no tense: the nearer one
        ("Vet appointment on Thursday", SAT, date(2026, 12, 3)),
        ("The stall stays open through Sunday.", TUE, date(2026, 12, 6)),
        ("We painted the shed on Saturday.", TUE, date(2026, 11, 28)),  # past stays past
        ("We're going bowling next Friday.", FRI, date(2026, 12, 11)),
        ("We're going bowling next Friday.", THU, date(2026, 12, 11)),  # not tomorrow
        ("We're going bowling next Friday.", TUE, date(2026, 12, 4)),
    ],
)
def test_a_weekday_takes_the_occurrence_its_tense_and_cues_imply(
    text: str, anchor: datetime, expected: date
) -> None:
    assert _day(text, anchor) == expected


def test_a_day_and_month_that_opens_a_booking_sentence_is_the_booking_day() -> None:
    assert _day("On 2 May I booked ferry tickets to Kos.", MAY) == date(2026, 5, 2)
    assert _day("On the 2nd I booked ferry tickets to Kos.", MAY) == date(2026, 5, 2)
    assert _day("I booked ferry tickets for 14 November.", OCT) == date(2026, 11, 14)


@pytest.mark.parametrize(
    ("text", "anchor", "first", "last"),
    [
        ("The recital is a fortnight from Saturday.", TUE, date(2026, 12, 19), None),
        ("The recital is in a fortnight.", TUE, date(2026, 12, 15), None),
        ("Two weeks from Monday I start at the bakery.", TUE, date(2026, 12, 21), None),
        ("The essay is due by the end of the month.", MID_DEC, date(2026, 12, 31), None),
        ("I'll move out at the start of next month.", MID_DEC, date(2027, 1, 1), None),
        ("Rent is due on the 3rd of next month.", TUE, date(2027, 1, 3), None),
        ("I'm away from the 12th to the 15th.", TUE, date(2026, 12, 12), date(2026, 12, 15)),
        ("I'm in Tromsø 12–15 June.", TUE, date(2027, 6, 12), date(2027, 6, 15)),
        ("I'll be in Cork Tuesday to Thursday.", TUE, date(2026, 12, 8), date(2026, 12, 10)),
        ("We reserved a cabin for the 3rd to the 6th.", TUE, date(2026, 12, 3), date(2026, 12, 6)),
    ],
)
def test_counted_days_edges_and_ranges(
    text: str, anchor: datetime, first: date, last: date | None
) -> None:
    ((_, start, end),) = _days(text, anchor)
    assert (start, end) == (first, last or first)


@pytest.mark.parametrize(
    ("text", "anchor", "expected"),
    [
        ("We'll have the neighbours over on Christmas Eve.", TUE, date(2026, 12, 24)),
        ("We had the neighbours over on Christmas Eve.", JAN, date(2026, 12, 24)),
        ("The fireworks party is on New Year's Day.", TUE, date(2027, 1, 1)),
        ("We're visiting my aunt at Easter.", TUE, date(2027, 3, 28)),
        ("We visited my aunt at Easter.", TUE, date(2026, 4, 5)),
        ("Last Halloween the kids dressed as owls.", TUE, date(2026, 10, 31)),
    ],
)
def test_holidays_resolve_like_a_day_and_month(text: str, anchor: datetime, expected: date) -> None:
    assert _day(text, anchor) == expected


def test_a_holiday_naming_something_else_is_no_date() -> None:
    assert resolve_time_expressions("We bought a Christmas tree and Easter eggs.", TUE) == []
    assert resolve_time_expressions("Christmas dinner was loud.", TUE) == []


@pytest.mark.parametrize(
    ("text", "anchor", "expected"),
    [
        ("The hearing was postponed to the 20th.", TUE, date(2026, 12, 20)),
        ("They moved the hearing to the 9th.", MID_DEC, date(2027, 1, 9)),
        ("The wedding has been moved to June 20.", TUE, date(2027, 6, 20)),
    ],
)
def test_a_moved_plan_lands_on_the_coming_day(text: str, anchor: datetime, expected: date) -> None:
    assert _day(text, anchor) == expected


def test_an_ordinal_after_to_or_for_that_is_no_date_is_left_alone() -> None:
    assert resolve_time_expressions("We walked up to the 3rd floor.", TUE) == []
    assert resolve_time_expressions("She won it for the 2nd time.", TUE) == []


@pytest.mark.parametrize(
    ("text", "anchor", "expected"),
    [
        ("We went skiing last December.", MID_DEC, date(2025, 12, 1)),
        ("We went skiing last December.", OCT, date(2025, 12, 1)),
        ("I went to Porto on November 14.", OCT, date(2025, 11, 14)),
        ("I'm going to Porto on March 3.", OCT, date(2027, 3, 3)),
        ("I went to Porto on March 3.", OCT, date(2026, 3, 3)),
    ],
)
def test_a_month_or_day_without_a_year_follows_its_tense(
    text: str, anchor: datetime, expected: date
) -> None:
    assert _day(text, anchor) == expected


def test_easter_days_and_a_plan_told_in_the_past_keep_their_coming_holiday() -> None:
    text = "Over Easter I fly to Gdynia, from Good Friday to Easter Monday."
    assert _days(text, datetime(2026, 2, 23, tzinfo=UTC)) == [
        ("Easter", date(2026, 4, 5), date(2026, 4, 5)),
        ("Good Friday", date(2026, 4, 3), date(2026, 4, 3)),
        ("Easter Monday", date(2026, 4, 6), date(2026, 4, 6)),
    ]
    planned = "We wanted to open the shop at Easter, but the tiler is ill."
    assert _day(planned, datetime(2026, 2, 10, tzinfo=UTC)) == date(2026, 4, 5)


def test_the_weekday_after_some_other_day_is_left_unresolved() -> None:
    text = "The party is on the 14th and the raffle is the Tuesday after, so wait."
    assert [m.text for m in resolve_time_expressions(text, TUE)] == ["the 14th"]


def test_a_holiday_restated_as_a_date_is_dated_once() -> None:
    text = "We hoped to open at Easter, the 5th of April, but the tiler is ill."
    spans = _days(text, datetime(2026, 2, 10, tzinfo=UTC))
    assert spans == [("the 5th of April", date(2026, 4, 5), date(2026, 4, 5))]
