"""The current-rows clause in its indexed and row-by-row forms selects the same rows."""

from pathlib import Path

import lancedb
import pyarrow as pa
from lancedb.index import BTree

from mirix_py._store.filters import (
    CURRENT,
    CURRENT_UNINDEXED,
    conjoin,
    time_filter,
    unindexed_validity,
    user_filter,
)


def test_only_the_current_rows_clause_is_rewritten() -> None:
    clauses = [user_filter("u1"), "occurred_at >= 5", CURRENT]
    assert unindexed_validity(clauses) == [user_filter("u1"), "occurred_at >= 5", CURRENT_UNINDEXED]
    current_only = time_filter(start=None, end=None, include_superseded=False, as_of=None)
    assert current_only == [CURRENT]


def test_both_forms_select_the_same_rows(tmp_path: Path) -> None:
    db = lancedb.connect(str(tmp_path))
    table = db.create_table(
        "t",
        pa.table(
            {
                "id": [f"r{i}" for i in range(40)],
                "user_id": ["u1" if i % 3 else "u2" for i in range(40)],
                "valid_to": pa.array([None if i % 4 else 1_000 * i for i in range(40)], pa.int64()),
            }
        ),
    )
    table.create_index("valid_to", config=BTree())
    clauses = [user_filter("u1"), CURRENT]
    indexed = table.search().where(conjoin(clauses)).limit(100).to_arrow()
    row_by_row = table.search().where(conjoin(unindexed_validity(clauses))).limit(100).to_arrow()
    assert sorted(indexed["id"].to_pylist()) == sorted(row_by_row["id"].to_pylist())
    assert indexed.num_rows == sum(1 for i in range(40) if i % 3 and i % 4)
