"""Verifiable forgetting: after ``delete``/``delete_all`` no byte of the forgotten text remains.

Each test first checks that the scan *does* see the marker while it is stored
(so a blind scan cannot pass), then forgets it and scans every byte of every file
of the database folder — data files, deletion files, full-text index files,
old versions, transaction logs, the history table — for it.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from mirix_py._cli import main as cli_main
from mirix_py._config import MirixConfig
from mirix_py._embeddings import CachedEmbeddings
from mirix_py._memory import EpisodicMemory, MemoryType
from mirix_py._store.lancedb_store import HISTORY_TABLE, LanceDBStore
from mirix_py._system import MemorySystem
from mirix_py.errors import RecordNotFound
from tests.security._helpers import scan_folder, typed_record

TYPED = (
    MemoryType.SEMANTIC,
    MemoryType.PROCEDURAL,
    MemoryType.RESOURCE,
    MemoryType.KNOWLEDGE_VAULT,
)


def _marker() -> str:
    # Lower-case letters then digits: the full-text tokenizer keeps it as one token.
    return f"zqmark{uuid.uuid4().hex[:12]}7"


def _db(system: MemorySystem) -> Path:
    return Path(system.config.storage.uri)


def _store(system: MemorySystem) -> LanceDBStore:
    assert isinstance(system.store, LanceDBStore)
    return system.store


def _filler(user: str, n: int, tag: str) -> list[dict[str, str]]:
    return [
        {
            "content": f"{user} talked about gardening and bread baking, note {tag} {i}",
            "id": f"{tag}-{i}",
        }
        for i in range(n)
    ]


def _assert_single_clean_version(db: Path) -> None:
    """Every table: one manifest, no deletion files (all bytes on disk are live rows)."""
    for table in db.glob("*.lance"):
        manifests = list((table / "_versions").glob("*.manifest"))
        assert len(manifests) == 1, f"{table.name} keeps {len(manifests)} versions"
        deletions = table / "_deletions"
        assert not deletions.exists() or not any(deletions.iterdir()), table.name


def test_delete_leaves_no_residue_even_inside_a_large_compacted_fragment(
    system: MemorySystem,
) -> None:
    marker = _marker()
    messages = [
        *_filler("ann", 40, "a"),
        {"content": f"ann talked about gardening and bread baking, note {marker}", "id": "mk"},
    ]
    messages += _filler("ann", 40, "b")
    receipt = system.add(messages, user_id="ann")
    system.add(_filler("bob", 30, "c"), user_id="bob")
    _store(system).optimize()  # one big fragment: compaction alone would not rewrite it
    target = [r.id for r in system.get_all(user_id="ann", limit=1000) if marker in r.embed_text()]
    assert len(target) == 1 and target[0] in receipt.ids()
    before = scan_folder(_db(system), [marker])
    assert before.hits, "the scan must see the marker while it is stored"
    ann_count = _store(system).count(user_id="ann")
    bob_count = _store(system).count(user_id="bob")

    forgotten = system.delete(target[0], user_id="ann", purge=True)

    assert forgotten.memory_ids == target
    assert forgotten.removed == {"episodic": 1} and forgotten.total == 1
    assert forgotten.history_scrubbed >= 1 and forgotten.purged_versions
    after = scan_folder(_db(system), [marker])
    assert after.hits == [], after.hits
    assert after.bytes > 0
    _assert_single_clean_version(_db(system))
    assert _store(system).count(user_id="ann") == ann_count - 1
    assert _store(system).count(user_id="bob") == bob_count
    with pytest.raises(RecordNotFound):
        system.get(target[0], user_id="ann")
    # The index was rebuilt, not lost: full-text search still finds the rest.
    hits = system.search("bread baking", user_id="bob", mode="fts", limit=3)
    assert hits and all(h.record.user_id == "bob" for h in hits)


def test_history_keeps_that_it_happened_not_what(system: MemorySystem) -> None:
    marker = _marker()
    store = _store(system)
    record = typed_record(MemoryType.SEMANTIC, "ann", f"first {marker}")
    store.upsert([record], reason=f"learned {marker}")
    for version in range(3):  # older row versions and history snapshots
        changed = record.model_copy(update={"summary": f"version {version} {marker}"})
        store.upsert([changed], reason=f"corrected {marker}")
    assert scan_folder(_db(system), [marker]).hits

    receipt = system.delete(record.id, user_id="ann", purge=True)

    assert receipt.history_scrubbed == 4
    events = system.history(record.id, user_id="ann")
    assert [e.event for e in events] == ["insert", "update", "update", "update", "delete"]
    assert all(e.old_value is None and e.new_value is None for e in events)
    assert all(marker not in e.reason for e in events)
    assert scan_folder(_db(system), [marker]).hits == []
    _assert_single_clean_version(_db(system))


def test_delete_all_removes_text_and_user_id_from_every_table(system: MemorySystem) -> None:
    marker = _marker()
    victim = f"user-{uuid.uuid4().hex[:10]}"
    store = _store(system)
    system.add(_filler("ann", 20, "a"), user_id="ann")
    added = system.add(
        [*_filler(victim, 10, "v"), {"content": f"the alarm code is {marker}", "id": "v-mk"}],
        user_id=victim,
    ).ids()
    victim_ids = [store.upsert([typed_record(t, victim, f"{t.value} {marker}")])[0] for t in TYPED]
    others = [store.upsert([typed_record(t, "ann", f"{t.value} of ann")])[0] for t in TYPED]
    store.optimize()
    assert scan_folder(_db(system), [marker]).hits
    counts_before = {u: store.count(user_id=u) for u in ("ann", victim)}
    history_ann = store.history_count(user_id="ann")
    owned = system.get_all(user_id=victim, limit=10_000, include_superseded=True)
    per_type = {t.value: sum(r.memory_type is t for r in owned) for t in MemoryType}

    receipt = system.delete_all(user_id=victim, purge=True)

    assert receipt.total == counts_before[victim] == len(owned)
    assert set(receipt.memory_ids) == {r.id for r in owned} >= {*victim_ids, *added}
    assert receipt.removed == per_type
    assert store.count(user_id=victim) == 0 and store.history_count(user_id=victim) == 0
    assert store.count(user_id="ann") == counts_before["ann"]
    assert store.history_count(user_id="ann") == history_ann
    assert len(store.get_many(others, user_id="ann")) == len(others)
    scan = scan_folder(_db(system), [marker, victim])
    assert scan.hits == [], scan.hits
    _assert_single_clean_version(_db(system))


def test_forgetting_the_last_user_empties_the_full_text_index(system: MemorySystem) -> None:
    marker = _marker()
    system.add([{"content": f"only memory {marker}", "id": "m1"}], user_id="solo")
    _store(system).optimize()
    assert scan_folder(_db(system), [marker]).hits

    system.delete_all(user_id="solo", purge=True)

    assert scan_folder(_db(system), [marker]).hits == []
    # The emptied tables still have their full-text index: search keeps working.
    system.add([{"content": "a new beginning with tulips", "id": "m2"}], user_id="solo")
    hits = system.search("tulips", user_id="solo", mode="fts", limit=3)
    assert [h.record.user_id for h in hits] == ["solo"]


def test_forgetting_one_memory_keeps_other_copies_and_versions_of_others_intact(
    system: MemorySystem,
) -> None:
    store = _store(system)
    keep = EpisodicMemory(user_id="ann", summary="keep me: sourdough starter named Clint")
    drop = EpisodicMemory(user_id="ann", summary=f"drop me {_marker()}")
    store.upsert([keep, drop])
    system.delete(drop.id, user_id="ann")
    again = system.get(keep.id, user_id="ann")
    assert again.embed_text() == keep.embed_text()
    assert [e.event for e in system.history(keep.id, user_id="ann")] == ["insert"]
    assert system.history(keep.id, user_id="ann")[0].new_value is not None


def test_cli_forget_all_leaves_no_residue(
    tmp_path: Path,
    config: MirixConfig,
    embeddings: CachedEmbeddings,
    capsys: pytest.CaptureFixture[str],
) -> None:
    marker = _marker()
    system = MemorySystem(config, embeddings=embeddings)
    system.add(
        [{"content": f"carol talked about gardening, note {marker}", "id": "p1"}], user_id="carol"
    )
    system.add(_filler("dan", 10, "d"), user_id="dan")
    system.close()
    db = Path(config.storage.uri)
    assert scan_folder(db, [marker]).hits
    cfg = tmp_path / "cli.yaml"
    cfg.write_text(f"home: {tmp_path}\n", encoding="utf-8")

    code = cli_main(
        ["forget", "--config", str(cfg), "--user", "carol", "--all", "--yes", "--now", "--json"]
    )

    assert code == 0
    out = capsys.readouterr().out
    assert '"user_id": "carol"' in out and '"purged_versions": true' in out
    assert scan_folder(db, [marker, "carol"]).hits == []
    reopened = MemorySystem(config, embeddings=embeddings)
    assert reopened.get_all(user_id="carol") == []
    assert len(reopened.get_all(user_id="dan")) == 10
    reopened.close()


def test_history_table_is_part_of_every_purge(system: MemorySystem) -> None:
    marker = _marker()
    record = typed_record(MemoryType.SEMANTIC, "ann", marker)
    _store(system).upsert([record])
    history = _db(system) / f"{HISTORY_TABLE}.lance"
    assert scan_folder(history, [marker]).hits
    system.delete(record.id, user_id="ann", purge=True)
    assert scan_folder(history, [marker]).hits == []


def test_forgetting_a_memory_also_forgets_the_versions_it_superseded(
    system: MemorySystem,
) -> None:
    store = _store(system)
    markers = [_marker() for _ in range(3)]
    first = typed_record(MemoryType.SEMANTIC, "ann", f"works as a nurse {markers[0]}")
    store.upsert([first])
    second = typed_record(MemoryType.SEMANTIC, "ann", f"works as a pilot {markers[1]}")
    store.supersede(first.id, second, user_id="ann")
    third = typed_record(MemoryType.SEMANTIC, "ann", f"works as a judge {markers[2]}")
    store.supersede(second.id, third, user_id="ann")
    other = typed_record(MemoryType.SEMANTIC, "bob", "bob works as a nurse too")
    store.upsert([other])
    assert len(scan_folder(_db(system), markers).hits) >= 3

    receipt = system.delete(third.id, user_id="ann", purge=True)

    assert receipt.memory_ids == [third.id, second.id, first.id]
    assert receipt.removed == {"semantic": 3}
    assert system.get_all(user_id="ann", include_superseded=True) == []
    assert scan_folder(_db(system), markers).hits == []
    assert system.get(other.id, user_id="bob").user_id == "bob"
