"""Collapsing dates into ranges."""

from __future__ import annotations

from datetime import date

from mirix_py._dates import collapse_dates, day_runs, span_text


def d(day: int, month: int = 5, year: int = 2023) -> date:
    return date(year, month, day)


def test_consecutive_days_become_one_range_and_gaps_split() -> None:
    days = [d(3), d(1), d(2), d(2), d(9), d(30), d(31), d(1, 6)]
    assert day_runs(days) == [(d(1), d(3)), (d(9), d(9)), (d(30), d(1, 6))]
    assert collapse_dates(days) == "1–3 May 2023, 9 May 2023, 30 May – 1 June 2023"


def test_ranges_across_years_and_single_days() -> None:
    assert collapse_dates([d(31, 12, 2022), d(1, 1, 2023)]) == "31 December 2022 – 1 January 2023"
    assert collapse_dates([d(7)]) == "7 May 2023"
    assert collapse_dates([]) == ""


def test_many_ranges_keep_the_latest_and_count_the_rest() -> None:
    days = [d(i) for i in range(1, 30, 2)]  # 15 separate days
    text = collapse_dates(days, max_segments=3)
    assert text == "+12 earlier days, 25 May 2023, 27 May 2023, 29 May 2023"


def test_span_text() -> None:
    assert span_text([d(9), d(28, 4)]) == "28 April – 9 May 2023"
    assert span_text([]) == ""
