"""The validity column (``valid_to``) is indexed, also on tables created without the
index, and reads filtered on it return the same rows as before."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import lancedb

from mirix_py._memory import MemoryType, SemanticMemory
from mirix_py._store.base import SearchQuery
from tests.integration.store._stores import small_store as _store

BASE = datetime(2024, 1, 1, tzinfo=UTC)


def _indexed_columns(path: Path, table: str) -> set[str]:
    opened = lancedb.connect(str(path)).open_table(table)
    return {c for index in opened.list_indices() for c in index.columns}


def _facts() -> list[SemanticMemory]:
    return [
        SemanticMemory(
            user_id="u1",
            name="Ann",
            summary=f"Ann likes hiking trail number {i}",
            valid_from=BASE + timedelta(days=i),
        )
        for i in range(6)
    ]


def test_search_skips_retired_rows_through_the_index(tmp_path: Path) -> None:
    store = _store(tmp_path / "db")
    facts = _facts()
    store.upsert(facts)
    assert "valid_to" in _indexed_columns(tmp_path / "db", "semantic")
    replacement = SemanticMemory(
        user_id="u1", name="Ann", summary="Ann likes hiking trail number 99", valid_from=BASE
    )
    store.supersede(facts[0].id, replacement, user_id="u1")
    query = SearchQuery(user_id="u1", text="hiking trail", memory_types=(MemoryType.SEMANTIC,))
    current = {hit.record.id for hit in store.search(query)}
    assert facts[0].id not in current
    assert {f.id for f in facts[1:]} | {replacement.id} == current
    with_history = store.search(query.model_copy(update={"include_superseded": True}))
    assert facts[0].id in {hit.record.id for hit in with_history}
    listed = store.list_records(user_id="u1", memory_type=MemoryType.SEMANTIC)
    assert {r.id for r in listed} == current
    store.close()


def test_a_table_created_without_the_index_gets_it_on_open(tmp_path: Path) -> None:
    store = _store(tmp_path / "db")
    facts = _facts()
    store.upsert(facts)
    store.close()
    table = lancedb.connect(str(tmp_path / "db")).open_table("semantic")
    table.drop_index("valid_to_idx")
    assert "valid_to" not in _indexed_columns(tmp_path / "db", "semantic")
    reopened = _store(tmp_path / "db")
    assert "valid_to" in _indexed_columns(tmp_path / "db", "semantic")
    got = reopened.list_records(user_id="u1", memory_type=MemoryType.SEMANTIC)
    assert {r.id for r in got} == {f.id for f in facts}
    reopened.close()
