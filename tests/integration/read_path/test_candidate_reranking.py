"""Re-ranking candidate pools: on a small history (the pool holds every memory) the
ranking equals the former full-history ranking, feature by feature; and it is found
with searches and key lookups only, never a scan of the user's memories."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from mirix_py._chat.cues import read_question
from mirix_py._chat.episodes import CandidatePool
from mirix_py._chat.models import TargetQuery
from mirix_py._chat.scoring import IndexQuery, rank_pool
from mirix_py._embeddings import CachedEmbeddings
from mirix_py._memory import MemoryType
from mirix_py._system import MemorySystem
from tests.conftest import make_config
from tests.integration.read_path.conftest import ingest
from tests.integration.read_path.full_history_ranking import FullIndex, rank_full

QUESTIONS = [
    ("What did Ann adopt?", None),
    ("When did Ann go hiking with Biscuit?", None),
    ("Who teaches Ann Portuguese?", None),
    ("What pets does Ann have now?", None),
    ("Where does Ann work as a nurse?", None),
    (
        "What happened in April?",
        (datetime(2024, 4, 1, tzinfo=UTC), datetime(2024, 5, 1, tzinfo=UTC)),
    ),
]


def _both(
    system: MemorySystem, memory_type: MemoryType, question: str, span: Any
) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, float]]]:
    retriever = system._chat_deps.retriever
    cues = read_question(question)
    vector = retriever.embed(question)
    start, end = span or (None, None)
    query = IndexQuery(vector, cues.stems, question, start=start, end=end)
    found = retriever._search(
        user_id="ann",
        memory_type=memory_type,
        text=cues.keyword_query,
        vector=vector,
        limit=system.config.retrieval.candidate_k,
        as_of=None,
    )
    pool = CandidatePool.from_hits(found, memory_type)
    ranked = rank_pool(pool, [query], cues=cues, fusion=retriever.fusion, limit=len(pool))
    new = {
        h.memory_id: {
            "score": h.score.score,
            "prior": h.score.prior,
            "neighbour": h.score.neighbour,
            "cue": h.score.cue,
        }
        for h in ranked
    }
    everything = system.store.list_records(user_id="ann", memory_type=memory_type, limit=10_000)
    old = rank_full(
        FullIndex.build(everything, memory_type), [query], cues=cues, fusion=retriever.fusion
    )
    return new, old


@pytest.mark.parametrize("memory_type", [MemoryType.EPISODIC, MemoryType.SEMANTIC])
def test_small_history_ranks_exactly_as_the_full_history_did(
    ann_shared: MemorySystem, memory_type: MemoryType
) -> None:
    features: dict[str, float] = {"prior": 0.0, "neighbour": 0.0, "cue": 0.0}
    for question, span in QUESTIONS:
        new, old = _both(ann_shared, memory_type, question, span)
        assert set(new) == set(old), question  # the pool holds every memory
        for memory_id, parts in old.items():
            for name, value in parts.items():
                assert new[memory_id][name] == pytest.approx(value, abs=1e-4), (question, name)
                features[name] = features.get(name, 0.0) + value
        order_new = sorted(new, key=lambda m: (-round(new[m]["score"], 4), m))
        order_old = sorted(old, key=lambda m: (-round(old[m]["score"], 4), m))
        assert order_new == order_old, question
    if memory_type is MemoryType.EPISODIC:  # every re-ranking feature was exercised
        assert features["prior"] > 0 and features["neighbour"] > 0 and features["cue"] > 0


def test_chat_reads_candidates_and_keys_never_the_whole_history(
    ann_shared: MemorySystem, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = ann_shared.store
    calls: list[str] = []
    for name in ("search", "search_many", "neighbours", "by_keys", "list_records", "count"):
        original = getattr(store, name)

        def spy(*args: Any, _name: str = name, _original: Any = original, **kw: Any) -> Any:
            if _name == "list_records":
                calls.append(f"list_records:{kw.get('memory_type')}")
            else:
                calls.append(_name)
            return _original(*args, **kw)

        monkeypatch.setattr(store, name, spy)
    answer = ann_shared.chat("What is the name of Ann's beagle?", user_id="ann")
    assert "Biscuit" in answer.context
    assert "search_many" in calls and "neighbours" in calls  # coarse: one batched search
    # The only listing is of the (small, bounded) core blocks; nothing counts rows.
    assert [c for c in calls if c.startswith("list_records")] == [f"list_records:{MemoryType.CORE}"]
    assert "count" not in calls
    stages = {r.memory_id: r for r in answer.retrieved}
    assert stages  # the answer's context was built from ranked candidates


def test_neighbour_expansion_and_entity_facts_come_from_key_lookups(
    tmp_path: Path, embeddings: CachedEmbeddings
) -> None:
    config = make_config(tmp_path, retrieval={"fine_k": 2, "budget_tokens": 50})
    system = MemorySystem(config, embeddings=embeddings)
    ingest(system)
    retriever = system._chat_deps.retriever
    cues = read_question("Who is Biscuit and what does Ann do?")
    hits = retriever.fine(
        user_id="ann",
        cues=cues,
        vector=retriever.embed(cues.text),
        targets=[
            TargetQuery(memory_type=MemoryType.EPISODIC, query=cues.text),
            TargetQuery(memory_type=MemoryType.SEMANTIC, query=cues.text),
        ],
        pools={},
        as_of=None,
        reveal=False,
        notes=[],
    )
    question = read_question("Who is Ann's sister?")
    facts_hits = retriever.fine(
        user_id="ann",
        cues=question,
        vector=retriever.embed(question.text),
        targets=[TargetQuery(memory_type=MemoryType.SEMANTIC, query=question.text)],
        pools={},
        as_of=None,
        reveal=False,
        notes=[],
    )
    system.close()
    ranked = {h.memory_id: h for h in hits if h.stage == "fine"}
    neighbours = [h for h in hits if h.stage == "neighbour"]
    assert neighbours
    turns = [h for h in ranked.values() if h.memory_type is MemoryType.EPISODIC]
    for n in neighbours:  # each is next to a ranked turn of its session, scored below it
        assert n.memory_id not in ranked
        parent = [
            t
            for t in turns
            if t.session == n.session and abs((t.position or 0) - (n.position or 0)) == 1
        ]
        assert parent and n.score.score < max(p.score.score for p in parent)
    facts = [h for h in facts_hits if h.stage == "entity"]
    assert facts
    names = {str(h.record["name"]).lower() for h in facts_hits if h.stage == "fine"}
    assert all(str(f.record["name"]).strip().lower() in names for f in facts)
