"""Running consolidation automatically after every N ingested messages per user.

``retention.consolidate_every_n_messages`` sets N (``null``: off). The facade
tells the trigger how many messages each ``add`` ingested; when a user's count
reaches N it is reset and consolidation runs for that user — inline, or on one
worker thread with ``retention.background`` (runs are serialised; a user whose
run is already queued is not queued twice). A background run can interleave
with later ``add`` calls of the same user: every store write is serialised and
nothing is deleted, but a record the write path rewrites while clean-up retires
it may come back current (the next run resolves it again). Inline is the default.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import structlog

log = structlog.get_logger(__name__)


class ConsolidationTrigger:
    """Counts ingested messages per user and runs ``run(user_id)`` every ``every`` of them."""

    def __init__(
        self, run: Callable[[str], Any], *, every: int | None, background: bool = False
    ) -> None:
        self._run = run
        self.every = every
        self.background = background
        self._counts: dict[str, int] = {}
        self._queued: set[str] = set()
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None
        self._futures: list[Future[Any]] = []

    def after_add(self, user_id: str, count: int) -> Any:
        """Note ``count`` new messages of ``user_id``; run (or queue) consolidation when
        due. Returns the report of an inline run, a ``Future`` when queued, else None."""
        if not self.every or count <= 0:
            return None
        with self._lock:
            total = self._counts.get(user_id, 0) + count
            if total < self.every:
                self._counts[user_id] = total
                return None
            self._counts[user_id] = 0
            log.info(
                "consolidation.triggered",
                user_id=user_id,
                messages=total,
                background=self.background,
            )
            if self.background:
                if user_id in self._queued:
                    return None
                self._queued.add(user_id)
                if self._pool is None:
                    self._pool = ThreadPoolExecutor(
                        max_workers=1, thread_name_prefix="mirix-consolidate"
                    )
                future = self._pool.submit(self._guarded, user_id)
                self._futures = [f for f in self._futures if not f.done()] + [future]
                return future
        return self._run(user_id)

    def _guarded(self, user_id: str) -> Any:
        with self._lock:
            self._queued.discard(user_id)
        try:
            return self._run(user_id)
        except Exception as exc:  # a background failure is logged, never lost silently
            log.error("consolidation.failed", user_id=user_id, error=f"{type(exc).__name__}: {exc}")
            return None

    def pending(self, user_id: str) -> int:
        """Messages counted towards the next run for ``user_id``."""
        with self._lock:
            return self._counts.get(user_id, 0)

    def wait(self) -> None:
        """Block until queued background runs have finished."""
        with self._lock:
            futures = list(self._futures)
        for future in futures:
            future.result()

    def close(self) -> None:
        """Finish queued runs and stop the worker thread."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)
