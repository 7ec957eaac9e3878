"""LanceDB store costs: a page builds only its records, stamps come from metadata,
access counts are batched off the read path and land on flush and close."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from mirix_py._config import load_config
from mirix_py._embeddings import CachedEmbeddings
from mirix_py._memory import EpisodicMemory, MemoryType, SemanticMemory
from mirix_py._store.lancedb_store import LanceDBStore
from mirix_py._system import MemorySystem
from tests.integration.store._stores import small_store as _store
from tests.security._helpers import HashEmbeddings


def _events(user: str, n: int) -> list[EpisodicMemory]:
    return [EpisodicMemory(user_id=user, actor="Ann", summary=f"day {i} walk") for i in range(n)]


def test_a_page_builds_only_its_own_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _store(tmp_path / "db")
    store.upsert(_events("u1", 120))
    store.upsert([SemanticMemory(user_id="u1", name="Ann", summary="likes tea")])
    built: list[str] = []
    real = store._from_row

    def counting(memory_type: MemoryType, row: dict[str, Any]) -> Any:
        built.append(row["id"])
        return real(memory_type, row)

    monkeypatch.setattr(store, "_from_row", counting)
    page = store.list_records(user_id="u1", limit=10, offset=50)
    assert len(page) == 10 and sorted(built) == sorted(r.id for r in page)
    built.clear()
    chunks: list[int] = []
    real_fetch = store._fetch_in_order

    def fetch(chosen: Any, user_id: str, where: str) -> Any:
        chunks.append(len(chosen))
        return real_fetch(chosen, user_id, where)

    monkeypatch.setattr(store, "_fetch_in_order", fetch)
    assert len(list(store.iter_records(user_id="u1", page_size=25))) == 121
    assert max(chunks) == 25 and len(built) == 121
    store.close()


def test_stamps_come_from_metadata_and_move_only_for_the_writer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _store(tmp_path / "db", access_flush_seconds=3600)
    recs = _events("u1", 3)
    store.upsert(recs)
    for table in store._tables.values():  # a stamp never counts or scans rows
        monkeypatch.setattr(table, "count_rows", _forbidden)
        monkeypatch.setattr(table, "search", _forbidden)
    stamp = store.change_stamp("u1")
    assert store.change_stamp("u1") == stamp
    monkeypatch.undo()
    store.upsert(_events("u2", 2))  # another user of this store: u1 unchanged
    assert store.change_stamp("u1") == stamp
    store.note_access([recs[0].id], user_id="u1", memory_type=MemoryType.EPISODIC)
    assert store.flush_accesses() == 1  # a read is not a change
    assert store.change_stamp("u1") == stamp
    other = _store(tmp_path / "db")  # another writer (as another process would be)
    other.upsert(_events("u3", 1))
    other.close()
    moved = store.change_stamp("u1")
    assert moved != stamp
    store.upsert(_events("u1", 1))
    assert store.change_stamp("u1") != moved
    store.close()


def _forbidden(*args: object, **kwargs: object) -> None:
    raise AssertionError("the change stamp must not read rows")


def test_noted_accesses_flush_in_the_background_and_on_close(tmp_path: Path) -> None:
    store = _store(tmp_path / "db", access_flush_seconds=0.05)
    recs = _events("u1", 2)
    store.upsert(recs)
    store.note_access([recs[0].id], user_id="u1", memory_type=MemoryType.EPISODIC)
    deadline = time.monotonic() + 60
    while store.get(recs[0].id, user_id="u1").access_count == 0:
        assert time.monotonic() < deadline, "the background flush never ran"
        time.sleep(0.05)
    store.close()

    lazy = _store(tmp_path / "db", access_flush_seconds=3600)
    lazy.note_access([recs[1].id], user_id="u1", memory_type=MemoryType.EPISODIC)
    assert lazy.pending_accesses == 1
    assert lazy.get(recs[1].id, user_id="u1").access_count == 0  # not written yet
    lazy.close()  # a clean close loses nothing
    reopened = _store(tmp_path / "db")
    counts = {r.id: r.access_count for r in reopened.get_many([r.id for r in recs], user_id="u1")}
    assert counts == {recs[0].id: 1, recs[1].id: 1}
    reopened.close()


def test_chat_does_not_write_per_question_and_counts_land_on_close(
    tmp_path: Path, embeddings: CachedEmbeddings
) -> None:
    config = load_config(
        "default", environ={}, home=str(tmp_path), storage={"access_flush_seconds": 3600}
    )
    system = MemorySystem(config, embeddings=embeddings)
    system.add(
        [
            {"role": "user", "content": "I adopted a beagle named Biscuit last spring."},
            {"role": "user", "content": "I work as a nurse at the city hospital."},
        ],
        user_id="ann",
    )
    store = system.store
    assert isinstance(store, LanceDBStore)
    versions = {name: t.version for name, t in store._tables.items()}
    for question in ("What is my dog called?", "Where do I work?", "What is my dog called?"):
        answer = system.chat(question, user_id="ann")
        assert answer.context_tokens > 0
    system._chat_deps.retriever.close()  # the accesses were noted off the latency path
    assert {name: t.version for name, t in store._tables.items()} == versions
    assert store.pending_accesses > 0
    system.close()

    reopened = MemorySystem(config, embeddings=embeddings)
    counted = [r for r in reopened.get_all(user_id="ann", limit=100) if r.access_count > 0]
    assert counted  # the noted accesses were written by close
    reopened.close()


def test_a_whole_listing_is_fetched_through_the_filter_not_a_huge_id_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mirix_py._store.lance_search as module  # the reads of the LanceDB store

    store = _store(tmp_path / "db")
    store.upsert(_events("u1", 9) + _events("u2", 4))
    expected = [r.id for r in store.list_records(user_id="u1", limit=100)]
    monkeypatch.setattr(module, "_ID_LIST_MAX", 3)
    assert [r.id for r in store.list_records(user_id="u1", limit=100)] == expected
    assert [r.id for r in store.list_records(user_id="u1", limit=4, offset=2)] == expected[2:6]
    store.close()


def test_an_unclosed_store_flushes_its_accesses_at_exit(tmp_path: Path) -> None:
    import subprocess
    import sys

    store = _store(tmp_path / "db")
    (rec,) = _events("u1", 1)
    store.upsert([rec])
    store.close()
    script = (
        "from pathlib import Path\n"
        "from mirix_py._memory import MemoryType\n"
        "from tests.integration.store.test_paging_stamps_access import _store\n"
        f"s = _store(Path({str(tmp_path / 'db')!r}), access_flush_seconds=3600)\n"
        f"s.note_access([{rec.id!r}], user_id='u1', memory_type=MemoryType.EPISODIC)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(__file__).resolve().parents[3],
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    reopened = _store(tmp_path / "db")
    assert reopened.get(rec.id, user_id="u1").access_count == 1
    reopened.close()


def test_rows_rewritten_by_an_access_flush_count_towards_maintenance(tmp_path: Path) -> None:
    config = load_config(
        "default",
        environ={},
        home=str(tmp_path),
        storage={"access_flush_seconds": 3600},
        maintenance={"every_n_writes": 1_000_000},
    )
    system = MemorySystem(config, embeddings=HashEmbeddings())
    recs = _events("u1", 4)
    system.store.upsert(recs)
    noted: list[int] = []
    system.store.on_rows_rewritten(noted.append)  # type: ignore[attr-defined]
    pending_before = system.maintenance._unstarted_writes
    ids = [r.id for r in recs[:3]]
    system.store.note_access(ids, user_id="u1", memory_type=MemoryType.EPISODIC)
    assert system.store.flush_accesses() == 3
    assert noted == [3]  # the rows the UPDATE moved out of the indexes
    assert system.maintenance._unstarted_writes == pending_before + 3
    system.close()
