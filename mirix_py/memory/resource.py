"""Resource memory: documents, files, code and links the user shared (long content chunked)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from mirix_py.memory.base import MemoryRecord, MemoryType


class ResourceMemory(MemoryRecord):
    """One shared resource, or one chunk of a long one (``chunk_index`` of ``chunk_count``)."""

    memory_type: ClassVar[MemoryType] = MemoryType.RESOURCE

    title: str = Field(min_length=1, max_length=512)
    summary: str = ""
    resource_type: str = Field(default="document", max_length=64)
    content: str = ""
    chunk_index: int = Field(default=0, ge=0)
    chunk_count: int = Field(default=1, ge=1)

    def embed_text(self) -> str:
        """Title, summary and the (chunked) content."""
        return " ".join(p for p in (self.title, self.summary, self.content) if p)

    def render(self) -> str:
        """``[document] Title (2/3): summary — first words of content``."""
        part = f" ({self.chunk_index + 1}/{self.chunk_count})" if self.chunk_count > 1 else ""
        body = self.summary or self.content[:200]
        return f"[{self.resource_type}] {self.title}{part} ({self.short_date()}): {body}"
