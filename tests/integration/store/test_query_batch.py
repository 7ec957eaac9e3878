"""Batched LanceDB reads: the same answers as LanceDB's synchronous builders, in one
hand-off; key lookups answered from the key indexes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from mirix_py._memory import EpisodicMemory, MemoryType
from mirix_py._store import lance_search, query_batch
from mirix_py._store.base import SearchQuery
from mirix_py._store.query_batch import (
    ScanJob,
    TakeJob,
    TextJob,
    VectorJob,
    rows_at,
    run_queries,
    run_then,
)
from tests.integration.store._stores import small_store as _store
from tests.security._helpers import HashEmbeddings


def _spy(
    monkeypatch: pytest.MonkeyPatch, transform: Any = lambda jobs: jobs
) -> list[list[list[Any]]]:
    """Every hand-off to LanceDB the store makes: its steps' jobs (``run_queries`` has
    one step, ``run_then`` two), after ``transform``."""
    calls: list[list[list[Any]]] = []
    real_queries, real_then = query_batch.run_queries, query_batch.run_then

    def queries(jobs: Any) -> Any:
        jobs = transform(list(jobs))
        calls.append([jobs])
        return real_queries(jobs)

    def then(jobs: Any, follow: Any) -> Any:
        steps = [transform(list(jobs))]
        calls.append(steps)

        def followed(found: Any) -> Any:
            steps.append(transform(list(follow(found))))
            return steps[-1]

        return real_then(steps[0], followed)

    monkeypatch.setattr(lance_search, "run_queries", queries)
    monkeypatch.setattr(lance_search, "run_then", then)
    return calls


def _jobs(calls: list[list[list[Any]]]) -> list[Any]:
    return [job for steps in calls for step in steps for job in step]


def _turns(user: str, sessions: int, per_session: int) -> list[EpisodicMemory]:
    topics = ["hiking by the lake", "baking bread", "a jazz concert", "the new flat", "kayaking"]
    return [
        EpisodicMemory(
            user_id=user,
            actor="Ann" if n % 2 else "Bo",
            summary=f"{topics[(s + n) % len(topics)]} story {s}-{n}",
            session_id=f"s{s}",
            sequence=n,
        )
        for s in range(sessions)
        for n in range(per_session)
    ]


class _NoTwin:
    """A table handle without the async twin: run_queries falls back to sync builders."""

    def __init__(self, table: Any) -> None:
        self._inner = table

    def __getattr__(self, name: str) -> Any:
        if name == "_table":
            raise AttributeError(name)
        return getattr(self._inner, name)


def test_batched_queries_answer_like_the_synchronous_builders(tmp_path: Path) -> None:
    store = _store(tmp_path / "db")
    store.upsert(_turns("ann", 6, 10))
    store.upsert(_turns("bo", 2, 10))
    table = store.maintained_tables()["episodic"]
    vector = tuple(HashEmbeddings().embed_query("hiking by the lake"))
    where = "user_id = 'ann' AND valid_to IS NULL"
    jobs = [
        VectorJob(table, vector, where, 15),
        TextJob(table, "baking bread", where, 15),
        ScanJob(table, "session_key = 's2'", 50, ("id", "sequence")),
    ]
    batched = run_queries(jobs)
    fallback = run_queries(
        [
            VectorJob(_NoTwin(table), vector, where, 15),
            TextJob(_NoTwin(table), "baking bread", where, 15),
            ScanJob(_NoTwin(table), "session_key = 's2'", 50, ("id", "sequence")),
        ]
    )
    for got, want, score in zip(batched, fallback, ("_distance", "_score", None), strict=True):
        assert got.num_rows == want.num_rows > 0
        if score is None:
            assert sorted(got.column("id").to_pylist()) == sorted(want.column("id").to_pylist())
        else:
            assert got.column("id").to_pylist() == want.column("id").to_pylist()
            assert got.column(score).to_pylist() == pytest.approx(want.column(score).to_pylist())
    assert set(batched[2].column_names) == {"id", "sequence"}
    store.close()


def test_rows_at_converts_only_the_rows_asked_with_vectors_as_numpy() -> None:
    table = pa.table(
        {
            "id": ["a", "b", "c"],
            "vector": pa.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]], pa.list_(pa.float32(), 2)),
        }
    )
    rows = rows_at(table, [2, 0])
    assert [r["id"] for r in rows] == ["c", "a"]
    assert isinstance(rows[0]["vector"], np.ndarray)
    assert rows[0]["vector"].tolist() == [0.5, 0.5]
    with_null = pa.table(
        {"id": ["a", "b"], "vector": pa.array([[1.0, 0.0], None], pa.list_(pa.float32(), 2))}
    )
    assert [r["vector"] is None for r in rows_at(with_null, [0, 1])] == [False, True]


def test_one_search_many_call_runs_every_query_in_one_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _store(tmp_path / "db")
    store.upsert(_turns("ann", 3, 6))
    calls = _spy(monkeypatch)
    queries = [
        SearchQuery(user_id="ann", text="baking bread", memory_types=(t,), limit=5)
        for t in (MemoryType.EPISODIC, MemoryType.SEMANTIC)
    ]
    many = store.search_many(queries)
    # One hand-off: every ranking query at once (vector + full text (+ vector)), then
    # one fetch of the kept rows of the one table that had hits.
    (steps,) = calls
    assert len(steps) == 2 and len(steps[0]) >= 3 and len(steps[1]) == 1
    assert [[h.record.id for h in hits] for hits in many] == [
        [h.record.id for h in store.search(q)] for q in queries
    ]
    assert many[0] and all(h.record.embedding is not None for h in many[0])
    store.close()


def test_search_ranks_on_light_columns_and_reads_only_the_kept_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _store(tmp_path / "db")
    store.upsert(_turns("ann", 6, 10))
    store.upsert(_turns("bo", 2, 10))
    calls = _spy(monkeypatch)
    hits = store.search(SearchQuery(user_id="ann", text="baking bread", limit=4))
    seen = _jobs(calls)
    ranking = [j for j in seen if isinstance(j, VectorJob | TextJob)]
    (take,) = [j for j in seen if isinstance(j, TakeJob)]
    assert ranking and all(j.columns == ("id", "user_id") for j in ranking)
    assert len(take.row_ids) == len(hits) == 4  # only the kept rows are read whole
    assert all(h.record.user_id == "ann" and h.record.embedding is not None for h in hits)
    assert any("baking bread" in h.record.summary for h in hits)  # type: ignore[attr-defined]
    store.close()


def test_kept_rows_moved_since_ranking_are_read_by_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A compaction between ranking and reading moves rows: their old addresses hold
    nothing (or other rows), and search still returns the ranked records."""
    store = _store(tmp_path / "db")
    store.upsert(_turns("ann", 4, 10))
    store.upsert(_turns("bo", 4, 10))
    query = SearchQuery(user_id="ann", text="hiking by the lake", limit=6)
    want = [(h.record.id, h.score.score) for h in store.search(query)]

    def stale_addresses(jobs: list[Any]) -> list[Any]:
        return [
            TakeJob(j.table, tuple(a + 1 for a in j.row_ids), j.columns)  # other rows, or none
            if isinstance(j, TakeJob)
            else j
            for j in jobs
        ]

    _spy(monkeypatch, stale_addresses)
    got = store.search(query)
    assert [(h.record.id, h.score.score) for h in got] == want
    assert all(h.record.user_id == "ann" for h in got)
    store.close()


def test_light_ranking_and_take_through_the_synchronous_builders(tmp_path: Path) -> None:
    store = _store(tmp_path / "db")
    store.upsert(_turns("ann", 3, 10))
    table = store.maintained_tables()["episodic"]
    vector = tuple(HashEmbeddings().embed_query("baking bread"))
    where = "user_id = 'ann'"
    light = ("id", "user_id")
    for handle in (table, _NoTwin(table)):
        ranked_v, ranked_f = run_queries(
            [
                VectorJob(handle, vector, where, 5, None, light),
                TextJob(handle, "bread", where, 5, light),
            ]
        )
        assert set(ranked_v.column_names) == {"id", "user_id", "_distance", "_rowid"}
        assert set(ranked_f.column_names) == {"id", "user_id", "_score", "_rowid"}
        addresses = tuple(ranked_v.column("_rowid").to_pylist())
        (taken,) = run_queries([TakeJob(handle, addresses, ("id", "payload"))])
        assert sorted(taken.column("id").to_pylist()) == sorted(ranked_v.column("id").to_pylist())
    store.close()


def test_neighbour_and_entity_lookups_are_answered_from_the_key_indexes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _store(tmp_path / "db")
    store.upsert(_turns("ann", 8, 10))
    calls = _spy(monkeypatch)
    found = store.neighbours([("s3", 4), ("s5", 0)], user_id="ann")
    seen = _jobs(calls)
    assert len(calls) == 1  # the lookup and the read of the picked rows: one hand-off
    assert sorted((r.session_id, r.sequence) for r in found) == [  # type: ignore[attr-defined]
        ("s3", 3),
        ("s3", 4),
        ("s3", 5),
        ("s5", 0),
        ("s5", 1),
    ]
    job, take = seen  # the sessions' ids and positions, then the picked rows by address
    assert isinstance(job, ScanJob) and "vector" not in (job.columns or ("vector",))
    assert isinstance(take, TakeJob) and len(take.row_ids) == 5
    plan = job.table.search().where(job.where).limit(job.limit).explain_plan()
    # The index narrows the rows to the asked sessions: never a filter over every row
    # of the user (which is all the user-id index alone would give).
    assert "session_key_idx" in plan
    store.close()


def test_neighbours_leave_out_the_turns_the_caller_has(tmp_path: Path) -> None:
    store = _store(tmp_path / "db")
    store.upsert(_turns("ann", 4, 10))
    store.upsert(_turns("bo", 4, 10))  # same session keys, another owner
    every = store.neighbours([("s1", 5)], user_id="ann", embeddings=True)
    assert [(r.session_id, r.sequence) for r in every] == [  # type: ignore[attr-defined]
        ("s1", 4),
        ("s1", 5),
        ("s1", 6),
    ]
    assert all(r.user_id == "ann" and r.embedding is not None for r in every)
    rest = store.neighbours([("s1", 5)], user_id="ann", exclude_ids={every[1].id})
    assert [r.id for r in rest] == [every[0].id, every[2].id]
    assert all(r.embedding is None for r in rest)
    store.close()


def test_run_then_reads_what_the_ranking_picked_with_or_without_the_async_twin(
    tmp_path: Path,
) -> None:
    store = _store(tmp_path / "db")
    store.upsert(_turns("ann", 3, 10))
    table = store.maintained_tables()["episodic"]
    vector = tuple(HashEmbeddings().embed_query("baking bread"))
    for handle in (table, _NoTwin(table)):

        def read_best(found: list[pa.Table], handle: Any = handle) -> list[Any]:
            addresses = tuple(found[0].column("_rowid").to_pylist()[:3])
            return [TakeJob(handle, addresses, ("id", "payload"))] if addresses else []

        ranking = VectorJob(handle, vector, "user_id = 'ann'", 5, None, ("id", "user_id"))
        (ranked,), (taken,) = run_then([ranking], read_best)
        assert sorted(taken.column("id").to_pylist()) == sorted(ranked.column("id").to_pylist()[:3])
        none_first, none_then = run_then([ranking], lambda found: [])
        assert len(none_first) == 1 and none_then == []
    store.close()
