"""Several LanceDB queries in one hand-off, results as Arrow tables.

LanceDB's synchronous API runs every step of a query on its background event
loop: building it reads the schema (one hand-off between threads), executing it
another, each result batch another. A chat turn runs a dozen queries, so it made
some seventy such hand-offs; on a busy two-core machine each waits for a thread
switch, and that waiting, not the queries, was most of a chat's time on small
histories. :func:`run_queries` builds all the queries of one read on the async
twins of the same table handles and awaits them together in one hand-off: the
queries still run concurrently in LanceDB's native engine, and as the handles
are the very ones the store writes through, reads see this process's writes
exactly as before (same caches, same ``read_consistency_interval``).

The async twin is the ``_table`` attribute of LanceDB's synchronous table
(lancedb 0.40, pinned in ``pyproject.toml``); on a table without one, the jobs run
through the synchronous builders instead (same results, more hand-offs).

Results come back as Arrow: callers convert only the rows they keep
(:func:`rows_at`), and vectors as NumPy rows rather than lists of Python floats.

A search can rank on light columns and fetch whole rows only for what it keeps:
a :class:`VectorJob` or :class:`TextJob` with ``columns`` reads just those (plus
its score and the row address, ``_rowid``), and a :class:`TakeJob` then reads
the kept rows by address. Reading a scattered row costs one read per column, so
a ranking query that reads every column of 200 candidates to keep 10 wastes most
of its time (measured at 1M rows: 13-20 ms of a 20 ms query).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
from lancedb.background_loop import LOOP
from lancedb.query import ColumnOrdering

from mirix_py._store.ann import AnnChoice, apply_choice


@dataclass(frozen=True)
class VectorJob:
    """Cosine nearest neighbours of ``vector`` among rows matching ``where`` (prefiltered)."""

    table: Any
    vector: tuple[float, ...]
    where: str
    limit: int
    ann: AnnChoice | None = None
    columns: tuple[str, ...] | None = None
    """Only these columns (with ``_distance`` and ``_rowid``); None: every column."""
    max_nprobes: int = 0
    """Through the index: the most partitions to probe (0: no bound; see
    :func:`~mirix_py._store.ann.probe_limit`)."""


@dataclass(frozen=True)
class TextJob:
    """Full-text search of ``text`` in the ``text`` column among rows matching ``where``."""

    table: Any
    text: str
    where: str
    limit: int
    columns: tuple[str, ...] | None = None
    """Only these columns (with ``_score`` and ``_rowid``); None: every column."""


@dataclass(frozen=True)
class ScanJob:
    """Rows matching ``where`` (no ranking), only ``columns`` when given."""

    table: Any
    where: str
    limit: int
    columns: tuple[str, ...] | None = None
    row_ids: bool = False
    """Also return each row's address (``_rowid``, for a later :class:`TakeJob`)."""
    order_by: tuple[tuple[str, bool], ...] = ()
    """Sorted inside LanceDB by these ``(column, ascending)`` (a top-K with ``limit``)."""
    offset: int = 0
    """Rows of that order to skip."""


@dataclass(frozen=True)
class TakeJob:
    """The rows at ``row_ids`` (``_rowid`` values a ranking job returned), only
    ``columns``. Rows come back in any order; an address that no longer holds a row
    (deleted, or moved by a compaction meanwhile) is skipped or holds another row, so
    callers check the ids they get."""

    table: Any
    row_ids: tuple[int, ...]
    columns: tuple[str, ...]


Job = VectorJob | TextJob | ScanJob | TakeJob


def _light(query: Any, columns: tuple[str, ...] | None, score: str, sync: bool) -> Any:
    """``query`` reading only ``columns`` plus its score and the row address."""
    if columns is None:
        return query
    query = query.select([*columns, score])
    return query.with_row_id(True) if sync else query.with_row_id()


def _async_query(job: Job, table: Any) -> Any:
    if isinstance(job, VectorJob):
        query = (
            table.query()
            .nearest_to(list(job.vector))
            .distance_type("cosine")
            .where(job.where)
            .limit(job.limit)
        )
        query = apply_choice(query, job.ann, job.max_nprobes)
        return _light(query, job.columns, "_distance", sync=False)
    if isinstance(job, TextJob):
        query = (
            table.query()
            .nearest_to_text(job.text, columns="text")
            .where(job.where)
            .limit(job.limit)
        )
        return _light(query, job.columns, "_score", sync=False)
    if isinstance(job, TakeJob):
        return table.take_row_ids(list(job.row_ids)).select(list(job.columns))
    query = _ordered(table.query().where(job.where).limit(job.limit), job)
    query = query.select(list(job.columns)) if job.columns else query
    return query.with_row_id() if job.row_ids else query


def _sync_query(job: Job) -> Any:
    table = job.table
    if isinstance(job, VectorJob):
        query = (
            table.search(list(job.vector), vector_column_name="vector")
            .distance_type("cosine")
            .where(job.where, prefilter=True)
            .limit(job.limit)
        )
        query = apply_choice(query, job.ann, job.max_nprobes)
        return _light(query, job.columns, "_distance", sync=True)
    if isinstance(job, TextJob):
        query = (
            table.search(job.text, query_type="fts", fts_columns="text")
            .where(job.where, prefilter=True)
            .limit(job.limit)
        )
        return _light(query, job.columns, "_score", sync=True)
    if isinstance(job, TakeJob):
        return table.take_row_ids(list(job.row_ids)).select(list(job.columns))
    query = _ordered(table.search().where(job.where).limit(job.limit), job)
    query = query.select(list(job.columns)) if job.columns else query
    return query.with_row_id(True) if job.row_ids else query


def _ordered(query: Any, job: ScanJob) -> Any:
    """``query`` sorted and offset as ``job`` asks."""
    if job.order_by:
        order = [ColumnOrdering(column_name=c, ascending=a) for c, a in job.order_by]
        query = query.order_by(order)
    return query.offset(job.offset) if job.offset else query


async def _gather(queries: Sequence[Any]) -> list[pa.Table]:
    return list(await asyncio.gather(*(q.to_arrow() for q in queries)))


def _twins(jobs: Sequence[Job]) -> list[Any] | None:
    """The async twins of the jobs' tables, or None if one has none."""
    twins = [getattr(job.table, "_table", None) for job in jobs]
    if any(twin is None or not hasattr(twin, "query") for twin in twins):
        return None
    return twins


async def _gather_jobs(jobs: Sequence[Job]) -> list[pa.Table]:
    twins = _twins(jobs)
    if twins is None:  # only inside :func:`run_then`, whose caller checked
        raise TypeError("a job's table has no async twin")
    return await _gather([_async_query(job, twin) for job, twin in zip(jobs, twins, strict=True)])


def run_queries(jobs: Sequence[Job]) -> list[pa.Table]:
    """Run ``jobs`` concurrently; one Arrow table per job, in order."""
    if not jobs:
        return []
    twins = _twins(jobs)
    if twins is None:
        return [_sync_query(job).to_arrow() for job in jobs]
    queries = [_async_query(job, twin) for job, twin in zip(jobs, twins, strict=True)]
    result: list[pa.Table] = LOOP.run(_gather(queries))  # type: ignore[no-untyped-call]
    return result


FollowUp = Callable[[list[pa.Table]], Sequence[Job]]


def run_then(jobs: Sequence[Job], follow: FollowUp) -> tuple[list[pa.Table], list[pa.Table]]:
    """Run ``jobs``, then the jobs ``follow(results)`` returns, in one hand-off.

    A search ranks on light columns and then reads the rows it keeps; each step
    was a hand-off to LanceDB's loop thread, and on a busy machine each hand-off
    waits for the thread switch (and the GIL) both ways. Here ``follow`` — plain
    Python picking what to read, e.g. the fusion of the ranking results — runs on
    the loop thread between the two steps, so the read costs no hand-off of its own.
    ``follow`` must not call back into LanceDB's synchronous API (it would wait for
    the very thread it runs on); it only builds jobs. Returns both steps' results.
    """
    if _twins(jobs) is None:
        first = run_queries(jobs)
        return first, run_queries(follow(first))

    async def both() -> tuple[list[pa.Table], list[pa.Table]]:
        first = await _gather_jobs(jobs) if jobs else []
        more = follow(first)
        if not more:
            return first, []
        if _twins(more) is None:
            raise TypeError("a follow-up job's table has no async twin")
        return first, await _gather_jobs(more)

    result: tuple[list[pa.Table], list[pa.Table]] = LOOP.run(both())  # type: ignore[no-untyped-call]
    return result


def rows_at(table: pa.Table, indices: Sequence[int]) -> list[dict[str, Any]]:
    """Rows ``indices`` of ``table`` as dicts; a ``vector`` column becomes NumPy rows."""
    if not indices:
        return []
    picked = table.take(pa.array(indices, type=pa.int64()))
    vectors: np.ndarray[Any, np.dtype[np.float32]] | None = None
    if "vector" in picked.column_names:
        column = picked.column("vector").combine_chunks()
        width = column.type.list_size
        flat = column.flatten().to_numpy(zero_copy_only=False)
        vectors = flat.reshape(len(picked), width) if column.null_count == 0 else None
        if vectors is None:  # rows without vectors: convert one by one
            listed = column.to_pylist()
            rows: list[dict[str, Any]] = picked.drop_columns(["vector"]).to_pylist()
            for row, vector in zip(rows, listed, strict=True):
                row["vector"] = None if vector is None else np.asarray(vector, dtype=np.float32)
            return rows
        picked = picked.drop_columns(["vector"])
    plain: list[dict[str, Any]] = picked.to_pylist()
    if vectors is not None:
        for row, vector in zip(plain, vectors, strict=True):
            row["vector"] = vector
    return plain


def all_rows(table: pa.Table) -> list[dict[str, Any]]:
    """Every row of ``table`` (see :func:`rows_at`)."""
    return rows_at(table, list(range(table.num_rows)))
