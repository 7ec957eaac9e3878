"""The approximate (ANN) vector index: built for large owners, used only if it is right.

Flat vector search reads every candidate vector; past some tens of thousands
of rows an IVF index is faster. Every query carries its owner's ``user_id``
prefilter, though, and a prefiltered flat search reads only that owner's
vectors: search goes through an index only for an owner holding at least
:data:`ANN_MIN_OWNER_ROWS` rows of the table. So :func:`ensure_ann` builds (and
keeps) an index only for a table past ``ann_min_rows`` rows in which at least
one owner holds that many; a table of many small owners (1,000 users x 100
rows) gets none, since no query could use it while every write, compaction
and purge would keep it up to date (a purge remaps the whole index), and an
index is dropped once no owner holds even :data:`KEEP_OWNER_SHARE` of that
threshold any longer (the margin keeps an owner hovering at the threshold
from costing a rebuild each time they cross it). Finding the largest owners
is a projection of the ``user_id`` column alone, counted with pyarrow, in
the maintenance step (:func:`large_owners`).

An index is only worth its speed if it finds what flat search finds, so after
building one, :func:`ensure_ann` samples rows of the owners who would use it,
searches each sample's own vector with its owner's ``user_id`` prefilter (as
every real query does) both flat and through the index, and measures
recall@10. It walks a ladder of query settings (probes, refine factor) and
records the first that reaches the configured recall in the
:class:`AnnRegistry`; if none does, the choice is recorded as rejected with
its best recall, and search keeps bypassing the index.

The registry is a small JSON file next to the tables, so every process
searching the database follows the maintainer's decision (kept in memory on
object storage until issue 12 gives it a home there).
"""

from __future__ import annotations

import json
import math
import os
import random
import threading
import time
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import pyarrow.compute as pc
import structlog
from lancedb.index import HnswSq, IvfPq
from pydantic import BaseModel, ConfigDict

from mirix_py._store.base import SCAN_ALL
from mirix_py._store.filters import in_list, user_filter
from mirix_py._store.segments import dataset, live_fragments

log = structlog.get_logger(__name__)

REGISTRY_FILE = ".mirix-ann.json"
VECTOR_COLUMN = "vector"
# (minimum probes, refine factor) tried in order; the cheapest that reaches the recall wins.
_LADDER: tuple[tuple[int, int | None], ...] = (
    (10, None),
    (20, 5),
    (40, 10),
    (80, 20),
    (160, 40),
)
_K = 10
# Owners with fewer rows than this are searched flat even when the index is used:
# prefiltered flat search reads only their vectors (measured at 1M rows, 100 rows per
# owner: flat 4-30 ms vs IVF_PQ with unbounded probes 40-440 ms on a loaded 2-core box).
# Maintenance builds an index only once an owner holds this many rows (read at call
# time by search and maintenance alike, so tests may lower it).
ANN_MIN_OWNER_ROWS = 20_000
# An existing index is dropped once no owner holds this share of ANN_MIN_OWNER_ROWS.
KEEP_OWNER_SHARE = 0.8
# The most partitions a prefiltered search may probe, as a multiple of the chosen minimum.
_MAX_PROBE_FACTOR = 4
# A built index is rebuilt (retrained, recall re-measured) once this share of the
# table is not covered by it, or once the table has grown this many times since.
_STALE_SHARE = 0.2
_REBUILD_GROWTH = 2.0

AnnIndexType = Literal["IVF_PQ", "IVF_HNSW_SQ"]


class AnnChoice(BaseModel):
    """The maintainer's decision for one table's vector index."""

    model_config = ConfigDict(frozen=True)

    table: str
    index_type: str
    accepted: bool
    recall: float
    nprobes: int = 0
    refine_factor: int | None = None
    rows: int
    queries: int
    owners: int = 0
    build_seconds: float = 0.0
    checked_at: datetime
    reason: str = ""


class AnnRegistry:
    """Per-table ANN decisions, persisted in the database folder."""

    def __init__(self, uri: str) -> None:
        self._path = None if "://" in uri else Path(uri) / REGISTRY_FILE
        self._lock = threading.Lock()
        self._choices: dict[str, AnnChoice] = {}
        self._mtime: float | None = None
        # table -> (newest fragment id when its owners were counted, largest owner's rows)
        self._largest: dict[str, tuple[int, int]] = {}

    def _refresh(self) -> None:
        if self._path is None:
            return
        try:
            mtime = self._path.stat().st_mtime
        except FileNotFoundError:
            self._choices, self._mtime = {}, None
            return
        if mtime == self._mtime:
            return
        raw = json.loads(self._path.read_text(encoding="utf-8"))
        self._choices = {k: AnnChoice.model_validate(v) for k, v in raw.items()}
        self._mtime = mtime

    def get(self, table: str) -> AnnChoice | None:
        """The recorded decision for ``table`` (None: no index decided)."""
        with self._lock:
            self._refresh()
            return self._choices.get(table)

    def use(self, table: str) -> AnnChoice | None:
        """The accepted choice for ``table``, or None when search must stay flat."""
        choice = self.get(table)
        return choice if choice is not None and choice.accepted else None

    def set(self, choice: AnnChoice) -> None:
        """Record a decision (replacing the table's previous one)."""
        with self._lock:
            self._refresh()
            self._choices[choice.table] = choice
            if self._path is None:
                return
            data = {k: v.model_dump(mode="json") for k, v in self._choices.items()}
            tmp = self._path.with_name(f"{self._path.name}.{uuid.uuid4().hex}.tmp")
            tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
            os.replace(tmp, self._path)
            self._mtime = self._path.stat().st_mtime

    def forget(self, table: str) -> None:
        """Drop a table's decision (its index was dropped)."""
        with self._lock:
            self._refresh()
            if self._choices.pop(table, None) is not None and self._path is not None:
                data = {k: v.model_dump(mode="json") for k, v in self._choices.items()}
                self._path.write_text(json.dumps(data, indent=1), encoding="utf-8")

    def largest_owner_bound(self, table: str, fragments: Mapping[int, int]) -> int | None:
        """At most how many rows ``table``'s largest owner holds now: the last count
        (:meth:`note_largest_owner`) plus every row of the fragments written since
        (fragment id -> rows; a Lance write never adds rows to an existing fragment,
        and fragment ids only grow). None when this process has not counted yet."""
        with self._lock:
            memo = self._largest.get(table)
        if memo is None:
            return None
        newest, largest = memo
        return largest + sum(n for f, n in fragments.items() if f > newest)

    def note_largest_owner(self, table: str, fragments: Mapping[int, int], largest: int) -> None:
        """Remember the largest owner's count over these fragments (see
        :meth:`largest_owner_bound`)."""
        with self._lock:
            self._largest[table] = (max(fragments, default=-1), largest)


def probe_limit(nprobes: int, table_rows: int, owner_rows: int) -> int:
    """The most IVF partitions a search with the owner prefilter may probe.

    With ``nprobes`` partitions an unfiltered search sees about ``nprobes / partitions``
    of the table; among them only the owner's share (``owner_rows / table_rows``) pass
    the prefilter. So an owner holding a fraction ``f`` of the table needs about
    ``nprobes / f`` partitions to see as many candidates; this allows twice that, but
    never more than ``4 * nprobes``. With no limit at all (``0``) Lance was measured
    probing *every* partition for an owner holding the whole table (100k rows, limit 200:
    632 of 632 partitions, 37 ms, against 17 ms with the limit and the same recall@200);
    and with a prefilter it probes up to whatever limit it is given: an owner of 4% of a
    1M-row table (40 probes, refine 10) took 72 ms at a limit of 2,000 partitions, 19 ms
    at 160 and 14 ms at 80, with recall@10 against flat of 0.993, 0.997 and 0.997. Only
    owners of :data:`ANN_MIN_OWNER_ROWS` rows or more search through the index, so the
    share is never tiny; the recall gate measures with this same limit. 0 (no limit) when
    the counts are unknown.
    """
    if owner_rows <= 0 or table_rows <= 0:
        return 0
    scaled = math.ceil(2 * nprobes * table_rows / owner_rows)
    return max(nprobes, min(_MAX_PROBE_FACTOR * nprobes, scaled))


def apply_choice(query: Any, choice: AnnChoice | None, max_nprobes: int = 0) -> Any:
    """Set up a vector query: through the index with the chosen settings, or flat.

    ``max_nprobes`` bounds the partitions probed (see :func:`probe_limit`; 0: no bound)."""
    if choice is None:
        return query.bypass_vector_index()
    limit = max(max_nprobes, choice.nprobes) if max_nprobes > 0 else 0
    # Unbounded first: LanceDB's async query checks the minimum against its default
    # maximum (20), and refused a chosen minimum of 40 or more.
    query = query.maximum_nprobes(0).minimum_nprobes(choice.nprobes).maximum_nprobes(limit)
    if choice.refine_factor:
        query = query.refine_factor(choice.refine_factor)
    return query


def vector_index(table: Any) -> Any | None:
    """The table's vector index config, if it has one."""
    for index in table.list_indices():
        if VECTOR_COLUMN in index.columns and index.index_type not in ("FTS", "BTree", "Bitmap"):
            return index
    return None


def _build(table: Any, index_type: AnnIndexType, rows: int, dim: int) -> float:
    started = time.perf_counter()
    partitions = max(1, min(4096, int(rows**0.5)))
    config: Any
    if index_type == "IVF_PQ":
        sub_vectors = next(s for s in (dim // 8, dim // 4, dim // 2, dim) if dim % s == 0)
        config = IvfPq(
            distance_type="cosine", num_partitions=partitions, num_sub_vectors=sub_vectors
        )
    else:
        config = HnswSq(distance_type="cosine", num_partitions=max(1, partitions // 4))
    table.create_index(VECTOR_COLUMN, config=config, replace=True)
    return time.perf_counter() - started


def large_owners(table: Any, min_rows: int) -> tuple[dict[str, int], int]:
    """The owners holding at least ``min_rows`` rows of ``table`` (with their counts),
    and the largest owner's count.

    Maintenance work, never on a query's path: it reads the ``user_id`` column
    alone (about 5 ms per 100k rows here) and counts it with pyarrow.
    """
    column = dataset(table).to_table(columns=["user_id"]).column("user_id")
    if len(column) == 0:
        return {}, 0
    counted = pc.value_counts(column)
    counts = counted.field("counts")
    largest = int(pc.max(counts).as_py() or 0)
    keep = pc.greater_equal(counts, min_rows)
    owners = counted.field("values").filter(keep).to_pylist()
    return dict(zip(owners, counts.filter(keep).to_pylist(), strict=True)), largest


def _samples(table: Any, owners: list[str], n: int, seed: int) -> list[tuple[str, list[float]]]:
    """``n`` random rows (owner, vector) of ``owners``: the queries that would use the index."""
    rng = random.Random(seed)
    query = table.search().where(in_list("user_id", owners)).with_row_id(True)
    row_ids = query.select(["user_id"]).limit(SCAN_ALL).to_arrow().column("_rowid").to_pylist()
    picked = sorted(rng.sample(row_ids, min(n, len(row_ids))))
    found = table.take_row_ids(picked).select(["user_id", VECTOR_COLUMN]).to_list()
    return [(r["user_id"], list(r[VECTOR_COLUMN])) for r in found]


def _ids(query: Any) -> list[str]:
    return [r["id"] for r in query.select(["id", "_distance"]).limit(_K).to_list()]


def measure_recall(
    table: Any, samples: list[tuple[str, list[float]]], choice: AnnChoice | None
) -> float:
    """Mean recall@10 of ``choice``'s settings against flat search, with the user
    prefilter and the probe limit search applies (:func:`probe_limit`)."""
    hits = total = 0
    rows = int(table.count_rows())
    owners: dict[str, int] = {}
    for user_id, vector in samples:
        if user_id not in owners:
            owners[user_id] = int(table.count_rows(user_filter(user_id)))
        bound = probe_limit(choice.nprobes, rows, owners[user_id]) if choice else 0
        base = table.search(vector, vector_column_name=VECTOR_COLUMN).distance_type("cosine")
        base = base.where(user_filter(user_id), prefilter=True)
        truth = set(_ids(base.bypass_vector_index()))
        probe = table.search(vector, vector_column_name=VECTOR_COLUMN).distance_type("cosine")
        probe = apply_choice(probe.where(user_filter(user_id), prefilter=True), choice, bound)
        hits += len(truth & set(_ids(probe)))
        total += len(truth)
    return hits / total if total else 1.0


def _drop(
    table: Any, existing: Any | None, registry: AnnRegistry, rows: int, largest: int
) -> AnnChoice | None:
    """Drop a table's vector index and its decision: no owner is large enough to use it."""
    name = str(table.name)
    had = registry.get(name)
    if existing is None and had is None:
        return None
    kind = had.index_type if had is not None else ""
    registry.forget(name)  # first: searches stop asking for the index before it goes
    if existing is not None:
        table.drop_index(existing.name)
    choice = AnnChoice(
        table=name,
        index_type=str(existing.index_type) if existing is not None else kind,
        accepted=False,
        recall=0.0,
        rows=rows,
        queries=0,
        checked_at=datetime.now(UTC),
        reason=(
            f"index dropped: no owner holds {ANN_MIN_OWNER_ROWS} rows (largest: {largest}), "
            "so no search would use it"
        ),
    )
    log.info("store.ann_dropped", table=name, rows=rows, largest_owner=largest)
    return choice


def ensure_ann(
    table: Any,
    *,
    registry: AnnRegistry,
    min_rows: int,
    index_type: AnnIndexType,
    min_recall: float,
    sample_queries: int,
    dim: int,
) -> AnnChoice | None:
    """Build (or refresh, or drop) the table's ANN index when due and record whether to use it.

    An index is built once the table holds ``min_rows`` rows and one owner holds
    :data:`ANN_MIN_OWNER_ROWS` (the only owners whose searches use it); it is
    dropped, with its decision, once no owner holds :data:`KEEP_OWNER_SHARE` of that.
    Returns the new decision (a drop is reported as an unused choice that is not
    recorded), or None when nothing was due (table too small, no owner large
    enough, or an index still covering most rows with a recorded decision).
    """
    name = str(table.name)
    rows = int(table.count_rows())
    existing = vector_index(table)
    previous = registry.get(name)
    if rows < min_rows and existing is None and previous is None:
        return None
    owner_min = ANN_MIN_OWNER_ROWS
    keep_min = math.ceil(KEEP_OWNER_SHARE * owner_min)
    fragments = live_fragments(dataset(table))  # the manifest only
    bound = registry.largest_owner_bound(name, fragments)
    owners: dict[str, int] = {}
    if bound is not None and bound < keep_min:  # no owner can have grown enough: no count
        largest = bound
    else:
        owners, largest = large_owners(table, keep_min)
        registry.note_largest_owner(name, fragments, largest)
    if not owners:
        return _drop(table, existing, registry, rows, largest)
    users = sorted(u for u, n in owners.items() if n >= owner_min)
    if rows < min_rows or not users:
        return None  # nothing to build; an existing index is kept meanwhile
    if existing is not None and previous is not None and rows < _REBUILD_GROWTH * previous.rows:
        stats = table.index_stats(existing.name)
        unindexed = int(getattr(stats, "num_unindexed_rows", 0) or 0)
        if unindexed <= _STALE_SHARE * rows:
            return None
    build_seconds = _build(table, index_type, rows, dim)
    samples = _samples(table, users, sample_queries, seed=rows)
    best = 0.0
    now = datetime.now(UTC)
    for nprobes, refine in _LADDER:
        candidate = AnnChoice(
            table=name,
            index_type=index_type,
            accepted=True,
            recall=0.0,
            nprobes=nprobes,
            refine_factor=refine,
            rows=rows,
            queries=len(samples),
            owners=len(users),
            build_seconds=round(build_seconds, 3),
            checked_at=now,
        )
        recall = measure_recall(table, samples, candidate)
        best = max(best, recall)
        if recall >= min_recall:
            choice = candidate.model_copy(update={"recall": round(recall, 4)})
            break
    else:
        choice = AnnChoice(
            table=name,
            index_type=index_type,
            accepted=False,
            recall=round(best, 4),
            rows=rows,
            queries=len(samples),
            owners=len(users),
            build_seconds=round(build_seconds, 3),
            checked_at=now,
            reason=f"recall@10 {best:.3f} < {min_recall} at every setting tried: search stays flat",
        )
    registry.set(choice)
    log.info(
        "store.ann_checked",
        table=name,
        accepted=choice.accepted,
        recall=choice.recall,
        nprobes=choice.nprobes,
        refine_factor=choice.refine_factor,
        rows=rows,
        owners=len(users),
        build_s=choice.build_seconds,
    )
    return choice
