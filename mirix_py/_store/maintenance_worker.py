"""Running the maintenance step in the background, by write volume and purge deadlines.

:class:`MaintenanceWorker` is one daemon thread. Writers call
:meth:`~MaintenanceWorker.note_writes`; once ``every_n_writes`` rows, or
``every_n_commits`` write operations (each leaves a small fragment and a table
version behind, however few rows it wrote), were written since the last run,
or when a pending purge needs its rewrite or final clean-up, the thread runs
:meth:`Maintainer.run`. It wakes at least every ``interval_seconds`` (other
processes may have queued purges). A failing run is logged and retried on the
next wake-up: maintenance never raises into a user's call.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import structlog

from mirix_py._config import MaintenanceConfig
from mirix_py._store.lease import lease_for
from mirix_py._store.maintenance import MaintainedStore, Maintainer, MaintenanceReceipt

log = structlog.get_logger(__name__)


class MaintenanceWorker:
    """A background thread driving a :class:`Maintainer`."""

    def __init__(self, maintainer: Maintainer) -> None:
        self._maintainer = maintainer
        self._config = maintainer.config
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._writes = 0
        self._commits = 0
        self._thread: threading.Thread | None = None
        self.last_receipt: MaintenanceReceipt | None = None

    def start(self) -> None:
        """Start the thread (idempotent)."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._loop, name="mirix-maintenance", daemon=True)
        self._thread.start()
        log.info("maintenance.worker_started", every_n_writes=self._config.every_n_writes)

    def note_writes(self, rows: int, operations: int = 1) -> None:
        """Count ``operations`` write operations of ``rows`` rows in all; wake the
        thread once enough rows or operations were written."""
        with self._lock:
            self._writes += rows
            self._commits += operations
            due = self._over_threshold()
        if due:
            self._wake.set()

    def poke(self) -> None:
        """Ask for a check now (e.g. after a forget queued a purge)."""
        self._wake.set()

    def _over_threshold(self) -> bool:
        return (
            self._writes >= self._config.every_n_writes
            or self._commits >= self._config.every_n_commits
        )

    def _due(self) -> bool:
        with self._lock:
            if self._over_threshold():
                return True
        wake = self._maintainer.next_wakeup()
        return wake is not None and wake <= datetime.now(UTC)

    def _timeout(self) -> float:
        wake = self._maintainer.next_wakeup()
        timeout = self._config.interval_seconds
        if wake is not None:
            timeout = min(timeout, max(0.0, (wake - datetime.now(UTC)).total_seconds()))
        return timeout

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self._wake.wait(self._timeout())
                self._wake.clear()
                if self._stop.is_set() or not self._due():
                    continue
                with self._lock:
                    self._writes = self._commits = 0
                self.last_receipt = self._maintainer.run()
            except Exception as exc:  # never let the thread die; try again later
                log.warning("maintenance.failed", error=str(exc)[:500])
                self._stop.wait(self._config.interval_seconds)

    def stop(self) -> None:
        """Stop the thread (waits for a running step to finish)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None


class MaintenanceService:
    """What the facade holds: the maintainer of its store and, if started, its worker."""

    def __init__(self, maintainer: Maintainer | None) -> None:
        self._maintainer = maintainer
        self._worker: MaintenanceWorker | None = None
        self._unstarted_writes = 0
        self._unstarted_commits = 0
        self._pending_lock = threading.Lock()

    @classmethod
    def for_store(cls, store: object, config: MaintenanceConfig) -> MaintenanceService:
        """A service for ``store``; inert if the store has no maintenance step."""
        if not isinstance(store, MaintainedStore):
            return cls(None)
        return cls(Maintainer(store, config, lease_for(store.uri, store.storage_options)))

    def run(self, *, purge_now: bool = False) -> MaintenanceReceipt:
        """One run now (``purge_now``: rewrite every pending purge, not only due ones)."""
        if self._maintainer is None:
            return MaintenanceReceipt(
                ran=False,
                reason="this store has no maintenance step",
                started_at=datetime.now(UTC),
                retention_seconds=0.0,
            )
        return self._maintainer.run(purge_everything=purge_now)

    def has_pending_purges(self) -> bool:
        """Whether forgotten bytes still wait for a purge."""
        return self._maintainer is not None and self._maintainer.next_wakeup() is not None

    def start(self) -> None:
        """Run maintenance in the background from now on (idempotent)."""
        if self._maintainer is not None and self._worker is None:
            self._worker = MaintenanceWorker(self._maintainer)
            self._worker.start()

    @property
    def background(self) -> bool:
        """Whether the background worker runs."""
        return self._worker is not None

    @property
    def last_receipt(self) -> MaintenanceReceipt | None:
        """The receipt of the background worker's latest run, if any."""
        return None if self._worker is None else self._worker.last_receipt

    def note_writes(self, rows: int) -> None:
        """Count one write operation of ``rows`` rows towards the next background run.

        With ``background: null`` (the default) a library that has written
        ``every_n_writes`` rows, or made ``every_n_commits`` writes, starts the
        worker itself: without compaction and index upkeep every add would get
        slower as the tables grow (many small adds leave many small fragments and
        rows outside the full-text index).
        """
        if self._worker is None:
            maintainer = self._maintainer
            if maintainer is None or maintainer.config.background is False:
                return
            with self._pending_lock:
                self._unstarted_writes += rows
                self._unstarted_commits += 1
                if (
                    self._unstarted_writes < maintainer.config.every_n_writes
                    and self._unstarted_commits < maintainer.config.every_n_commits
                ):
                    return
                rows, self._unstarted_writes = self._unstarted_writes, 0
                operations, self._unstarted_commits = self._unstarted_commits, 0
            self.start()
        else:
            operations = 1
        if self._worker is not None:
            self._worker.note_writes(rows, operations)

    def poke(self) -> None:
        """Ask the background worker to check now (a purge was queued)."""
        if self._worker is not None:
            self._worker.poke()

    def close(self) -> None:
        """Stop the worker, if any."""
        if self._worker is not None:
            self._worker.stop()
            self._worker = None
