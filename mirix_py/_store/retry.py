"""Bounded, jittered retries of LanceDB commits that lost a race with another writer."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

import structlog

log = structlog.get_logger(__name__)
T = TypeVar("T")
_RETRYABLE = ("conflict", "retry", "commit", "concurrent", "incompatible transaction")


def retrying(
    fn: Callable[[], T], *, retries: int, what: str, counter: list[int] | None = None
) -> T:
    """Run ``fn``, retrying commit conflicts with bounded, jittered backoff.

    Other errors, and the last conflict, are raised. ``counter[0]`` counts retries.
    """
    delay = 0.05
    for attempt in range(retries + 1):
        try:
            return fn()
        except Exception as exc:  # LanceDB raises plain errors for commit conflicts
            text = str(exc).lower()
            retryable = any(w in text for w in _RETRYABLE)
            if not retryable or attempt == retries:
                raise
            if counter is not None:
                counter[0] += 1
            log.info("store.commit_retry", step=what, attempt=attempt + 1, error=str(exc)[:200])
            time.sleep(delay * (1 + random.random()))
            delay = min(delay * 2, 2.0)
    raise AssertionError("unreachable")  # pragma: no cover
