"""The facade methods added with the read path: update, reset, stats, export/import."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from mirix_py._embeddings import CachedEmbeddings
from mirix_py._ids import derived_id
from mirix_py._memory import KnowledgeVaultMemory, MemoryType, SemanticMemory
from mirix_py._system import MemorySystem
from mirix_py.errors import InvalidArgument
from tests.conftest import make_config
from tests.integration.read_path.conftest import ANN


def test_update_changes_in_place_and_keeps_history(ann_system: MemorySystem) -> None:
    fact = SemanticMemory(user_id=ANN, name="Biscuit", summary="is a beagle")
    ann_system.store.upsert([fact])
    updated = ann_system.update(fact.id, "is a beagle mix", user_id=ANN)
    assert (
        updated.id == fact.id and ann_system.get(fact.id, user_id=ANN).summary == "is a beagle mix"
    )
    ann_system.update(fact.id, {"name": "Biscuit the dog"}, user_id=ANN)
    events = ann_system.history(fact.id, user_id=ANN)
    assert [e.event for e in events] == ["insert", "update", "update"]
    assert "is a beagle" in (events[1].old_value or "")
    with pytest.raises(InvalidArgument):
        ann_system.update(fact.id, {"user_id": "bob"}, user_id=ANN)
    with pytest.raises(KeyError):
        ann_system.update(fact.id, "x", user_id="bob")
    assert asyncio.run(ann_system.aupdate(fact.id, "a dog", user_id=ANN)).summary == "a dog"


def test_update_keeps_vault_secrets(ann_system: MemorySystem) -> None:
    item = KnowledgeVaultMemory(user_id=ANN, caption="wifi", secret_value="pa55")
    ann_system.store.upsert([item])
    ann_system.update(item.id, "home wifi password", user_id=ANN)
    stored = ann_system.get(item.id, user_id=ANN)
    assert isinstance(stored, KnowledgeVaultMemory)
    assert (
        stored.caption == "home wifi password" and stored.secret_value.get_secret_value() == "pa55"
    )


def test_reset_one_user(ann_system: MemorySystem) -> None:
    ann_system.add("Bob likes chess", user_id="bob")
    receipt = ann_system.reset(user_id=ANN)
    assert receipt is not None and receipt.total > 0
    assert ann_system.get_all(user_id=ANN) == []
    assert ann_system.get_all(user_id="bob")
    assert ann_system.chat("Which pets did Ann adopt?", user_id=ANN).retrieved == []
    asyncio.run(ann_system.areset(user_id="bob"))
    assert ann_system.get_all(user_id="bob") == []


def test_reset_everything(ann_system: MemorySystem) -> None:
    ann_system.add("Bob likes chess", user_id="bob")
    assert ann_system.reset() is None
    assert ann_system.stats()["total"] == 0
    assert ann_system.chat("Which pets did Ann adopt?", user_id=ANN).retrieved == []
    ann_system.add("Bob likes go", user_id="bob")
    assert [r.memory_type for r in ann_system.get_all(user_id="bob")]


def test_stats(ann_system: MemorySystem) -> None:
    stats = ann_system.stats(user_id=ANN)
    assert stats["memories"][MemoryType.EPISODIC.value] == 14
    assert stats["total"] == sum(stats["memories"].values())
    assert stats["history"] and stats["history"] >= stats["total"]
    assert ann_system.stats()["total"] >= stats["total"]


def test_export_import_round_trip(
    ann_system: MemorySystem, tmp_path: Path, embeddings: CachedEmbeddings
) -> None:
    ann_system.store.upsert([KnowledgeVaultMemory(user_id=ANN, caption="pin", secret_value="1234")])
    fact = SemanticMemory(user_id=ANN, name="Ann", summary="lives in Lisbon")
    ann_system.store.upsert([fact])
    ann_system.store.supersede(
        fact.id, SemanticMemory(user_id=ANN, name="Ann", summary="lives in Porto"), user_id=ANN
    )
    plain = ann_system.export_records(user_id=ANN)
    assert all(row["memory_type"] != "knowledge_vault" for row in plain)
    rows = ann_system.export_records(user_id=ANN, include_secrets=True)
    vault_rows = [r for r in rows if r["memory_type"] == "knowledge_vault"]
    assert vault_rows[0]["record"]["secret_value"] == "1234"

    # In another database none of the ids is Ann's: each takes the id derived from
    # (Ann, old id), and the supersession link follows.
    other = MemorySystem(make_config(tmp_path / "other"), embeddings=embeddings)
    other.import_records(rows, user_id=ANN)
    moved = other.export_records(user_id=ANN, include_secrets=True)

    def renamed(row: dict[str, Any]) -> dict[str, Any]:
        record = dict(row["record"], id=derived_id(ANN, row["record"]["id"]))
        if record.get("superseded_by"):
            record["superseded_by"] = derived_id(ANN, record["superseded_by"])
        return {**row, "record": record}

    key = lambda row: row["record"]["id"]  # noqa: E731
    assert sorted(moved, key=key) == sorted((renamed(r) for r in rows), key=key)
    old = other.get(derived_id(ANN, fact.id), user_id=ANN)
    assert old.valid_to is not None and old.superseded_by  # supersession kept
    other.import_records(moved, user_id=ANN)  # now Ann's own ids: kept, nothing added
    assert other.export_records(user_id=ANN, include_secrets=True) == moved

    copied = ann_system.import_records(plain, user_id="ann-copy", new_ids=True)
    assert len(copied.ids()) == len(plain)
    assert not set(copied.ids()) & {r["record"]["id"] for r in plain}
    with pytest.raises(InvalidArgument):
        other.import_records([{"kind": "message"}], user_id=ANN)
    other.close()
