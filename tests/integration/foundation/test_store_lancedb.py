"""LanceDB-specific behaviour beyond the conformance suite."""

from __future__ import annotations

from pathlib import Path

import pytest

from mirix_py._embeddings import CachedEmbeddings
from mirix_py._memory import EpisodicMemory, MemoryType, ProceduralMemory, SemanticMemory
from mirix_py._store.base import SearchQuery
from mirix_py._store.lancedb_store import LanceDBStore
from mirix_py._vault import VaultCipher
from mirix_py.errors import MemoryTypeDisabled


def _open(
    path: Path, emb: CachedEmbeddings, cipher: VaultCipher, types: list[MemoryType]
) -> LanceDBStore:
    return LanceDBStore(str(path), embeddings=emb, dimension=384, memory_types=types, cipher=cipher)


def test_reopen_after_close_keeps_data_and_fts(
    tmp_path: Path, embeddings: CachedEmbeddings, cipher: VaultCipher
) -> None:
    store = _open(tmp_path, embeddings, cipher, list(MemoryType))
    rec = SemanticMemory(user_id="u", name="Ann", summary="plays the cello every Sunday")
    store.upsert([rec])
    store.close()
    again = _open(tmp_path, embeddings, cipher, list(MemoryType))
    assert again.get(rec.id, user_id="u").summary == "plays the cello every Sunday"  # type: ignore[attr-defined]
    hits = again.search(SearchQuery(user_id="u", text="cello", mode="fts"))
    assert [h.record.id for h in hits] == [rec.id]


def test_disabled_type_has_no_table_and_is_refused(
    tmp_path: Path, embeddings: CachedEmbeddings, cipher: VaultCipher
) -> None:
    types = [MemoryType.CORE, MemoryType.EPISODIC, MemoryType.SEMANTIC]
    store = _open(tmp_path, embeddings, cipher, types)
    assert set(store._db.list_tables().tables) == {"core", "episodic", "semantic", "history"}
    with pytest.raises(MemoryTypeDisabled, match="procedural"):
        store.upsert([ProceduralMemory(user_id="u", description="x", steps=[])])


def test_rows_added_after_the_fts_index_are_found(store: LanceDBStore) -> None:
    store.upsert([EpisodicMemory(user_id="u", summary="first entry about kayaking")])
    store.upsert([EpisodicMemory(user_id="u", summary="second entry about snowboarding")])
    hits = store.search(SearchQuery(user_id="u", text="snowboarding", mode="fts"))
    assert [h.record.summary for h in hits] == ["second entry about snowboarding"]  # type: ignore[attr-defined]


def test_vault_secret_is_encrypted_on_disk(store: LanceDBStore, tmp_path: Path) -> None:
    from mirix_py._memory import KnowledgeVaultMemory

    store.upsert(
        [KnowledgeVaultMemory(user_id="u", caption="door code", secret_value="zq-81-77-41")]
    )
    blob = b"".join(p.read_bytes() for p in (tmp_path / "db").rglob("*") if p.is_file())
    assert b"zq-81-77-41" not in blob
    assert b"door code" in blob


def test_reset_wipes_every_user_and_keeps_tables(store: LanceDBStore) -> None:
    store.upsert(
        [
            SemanticMemory(user_id="a", name="x", summary="y"),
            SemanticMemory(user_id="b", name="x", summary="z"),
        ]
    )
    store.reset()
    assert store.count() == 0
    store.upsert([SemanticMemory(user_id="a", name="x", summary="again")])
    assert store.count(user_id="a") == 1


def test_tables_from_before_the_key_columns_are_migrated_in_place(
    tmp_path: Path, embeddings: CachedEmbeddings, cipher: VaultCipher
) -> None:
    import lancedb

    types = [MemoryType.EPISODIC, MemoryType.SEMANTIC]
    store = _open(tmp_path, embeddings, cipher, types)
    turns = [
        EpisodicMemory(user_id="u", actor="Ann", summary=f"turn {i}", session_id="s1", sequence=i)
        for i in range(4)
    ]
    fact = SemanticMemory(user_id="u", name="Biscuit", summary="is a beagle")
    store.upsert([*turns, fact])
    store.close()
    db = lancedb.connect(str(tmp_path))  # make the tables look like an older version's
    for name in ("episodic", "semantic"):
        table = db.open_table(name)
        for index in table.list_indices():
            if index.columns[0] in ("session_key", "entity"):
                table.drop_index(index.name)
        table.drop_columns(["session_key", "sequence", "entity"])
        assert "session_key" not in table.schema.names
    again = _open(tmp_path, embeddings, cipher, types)
    episodic = db.open_table("episodic")
    assert {"session_key", "sequence", "entity"} <= set(episodic.schema.names)
    indexed = {c for i in episodic.list_indices() for c in i.columns}
    assert "session_key" in indexed and "entity" in {
        c for i in db.open_table("semantic").list_indices() for c in i.columns
    }
    near = again.neighbours([("s1", 1)], user_id="u")
    assert [r.id for r in near] == [t.id for t in turns[:3]]
    facts = again.by_keys("entity", ["biscuit"], user_id="u", memory_type=MemoryType.SEMANTIC)
    assert [r.id for r in facts] == [fact.id]
    assert again.get(turns[0].id, user_id="u").summary == "turn 0"  # type: ignore[attr-defined]
    again.close()
