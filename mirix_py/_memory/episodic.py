"""Episodic memory: time-stamped events — what happened, who did it, when."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from pydantic import Field

from mirix_py._memory.base import MemoryRecord, MemoryType, utcnow
from mirix_py._memory.extract_common import ARCHIVE_KIND, Turn, chunk_text, clip, record_id, unique
from mirix_py._memory.registry import MemoryTypeSpec, summary_line_kept

HUGE_TURN_CHARS = 2000
"""Turns longer than this are stored as several events (the embedder reads ~1,000 chars)."""
TURN_CHUNK_CHARS = 1000
UNPROCESSED_GROUP_CHARS = 4000


class EpisodicMemory(MemoryRecord):
    """One event; ``occurred_at`` is when it happened (not when it was stored)."""

    memory_type: ClassVar[MemoryType] = MemoryType.EPISODIC

    event_type: str = Field(default="conversation", max_length=64)
    actor: str = Field(default="user", max_length=256)
    summary: str = Field(min_length=1)
    details: str = ""
    session_id: str | None = None
    sequence: int | None = Field(default=None, ge=0, description="position within its session")

    def embed_text(self) -> str:
        """Actor and summary (details appended when present)."""
        text = f"{self.actor}: {self.summary}"
        return f"{text} {self.details}" if self.details else text

    def render(self) -> str:
        """``7 May 2023 · Caroline: went to a support group``."""
        return f"{self.short_date()} · {self.actor}: {self.summary}"


# --------------------------------------------------------------------------
# Offline rules: every turn is an event; failed batches are kept raw.
# --------------------------------------------------------------------------


def turn_events(turns: Sequence[Turn], *, user_id: str) -> list[EpisodicMemory]:
    """One event per turn: actor = speaker, summary = the (redacted, date-annotated) text.

    The text is kept whole; only huge turns are cut into several events, each
    naming the same source message.
    """
    out: list[EpisodicMemory] = []
    for turn in turns:
        pieces = (
            chunk_text(turn.text, size=TURN_CHUNK_CHARS)
            if len(turn.text) > HUGE_TURN_CHARS
            else [turn.text]
        )
        for index, piece in enumerate(pieces):
            kind = "turn" if len(pieces) == 1 else f"turn:{index}"
            summary = piece if len(pieces) == 1 else f"(part {index + 1}/{len(pieces)}) {piece}"
            out.append(
                EpisodicMemory(
                    id=record_id(user_id, MemoryType.EPISODIC, [turn.id], kind),
                    user_id=user_id,
                    event_type="conversation",
                    actor=turn.speaker[:256],
                    summary=summary,
                    occurred_at=turn.timestamp,
                    valid_from=min(turn.timestamp, utcnow()),
                    source_ids=[turn.id],
                    session_id=turn.session_id,
                    sequence=turn.sequence,
                    origin="raw",
                )
            )
    return out


def unprocessed_events(turns: Sequence[Turn], *, user_id: str, reason: str) -> list[EpisodicMemory]:
    """The batch's (redacted) text kept as ``unprocessed`` events after a failure.

    Turns are grouped into records of a few thousand characters; each record
    names exactly the messages it holds.
    """
    groups: list[list[Turn]] = []
    size = 0
    for turn in turns:
        if groups and size + len(turn.text) <= UNPROCESSED_GROUP_CHARS:
            groups[-1].append(turn)
            size += len(turn.text)
        else:
            groups.append([turn])
            size = len(turn.text)
    out: list[EpisodicMemory] = []
    for group in groups:
        ids = [t.id for t in group]
        speakers = list(dict.fromkeys(t.speaker for t in group))
        out.append(
            EpisodicMemory(
                id=record_id(user_id, MemoryType.EPISODIC, ids, "unprocessed"),
                user_id=user_id,
                event_type="unprocessed_input",
                actor=", ".join(speakers)[:256],
                summary="\n".join(f"{t.speaker}: {t.text}" for t in group),
                details=f"not fully processed: {reason}",
                occurred_at=group[0].timestamp,
                valid_from=min(group[0].timestamp, utcnow()),
                source_ids=ids,
                session_id=group[0].session_id,
                status="unprocessed",
                origin="raw",
                importance=0.3,
            )
        )
    return out


def detect(turns: Sequence[Turn]) -> str | None:
    """Every non-empty batch is a conversation to log."""
    return f"{len(turns)} turn(s) to log as events" if turns else None


def archive_summary(
    members: Sequence[MemoryRecord], common: dict[str, Any], per: int, dates: str
) -> MemoryRecord:
    """Retention's archive summary of some events: one line per event."""
    episodes = [r for r in members if isinstance(r, EpisodicMemory)]
    sessions = {r.session_id for r in episodes}
    lines = [f"{r.actor}: {clip(r.summary, per)}" for r in episodes]
    return EpisodicMemory(
        **common,
        event_type=ARCHIVE_KIND,
        actor=", ".join(unique(r.actor for r in episodes))[:256] or "archive",
        summary=f"Archived {len(members)} events ({dates}): " + " | ".join(lines),
        session_id=next(iter(sessions)) if len(sessions) == 1 else None,
    )


# --------------------------------------------------------------------------
# The type's spec (see mirix_py._memory.registry).
# --------------------------------------------------------------------------


def _evidence(record: Mapping[str, Any]) -> str:
    who = record.get("actor")
    prefix = f"{who}: " if who else ""
    return f"{prefix}{record.get('summary', '')} {record.get('details', '')}".strip()


def _extract(turns: Sequence[Turn], *, user_id: str) -> list[MemoryRecord]:
    return list(turn_events(turns, user_id=user_id))


SPEC = MemoryTypeSpec(
    name="episodic",
    record=EpisodicMemory,
    id_prefix="ep",
    title="Episodic",
    blurb="things that happened, with dates",
    describe=(
        "events with a time: what happened, who did it, when. (Every message is logged "
        "as an event anyway; choose episodic only when there are events worth "
        "summarising beyond that log.)"
    ),
    extract_hint=(
        "notable events beyond the message log (every message is stored as an event "
        "already): actor, summary with absolute dates, occurred_at."
    ),
    main_field="summary",
    evidence=_evidence,
    section="Events",
    section_order=20,
    detect=detect,
    extract=_extract,
    always=True,
    hidden_fields=frozenset({"session_id", "sequence"}),
    cue=lambda cues: bool(cues.is_when),
    retention_cap=10_000,
    derives=("semantic", "procedural", "core"),
    summarise=archive_summary,
    summary_cites=summary_line_kept,
)
