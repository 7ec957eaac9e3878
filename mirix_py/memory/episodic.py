"""Episodic memory: time-stamped events — what happened, who did it, when."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from mirix_py.memory.base import MemoryRecord, MemoryType


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
