"""Semantic memory: facts and concepts independent of time, keyed by the entity they describe."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from mirix_py.memory.base import MemoryRecord, MemoryType


class SemanticMemory(MemoryRecord):
    """A fact about an entity (person, place, thing, concept)."""

    memory_type: ClassVar[MemoryType] = MemoryType.SEMANTIC

    name: str = Field(min_length=1, max_length=256)
    summary: str = Field(min_length=1)
    details: str = ""
    source: str = ""

    def embed_text(self) -> str:
        """Entity name, summary and details."""
        text = f"{self.name}: {self.summary}"
        return f"{text} {self.details}" if self.details else text

    def render(self) -> str:
        """``Caroline: is a counselor (since 7 May 2023)``."""
        return f"{self.name}: {self.summary} ({self.short_date()})"
