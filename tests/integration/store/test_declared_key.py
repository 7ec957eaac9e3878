"""The declared key ``id``: concurrent upserts without a file lock, and migration in place."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import lancedb
import pyarrow as pa
import pytest

from mirix_py._memory import EpisodicMemory, MemoryType, SemanticMemory
from mirix_py._store.keyed import PRIMARY_KEY, has_declared_key
from mirix_py._store.lancedb_store import HISTORY_TABLE, LanceDBStore
from tests.integration.store._upsert_worker import USER
from tests.security._helpers import HashEmbeddings

REPO = Path(__file__).resolve().parents[3]
WORKERS = 4
BATCHES = 5
SIZE = 20


def _store(path: Path, **kwargs: object) -> LanceDBStore:
    return LanceDBStore(
        str(path),
        embeddings=HashEmbeddings(),
        dimension=384,
        memory_types=[MemoryType.EPISODIC, MemoryType.SEMANTIC],
        **kwargs,  # type: ignore[arg-type]
    )


def test_new_tables_declare_id_as_their_key(tmp_path: Path) -> None:
    store = _store(tmp_path / "db")
    store.close()
    db = lancedb.connect(str(tmp_path / "db"))
    for name in ("episodic", "semantic", HISTORY_TABLE):
        field = db.open_table(name).schema.field("id")
        assert not field.nullable
        assert (field.metadata or {}).get(PRIMARY_KEY.encode()) == b"true"


@pytest.mark.slow  # four interpreters start up and race: about 20 s on two cores
def test_concurrent_upserts_of_the_same_new_ids_without_a_lock_never_duplicate(
    tmp_path: Path,
) -> None:
    db = tmp_path / "db"
    seeded = _store(db, file_lock=False)
    # Rows already there (so the join has something to scan) and the id index built,
    # which the upsert must not join through.
    seeded.upsert(
        [SemanticMemory(user_id=USER, name="seed", summary=f"seed {i}") for i in range(50)]
    )
    assert any(i.columns == ["id"] for i in seeded._tables["semantic"].list_indices())
    seeded.close()
    go = tmp_path / "go"
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.integration.store._upsert_worker",
                str(db),
                str(go),
                str(w),
                str(BATCHES),
                str(SIZE),
            ],
            cwd=REPO,
            env={**os.environ, "MIRIX_PY_LOG_LEVEL": "ERROR"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for w in range(WORKERS)
    ]
    time.sleep(3)  # let them import and open the store; the race starts together
    go.write_text("go")
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err.decode()[-3000:]
    ids = lancedb.connect(str(db)).open_table("semantic").to_arrow()["id"].to_pylist()
    duplicates = {i: n for i, n in Counter(ids).items() if n > 1}
    assert duplicates == {}
    assert len(ids) == 50 + BATCHES * SIZE
    reopened = _store(db)
    shared = reopened.get("shared-0-0", user_id=USER)
    assert shared.summary.startswith("worker ")  # type: ignore[attr-defined]
    events = [e.event for e in reopened.history("shared-0-0", user_id=USER)]
    assert events.count("insert") >= 1 and len(events) == WORKERS
    reopened.close()


def _old_schema(dim: int) -> pa.Schema:
    """The record schema as an earlier version wrote it: ``id`` nullable, no key."""
    return pa.schema(
        [
            pa.field("id", pa.string()),
            pa.field("user_id", pa.string(), nullable=False),
            pa.field("text", pa.string()),
            pa.field("payload", pa.string()),
            pa.field("source_ids", pa.list_(pa.string())),
            pa.field("created_at", pa.int64()),
            pa.field("updated_at", pa.int64()),
            pa.field("occurred_at", pa.int64()),
            pa.field("valid_from", pa.int64()),
            pa.field("valid_to", pa.int64()),
            pa.field("superseded_by", pa.string()),
            pa.field("status", pa.string()),
            pa.field("origin", pa.string()),
            pa.field("importance", pa.float32()),
            pa.field("access_count", pa.int64()),
            pa.field("vector", pa.list_(pa.float32(), dim)),
        ]
    )


def test_a_table_without_the_key_is_migrated_in_place_with_its_rows(tmp_path: Path) -> None:
    db_path = tmp_path / "db"
    store = _store(db_path)
    records = [
        EpisodicMemory(user_id="ann", actor="Ann", summary=f"went hiking on day {i}")
        for i in range(12)
    ]
    store.upsert(records)
    rows = store._tables["episodic"].to_arrow()
    store.close()
    # Recreate the table the way an earlier version did: nullable id, no key metadata.
    db = lancedb.connect(str(db_path))
    db.drop_table("episodic")
    old = db.create_table("episodic", schema=_old_schema(384))
    old.add(rows.select(_old_schema(384).names).cast(_old_schema(384)))
    assert not has_declared_key(old.schema)
    version_before = old.version

    migrated = _store(db_path)
    table = migrated._tables["episodic"]
    assert has_declared_key(table.schema)
    assert table.version > version_before  # in place: new versions, not a new table
    assert sorted(table.to_arrow()["id"].to_pylist()) == sorted(r.id for r in records)
    got = migrated.get(records[3].id, user_id="ann")
    assert got.summary == "went hiking on day 3"  # type: ignore[attr-defined]
    # Upserts work on the migrated table and keep ids unique.
    migrated.upsert([records[3].model_copy(update={"summary": "went climbing", "embedding": None})])
    migrated.upsert([EpisodicMemory(user_id="ann", actor="Ann", summary="a new day")])
    ids = table.to_arrow()["id"].to_pylist()
    assert len(ids) == len(set(ids)) == 13
    assert [e.event for e in migrated.history(records[3].id, user_id="ann")][-1] == "update"
    migrated.close()
    # Opening again finds nothing left to migrate.
    again = _store(db_path)
    assert again._tables["episodic"].version == table.version
    again.close()
