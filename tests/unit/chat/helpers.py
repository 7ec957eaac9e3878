"""Builders for chat unit tests: hits and episodic records without any storage."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from mirix_py._chat.hits import to_hit
from mirix_py._chat.models import Hit, ScoreBreakdown
from mirix_py._memory import EpisodicMemory, MemoryRecord


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
