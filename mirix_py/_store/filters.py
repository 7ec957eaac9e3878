"""Building LanceDB filter strings safely.

LanceDB filters are SQL text. Caller values are never spliced in raw: strings go
through :func:`sql_str` (validated, quotes doubled) and times are integers.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from mirix_py._ids import validate_user_id
from mirix_py._memory.base import as_utc


def sql_str(value: str) -> str:
    """A SQL string literal for ``value``: single quotes doubled, control chars rejected."""
    validate_user_id(value, field="filter value")
    return "'" + value.replace("'", "''") + "'"


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def to_micros(value: datetime) -> int:
    """Epoch microseconds (UTC) for a datetime, exactly (no float rounding)."""
    return (as_utc(value) - EPOCH) // _MICROSECOND


def from_micros(value: int) -> datetime:
    """The UTC datetime for epoch microseconds; inverse of :func:`to_micros`."""
    return EPOCH + timedelta(microseconds=value)


def user_filter(user_id: str) -> str:
    """``user_id = '<escaped>'``."""
    return f"user_id = {sql_str(user_id)}"


def in_list(column: str, values: Iterable[str]) -> str:
    """``column IN ('a', 'b')`` with every value escaped."""
    items = ", ".join(sql_str(v) for v in values)
    return f"{column} IN ({items})" if items else "false"


def time_filter(
    *,
    start: datetime | None,
    end: datetime | None,
    include_superseded: bool,
    as_of: datetime | None,
) -> list[str]:
    """Clauses for an occurred-at range and for validity (current, or as of a time)."""
    clauses: list[str] = []
    if start is not None:
        clauses.append(f"occurred_at >= {to_micros(start)}")
    if end is not None:
        clauses.append(f"occurred_at < {to_micros(end)}")
    if as_of is not None:
        t = to_micros(as_of)
        clauses.append(f"valid_from <= {t} AND (valid_to IS NULL OR valid_to > {t})")
    elif not include_superseded:
        clauses.append(CURRENT)
    return clauses


CURRENT = "valid_to IS NULL"
"""The validity clause of current rows, answered through the ``valid_to`` index."""

CURRENT_UNINDEXED = "(valid_to + 0) IS NULL"
"""The same rows, checked row by row on what the other clauses selected: an
expression over the column keeps LanceDB from using the ``valid_to`` index, whose
answer (every current row of the table) costs more to intersect than it saves when
the other clauses select a small owner (measured at 1M rows, 100 per owner: 17 ms
vs 3 ms per vector search)."""


def unindexed_validity(clauses: Iterable[str]) -> list[str]:
    """``clauses`` with the current-rows clause checked row by row, not by index."""
    return [CURRENT_UNINDEXED if c == CURRENT else c for c in clauses]


def conjoin(clauses: Iterable[str]) -> str:
    """AND together clauses, each parenthesised."""
    return " AND ".join(f"({c})" for c in clauses)
