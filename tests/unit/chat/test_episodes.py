"""The in-memory episode index: sessions, adjacency, BM25 and dense scores."""

from __future__ import annotations

import numpy as np

from mirix_py.chat.episodes import MemoryIndex, session_key
from tests.unit.chat.helpers import episode


def _index() -> MemoryIndex:
    records = [
        episode("I adopted a beagle", session="a", sequence=1, vector=[1.0, 0.0]),
        episode("Hello there", session="a", sequence=0, vector=[0.0, 1.0]),
        episode("He loves the park", session="a", sequence=2, vector=[0.7, 0.7]),
        episode("We went hiking", session="b", sequence=0, day=9, vector=[0.0, 1.0]),
    ]
    return MemoryIndex.build(reversed(records))


def test_turns_are_ordered_by_session_and_sequence() -> None:
    index = _index()
    assert [index.records[i]["summary"] for i in range(len(index))] == [
        "Hello there",
        "I adopted a beagle",
        "He loves the park",
        "We went hiking",
    ]
    beagle = index.ids[1]
    assert index.locate(beagle) == ("a", 1)
    assert set(index.neighbours(beagle)) == {index.ids[0], index.ids[2]}
    assert index.neighbours(index.ids[2]) == [index.ids[1]]  # not across sessions


def test_bm25_and_session_bm25() -> None:
    index = _index()
    scores = index.bm25({"beagl"})
    assert scores.argmax() == 1 and scores[0] == 0
    sessions = index.session_bm25({"hike"})
    assert sessions[index.session_keys.index("b")] > 0
    assert sessions[index.session_keys.index("a")] == 0


def test_dense_scores_are_cosines() -> None:
    index = _index()
    dense = index.dense([2.0, 0.0])
    assert dense is not None
    assert np.isclose(dense[1], 1.0) and np.isclose(dense[0], 0.0)


def test_missing_vectors_disable_dense() -> None:
    index = MemoryIndex.build([episode("no vector", vector=None)])
    assert index.vectors is None and index.dense([1.0]) is None


def test_raw_messages_group_by_timestamp() -> None:
    raw = episode("raw turn", session=None, sequence=None)
    assert session_key(raw).startswith("t:2024-05-01")


def test_semantic_index_has_no_sessions_and_maps_entities() -> None:
    from mirix_py.memory import MemoryType, SemanticMemory

    facts = [
        SemanticMemory(user_id="u", name="Biscuit", summary="is a beagle", embedding=[1.0, 0.0]),
        SemanticMemory(user_id="u", name="biscuit", summary="loves parks", embedding=[0.0, 1.0]),
        SemanticMemory(user_id="u", name="Maya", summary="is Ann's sister", embedding=[0.5, 0.5]),
    ]
    index = MemoryIndex.build(facts, MemoryType.SEMANTIC)
    assert not index.sessioned and index.usable
    assert {index.ids[r] for r in index.names["biscuit"]} == {facts[0].id, facts[1].id}
    assert index.neighbours(facts[0].id) == []
    assert index.actors[index.row[facts[2].id]] == "maya"
