"""Access counts gathered in memory and written in batches, off the read path.

Retention scores count how often a memory made it into an answer's context.
Writing that count on every question would put an UPDATE (a new table
version, under the global write lock) on the hot path of every chat. Instead
:class:`AccessBuffer` adds the accesses up in memory, per ``(user, memory
type, id)``, and hands them to a flush function in one batch:

- from a background thread, every ``interval`` seconds while anything is pending;
- at once when more than ``max_pending`` ids wait (bounded memory);
- whenever the owner asks (:meth:`AccessBuffer.flush`: before maintenance, before
  reading counts for retention, on close).

While the owner holds :meth:`AccessBuffer.held` (the maintenance step does, for
its run) the background thread writes nothing: an access-count UPDATE committing
in the middle of a compaction made Lance retry the compaction (and log a
warning); the counts wait for the hold to end (unless twice ``max_pending`` ids
pile up meanwhile).

A flush that fails puts its counts back, so a clean close loses nothing (an
interpreter that exits without closing flushes at exit too); a crash loses at
most one interval of access counts (bookkeeping, not memories).
"""

from __future__ import annotations

import atexit
import functools
import threading
import weakref
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager

import structlog

log = structlog.get_logger(__name__)

PendingKey = tuple[str, str]
"""``(user_id, memory_type)``."""

FlushFn = Callable[[Mapping[PendingKey, Counter[str]]], int]


class AccessBuffer:
    """Accumulates access counts and flushes them in batches (see the module docstring)."""

    def __init__(self, flush: FlushFn, *, interval: float = 5.0, max_pending: int = 5000) -> None:
        self._flush_fn = flush
        self._interval = interval
        self._max_pending = max_pending
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._pending: dict[PendingKey, Counter[str]] = {}
        self._size = 0
        self._holds = 0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._at_exit = functools.partial(_flush_at_exit, weakref.ref(self))
        atexit.register(self._at_exit)

    @property
    def pending(self) -> int:
        """Distinct ids waiting to be written."""
        with self._lock:
            return self._size

    def add(self, user_id: str, memory_type: str, memory_ids: Iterable[str]) -> int:
        """Count one access for each distinct id; returns how many were counted."""
        ids = list(dict.fromkeys(memory_ids))
        if not ids:
            return 0
        with self._lock:
            counter = self._pending.setdefault((user_id, memory_type), Counter())
            before = len(counter)
            counter.update(ids)
            self._size += len(counter) - before
            full = self._size >= self._max_pending
        self._ensure_thread()
        if full:
            self._wake.set()
        return len(ids)

    def _take(self) -> dict[PendingKey, Counter[str]]:
        with self._lock:
            taken, self._pending, self._size = self._pending, {}, 0
        return taken

    def _put_back(self, taken: Mapping[PendingKey, Counter[str]]) -> None:
        with self._lock:
            for key, counts in taken.items():
                counter = self._pending.setdefault(key, Counter())
                before = len(counter)
                counter.update(counts)
                self._size += len(counter) - before

    @contextmanager
    def held(self) -> Iterator[None]:
        """Keep the background thread from writing while the block runs (explicit
        :meth:`flush` calls still write); pending counts are written after it."""
        with self._lock:
            self._holds += 1
        try:
            yield
        finally:
            with self._lock:
                self._holds -= 1
                wake = self._holds == 0 and self._size > 0
            if wake:
                self._wake.set()

    def _deferred(self) -> bool:
        with self._lock:
            return self._holds > 0 and self._size < 2 * self._max_pending

    def discard(self) -> None:
        """Drop every pending count (the tables they belong to are gone)."""
        self._take()

    def flush(self) -> int:
        """Write every pending count now; returns the rows updated. Raises if the
        write fails (the counts are kept for the next flush)."""
        with self._flush_lock:
            taken = self._take()
            if not taken:
                return 0
            try:
                return self._flush_fn(taken)
            except Exception:
                self._put_back(taken)
                raise

    def _ensure_thread(self) -> None:
        if self._thread is not None or self._stop.is_set():
            return
        with self._lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(
                target=self._loop, name="mirix-access-flush", daemon=True
            )
            self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self._interval)
            self._wake.clear()
            if self._stop.is_set():
                break
            if self._deferred():
                continue
            try:
                self.flush()
            except Exception as exc:  # bookkeeping never fails a caller; retried later
                log.warning("memory.access_flush_failed", error=f"{type(exc).__name__}: {exc}")

    def close(self) -> int:
        """Stop the thread and write what is pending; returns the rows updated."""
        atexit.unregister(self._at_exit)
        self._stop.set()
        self._wake.set()
        thread = self._thread
        if thread is not None:
            thread.join()
        return self.flush()


def _flush_at_exit(ref: weakref.ref[AccessBuffer]) -> None:
    """Write what an unclosed buffer still holds when the interpreter exits."""
    buffer = ref()
    if buffer is None or buffer.pending == 0:
        return
    try:
        buffer.flush()
    except Exception as exc:  # the process is ending: report, never raise
        log.warning("memory.access_flush_failed", error=f"{type(exc).__name__}: {exc}")
