"""The ANN index exists only while an owner is large enough for search to use it.

Search goes through a vector index only for an owner holding at least
``ANN_MIN_OWNER_ROWS`` rows (flat search over a narrow prefilter is faster);
maintenance builds the index only then, and drops it once no owner is large
enough. The thresholds are lowered here so that the tables stay small.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mirix_py._memory import EpisodicMemory
from mirix_py._store import ann as ann_module
from mirix_py._store.ann import large_owners, vector_index
from mirix_py._store.base import SearchQuery
from mirix_py._store.lancedb_store import LanceDBStore
from tests.integration.maintenance.helpers import clustered_vectors, maintainer, open_store

OWNER_MIN = 600  # stands for ANN_MIN_OWNER_ROWS (20,000) in these tests
SETTINGS: dict[str, Any] = {"ann_min_rows": 1000, "ann_sample_queries": 20}


@pytest.fixture(autouse=True)
def _small_owner_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ann_module, "ANN_MIN_OWNER_ROWS", OWNER_MIN)


def _records(counts: dict[str, int], *, seed: int = 0) -> list[EpisodicMemory]:
    """Rows for each owner (``counts``), with clustered vectors, interleaved by owner."""
    vectors = clustered_vectors(sum(counts.values()), seed=seed)
    owners = [u for u, n in counts.items() for _ in range(n)]
    order = sorted(range(len(owners)), key=lambda i: (i % 7, i))  # owners interleaved
    return [
        EpisodicMemory(
            user_id=owners[i],
            summary=f"event {seed}-{i}",
            embedding=[float(x) for x in vectors[i]],
        )
        for i in order
    ]


def _write(store: LanceDBStore, records: list[EpisodicMemory]) -> None:
    for lo in range(0, len(records), 500):
        store.upsert(records[lo : lo + 500])


def _episodic(store: LanceDBStore) -> Any:
    return store.maintained_tables()["episodic"]


def _ann_report(receipt: Any) -> Any:
    return next(t for t in receipt.tables if t.table == "episodic").ann


def _finds_itself(store: LanceDBStore, records: list[EpisodicMemory]) -> None:
    """A vector search with each record's own vector finds that record first."""
    for record in records:
        query = SearchQuery(
            user_id=record.user_id, mode="vector", vector=tuple(record.embedding or ())
        )
        assert store.search(query)[0].record.id == record.id


def test_large_owners_counts_only_the_user_column(tmp_path: Path) -> None:
    store = open_store(tmp_path / "db")
    assert large_owners(_episodic(store), 1) == ({}, 0)
    _write(store, _records({"big": 30, "mid": 12, "small": 3}))

    assert large_owners(_episodic(store), 12) == ({"big": 30, "mid": 12}, 30)
    assert large_owners(_episodic(store), 31) == ({}, 30)
    store.close()


@pytest.mark.slow  # trains a small IVF index
def test_no_index_while_every_owner_is_small_then_one_once_an_owner_is_large(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_store(tmp_path / "db")
    small = _records({f"u{i}": 500 for i in range(4)})  # 2,000 rows, none of 600
    _write(store, small)

    receipt = maintainer(store, **SETTINGS).run()

    assert _ann_report(receipt) is None
    assert vector_index(_episodic(store)) is None
    assert store.ann_registry.get("episodic") is None
    _finds_itself(store, small[::97])

    # One owner crosses the threshold: the index is built, its recall measured on
    # that owner's rows only (the only searches that will use it).
    sampled: list[str] = []
    measure = ann_module.measure_recall

    def spy(table: Any, samples: list[tuple[str, list[float]]], choice: Any) -> float:
        sampled.extend(owner for owner, _ in samples)
        return measure(table, samples, choice)

    monkeypatch.setattr(ann_module, "measure_recall", spy)
    heavy = _records({"u0": 150}, seed=1)
    _write(store, heavy)

    receipt = maintainer(store, **SETTINGS).run()

    choice = _ann_report(receipt)
    assert choice is not None and choice.accepted and choice.owners == 1, choice
    assert vector_index(_episodic(store)) is not None
    assert store.ann_registry.use("episodic") == choice
    assert sampled and set(sampled) == {"u0"}
    _finds_itself(store, heavy[::13] + small[::97])
    # Deeper settings from the recall ladder work too (LanceDB's async query refused
    # a minimum of 40 probes or more against its default maximum).
    store.ann_registry.set(choice.model_copy(update={"nprobes": 80, "refine_factor": 20}))
    _finds_itself(store, heavy[::13])
    store.close()


@pytest.mark.slow  # trains a small IVF index
def test_the_index_is_dropped_once_no_owner_is_large_enough(tmp_path: Path) -> None:
    store = open_store(tmp_path / "db")
    records = _records({"heavy": 700, "a": 400, "b": 400})
    _write(store, records)
    choice = _ann_report(maintainer(store, **SETTINGS).run())
    assert choice is not None and choice.accepted, choice

    # Below the threshold but within the keep margin (80%): kept, not rebuilt.
    mine = [r for r in records if r.user_id == "heavy"]
    for record in mine[:150]:
        store.delete(record.id, user_id="heavy")
    assert _ann_report(maintainer(store, **SETTINGS).run()) is None
    assert vector_index(_episodic(store)) is not None
    assert store.ann_registry.use("episodic") == choice

    # Below the margin: no search can use it any longer, so it goes.
    for record in mine[150:250]:
        store.delete(record.id, user_id="heavy")

    dropped = _ann_report(maintainer(store, **SETTINGS).run())

    assert dropped is not None and not dropped.accepted
    assert "dropped" in dropped.reason and "largest: 450" in dropped.reason
    assert vector_index(_episodic(store)) is None
    assert store.ann_registry.get("episodic") is None
    _finds_itself(store, mine[250::29] + [r for r in records if r.user_id != "heavy"][::53])
    # Nothing more to drop on the next run.
    assert _ann_report(maintainer(store, **SETTINGS).run()) is None
    store.close()


def test_owners_are_counted_again_only_once_enough_rows_were_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a count, an owner can only have grown by the rows written since (the rows
    of newer fragments): maintenance counts again only when those could make one large."""
    store = open_store(tmp_path / "db")
    _write(store, _records({f"u{i}": 400 for i in range(4)}))  # none near 600 (keep: 480)
    counted: list[int] = []
    count = ann_module.large_owners

    def spy(table: Any, min_rows: int) -> tuple[dict[str, int], int]:
        found = count(table, min_rows)
        counted.append(found[1])
        return found

    monkeypatch.setattr(ann_module, "large_owners", spy)
    settings = {**SETTINGS, "fragment_rows": 500}  # the 500-row writes are settled
    maintainer(store, **settings).run()
    assert counted == [400]

    store.upsert(_records({"u0": 50}, seed=1))  # at most 450 now: no count
    maintainer(store, **settings).run()
    assert counted == [400]

    store.upsert(_records({"u1": 50}, seed=2))  # u1 might have 500 >= 480 now: counted
    maintainer(store, **settings).run()
    assert counted == [400, 450]
    assert vector_index(_episodic(store)) is None
    store.close()
