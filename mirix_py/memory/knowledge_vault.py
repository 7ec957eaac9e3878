"""Knowledge vault: verbatim sensitive items (credentials, numbers, addresses).

``secret_value`` is a :class:`pydantic.SecretStr`: it never appears in ``repr``,
logs, embeddings or rendered prompts; the store encrypts it at rest. Only the
``caption`` is embedded, indexed and rendered.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field, SecretStr

from mirix_py.memory.base import MemoryRecord, MemoryType

Sensitivity = Literal["low", "medium", "high"]


class KnowledgeVaultMemory(MemoryRecord):
    """A sensitive item; ``caption`` describes it without revealing it."""

    memory_type: ClassVar[MemoryType] = MemoryType.KNOWLEDGE_VAULT

    entry_type: str = Field(default="credential", max_length=64)
    source: str = ""
    sensitivity: Sensitivity = "high"
    secret_value: SecretStr
    caption: str = Field(min_length=1)

    def embed_text(self) -> str:
        """Only the caption and entry type: the secret is never embedded."""
        return f"{self.entry_type}: {self.caption}"

    def render(self, *, reveal: bool = False) -> str:
        """Caption only, unless ``reveal`` (an explicit owner request) or low sensitivity."""
        shown = reveal or self.sensitivity == "low"
        value = self.secret_value.get_secret_value() if shown else "«hidden»"
        return f"[{self.entry_type}, {self.sensitivity}] {self.caption}: {value}"

    def payload(self) -> dict[str, Any]:
        """Type-specific fields with the secret in clear; the store encrypts it."""
        data = super().payload()
        data["secret_value"] = self.secret_value.get_secret_value()
        return data
