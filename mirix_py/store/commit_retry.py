"""Bounded retries for LanceDB commits that lost a race with another writer.

Several processes (or machines sharing object storage) commit to the same
tables. Lance orders commits with a conditional write and retries a conflicting
commit itself (for up to ``LANCE_COMMIT_RETRY_TIMEOUT_SECS``); when it gives up —
a "retryable commit conflict", an "incompatible transaction" against a
concurrent rewrite, or a data file that a concurrent clean-up just removed — the
whole operation is safe to run again: every write here is declarative (an
upsert on the declared key, an append of new ids, an update or delete by
filter). :func:`retry_commit` runs it again with exponential back-off and
jitter, a bounded number of times, then lets the error through.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable
from typing import TypeVar

import structlog

log = structlog.get_logger(__name__)
T = TypeVar("T")

_CONFLICT = re.compile(
    r"commit conflict|incompatible transaction|conflicting transaction|"
    r"concurrent (?:transaction|write)|retryable|too many concurrent writers|"
    r"not found: .*\.(?:arrow|lance|manifest|txn)",
    re.IGNORECASE,
)


def is_commit_conflict(error: BaseException) -> bool:
    """True when ``error`` is a lost commit race that a re-run can win."""
    return isinstance(error, RuntimeError | OSError | ValueError) and bool(
        _CONFLICT.search(str(error))
    )


def retry_commit(
    fn: Callable[[], T],
    *,
    what: str,
    attempts: int = 5,
    base_delay: float = 0.05,
    max_delay: float = 2.0,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run ``fn``; on a commit conflict run it again (at most ``attempts`` times in all)."""
    for attempt in range(1, attempts + 1):
        try:
            return fn()
        except Exception as exc:
            if attempt == attempts or not is_commit_conflict(exc):
                raise
            delay = min(max_delay, base_delay * 2 ** (attempt - 1)) * (0.5 + random.random())
            log.debug(
                "store.commit_retried",
                what=what,
                attempt=attempt,
                delay_ms=round(delay * 1000),
                error_type=type(exc).__name__,
            )
            sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover
