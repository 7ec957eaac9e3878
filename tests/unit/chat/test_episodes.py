"""Candidate pools: sessions, adjacency, BM25 and dense scores within the pool."""

from __future__ import annotations

import numpy as np

from mirix_py._chat.episodes import CandidatePool, PoolCache
from mirix_py._memory import MemoryType, SemanticMemory
from mirix_py._store.keys import record_keys, session_key
from tests.unit.chat.helpers import episode


def _pool() -> CandidatePool:
    records = [
        episode("I adopted a beagle", session="a", sequence=1, vector=[1.0, 0.0]),
        episode("Hello there", session="a", sequence=0, vector=[0.0, 1.0]),
        episode("He loves the park", session="a", sequence=2, vector=[0.7, 0.7]),
        episode("We went hiking", session="b", sequence=0, day=9, vector=[0.0, 1.0]),
    ]
    return CandidatePool.build(reversed(records))


def test_turns_are_ordered_by_session_and_sequence() -> None:
    pool = _pool()
    assert [pool.records[i]["summary"] for i in range(len(pool))] == [
        "Hello there",
        "I adopted a beagle",
        "He loves the park",
        "We went hiking",
    ]
    assert (pool.session(1), pool.position(1)) == ("a", 1)
    assert pool.adjacent(1) == [0, 2]
    assert pool.adjacent(2) == [1]  # not across sessions


def test_turns_with_a_gap_between_them_are_not_adjacent() -> None:
    pool = CandidatePool.build(
        [
            episode("first", session="a", sequence=0, vector=[1.0, 0.0]),
            episode("fourth", session="a", sequence=3, vector=[1.0, 0.0]),
            episode("fifth", session="a", sequence=4, vector=[1.0, 0.0]),
        ]
    )
    assert pool.adjacent(0) == [] and pool.adjacent(1) == [2]
    assert [pool.position(i) for i in range(3)] == [0, 3, 4]


def test_bm25_and_session_bm25() -> None:
    pool = _pool()
    scores = pool.bm25({"beagl"})
    assert scores.argmax() == 1 and scores[0] == 0
    sessions = pool.session_bm25({"hike"})
    assert sessions[pool.session_keys.index("b")] > 0
    assert sessions[pool.session_keys.index("a")] == 0


def test_dense_scores_are_cosines() -> None:
    pool = _pool()
    dense = pool.dense([2.0, 0.0])
    assert dense is not None
    assert np.isclose(dense[1], 1.0) and np.isclose(dense[0], 0.0)


def test_missing_vectors_disable_dense() -> None:
    pool = CandidatePool.build([episode("no vector", vector=None)])
    assert pool.vectors is None and pool.dense([1.0]) is None and not pool.usable


def test_raw_messages_group_by_timestamp() -> None:
    raw = episode("raw turn", session=None, sequence=None)
    assert session_key(raw).startswith("t:2024-05-01")
    assert record_keys(raw) == {"session_key": session_key(raw), "sequence": None, "entity": None}


def test_semantic_pool_has_no_sessions_and_keys_entities() -> None:
    facts = [
        SemanticMemory(user_id="u", name="Biscuit", summary="is a beagle", embedding=[1.0, 0.0]),
        SemanticMemory(user_id="u", name=" biscuit", summary="loves parks", embedding=[0.0, 1.0]),
        SemanticMemory(user_id="u", name="Maya", summary="is Ann's sister", embedding=[0.5, 0.5]),
    ]
    pool = CandidatePool.build(facts, MemoryType.SEMANTIC)
    assert not pool.sessioned and pool.usable
    assert pool.adjacent(pool.row[facts[0].id]) == []
    assert pool.actors[pool.row[facts[2].id]] == "maya"
    assert record_keys(facts[1])["entity"] == "biscuit"


def test_pool_cache_is_bounded_and_keyed_by_chat_and_query() -> None:
    cache = PoolCache(max_entries=2)
    pool = _pool()
    from mirix_py._chat.episodes import CachedPool

    cached = CachedPool((), pool)
    cache.put("chat1", MemoryType.EPISODIC, "q", cached)
    assert cache.get("chat1", MemoryType.EPISODIC, "q") is cached
    assert cache.get("chat1", MemoryType.EPISODIC, "other question") is None
    assert cache.get(None, MemoryType.EPISODIC, "q") is None
    cache.put("chat2", MemoryType.EPISODIC, "q", cached)
    cache.put("chat3", MemoryType.EPISODIC, "q", cached)
    assert cache.get("chat1", MemoryType.EPISODIC, "q") is None  # evicted
    cache.drop("chat3")
    assert cache.get("chat3", MemoryType.EPISODIC, "q") is None


def test_a_pool_extending_another_equals_one_built_from_scratch() -> None:
    first = [
        episode("I adopted a beagle", session="a", sequence=1, vector=[1.0, 0.0]),
        episode("We went hiking", session="b", sequence=0, day=9, vector=[0.0, 3.0]),
    ]
    more = [
        episode("Hello there", session="a", sequence=0, vector=[0.6, 0.8]),
        episode("He loves the park", session="a", sequence=2, vector=[2.0, 2.0]),
    ]
    known = CandidatePool.build(first)
    extended = CandidatePool.build([*first, *more], known=known)
    fresh = CandidatePool.build([*first, *more])
    assert extended.ids == fresh.ids and extended.records == fresh.records
    assert extended.postings == fresh.postings
    assert extended.vectors is not None and fresh.vectors is not None
    assert np.allclose(extended.vectors, fresh.vectors)
    assert np.array_equal(extended.linked, fresh.linked)
    assert np.array_equal(extended.has_time, fresh.has_time)
    query = [0.3, 0.9]
    assert np.allclose(extended.dense(query), fresh.dense(query))  # type: ignore[arg-type]


def test_a_record_given_twice_is_pooled_once() -> None:
    # Pools are built from several searches that find the same memories; a record
    # pooled twice would be ranked, and rendered, twice.
    beagle = episode("I adopted a beagle", session="a", sequence=0, vector=[1.0, 0.0])
    park = episode("He loves the park", session="a", sequence=1, vector=[0.7, 0.7])
    pool = CandidatePool.build([beagle, park, beagle, park, beagle])
    assert pool.ids == [beagle.id, park.id]
    assert pool.adjacent(0) == [1]
