"""Core memory: small always-in-prompt blocks about the user (``human``) and agent (``persona``)."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from mirix_py.memory.base import MemoryRecord, MemoryType

CoreLabel = Literal["human", "persona"]


class CoreMemory(MemoryRecord):
    """One core block; its ``value`` holds one fact per line and stays within ``limit`` chars."""

    memory_type: ClassVar[MemoryType] = MemoryType.CORE

    label: CoreLabel = "human"
    value: str = ""
    limit: int = Field(default=2000, ge=100, le=100_000)

    def embed_text(self) -> str:
        """Core blocks are embedded by their whole value."""
        return f"{self.label}: {self.value}"

    def render(self) -> str:
        """Render the block as ``<label>`` lines."""
        return f"[{self.label}] " + "; ".join(self.lines())

    def lines(self) -> list[str]:
        """The block's non-empty lines."""
        return [line.strip() for line in self.value.splitlines() if line.strip()]
