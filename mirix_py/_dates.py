"""How dates are written, in one place.

Two styles, each with its use:

- :func:`short_date` (``7 May 2023``, ``7 Jan 2023``): memory renderings and the
  dates shown to the models;
- :func:`full_date` (``7 January 2023``): the chat context, answers and summaries,
  with the month spelled out as in the date annotations of :mod:`mirix_py._temporal`
  (a context read for "January" finds it, at a few characters per session);

and :func:`collapse_dates` for sets of days as compact ranges
(``1–5 May 2023, 9 June 2023``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

MAX_SEGMENTS = 6
"""At most this many ranges are spelled out; the rest are summarised as ``+N more days``."""


def short_date(value: date | datetime) -> str:
    """``7 May 2023`` (abbreviated month: ``7 Jan 2023``)."""
    return f"{value.day} {value.strftime('%b %Y')}"


def full_date(value: date | datetime) -> str:
    """``7 January 2023`` (month spelled out)."""
    return f"{value.day} {value.strftime('%B %Y')}"


def dated_with_weekday(value: datetime) -> str:
    """``7 May 2023 (Sunday)``: the date line given to the models."""
    return f"{short_date(value)} ({value.strftime('%A')})"


_day = full_date


def _segment(first: date, last: date) -> str:
    if first == last:
        return _day(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last.day} {last.strftime('%B %Y')}"
    if first.year == last.year:
        return f"{first.day} {first.strftime('%B')} – {_day(last)}"
    return f"{_day(first)} – {_day(last)}"


def day_runs(days: Iterable[date]) -> list[tuple[date, date]]:
    """Runs of consecutive days, in order: ``[(1 May, 5 May), (9 May, 9 May)]``."""
    runs: list[tuple[date, date]] = []
    for day in sorted(set(days)):
        if runs and day - runs[-1][1] == timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def collapse_dates(days: Iterable[date], *, max_segments: int = MAX_SEGMENTS) -> str:
    """``"1–5 May 2023, 9 May 2023"``; consecutive days become one range.

    Beyond ``max_segments`` ranges the latest ones are shown and the earlier
    days counted (``"+4 earlier days, 2–3 Jun 2023, …"``), so the text stays short.
    """
    runs = day_runs(days)
    if not runs:
        return ""
    shown = runs[-max_segments:]
    hidden = runs[: len(runs) - len(shown)]
    parts = [_segment(a, b) for a, b in shown]
    if hidden:
        count = sum((b - a).days + 1 for a, b in hidden)
        parts.insert(0, f"+{count} earlier day{'s' if count != 1 else ''}")
    return ", ".join(parts)


def span_text(days: Iterable[date]) -> str:
    """The first and last day as one range (``"28 Apr – 3 May 2023"``)."""
    ordered = sorted(set(days))
    return _segment(ordered[0], ordered[-1]) if ordered else ""
