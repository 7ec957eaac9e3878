"""Sentence vectors in LanceDB: a long turn is found by its best sentence, and its
sentence vectors go wherever its row goes (forget, supersede, history, migration)."""

from __future__ import annotations

import json
from pathlib import Path

import lancedb
import numpy as np
import pyarrow as pa

from mirix_py._memory import EpisodicMemory, MemoryType
from mirix_py._store.base import SearchQuery
from mirix_py._store.lance_schema import _record_schema
from mirix_py._store.sentence_vectors import SENTENCE_COLUMN
from mirix_py._store.stored_vector import sentence_rows
from mirix_py._transfer import export_rows, records_from_rows, store_imported
from tests.integration.store._stores import small_store
from tests.security._helpers import HashEmbeddings

_LONG = (
    "Hi! The quarterly budget review dragged on with spreadsheets and slides "
    "about invoices, vendors and travel costs. I adopted a rescue greyhound called "
    "Biscuit. Then the printer jammed twice and the meeting room heating failed again."
)
_QUERY = "adopted rescue greyhound Biscuit"


def _turn(summary: str, **extra: object) -> EpisodicMemory:
    return EpisodicMemory(user_id="u1", actor="Lena", summary=summary, **extra)  # type: ignore[arg-type]


def _raw_rows(path: Path) -> list[dict[str, object]]:
    table = lancedb.connect(str(path)).open_table(MemoryType.EPISODIC.value)
    return table.search().limit(1000).to_list()


def _files_holding(folder: Path, needle: bytes) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and needle in p.read_bytes()]


def _cos(a: list[float], b: list[float]) -> float:
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_a_long_turn_ranks_by_its_best_sentence(tmp_path: Path) -> None:
    store = small_store(tmp_path / "db", spans=True)
    long_turn = _turn(_LONG)
    decoy = _turn("A rescue shelter opened downtown near the station.")
    store.upsert([long_turn, decoy])
    found = store.search(
        SearchQuery(user_id="u1", text=_QUERY, mode="vector", memory_types=[MemoryType.EPISODIC])
    )
    assert [hit.record.id for hit in found][:1] == [long_turn.id]
    embed = HashEmbeddings()
    query = embed.embed_query(_QUERY)
    whole = _cos(query, embed.embed_documents([long_turn.embed_text()])[0])
    best = _cos(query, embed.embed_documents(["I adopted a rescue greyhound called Biscuit."])[0])
    assert best > whole
    assert abs((found[0].score.vector or 0.0) - best) < 1e-4
    read = sentence_rows(found[0].record.embedding)  # read back for re-ranking
    assert read is not None and read.shape == (3, 384)
    assert sentence_rows(found[1].record.embedding) is None
    store.close()


def test_only_multi_sentence_turns_store_sentence_vectors(tmp_path: Path) -> None:
    store = small_store(tmp_path / "db", spans=True)
    long_turn, short = _turn(_LONG), _turn("I adopted a greyhound.")
    store.upsert([long_turn, short])
    rows = {r["id"]: r for r in _raw_rows(tmp_path / "db")}
    assert len(rows[long_turn.id][SENTENCE_COLUMN]) == 3  # the greeting is phatic
    assert rows[short.id][SENTENCE_COLUMN] is None
    store.close()


def test_forgetting_a_turn_leaves_none_of_its_sentence_vectors(tmp_path: Path) -> None:
    store = small_store(tmp_path / "db", spans=True)
    long_turn, other = _turn(_LONG), _turn("We repainted the fence. It took all weekend long.")
    store.upsert([long_turn, other])
    stored = {r["id"]: r for r in _raw_rows(tmp_path / "db")}[long_turn.id][SENTENCE_COLUMN]
    marker = np.asarray(stored[-1], dtype=np.float32).tobytes()
    assert _files_holding(tmp_path / "db", marker)  # the byte search can find it
    store.delete(long_turn.id, user_id="u1", purge=True)
    assert not _files_holding(tmp_path / "db", marker)
    rows = _raw_rows(tmp_path / "db")
    assert [r["id"] for r in rows] == [other.id]
    found = store.search(
        SearchQuery(user_id="u1", text=_QUERY, mode="vector", memory_types=[MemoryType.EPISODIC])
    )
    assert long_turn.id not in {hit.record.id for hit in found}
    store.close()


def test_history_never_holds_sentence_vectors(tmp_path: Path) -> None:
    store = small_store(tmp_path / "db", spans=True)
    long_turn = _turn(_LONG)
    store.upsert([long_turn])
    store.upsert([long_turn.model_copy(update={"summary": _LONG + " Biscuit loves naps."})])
    events = store.history(long_turn.id, user_id="u1")
    assert events
    for event in events:
        for value in (event.old_value, event.new_value):
            assert value is None or SENTENCE_COLUMN not in json.loads(value)
    store.close()


def test_a_superseded_turn_keeps_its_sentence_vectors_and_the_new_one_gets_its_own(
    tmp_path: Path,
) -> None:
    store = small_store(tmp_path / "db", spans=True)
    old = _turn(_LONG)
    store.upsert([old])
    new = _turn("The greyhound is called Biscuit. She sleeps on the sofa all afternoon.")
    store.supersede(old.id, new, user_id="u1")
    rows = {r["id"]: r for r in _raw_rows(tmp_path / "db")}
    assert len(rows[old.id][SENTENCE_COLUMN]) == 3
    assert len(rows[new.id][SENTENCE_COLUMN]) == 2
    store.close()


def test_a_table_from_before_gets_the_column_and_still_searches(tmp_path: Path) -> None:
    path = tmp_path / "db"
    full = _record_schema(384)
    old_schema = pa.schema([f for f in full if f.name != SENTENCE_COLUMN])
    lancedb.connect(str(path)).create_table(MemoryType.EPISODIC.value, schema=old_schema)
    store = small_store(path, spans=True)
    long_turn = _turn(_LONG)
    store.upsert([long_turn])
    found = store.search(
        SearchQuery(user_id="u1", text=_QUERY, mode="vector", memory_types=[MemoryType.EPISODIC])
    )
    assert found[0].record.id == long_turn.id
    assert len(_raw_rows(path)[0][SENTENCE_COLUMN]) == 3
    store.close()


def test_a_record_written_again_keeps_its_vectors_and_an_edit_replaces_them(
    tmp_path: Path,
) -> None:
    store = small_store(tmp_path / "db", spans=True)
    turn = _turn(_LONG)
    store.upsert([turn])
    (read,) = store.get_many([turn.id], user_id="u1")
    hit = store.search(
        SearchQuery(user_id="u1", text=_QUERY, mode="vector", memory_types=[MemoryType.EPISODIC])
    )[0].record
    passes: list[list[str]] = []
    spanning = store._embeddings
    original = spanning.embed_with_spans  # type: ignore[attr-defined]

    def counted(texts: list[str], spans: object) -> object:
        passes.append(texts)
        return original(texts, spans)

    spanning.embed_with_spans = counted  # type: ignore[attr-defined]
    store.upsert([hit.model_copy(update={"importance": 0.9})])  # same text, vectors read back
    assert passes == []
    assert len(_raw_rows(tmp_path / "db")[0][SENTENCE_COLUMN]) == 3
    edited = read.model_copy(
        update={"summary": "We moved flats. The greyhound hates the lift.", "embedding": None}
    )
    store.upsert([edited])
    assert len(passes) == 1
    (row,) = _raw_rows(tmp_path / "db")
    embed = HashEmbeddings()
    expected = embed.embed_documents(["We moved flats.", "The greyhound hates the lift."])
    assert np.allclose(np.asarray(row[SENTENCE_COLUMN]), np.asarray(expected), atol=1e-6)
    store.close()


def test_export_then_import_rebuilds_the_sentence_vectors(tmp_path: Path) -> None:
    source = small_store(tmp_path / "a", spans=True)
    turn = _turn(_LONG)
    source.upsert([turn])
    rows = list(export_rows(source, [MemoryType.EPISODIC], user_id="u1"))
    source.close()
    target = small_store(tmp_path / "b", spans=True)
    records = records_from_rows(rows, user_id="u2", keep=set())
    store_imported(target, records, user_id="u2", started=0.0)
    (row,) = _raw_rows(tmp_path / "b")
    assert row["user_id"] == "u2" and len(row[SENTENCE_COLUMN]) == 3
    target.close()


def test_an_embedder_without_spans_stores_no_sentence_vectors_and_still_searches(
    tmp_path: Path,
) -> None:
    store = small_store(tmp_path / "db")  # a plain langchain embedder
    turn = _turn(_LONG)
    store.upsert([turn])
    assert _raw_rows(tmp_path / "db")[0][SENTENCE_COLUMN] is None
    found = store.search(
        SearchQuery(user_id="u1", text=_QUERY, mode="vector", memory_types=[MemoryType.EPISODIC])
    )
    assert [hit.record.id for hit in found] == [turn.id]
    store.close()
