"""Procedural memory: how-to knowledge — workflows and step lists."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from mirix_py.memory.base import MemoryRecord, MemoryType


class ProceduralMemory(MemoryRecord):
    """A workflow: a description and its ordered steps."""

    memory_type: ClassVar[MemoryType] = MemoryType.PROCEDURAL

    entry_type: str = Field(default="workflow", max_length=64)
    description: str = Field(min_length=1)
    steps: list[str] = Field(default_factory=list)

    def embed_text(self) -> str:
        """Description followed by the steps."""
        return " ".join([self.description, *self.steps])

    def render(self) -> str:
        """``How to X: 1) a 2) b``."""
        steps = " ".join(f"{i}) {s}" for i, s in enumerate(self.steps, 1))
        return f"{self.description}: {steps}" if steps else self.description
