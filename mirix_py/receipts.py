"""What a write returns: per memory type, what happened to which record, and why."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from mirix_py.memory.base import MemoryType

Action = Literal["inserted", "updated", "superseded", "merged", "skipped", "deleted"]


class RecordAction(BaseModel):
    """One thing a manager did to one record."""

    model_config = ConfigDict(frozen=True)

    memory_type: MemoryType
    action: Action
    memory_id: str | None = None
    reason: str = ""


class ManagerFailure(BaseModel):
    """A step that failed, and what was done about it."""

    model_config = ConfigDict(frozen=True)

    step: str
    error: str
    fallback: str = ""


class WriteReceipt(BaseModel):
    """The result of one ``add``: actions per record, failures, routing and cost."""

    model_config = ConfigDict(frozen=True)

    user_id: str
    run_id: str
    source_ids: list[str] = Field(default_factory=list)
    routed: list[MemoryType] = Field(default_factory=list)
    actions: list[RecordAction] = Field(default_factory=list)
    failures: list[ManagerFailure] = Field(default_factory=list)
    llm_calls: int = 0
    llm_tokens: int = 0
    ms: float = 0.0

    @property
    def ok(self) -> bool:
        """True when no step failed."""
        return not self.failures

    def ids(self, memory_type: MemoryType | str | None = None) -> list[str]:
        """Ids written (inserted/updated/superseded/merged), optionally of one type."""
        wanted = MemoryType(memory_type) if memory_type else None
        return [
            a.memory_id
            for a in self.actions
            if a.memory_id
            and a.action in ("inserted", "updated", "superseded", "merged")
            and (wanted is None or a.memory_type == wanted)
        ]

    def counts(self) -> dict[str, dict[str, int]]:
        """``{memory_type: {action: n}}``."""
        out: dict[str, dict[str, int]] = {}
        for a in self.actions:
            bucket = out.setdefault(a.memory_type.value, {})
            bucket[a.action] = bucket.get(a.action, 0) + 1
        return out
