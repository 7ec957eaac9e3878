"""Archive summaries cite only the members whose content they keep."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mirix_py._consolidation.retention import summary_record
from mirix_py._memory import EpisodicMemory, MemoryType

T0 = datetime(2024, 2, 1, tzinfo=UTC)


def _event(text: str, day: int, source: str) -> EpisodicMemory:
    return EpisodicMemory(
        user_id="u",
        actor="Ivo",
        summary=text,
        occurred_at=T0 + timedelta(days=day),
        source_ids=[source],
        session_id="s1",
        sequence=day,
    )


def test_clipped_members_are_not_cited() -> None:
    short = [_event(f"short note {i}", i, f"m{i}") for i in range(3)]
    long = _event("a very long story " + "with many words " * 200, 9, "m9")
    summary = summary_record(MemoryType.EPISODIC, [*short, long], user_id="u")
    assert summary.source_ids == ["m0", "m1", "m2"]
    assert "short note 2" in summary.summary
