"""What consolidation returns: a report of every change, and a memory's explanation."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from mirix_py._memory.base import MemoryType

Step = Literal["reflect", "cleanup", "retention", "core"]
ConsolidationActionKind = Literal[
    "derived", "updated", "merged", "superseded", "archived", "moved", "skipped"
]
ReflectionMode = Literal["offline", "llm", "fallback", "off"]


class ConsolidationAction(BaseModel):
    """One thing a consolidation step did to one record.

    ``related_ids`` are the other memories involved: the episodes a derived item
    summarises, the record a duplicate was merged into, the summary an archived
    record now lives in, the semantic record a core line moved to.
    """

    model_config = ConfigDict(frozen=True)

    step: Step
    memory_type: MemoryType
    action: ConsolidationActionKind
    memory_id: str | None = None
    related_ids: list[str] = Field(default_factory=list)
    reason: str = ""


class ConsolidationReport(BaseModel):
    """The result of one ``consolidate`` run for one user."""

    model_config = ConfigDict(frozen=True)

    user_id: str
    run_id: str
    mode: ReflectionMode = "offline"
    actions: list[ConsolidationAction] = Field(default_factory=list)
    failures: list[str] = Field(default_factory=list)
    active_before: dict[str, int] = Field(default_factory=dict)
    active_after: dict[str, int] = Field(default_factory=dict)
    llm_calls: int = 0
    llm_tokens: int = 0
    steps_ms: dict[str, float] = Field(default_factory=dict)
    ms: float = 0.0

    @property
    def ok(self) -> bool:
        """True when no step failed."""
        return not self.failures

    def counts(self) -> dict[str, dict[str, int]]:
        """``{step: {action: n}}``."""
        out: dict[str, dict[str, int]] = {}
        for a in self.actions:
            bucket = out.setdefault(a.step, {})
            bucket[a.action] = bucket.get(a.action, 0) + 1
        return out

    def ids(
        self, action: ConsolidationActionKind | None = None, step: Step | None = None
    ) -> list[str]:
        """Ids of the records acted on (optionally one action and/or step)."""
        return [
            a.memory_id
            for a in self.actions
            if a.memory_id
            and (action is None or a.action == action)
            and (step is None or a.step == step)
        ]

    def render(self) -> str:
        """A few human-readable lines."""
        lines = [f"consolidated {self.user_id} ({self.mode}) in {self.ms:.0f} ms"]
        for step, counts in self.counts().items():
            done = ", ".join(f"{n} {action}" for action, n in sorted(counts.items()))
            lines.append(f"  {step}: {done}")
        for name in sorted(set(self.active_before) | set(self.active_after)):
            before, after = self.active_before.get(name, 0), self.active_after.get(name, 0)
            lines.append(f"  active {name}: {before} → {after}")
        lines += [f"  failure: {f}" for f in self.failures]
        return "\n".join(lines)


class RetentionScore(BaseModel):
    """``score = importance**wi × recency**wr × (1 + access_count)**wa`` at time ``at``."""

    model_config = ConfigDict(frozen=True)

    score: float
    importance: float
    recency: float
    access: float
    age_days: float
    at: datetime

    def describe(self) -> str:
        """``0.0123 (importance 0.50 × recency 0.0246 × access 1.00, 160.0 days old)``."""
        return (
            f"{self.score:.4g} (importance {self.importance:.2f} × recency {self.recency:.3g} "
            f"× access {self.access:.3g}, {self.age_days:.1f} days old)"
        )


class MemoryExplanation(BaseModel):
    """Why a memory is where it is: its retention policy and score, and its fate."""

    model_config = ConfigDict(frozen=True)

    memory_id: str
    memory_type: MemoryType
    status: str
    origin: str
    current: bool
    fades: bool
    policy: str
    score: RetentionScore | None = None
    cap: int | None = None
    active_count: int | None = None
    archived: bool = False
    archived_at: datetime | None = None
    archived_into: str | None = None
    archive_reason: str = ""
    superseded_by: str | None = None
    supersede_reason: str = ""
    source_ids: list[str] = Field(default_factory=list)
    history: list[str] = Field(default_factory=list)

    def render(self) -> str:
        """A few human-readable lines."""
        state = "archived" if self.archived else "current" if self.current else "superseded"
        lines = [
            f"{self.memory_type.value} {self.memory_id}: {state} (status {self.status}, "
            f"origin {self.origin})",
            f"  policy: {self.policy}",
        ]
        if self.score is not None:
            lines.append(f"  retention score: {self.score.describe()}")
        if self.cap is not None:
            lines.append(f"  cap: {self.cap} active per user (now {self.active_count})")
        if self.archived:
            lines.append(f"  archived into {self.archived_into} at {self.archived_at}")
            lines.append(f"  why: {self.archive_reason}")
        elif self.superseded_by:
            lines.append(f"  superseded by {self.superseded_by}: {self.supersede_reason}")
        if self.source_ids:
            shown = ", ".join(self.source_ids[:10]) + (" …" if len(self.source_ids) > 10 else "")
            lines.append(f"  sources ({len(self.source_ids)}): {shown}")
        lines += [f"  {h}" for h in self.history]
        return "\n".join(lines)
