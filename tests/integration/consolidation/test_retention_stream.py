"""A stream of 10,000 messages: active episodic counts stay under the cap, nothing is lost.

Retention is what is tested here, not extraction: the turns are written straight
through the store in large batches (one episodic record per message, as the
write path logs them) with a cheap deterministic hashing embedder, and the
consolidation graph runs after every batch.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

from mirix_py._config import load_config
from mirix_py._consolidation import ConsolidationReport
from mirix_py._consolidation.graph import consolidation_input
from mirix_py._context import MemoryContext
from mirix_py._graph import build_consolidation_graph
from mirix_py._memory import EpisodicMemory, MemoryType
from mirix_py._store.base import SearchQuery
from mirix_py._store.lancedb_store import LanceDBStore

USERS = ("ann", "bob")
TOTAL = 10_000
BATCH = 1_000  # messages per batch, across both users
CAP = 800
START = datetime(2024, 1, 1, 8, tzinfo=UTC)


class HashEmbeddings(Embeddings):
    """Bag-of-words hashing into 384 dims: deterministic, fast, roughly lexical."""

    def _one(self, text: str) -> list[float]:
        vec = np.zeros(384, dtype=np.float32)
        for word in text.lower().split():
            h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "little")
            vec[h % 384] += 1.0
        norm = float(np.linalg.norm(vec)) or 1.0
        return (vec / norm).tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._one(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._one(text)


def _word(i: int) -> str:
    """A word only message ``i`` contains (letters only, so no tokenizer splits it)."""
    letters = ""
    while True:
        i, r = divmod(i, 26)
        letters += "abcdefghijklmnopqrstuvwxyz"[r]
        if not i:
            return f"zq{letters}x"


def _message(i: int) -> EpisodicMemory:
    """Message ``i``: users alternate, a new session every 20 messages, one per minute."""
    user = USERS[i % len(USERS)]
    return EpisodicMemory(
        id=f"ep-{i}",
        user_id=user,
        actor="Ann" if user == "ann" else "Bob",
        summary=f"{_word(i)} note number {i} about topic {i % 37}",
        occurred_at=START + timedelta(minutes=i),
        session_id=f"{user}-s{i // 20}",
        sequence=i % 20,
        source_ids=[f"msg-{i}"],
        origin="raw",
        importance=0.9 if i % 500 == 0 else 0.5,
    )


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[MemoryContext]:
    config = load_config(
        "default",
        environ={},
        home=str(tmp_path),
        memory={"enabled": ["core", "episodic", "semantic", "procedural"]},
        # Reflection is off: this test is about retention (it has its own tests).
        retention={"caps": {"episodic": CAP}, "archive_group_size": 40, "reflect": False},
    )
    embeddings = HashEmbeddings()
    store = LanceDBStore(
        str(tmp_path / "db"),
        embeddings=embeddings,
        dimension=384,
        memory_types=config.memory.enabled,
    )
    yield MemoryContext(config=config, store=store, embeddings=embeddings)
    store.close()


def _active(ctx: MemoryContext, user: str) -> list[EpisodicMemory]:
    rows = ctx.store.list_records(user_id=user, memory_type=MemoryType.EPISODIC, limit=10**7)
    return [r for r in rows if isinstance(r, EpisodicMemory) and r.status == "active"]


@pytest.mark.slow
def test_ten_thousand_messages_stay_under_the_cap_and_stay_findable(
    ctx: MemoryContext,
) -> None:
    graph = build_consolidation_graph(ctx)
    archived_total = 0
    for start in range(0, TOTAL, BATCH):
        ctx.store.upsert([_message(i) for i in range(start, start + BATCH)], actor="stream")
        now = START + timedelta(minutes=start + BATCH)
        for user in USERS:
            out = graph.invoke(consolidation_input(user, now=now))
            report = ConsolidationReport.model_validate(out["report"])
            assert report.ok, report.failures
            assert report.active_after["episodic"] <= CAP
            assert len(_active(ctx, user)) <= CAP
            archived_total += len(report.ids("archived"))
    assert archived_total == TOTAL - 2 * int(CAP * 0.9)

    for user in USERS:
        mine = {f"msg-{i}" for i in range(TOTAL) if USERS[i % len(USERS)] == user}
        current = ctx.store.list_records(user_id=user, limit=10**7)
        # Every message is still cited by a current record: an active episode or a summary.
        assert mine <= {s for r in current for s in r.source_ids}
        # ... and every original record is still stored whole, active or archived.
        everything = ctx.store.list_records(
            user_id=user, memory_type=MemoryType.EPISODIC, limit=10**7, include_superseded=True
        )
        originals = [r for r in everything if isinstance(r, EpisodicMemory) and r.origin == "raw"]
        assert {s for r in originals for s in r.source_ids} == mine
        assert all(r.status in ("active", "archived") for r in originals)
        summaries = [r for r in current if r.status == "archived"]
        assert summaries and all(r.origin == "derived" for r in summaries)
        assert max(len(r.source_ids) for r in summaries) <= 40
    # The most important old messages (importance 0.9) outlived the cap; plain ones did not.
    kept = {s for r in _active(ctx, "ann") for s in r.source_ids}
    assert {f"msg-{i}" for i in range(0, TOTAL, 500)} <= kept
    assert "msg-502" not in kept

    # An archived message is found by its words through its summary, and in full
    # (with its history) among superseded records.
    archived = _message(2)
    hits = ctx.store.search(
        SearchQuery(user_id="ann", text=_word(2), mode="fts", memory_types=(MemoryType.EPISODIC,))
    )
    assert hits and hits[0].record.status == "archived" and "msg-2" in hits[0].record.source_ids
    original = ctx.store.get(archived.id, user_id="ann")
    assert original.status == "archived" and original.superseded_by
    events = ctx.store.history(archived.id, user_id="ann")
    assert [e.event for e in events] == ["insert", "archive"]
    assert "cap 800" in events[-1].reason
    # As-of reads see the record as it was before it was archived.
    past = ctx.store.search(
        SearchQuery(
            user_id="ann",
            text=_word(2),
            mode="fts",
            memory_types=(MemoryType.EPISODIC,),
            as_of=events[0].at + timedelta(microseconds=1),
        )
    )
    assert [h.record.id for h in past] == [archived.id]
