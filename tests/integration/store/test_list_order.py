"""Paging in LanceDB: the stored listing order, its in-place migration, and pages
that never bring a user's other rows into Python."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import lancedb
import pyarrow as pa
import pytest

from mirix_py._memory import EpisodicMemory, MemoryType, SemanticMemory
from mirix_py._store import paging
from mirix_py._store.lance_schema import LIST_ORDER
from tests.integration.store._stores import small_store as _store

BASE = datetime(2024, 1, 1, tzinfo=UTC)


def _events(user: str, n: int, **extra: Any) -> list[EpisodicMemory]:
    return [
        EpisodicMemory(
            user_id=user,
            actor="Ann",
            summary=f"day {i} walk",
            occurred_at=BASE + timedelta(minutes=i % 17),
            **extra,
        )
        for i in range(n)
    ]


def _spy(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Rows LanceDB hands to Python while placing pages."""
    seen: list[int] = []
    real = paging.ordered_rows

    def spying(*args: Any, **kwargs: Any) -> pa.Table:
        result = real(*args, **kwargs)
        seen.append(result.num_rows)
        return result

    monkeypatch.setattr(paging, "ordered_rows", spying)
    return seen


def test_a_page_reads_at_most_its_end_from_each_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _store(tmp_path / "db")
    store.upsert(_events("u1", 400) + _events("u2", 50))
    store.upsert([SemanticMemory(user_id="u1", name=f"N{i}", summary="x") for i in range(30)])
    whole = store.list_records(user_id="u1", limit=1000)
    assert len(whole) == 430
    seen = _spy(monkeypatch)
    page = store.list_records(user_id="u1", memory_type=MemoryType.EPISODIC, limit=10, offset=200)
    assert [r.id for r in page] == [r.id for r in whole if r.memory_type == "episodic"][200:210]
    assert seen == [10]  # one table: LanceDB skips the offset itself
    seen.clear()
    page = store.list_records(user_id="u1", limit=10, offset=20)
    assert [r.id for r in page] == [r.id for r in whole[20:30]]
    assert all(n <= 30 for n in seen) and len(seen) == 2
    store.close()


def test_export_walks_ties_by_keyset_one_page_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _store(tmp_path / "db")
    same = BASE  # every record created at the same instant: the id breaks the ties
    recs = _events("u1", 50, created_at=same)
    recs += [
        SemanticMemory(user_id="u1", name="Ann", summary=f"f{i}", created_at=same) for i in range(9)
    ]
    store.upsert(recs)
    seen = _spy(monkeypatch)
    out = list(store.iter_records(user_id="u1", page_size=7))
    assert [r.id for r in out] == sorted(r.id for r in recs)
    assert max(seen) <= 7
    store.close()


def test_an_old_table_gains_the_listing_order_in_place(tmp_path: Path) -> None:
    path = tmp_path / "db"
    store = _store(path)
    events = _events("u1", 30)
    fact = SemanticMemory(user_id="u1", name="Ann", summary="likes tea", updated_at=BASE)
    store.upsert([*events, fact])
    expected = [r.id for r in store.list_records(user_id="u1", limit=100)]
    store.close()
    db = lancedb.connect(str(path))  # make the tables as an earlier version left them
    for name in ("episodic", "semantic"):
        table = db.open_table(name)
        for index in table.list_indices():
            if index.columns == [LIST_ORDER]:
                table.drop_index(index.name)
        table.drop_columns([LIST_ORDER])
        assert LIST_ORDER not in table.schema.names
    reopened = _store(path)
    for name in ("episodic", "semantic"):
        table = reopened.maintained_tables()[name]
        assert not table.schema.field(LIST_ORDER).nullable
        assert any(i.columns == [LIST_ORDER] for i in table.list_indices())
    assert [r.id for r in reopened.list_records(user_id="u1", limit=100)] == expected
    assert reopened.count(user_id="u1") == 31
    reopened.close()
