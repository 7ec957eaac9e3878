"""Builders for chat unit tests: hits and episodic records without any storage."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from mirix_py._chat.answer import answer_offline
from mirix_py._chat.compose import build_context
from mirix_py._chat.cues import read_question
from mirix_py._chat.hits import to_hit
from mirix_py._chat.models import Hit, ScoreBreakdown
from mirix_py._memory import EpisodicMemory, MemoryRecord

NOW = datetime(2024, 6, 20, 10, tzinfo=UTC)
"""When the answering tests ask: after every day :func:`said` can date a message."""


def episode(
    text: str,
    *,
    actor: str = "Ann",
    session: str | None = "s1",
    sequence: int | None = 0,
    day: int = 1,
    vector: list[float] | None = None,
    memory_id: str | None = None,
    source: str | None = None,
) -> EpisodicMemory:
    """An episodic record (no store involved)."""
    extra: dict[str, Any] = {"id": memory_id} if memory_id else {}
    return EpisodicMemory(
        user_id="u",
        actor=actor,
        summary=text,
        session_id=session,
        sequence=sequence,
        occurred_at=datetime(2024, 5, day, 12, tzinfo=UTC),
        embedding=vector,
        source_ids=[source] if source else [],
        **extra,
    )


def hit(record: MemoryRecord, score: float = 1.0, *, vector: float | None = 0.5, **kw: Any) -> Hit:
    """A hit for ``record`` with the given final score."""
    made = to_hit(
        record,
        reveal=True,  # keep the record's own secret value (tests set it to the masked text)
        stage=kw.pop("stage", "fine"),
        score=ScoreBreakdown(score=score, vector=vector, fused=score / 20),
    )
    return made.model_copy(
        update={
            "session": kw.pop("session", getattr(record, "session_id", None)),
            "position": kw.pop("position", getattr(record, "sequence", None)),
            **kw,
        }
    )


def said(text: str, day: int, *, actor: str, score: float = 1.0) -> Hit:
    """A hit for a message ``actor`` said on day ``day`` of May 2024, in that day's session."""
    return hit(episode(text, actor=actor, day=day, session=f"s{day}"), score)


def answer_text(question: str, *hits: Hit) -> str:
    """The offline answer to ``question`` over ``hits`` in a 2,000-token context."""
    pack = build_context([], list(hits), budget_tokens=2000)
    return answer_offline(read_question(question), pack, min_evidence=0.2, now=NOW).text
