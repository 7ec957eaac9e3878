"""Forgetting in proportion to what is forgotten: logical at once, bytes purged by the
maintenance step within the configured delay (or at once when asked), from a durable
queue that survives a restart; and a byte scan at scale (one user among 1,000)."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

import lancedb
import numpy as np
import pyarrow as pa
import pytest
from lancedb.index import IvfPq

from mirix_py._config import MirixConfig
from mirix_py._embeddings import CachedEmbeddings
from mirix_py._memory import EpisodicMemory
from mirix_py._store.base import SearchQuery
from mirix_py._store.purge import compact_fragments, fragments_of
from mirix_py._store.purge_queue import QUEUE_FILE
from mirix_py._store.segments import dataset, detach_rebuilt_segments, live_fragments
from mirix_py._system import MemorySystem
from mirix_py.errors import RecordNotFound
from tests.conftest import make_config
from tests.integration.maintenance.helpers import episodes, maintainer, open_store
from tests.security._helpers import scan_folder


def _marker() -> str:
    return f"zqmark{uuid.uuid4().hex[:12]}7"


def _config(tmp_path: Path, **maintenance: object) -> MirixConfig:
    settings = {"retention_seconds": 0, "purge_delay_seconds": 600, **maintenance}
    return make_config(tmp_path, memory={"enabled": ["core", "episodic"]}, maintenance=settings)


def test_a_forget_is_logical_at_once_and_purged_by_the_next_due_maintenance(
    tmp_path: Path, embeddings: CachedEmbeddings
) -> None:
    config = _config(tmp_path, background=False, purge_delay_seconds=0)
    system = MemorySystem(config, embeddings=embeddings)
    marker = _marker()
    system.add(
        [{"content": f"ann visited the {marker} museum on sunday", "id": "m1"}], user_id="ann"
    )
    system.add([{"content": "bob likes tulips and long walks", "id": "b1"}], user_id="bob")
    system.maintain()  # compacted and indexed: the marker sits in a big fragment
    target = next(r for r in system.get_all(user_id="ann") if marker in r.embed_text())
    db = Path(config.storage.uri)

    receipt = system.delete(target.id, user_id="ann")

    assert receipt.purged_at is None and not receipt.purged_versions
    assert receipt.purge_due_by is not None and receipt.memory_ids == [target.id]
    with pytest.raises(RecordNotFound):
        system.get(target.id, user_id="ann")
    assert system.search(marker, user_id="ann", mode="fts") == []
    assert scan_folder(db, [marker]).hits, "bytes stay until the purge"
    assert (db / QUEUE_FILE).exists() and marker not in (db / QUEUE_FILE).read_text()
    assert "ann" not in (db / QUEUE_FILE).read_text()

    done = system.maintain()

    assert done.purges_rewritten == 1 and done.purges_completed == 1 and done.purges_pending == 0
    assert scan_folder(db, [marker]).hits == []
    assert [h.record.user_id for h in system.search("tulips", user_id="bob", mode="fts")] == ["bob"]
    system.close()


def test_a_pending_purge_survives_a_restart_and_the_worker_meets_the_deadline(
    tmp_path: Path, embeddings: CachedEmbeddings
) -> None:
    marker = _marker()
    first = MemorySystem(
        _config(tmp_path, background=False, purge_delay_seconds=1), embeddings=embeddings
    )
    first.add(
        [{"content": f"carl went to the {marker} festival with friends", "id": "a1"}],
        user_id="carl",
    )
    first.maintain()
    receipt = first.delete_all(user_id="carl")
    assert receipt.purge_due_by is not None and receipt.total >= 1
    first.close()  # the process ends before the purge
    db = Path(first.config.storage.uri)
    assert scan_folder(db, [marker]).hits

    # Default background setting: a reopened system sees the queue and starts its worker.
    second = MemorySystem(
        _config(tmp_path, purge_delay_seconds=1, interval_seconds=0.2), embeddings=embeddings
    )
    assert second.maintenance.background
    for _ in range(600):  # a safety bound, not a timing assertion
        if not second.maintenance.has_pending_purges():
            break
        time.sleep(0.1)
    assert not second.maintenance.has_pending_purges()
    assert scan_folder(db, [marker, "carl"]).hits == []
    second.close()


def test_purge_true_is_immediate_and_flushes_pending_purges(
    tmp_path: Path, embeddings: CachedEmbeddings
) -> None:
    system = MemorySystem(_config(tmp_path, background=False), embeddings=embeddings)
    early, late = _marker(), _marker()
    system.add([{"content": f"dora read the book {early} twice", "id": "e1"}], user_id="dora")
    system.add([{"content": f"dora cooked the recipe {late} at home", "id": "l1"}], user_id="dora")
    system.maintain()
    records = {r.embed_text(): r.id for r in system.get_all(user_id="dora")}
    first = next(i for t, i in records.items() if early in t)
    second = next(i for t, i in records.items() if late in t)
    assert system.delete(first, user_id="dora").purge_due_by is not None

    now = system.delete(second, user_id="dora", purge=True)

    assert now.purged_at is not None and now.purge_due_by is None and now.purged_versions
    assert scan_folder(Path(system.config.storage.uri), [early, late]).hits == []
    assert not system.maintenance.has_pending_purges()
    system.close()


def _layout(db: Path, table: str) -> tuple[set[str], dict[str, set[str]]]:
    """The data files and, per index, the segment ids of one table (read from Lance)."""
    import lance

    ds = lance.dataset(str(db / f"{table}.lance"))
    files = {f.path for frag in ds.get_fragments() for f in frag.data_files()}
    segments = {d.name: {s.uuid for s in d.segments} for d in ds.describe_indices()}
    return files, segments


@pytest.mark.slow  # 1,000 users, 10,000 rows
def test_forgetting_one_user_among_a_thousand_leaves_no_byte_behind(tmp_path: Path) -> None:
    store = open_store(tmp_path / "db")
    marker = _marker()
    victim = "user-0417"
    for lo in range(0, 1000, 100):
        batch: list[EpisodicMemory] = []
        for u in range(lo, lo + 100):
            user = f"user-{u:04d}"
            batch.extend(episodes(user, 10, marker=marker if user == victim else ""))
        store.upsert(batch)
    small = {"fragment_rows": 1000, "index_segment_rows": 1000}
    maintainer(store, **small).run(ann=False)  # compact: the victim shares fragments with others
    db = tmp_path / "db"
    assert scan_folder(db, [marker]).hits
    others = store.count() - store.count(user_id=victim)
    files_before, segments_before = _layout(db, "episodic")
    assert len(files_before) >= 10 and segments_before["text_idx"]

    receipt = store.delete_all(user_id=victim)
    assert receipt.total == 10 and receipt.purge_due_by is not None
    run = maintainer(store, purge_delay_seconds=0, **small).run(ann=False, purge_everything=True)

    assert run.purges_rewritten == 1 and run.purges_completed == 1
    episodic = next(t for t in run.tables if t.table == "episodic")
    # Only the fragment(s) that held the victim's rows were rewritten, not the table.
    assert 0 < episodic.purge_rows_rewritten <= 2 * 1000
    files_after, segments_after = _layout(db, "episodic")
    assert len(files_before - files_after) <= 2
    for index, before in segments_before.items():  # most index segments are untouched
        assert len(before & segments_after[index]) >= len(before) - 2, index
    assert scan_folder(db, [marker, victim]).hits == []
    assert store.count() == others and store.count(user_id="user-0416") == 10
    assert store.search(SearchQuery(user_id="user-0416", text="talked", mode="fts", limit=3))
    store.close()


def test_purge_now_among_many_users_rewrites_one_fragment_and_its_segments(
    tmp_path: Path,
) -> None:
    """Forget one memory of one user among 50 with ``purge=True``: its bytes are gone,
    and the data files and index segments of every other fragment are the same files."""
    store = open_store(tmp_path / "db", index_segment_rows=200)
    marker = _marker()
    victim = "user-0031"
    for u in range(50):  # one add per user: compaction merges them into small fragments
        user = f"user-{u:04d}"
        store.upsert(episodes(user, 20, marker=marker if user == victim else ""))
    small = {"fragment_rows": 100, "index_segment_rows": 200}
    maintainer(store, **small).run(ann=False)
    db = tmp_path / "db"
    assert scan_folder(db, [marker]).hits
    files_before, segments_before = _layout(db, "episodic")
    assert len(files_before) >= 10
    target = next(r for r in store.list_records(user_id=victim) if marker in r.embed_text())

    receipt = store.delete(target.id, user_id=victim, purge=True)

    assert receipt.purged_versions
    assert scan_folder(db, [marker]).hits == []
    files_after, segments_after = _layout(db, "episodic")
    assert len(files_before - files_after) == 1  # the one fragment that held the memory
    for index, before in segments_before.items():
        assert len(before - segments_after[index]) == 1, index  # the one segment over it
    assert store.count() == 50 * 20 - 1 and store.count(user_id=victim) == 19
    hits = store.search(SearchQuery(user_id=victim, text="talked", mode="fts", limit=50))
    assert len(hits) == 19 and target.id not in {h.record.id for h in hits}
    store.close()


def test_write_volume_triggers_background_maintenance(
    tmp_path: Path, embeddings: CachedEmbeddings
) -> None:
    config = _config(tmp_path, background=True, every_n_writes=1, interval_seconds=0.2)
    system = MemorySystem(config, embeddings=embeddings)
    assert system.maintenance.background and system.maintenance.last_receipt is None
    system.add([{"content": "eve planted tulips by the fence", "id": "t1"}], user_id="eve")
    for _ in range(600):  # a safety bound, not a timing assertion
        if system.maintenance.last_receipt is not None:
            break
        time.sleep(0.1)
    receipt = system.maintenance.last_receipt
    assert receipt is not None and receipt.ran
    assert {t.table for t in receipt.tables} >= {"episodic", "history"}
    system.close()
    assert not system.maintenance.background


def test_a_library_starts_background_maintenance_by_write_volume(
    tmp_path: Path, embeddings: CachedEmbeddings
) -> None:
    config = _config(tmp_path, background=None, every_n_writes=3, interval_seconds=0.2)
    system = MemorySystem(config, embeddings=embeddings)
    assert not system.maintenance.background  # nothing written yet: no thread
    system.add([{"content": "eve planted tulips", "id": "v1"}], user_id="eve")
    system.add(
        [
            {"content": "eve repainted the fence green", "id": "v2"},
            {"content": "eve bought a watering can", "id": "v3"},
        ],
        user_id="eve",
    )
    assert system.maintenance.background  # the write volume started the worker
    for _ in range(600):  # a safety bound, not a timing assertion
        if system.maintenance.last_receipt is not None:
            break
        time.sleep(0.1)
    receipt = system.maintenance.last_receipt
    assert receipt is not None and receipt.ran
    system.close()


def test_many_small_writes_start_background_maintenance(
    tmp_path: Path, embeddings: CachedEmbeddings
) -> None:
    """Few rows but many adds: each leaves a fragment and unindexed rows behind, so
    the number of write operations starts maintenance too."""
    config = _config(
        tmp_path,
        background=None,
        every_n_writes=1_000_000,
        every_n_commits=3,
        interval_seconds=0.2,
    )
    system = MemorySystem(config, embeddings=embeddings)
    for i in range(2):
        system.add(
            [{"content": f"eve watered the tulips on day {i}", "id": f"w{i}"}], user_id="eve"
        )
    assert not system.maintenance.background  # two small writes: not yet
    system.add([{"content": "eve watered the tulips again", "id": "w2"}], user_id="eve")
    assert system.maintenance.background
    for _ in range(600):  # a safety bound, not a timing assertion
        if system.maintenance.last_receipt is not None:
            break
        time.sleep(0.1)
    receipt = system.maintenance.last_receipt
    assert receipt is not None and receipt.ran
    system.close()


def test_background_false_never_starts_a_worker(
    tmp_path: Path, embeddings: CachedEmbeddings
) -> None:
    config = _config(tmp_path, background=False, every_n_writes=1)
    system = MemorySystem(config, embeddings=embeddings)
    system.add([{"content": "eve planted tulips", "id": "w1"}], user_id="eve")
    assert not system.maintenance.background
    system.close()


def _three_fragments_with_a_vector_index(tmp_path: Path, seed: int) -> Any:
    """A table ``t`` of three 400-row fragments (ids ``r<part>-<nnn>``) with an IVF_PQ index."""
    rng = np.random.default_rng(seed)
    db = lancedb.connect(str(tmp_path / "db"))
    table = None
    for part in range(3):
        ids = [f"r{part}-{i:03d}" for i in range(400)]
        vectors = rng.normal(size=(400, 16)).astype(np.float32)
        data = pa.table(
            {"id": ids, "vector": pa.FixedSizeListArray.from_arrays(pa.array(vectors.ravel()), 16)}
        )
        table = db.create_table("t", data) if table is None else table
        if part:
            table.add(data)
    assert table is not None
    table.create_index("vector", config=IvfPq(num_partitions=2, num_sub_vectors=4))
    return table


def test_a_purge_rewrite_keeps_the_vector_index_over_the_moved_rows(tmp_path: Path) -> None:
    """The maintenance step's rewrite remaps the vector index (no moved row is left to
    encode again) and drops the forgotten row from it; other fragments stay the same files."""
    table = _three_fragments_with_a_vector_index(tmp_path, seed=0)
    before = live_fragments(dataset(table))
    victim = min(before)
    table.delete("id = 'r0-007'")

    moved = compact_fragments(table, {victim}, fragment_rows=400)

    after = live_fragments(dataset(table))
    assert moved == 399 and victim not in after
    assert set(before) - {victim} <= set(after)  # the other fragments are untouched
    assert table.index_stats("vector_idx").num_unindexed_rows == 0
    assert table.count_rows() == 1199
    hits = table.search(np.random.default_rng(2).normal(size=16).tolist()).limit(1200).to_arrow()
    assert "r0-007" not in hits["id"].to_pylist()


def _index_names_holding(db: Path, table: str, hits: list[tuple[str, str]]) -> set[str]:
    """The names of the indexes whose segment files a byte scan's hits are in."""
    import lance

    ds = lance.dataset(str(db / f"{table}.lance"))
    by_uuid = {str(s.uuid): d.name for d in ds.describe_indices() for s in d.segments}
    found = set()
    for path, _ in hits:
        parts = Path(path).parts
        if "_indices" in parts:
            found.add(by_uuid.get(parts[parts.index("_indices") + 1], "(an old segment)"))
    return found


@pytest.mark.parametrize("at_once", [True, False], ids=["purge_now", "maintenance"])
def test_a_forgotten_entity_name_leaves_no_key_in_any_index(tmp_path: Path, at_once: bool) -> None:
    """A fact's entity name is a key of a BTree index (the scan sees it there first).
    Whether the purge runs at once or in maintenance, no index file keeps it afterwards,
    and lookups of the other facts still work."""
    from mirix_py._memory import MemoryType, SemanticMemory

    store = open_store(tmp_path / "db", types=(MemoryType.SEMANTIC,), index_segment_rows=128)
    marker = _marker()
    victim = SemanticMemory(user_id="user-0007", name=marker, summary="owns a blue bicycle")
    for u in range(24):
        user = f"user-{u:04d}"
        facts = [
            SemanticMemory(user_id=user, name=f"topic {u} {i}", summary=f"{user} likes {i}")
            for i in range(10)
        ]
        store.upsert([*facts, victim] if user == victim.user_id else facts)
    small = {"fragment_rows": 64, "index_segment_rows": 128}
    maintainer(store, **small).run(ann=False)
    db = tmp_path / "db"
    before = scan_folder(db, [marker]).hits
    assert "entity_idx" in _index_names_holding(db, "semantic", before)

    receipt = store.delete(victim.id, user_id=victim.user_id, purge=at_once)
    if not at_once:
        maintainer(store, purge_delay_seconds=0, **small).run(ann=False, purge_everything=True)

    assert receipt.purged_versions is at_once
    assert scan_folder(db, [marker]).hits == []
    assert store.count() == 24 * 10 and store.count(user_id=victim.user_id) == 10
    hits = store.search(SearchQuery(user_id=victim.user_id, text="likes", mode="fts", limit=20))
    assert len(hits) == 10
    store.close()


def test_purge_now_keeps_the_vector_index_over_the_moved_rows(tmp_path: Path) -> None:
    """A purge at once rewrites by the same restricted compaction as maintenance: the
    moved rows stay in the vector index (nothing is left for maintenance to encode)."""
    from mirix_py._store.lance_schema import _fts_config
    from mirix_py._store.purge import purge_now

    table = _three_fragments_with_a_vector_index(tmp_path, seed=1)
    before = live_fragments(dataset(table))
    victim = max(before)
    table.delete("id = 'r2-011'")

    moved = purge_now(table, {victim}, folder=tmp_path / "db" / "t.lance", fts_config=_fts_config)

    after = live_fragments(dataset(table))
    assert moved == 399 and victim not in after
    assert set(before) - {victim} <= set(after)
    assert table.index_stats("vector_idx").num_unindexed_rows == 0
    hits = table.search(np.random.default_rng(2).normal(size=16).tolist()).limit(1200).to_arrow()
    assert len(hits) == 1199 and "r2-011" not in hits["id"].to_pylist()


def test_a_purge_writes_an_oversized_fragment_back_in_pieces_of_the_target_size(
    tmp_path: Path,
) -> None:
    """Compaction never splits a fragment larger than its target (one big write, or
    a database kept with a larger ``fragment_rows``); the purge's compaction of such a
    fragment writes it back in fragments of about the target, so only its first purge
    pays for its whole size. The forgotten bytes are gone and every other row stays."""
    store = open_store(tmp_path / "db", fragment_rows=100, index_segment_rows=200)
    marker = _marker()
    batch = [m for u in range(20) for m in episodes(f"user-{u:04d}", 30)]
    batch += episodes("user-0099", 5, marker=marker)
    store.upsert(batch)  # one write: one fragment of 605 rows
    maintainer(store, fragment_rows=100, index_segment_rows=200).run(ann=False)
    db = tmp_path / "db"
    assert sorted(live_fragments(dataset(store.maintained_tables()["episodic"])).values()) == [605]
    target = next(r for r in store.list_records(user_id="user-0099") if marker in r.embed_text())

    store.delete(target.id, user_id="user-0099", purge=True)

    pieces = live_fragments(dataset(store.maintained_tables()["episodic"]))
    assert sum(pieces.values()) == 604 and len(pieces) >= 3
    assert max(pieces.values()) <= 2 * 100
    assert scan_folder(db, [marker]).hits == []
    assert store.count(user_id="user-0003") == 30
    hits = store.search(SearchQuery(user_id="user-0003", text="talked", mode="fts", limit=50))
    assert len(hits) == 30
    store.close()


def _history_fragments(store: Any) -> list[int]:
    return sorted(live_fragments(dataset(store.maintained_tables()["history"])).values())


def test_maintenance_keeps_history_fragments_smaller_than_the_record_tables(
    tmp_path: Path,
) -> None:
    """Every forget purges a history fragment (its events hold the memory's content),
    and only indexed lookups read history: its fragments are compacted to
    ``history_fragment_rows``, the record tables' to ``fragment_rows``, and its index
    segments cover a few of its fragments (a purge's compaction remaps them whole)."""
    layout = {"fragment_rows": 1000, "index_segment_rows": 2000, "history_fragment_rows": 64}
    store = open_store(
        tmp_path / "db", fragment_rows=1000, index_segment_rows=2000, history_fragment_rows=64
    )
    for u in range(10):  # ten writes: ten fragments of 30 rows in each table
        store.upsert(episodes(f"user-{u:04d}", 30))

    maintainer(store, **layout).run(ann=False)

    episodic = live_fragments(dataset(store.maintained_tables()["episodic"]))
    assert sum(episodic.values()) == 300 and max(episodic.values()) > 2 * 64
    history = _history_fragments(store)
    assert sum(history) == 300 and len(history) >= 3 and max(history) <= 2 * 64
    ds = dataset(store.maintained_tables()["history"])
    rows = live_fragments(ds)
    for index in ds.describe_indices():
        sizes = [sum(rows[f] for f in segment.fragment_ids) for segment in index.segments]
        assert len(sizes) >= 2 and max(sizes) <= 4 * 64
    first = store.list_records(user_id="user-0004")[0]
    assert [e.event for e in store.history(first.id, user_id="user-0004")] == ["insert"]
    store.close()


def test_a_purge_writes_a_big_history_fragment_back_in_pieces_of_the_history_target(
    tmp_path: Path,
) -> None:
    """A history fragment written before ``history_fragment_rows`` (one big write, or
    an older database) is split by its first purge, so later forgets rewrite less."""
    store = open_store(
        tmp_path / "db", fragment_rows=1000, index_segment_rows=2000, history_fragment_rows=64
    )
    marker = _marker()
    batch = [m for u in range(10) for m in episodes(f"user-{u:04d}", 30)]
    batch += episodes("user-0099", 5, marker=marker)
    store.upsert(batch)  # one write: one history fragment of 305 rows
    assert _history_fragments(store) == [305]
    target = next(r for r in store.list_records(user_id="user-0099") if marker in r.embed_text())

    store.delete(target.id, user_id="user-0099", purge=True)

    history = _history_fragments(store)
    assert len(history) >= 3 and max(history) <= 2 * 64
    assert scan_folder(tmp_path / "db", [marker]).hits == []
    other = store.list_records(user_id="user-0003")[0]
    assert [e.event for e in store.history(other.id, user_id="user-0003")] == ["insert"]
    assert store.history_count(user_id="user-0003") == 30
    store.close()


def _segments(table: Any) -> dict[str, dict[str, set[int]]]:
    return {
        d.name: {s.uuid: set(s.fragment_ids) for s in d.segments}
        for d in dataset(table).describe_indices()
    }


def test_a_purge_removes_the_bitmap_segments_it_rebuilds_before_its_compaction(
    tmp_path: Path,
) -> None:
    """A purge rebuilds the bitmap segments over the fragments it rewrote (a remapped
    bitmap keeps a key whose rows are all gone): removing them first spares the
    compaction their remap (when they are large enough for that to outweigh a commit).
    Other segments stay, and an index's last segment is kept (with it the index);
    after the purge every index covers every row again."""
    store = open_store(tmp_path / "db", fragment_rows=100, index_segment_rows=100)
    for u in range(4):  # four fragments of 100 rows, one index segment each
        store.upsert(episodes(f"user-{u:04d}", 100))
    maintainer(store, fragment_rows=100, index_segment_rows=100).run(ann=False)
    table = store.maintained_tables()["episodic"]
    victim = min(fragments_of(table, "user_id = 'user-0002'"))
    before = _segments(table)

    assert detach_rebuilt_segments(table, {victim}, min_rows=101) == 0  # too small to bother
    removed = detach_rebuilt_segments(table, {victim}, min_rows=100)

    after = _segments(table)
    assert removed == 1
    bitmap = {uuid: frags for uuid, frags in before["user_id_idx"].items() if victim not in frags}
    assert after["user_id_idx"] == bitmap and len(bitmap) == 3
    assert {k: v for k, v in after.items() if k != "user_id_idx"} == {
        k: v for k, v in before.items() if k != "user_id_idx"
    }
    history = store.maintained_tables()["history"]
    assert (
        detach_rebuilt_segments(history, fragments_of(history, "user_id = 'user-0002'"), min_rows=1)
        == 0
    )
    target = store.list_records(user_id="user-0002")[0]

    store.delete(target.id, user_id="user-0002", purge=True)

    for index in table.list_indices():
        assert table.index_stats(index.name).num_unindexed_rows == 0
    assert store.count(user_id="user-0002") == 99 and store.count(user_id="user-0001") == 100
    store.close()
