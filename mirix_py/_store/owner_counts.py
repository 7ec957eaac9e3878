"""A small, short-lived cache of owners' row counts per table.

Search asks how many rows the querying owner has in a table to choose between
the ANN index and flat search (:data:`mirix_py._store.ann.ANN_MIN_OWNER_ROWS`).
Counting is a query of its own, and it ran before every search, as one more
round trip. The choice only flips when an owner crosses the threshold, so a
count a few seconds old chooses just as well: counts are kept for
``ttl_seconds`` and at most ``max_entries`` of them (least recently used go
first), so memory never grows with the number of owners.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

DEFAULT_TTL_SECONDS = 30.0
DEFAULT_MAX_ENTRIES = 4096


class OwnerCounts:
    """Row counts by ``(table, owner)``, each reused for ``ttl_seconds``."""

    def __init__(
        self,
        *,
        ttl_seconds: float = DEFAULT_TTL_SECONDS,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl_seconds
        self._max = max(1, max_entries)
        self._clock = clock
        self._lock = threading.Lock()
        self._counts: OrderedDict[tuple[str, str | None], tuple[int, float]] = OrderedDict()

    def get(self, key: tuple[str, str | None], count: Callable[[], int]) -> int:
        """The cached count for ``key`` (``(table, owner)``; owner None: the whole
        table), or ``count()`` (then cached) when there is none younger than the time
        to live."""
        now = self._clock()
        with self._lock:
            cached = self._counts.get(key)
            if cached is not None and now - cached[1] < self._ttl:
                self._counts.move_to_end(key)
                return cached[0]
        value = count()
        with self._lock:
            self._counts[key] = (value, now)
            self._counts.move_to_end(key)
            while len(self._counts) > self._max:
                self._counts.popitem(last=False)
        return value

    def forget(self, table: str | None = None) -> None:
        """Drop the cached counts (of one table, or all)."""
        with self._lock:
            if table is None:
                self._counts.clear()
            else:
                for key in [k for k in self._counts if k[0] == table]:
                    del self._counts[key]
