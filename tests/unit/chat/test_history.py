"""A fact that changed brings the turns that stated its earlier values into view."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from mirix_py._chat.cues import read_question
from mirix_py._chat.history import HISTORY_SCALE, with_history
from mirix_py._config import RetrievalConfig
from mirix_py._embeddings import CachedEmbeddings
from mirix_py._memory import ALL_MEMORY_TYPES, EpisodicMemory, MemoryType, SemanticMemory
from mirix_py._memory.extract_common import record_id
from mirix_py._store.memory_store import InMemoryStore
from tests.unit.chat.helpers import hit


def _at(month: int) -> datetime:
    return datetime(2024, month, 3, 9, tzinfo=UTC)


def _turn(source: str, text: str, month: int, sequence: int) -> EpisodicMemory:
    return EpisodicMemory(
        id=record_id("u", MemoryType.EPISODIC, [source], "turn"),
        user_id="u",
        actor="Tove",
        summary=text,
        session_id=f"s{month}",
        sequence=sequence,
        occurred_at=_at(month),
        valid_from=_at(month),
        source_ids=[source],
    )


def _fact(summary: str, source: str, month: int) -> SemanticMemory:
    return SemanticMemory(
        user_id="u",
        name="Tove",
        summary=summary,
        occurred_at=_at(month),
        valid_from=_at(month),
        source_ids=[source],
    )


def _world(embeddings: CachedEmbeddings) -> tuple[Any, SemanticMemory]:
    """A store where the coach changed twice: Brannigan, then Okafor, then Lindqvist."""
    store = InMemoryStore(embeddings=embeddings, memory_types=ALL_MEMORY_TYPES)
    store.upsert(
        [
            _turn("t1", "Hello! I row on weekends, my coach Brannigan is strict.", 1, 0),
            _turn("t2", "The regatta went well, we came second.", 2, 0),
            _turn("t3", "Brannigan retired, so my coach is Okafor from March.", 3, 0),
            _turn("t4", "Okafor moved abroad; the club's new coach is Lindqvist.", 6, 0),
            _turn("t5", "Brannigan sent me a postcard from Crete.", 7, 0),
        ]
    )
    first, second, third = (
        _fact("coach is Brannigan", "t1", 1),
        _fact("coach is Okafor", "t3", 3),
        _fact("coach is Lindqvist", "t4", 6),
    )
    store.upsert([first])
    store.supersede(first.id, second, user_id="u")
    store.supersede(second.id, third, user_id="u")
    ctx = SimpleNamespace(store=store, config=SimpleNamespace(retrieval=RetrievalConfig()))
    return ctx, third


def test_the_earlier_values_and_their_turns_join_just_below_the_current_one(
    embeddings: CachedEmbeddings,
) -> None:
    ctx, current = _world(embeddings)
    chatter = _turn("t2", "The regatta went well, we came second.", 2, 0)
    hits = [hit(current, 2.0), hit(chatter, 1.0)]
    cues = read_question("Who is Tove's coach now?")
    out = with_history(ctx, "u", cues, hits, None)
    shown = {h.record.get("summary"): h.score.score for h in out}
    below = round(HISTORY_SCALE * 2.0, 6)
    # the turns that stated the value it replaced, and the one before
    assert shown["Brannigan retired, so my coach is Okafor from March."] == below
    assert shown["Hello! I row on weekends, my coach Brannigan is strict."] == below
    # the superseded facts themselves stay out of a read of the present
    assert "coach is Okafor" not in shown and "coach is Brannigan" not in shown
    # a turn naming the old value but not the topic stays out
    assert "Brannigan sent me a postcard from Crete." not in shown
    assert out[0].memory_id == current.id
    assert shown["The regatta went well, we came second."] == 1.0


def test_a_fact_that_never_changed_or_a_question_off_its_topic_adds_nothing(
    embeddings: CachedEmbeddings,
) -> None:
    ctx, current = _world(embeddings)
    hits = [hit(current, 2.0)]
    assert with_history(ctx, "u", read_question("What does Tove row on weekends?"), hits, None) == (
        hits
    )
    steady = _fact("likes oat porridge", "t2", 2)
    ctx.store.upsert([steady])
    cues = read_question("What does Tove like for porridge?")
    assert with_history(ctx, "u", cues, [hit(steady, 2.0)], None) == [hit(steady, 2.0)]
