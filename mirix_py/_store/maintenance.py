"""The maintenance step: keep tables compact, indexes current, old versions few, purges on time.

One run, under the database's :class:`~mirix_py._store.lease.MaintenanceLease`
(a second maintainer skips), does for every table:

1. **purge** what is due: rewrite the fragments that held forgotten rows and
   rebuild the full-text and scalar index segments that covered them
   (:mod:`mirix_py._store.purge`); a purge is rewritten as late as its
   deadline allows minus the retention window, so forgets share one pass;
2. **optimize**: compact small fragments into fragments of at most
   ``fragment_rows`` rows (``history_fragment_rows`` for the history table),
   index new rows in new full-text and scalar index segments of at most about
   ``index_segment_rows`` rows (rebuilding only the segments whose fragments
   changed; :mod:`mirix_py._store.segments`), fold new rows into vector indexes,
   and clean up versions older than the retention window
   (``maintenance.retention_seconds``: readers and writers of other processes
   may still be on a recent version; unverified files are never deleted here);
3. **ANN**: once a table holds ``ann_min_rows`` rows and one owner holds
   enough of them for search to use an index, build its vector index and
   record whether its recall allows using it; drop it once no owner is large
   enough any longer (:mod:`mirix_py._store.ann`).

Writes from other threads and processes go on during a run: compaction and
index folding commit as new versions that LanceDB rebases on concurrent
appends; a commit conflict (a concurrent update or delete touching the same
fragments) is retried with bounded backoff and never reaches a user. Purge
rewrites take the store's write lock, as every user write does.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, runtime_checkable

import structlog
from lancedb.index import FTS, Bitmap, BTree
from pydantic import BaseModel, ConfigDict, Field

from mirix_py._config import MaintenanceConfig
from mirix_py._store.ann import AnnChoice, AnnRegistry, ensure_ann
from mirix_py._store.lance_schema import HISTORY_TABLE
from mirix_py._store.lease import MaintenanceLease
from mirix_py._store.object_purge_queue import ObjectStorePurgeQueue
from mirix_py._store.purge import (
    compact_fragments,
    fragments_with_deletions,
    seal,
    table_folder,
)
from mirix_py._store.purge_queue import PendingPurge, PurgeQueue
from mirix_py._store.retry import retrying as _retrying
from mirix_py._store.segments import (
    Layout,
    cleanup,
    compact,
    dataset,
    detach_rebuilt_segments,
    fold_vector_indexes,
    live_fragments,
    refresh_indexes,
)

log = structlog.get_logger(__name__)


@runtime_checkable
class MaintainedStore(Protocol):
    """What the maintenance step needs from a store (LanceDBStore provides it)."""

    @property
    def uri(self) -> str:
        """Where the database lives."""
        ...

    @property
    def dimension(self) -> int:
        """The vector dimension."""
        ...

    @property
    def purge_queue(self) -> PurgeQueue | ObjectStorePurgeQueue:
        """Pending purges."""
        ...

    @property
    def ann_registry(self) -> AnnRegistry:
        """ANN decisions."""
        ...

    def maintained_tables(self) -> Mapping[str, Any]:
        """Every table by name (record tables and history)."""
        ...

    def write_lock(self) -> AbstractContextManager[None]:
        """The lock every user write takes."""
        ...

    def fts_config(self) -> FTS:
        """The full-text index configuration."""
        ...

    @property
    def storage_options(self) -> dict[str, str]:
        """Object-storage options (the maintenance lease lives next to the tables)."""
        ...

    def flush_accesses(self) -> int:
        """Write the batched access counts (before compaction)."""
        ...

    def hold_access_flushes(self) -> AbstractContextManager[None]:
        """Keep batched access counts from being written in the background meanwhile."""
        ...


class TableReport(BaseModel):
    """What one run did to one table."""

    model_config = ConfigDict(frozen=True)

    table: str
    rows: int
    fragments_before: int
    fragments_after: int
    versions_before: int = 0
    versions_after: int = 0
    unindexed_rows_before: int = 0
    unindexed_rows_after: int = 0
    purge_rows_rewritten: int = 0
    indexes_rebuilt: int = 0
    ann: AnnChoice | None = None
    retries: int = 0
    seconds: float = 0.0


class MaintenanceReceipt(BaseModel):
    """What one maintenance run did (or why it did nothing)."""

    model_config = ConfigDict(frozen=True)

    ran: bool
    reason: str = ""
    started_at: datetime
    seconds: float = 0.0
    retention_seconds: float
    tables: list[TableReport] = Field(default_factory=list)
    purges_rewritten: int = 0
    purges_completed: int = 0
    purges_pending: int = 0
    next_purge_due: datetime | None = None


# Scalar indexes every table should have, by table (the record tables get theirs
# with their full-text index on the first write): history lookups by owner and memory.
_SCALAR_INDEXES: dict[str, tuple[tuple[str, Callable[[], Any]], ...]] = {
    HISTORY_TABLE: (("user_id", Bitmap), ("memory_id", BTree)),
}


def _ensure_scalar_indexes(name: str, table: Any) -> int:
    """Create the missing scalar indexes of ``table``; returns how many were built."""
    wanted = _SCALAR_INDEXES.get(name, ())
    if not wanted or table.count_rows() == 0:
        return 0
    have = {index.columns[0] for index in table.list_indices()}
    built = 0
    for column, config in wanted:
        if column not in have:
            table.create_index(column, config=config(), replace=True)
            built += 1
    return built


def _unindexed(table: Any) -> int:
    worst = 0
    for index in table.list_indices():
        stats = table.index_stats(index.name)
        worst = max(worst, int(getattr(stats, "num_unindexed_rows", 0) or 0))
    return worst


def _fragments(table: Any) -> int:
    return int(table.stats()["fragment_stats"]["num_fragments"])


class Maintainer:
    """Runs the maintenance step on one store; see the module docstring."""

    def __init__(
        self, store: MaintainedStore, config: MaintenanceConfig, lease: MaintenanceLease
    ) -> None:
        self._store = store
        self._config = config
        self._lease = lease

    @property
    def config(self) -> MaintenanceConfig:
        """The maintenance settings."""
        return self._config

    def run(self, *, ann: bool = True, purge_everything: bool = False) -> MaintenanceReceipt:
        """One maintenance run; skipped (``ran=False``) if another maintainer holds the lease."""
        started_at = datetime.now(UTC)
        retention = self._config.retention_seconds
        if not self._lease.try_acquire():
            log.info("maintenance.skipped", reason="another maintainer holds the lease")
            return MaintenanceReceipt(
                ran=False,
                reason="another maintainer holds the lease",
                started_at=started_at,
                retention_seconds=retention,
            )
        try:
            return self._run(started_at, ann=ann, purge_everything=purge_everything)
        finally:
            self._lease.release()

    def _run(
        self, started_at: datetime, *, ann: bool, purge_everything: bool
    ) -> MaintenanceReceipt:
        try:  # batched access counts land before the compaction
            self._store.flush_accesses()
        except Exception as exc:  # kept by the store for its next flush
            log.warning("maintenance.access_flush_failed", error=str(exc)[:200])
        # This process's access-count UPDATEs wait for the run's end rather than
        # preempt its compaction commits (other processes' writes are retried).
        with self._store.hold_access_flushes():
            return self._run_held(started_at, ann=ann, purge_everything=purge_everything)

    def _run_held(
        self, started_at: datetime, *, ann: bool, purge_everything: bool
    ) -> MaintenanceReceipt:
        clock = time.perf_counter()
        queue = self._store.purge_queue
        tables = self._store.maintained_tables()
        due = [
            e
            for e in queue.pending()
            if e.rewritten_at is None and (purge_everything or self._should_rewrite(e))
        ]
        targets: dict[str, set[int]] = {}
        for entry in due:
            for name, fragments in entry.fragments.items():
                targets.setdefault(name, set()).update(fragments)
        # Phase 1: rewrite the fragments that held forgotten rows.
        rewrites = {
            name: self._rewrite(name, tables[name], fragments)
            for name, fragments in targets.items()
            if name in tables
        }
        with self._store.write_lock():
            queue.mark_rewritten([e.id for e in due], datetime.now(UTC))
        # Phase 2: compact, fold indexes, clean versions older than the window.
        cleaned_from = datetime.now(UTC)
        reports = [
            self._table(name, table, rewrites.get(name, (0, 0, 0)), ann=ann)
            for name, table in tables.items()
        ]
        # An entry is done once a clean-up started at least the window after its rewrite:
        # no kept version then predates the rewrite.
        window = timedelta(seconds=self._config.retention_seconds)
        with self._store.write_lock():
            done = [
                e
                for e in queue.pending()
                if e.rewritten_at is not None and e.rewritten_at + window <= cleaned_from
            ]
            queue.remove(e.id for e in done)
        left = queue.pending()
        receipt = MaintenanceReceipt(
            ran=True,
            started_at=started_at,
            seconds=round(time.perf_counter() - clock, 3),
            retention_seconds=self._config.retention_seconds,
            tables=reports,
            purges_rewritten=len(due),
            purges_completed=len(done),
            purges_pending=len(left),
            next_purge_due=min((e.due_by for e in left), default=None),
        )
        log.info(
            "maintenance.ran",
            seconds=receipt.seconds,
            purges_rewritten=receipt.purges_rewritten,
            purges_completed=receipt.purges_completed,
            purges_pending=receipt.purges_pending,
        )
        return receipt

    def _rewrite(self, name: str, table: Any, fragments: set[int]) -> tuple[int, int, int]:
        """Rewrite a table's purged fragments and rebuild its text indexes (under the
        write lock); returns (rows moved, indexes rebuilt, retries)."""
        retries = [0]
        targets = fragments | fragments_with_deletions(table_folder(self._store.uri, name))
        layout = self._layout(name)

        def _purge() -> tuple[int, int]:
            with self._store.write_lock():  # as every user write (merge_insert is not race-free)
                detach_rebuilt_segments(table, targets, min_rows=layout.segment_rows // 2)
                before = set(live_fragments(dataset(table)))
                moved = compact_fragments(table, targets, fragment_rows=layout.fragment_rows)
                after = set(live_fragments(dataset(table)))
            # Index builds commit like appends: writers need not wait for them. Only the
            # segments that covered the rewritten fragments are rebuilt.
            rebuilt = refresh_indexes(
                table,
                targets | (before ^ after),
                fts=self._store.fts_config(),
                segment_rows=layout.segment_rows,
                remapped=True,
                fragment_rows=layout.fragment_rows,
            )
            seal(table)
            return moved, rebuilt

        moved, rebuilt = _retrying(
            _purge, retries=self._config.max_retries, what="purge", counter=retries
        )
        return moved, rebuilt, retries[0]

    def _rewrite_at(self, entry: PendingPurge) -> datetime:
        """When to rewrite an entry's fragments: as late as still leaves the clean-up
        window (and two worker intervals of slack) before its deadline, so that the
        forgets of that span share one rewrite."""
        slack = timedelta(
            seconds=self._config.retention_seconds + 2 * self._config.interval_seconds
        )
        return max(entry.forgotten_at, entry.due_by - slack)

    def _should_rewrite(self, entry: PendingPurge) -> bool:
        return self._rewrite_at(entry) <= datetime.now(UTC)

    def next_wakeup(self) -> datetime | None:
        """When a pending purge needs the next run (its rewrite, or its final clean-up)."""
        window = timedelta(seconds=self._config.retention_seconds)
        times = [
            (e.rewritten_at + window) if e.rewritten_at is not None else self._rewrite_at(e)
            for e in self._store.purge_queue.pending()
        ]
        return min(times, default=None)

    def purge_all_now(self) -> MaintenanceReceipt:
        """Rewrite every pending purge at once (the clean-up window still applies)."""
        return self.run(ann=False, purge_everything=True)

    def _layout(self, name: str) -> Layout:
        """How big table ``name``'s fragments and index segments may grow."""
        config = self._config
        layout = Layout(fragment_rows=config.fragment_rows, segment_rows=config.index_segment_rows)
        return layout.for_history(config.history_fragment_rows) if name == HISTORY_TABLE else layout

    def _tidy(self, name: str, table: Any, window: timedelta) -> int:
        """Compact into bounded fragments, refresh the index segments that changed,
        fold new rows into vector indexes, clean up versions older than ``window``.
        Returns the index segments built."""
        layout = self._layout(name)
        changed = compact(table, layout.fragment_rows)
        built = refresh_indexes(
            table,
            changed,
            fts=self._store.fts_config(),
            segment_rows=layout.segment_rows,
            merge_small=True,
            fragment_rows=layout.fragment_rows,
        )
        fold_vector_indexes(table)
        cleanup(table, window)
        return built

    def _table(
        self, name: str, table: Any, rewrite: tuple[int, int, int], *, ann: bool
    ) -> TableReport:
        clock = time.perf_counter()
        moved, rebuilt, retried = rewrite
        retries = [retried]
        table.checkout_latest()
        fragments_before = _fragments(table)
        versions_before = len(table.list_versions())
        unindexed_before = _unindexed(table)
        rebuilt += _retrying(
            lambda: _ensure_scalar_indexes(name, table),
            retries=self._config.max_retries,
            what="scalar_index",
            counter=retries,
        )
        window = timedelta(seconds=self._config.retention_seconds)
        rebuilt += _retrying(
            lambda: self._tidy(name, table, window),
            retries=self._config.max_retries,
            what="optimize",
            counter=retries,
        )
        choice = None
        if ann and name != HISTORY_TABLE:
            choice = _retrying(
                lambda: ensure_ann(
                    table,
                    registry=self._store.ann_registry,
                    min_rows=self._config.ann_min_rows,
                    index_type=self._config.ann_index,
                    min_recall=self._config.ann_min_recall,
                    sample_queries=self._config.ann_sample_queries,
                    dim=self._store.dimension,
                ),
                retries=self._config.max_retries,
                what="ann",
                counter=retries,
            )
        report = TableReport(
            table=name,
            rows=int(table.count_rows()),
            fragments_before=fragments_before,
            fragments_after=_fragments(table),
            versions_before=versions_before,
            versions_after=len(table.list_versions()),
            unindexed_rows_before=unindexed_before,
            unindexed_rows_after=_unindexed(table),
            purge_rows_rewritten=moved,
            indexes_rebuilt=rebuilt,
            ann=choice,
            retries=retries[0],
            seconds=round(time.perf_counter() - clock, 3),
        )
        log.debug("maintenance.table", **report.model_dump(exclude={"ann"}))
        return report
