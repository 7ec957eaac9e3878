"""The maintenance step on real LanceDB tables: compaction, index upkeep, clean-up,
the single-maintainer lease, concurrent writers, and the ANN index's recall gate."""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path

import pytest

from mirix_py._cli import main as cli_main
from mirix_py._memory import EpisodicMemory, MemoryType
from mirix_py._store import ann as ann_module
from mirix_py._store.base import SearchQuery
from mirix_py._store.lease import FileLease
from tests.integration.maintenance.helpers import (
    clustered_vectors,
    episodes,
    maintainer,
    open_store,
)
from tests.security._helpers import table_ids


def test_maintain_compacts_folds_new_rows_into_indexes_and_keeps_recent_versions(
    tmp_path: Path,
) -> None:
    store = open_store(tmp_path / "db")
    for batch in range(12):  # many small writes: many fragments, rows outside the FTS index
        store.upsert(episodes("ann", 5, start=batch * 5))
    table = store.maintained_tables()["episodic"]
    versions_before = len(table.list_versions())

    receipt = maintainer(store, retention_seconds=3600).run(ann=False)

    assert receipt.ran
    report = next(t for t in receipt.tables if t.table == "episodic")
    assert report.rows == 60
    # Indexed and new fragments compact separately (the index keeps its coverage).
    assert report.fragments_before >= 12 and report.fragments_after <= 2
    assert report.unindexed_rows_before > 0 and report.unindexed_rows_after == 0
    # Inside the retention window nothing is cleaned: concurrent readers keep their version.
    assert report.versions_after > report.versions_before >= versions_before
    hits = store.search(SearchQuery(user_id="ann", text="sourdough bread", mode="fts", limit=3))
    assert hits and "sourdough" in hits[0].record.summary
    store.close()


def test_a_zero_window_cleans_old_versions(tmp_path: Path) -> None:
    store = open_store(tmp_path / "db")
    for batch in range(5):
        store.upsert(episodes("ann", 3, start=batch * 3))
    receipt = maintainer(store, retention_seconds=0).run(ann=False)
    report = next(t for t in receipt.tables if t.table == "episodic")
    # LanceDB prunes before it folds the indexes, which commits one more version.
    assert report.versions_before >= 5 and report.versions_after <= 2
    store.close()


def test_only_one_maintainer_at_a_time(tmp_path: Path) -> None:
    store = open_store(tmp_path / "db")
    store.upsert(episodes("ann", 3))
    other = FileLease(tmp_path / "db")  # another process's maintainer, say
    assert other.try_acquire()
    try:
        receipt = maintainer(store).run()
        assert not receipt.ran and "lease" in receipt.reason and receipt.tables == []
    finally:
        other.release()
    assert maintainer(store).run(ann=False).ran
    store.close()


@pytest.mark.slow  # writer threads against repeated maintenance runs
def test_concurrent_writes_during_maintenance_lose_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "db"
    owner = open_store(folder)
    owner.upsert(episodes("seed", 20))
    writers = [open_store(folder) for _ in range(3)]  # own connections, as processes have
    written: list[list[str]] = [[] for _ in writers]
    updated = episodes("shared", 10)
    owner.upsert(updated)
    stop = threading.Event()
    errors: list[BaseException] = []

    def write(index: int) -> None:
        store = writers[index]
        try:
            for batch in range(15):
                records = episodes(f"w{index}", 4, start=batch * 4)
                written[index].extend(store.upsert(records))
                # Updates of the same ids from every writer: a race on existing rows.
                again = [r.model_copy(update={"summary": f"{r.summary} v{batch}"}) for r in updated]
                store.upsert(again[batch % 10 : batch % 10 + 1])
        except BaseException as exc:
            errors.append(exc)

    def maintain() -> None:
        runs = 0
        while not stop.is_set() or runs < 2:
            receipt = maintainer(owner, retention_seconds=1).run(ann=False)
            runs += receipt.ran

    threads = [threading.Thread(target=write, args=(i,)) for i in range(len(writers))]
    runner = threading.Thread(target=maintain)
    runner.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stop.set()
    runner.join()

    assert errors == []
    ids = table_ids(str(folder), ["episodic"])["episodic"]
    counts = Counter(ids)
    assert [i for i, c in counts.items() if c > 1] == []  # nothing duplicated
    expected = {r.id for r in updated} | {i for ws in written for i in ws}
    assert expected - set(counts) == set()  # nothing lost
    assert len(counts) == 20 + 10 + sum(len(w) for w in written)
    for store in (owner, *writers):
        store.close()


def _vector_table(tmp_path: Path, n: int, users: int) -> tuple[object, list[EpisodicMemory]]:
    store = open_store(tmp_path / "db")
    vectors = clustered_vectors(n)
    records = [
        EpisodicMemory(
            user_id=f"u{i % users}", summary=f"event {i}", embedding=[float(x) for x in vectors[i]]
        )
        for i in range(n)
    ]
    for lo in range(0, n, 500):
        store.upsert(records[lo : lo + 500])
    return store, records


@pytest.mark.slow  # trains a small IVF index
def test_ann_index_is_used_only_after_its_recall_is_measured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ann_module, "ANN_MIN_OWNER_ROWS", 400)  # each owner has 500 rows
    store, records = _vector_table(tmp_path, 2000, users=4)
    assert store.ann_registry.get("episodic") is None

    receipt = maintainer(store, ann_min_rows=1000, ann_sample_queries=20).run()

    choice = next(t for t in receipt.tables if t.table == "episodic").ann
    assert choice is not None and choice.rows == 2000 and choice.queries == 20
    assert choice.accepted and choice.recall >= 0.95, choice
    assert store.ann_registry.use("episodic") == choice
    # Search goes through the index with the chosen settings and finds the row itself.
    probe = records[7]
    hits = store.search(
        SearchQuery(user_id=probe.user_id, mode="vector", vector=tuple(probe.embedding or ()))
    )
    assert hits[0].record.id == probe.id
    # A second run with the index still current decides nothing new.
    again = maintainer(store, ann_min_rows=1000, ann_sample_queries=20).run()
    assert next(t for t in again.tables if t.table == "episodic").ann is None
    store.close()


@pytest.mark.slow
def test_an_ann_index_below_the_recall_bar_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, records = _vector_table(tmp_path, 1200, users=3)
    monkeypatch.setattr(ann_module, "ANN_MIN_OWNER_ROWS", 300)  # each owner has 400 rows
    monkeypatch.setattr(ann_module, "measure_recall", lambda *a, **k: 0.5)

    receipt = maintainer(store, ann_min_rows=1000, ann_sample_queries=10).run()

    choice = next(t for t in receipt.tables if t.table == "episodic").ann
    assert choice is not None and not choice.accepted and choice.recall == 0.5
    assert "stays flat" in choice.reason
    assert store.ann_registry.use("episodic") is None
    # Flat search: exact results, the row itself first.
    probe = records[11]
    hits = store.search(
        SearchQuery(user_id=probe.user_id, mode="vector", vector=tuple(probe.embedding or ()))
    )
    assert hits[0].record.id == probe.id
    store.close()


def test_cli_maintain_prints_its_receipt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = tmp_path / "cli.yaml"
    cfg.write_text(f"home: {tmp_path}\nmemory:\n  enabled: [core, episodic]\n", encoding="utf-8")
    assert cli_main(["maintain", "--config", str(cfg), "--json"]) == 0
    out = capsys.readouterr().out
    assert '"ran": true' in out and '"table": "episodic"' in out
    assert cli_main(["maintain", "--config", str(cfg)]) == 0
    assert "purges: 0 rewritten" in capsys.readouterr().out
    assert MemoryType.EPISODIC.value == "episodic"
