"""The chat agent's value types: what ``chat`` returns and what flows between its nodes.

:class:`Answer` is the public result. :class:`Hit` is one retrieved memory as it
travels through the graph state (plain JSON when serialised: no embeddings, and
knowledge-vault secrets masked unless they may be shown). :class:`TargetPlan` and
:class:`ComposedAnswer` are the argument schemas of the two tool calls the chat
agent makes in LLM mode.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from mirix_py._memory import MemoryRecord, MemoryType, record_class
from mirix_py._memory.base import as_utc
from mirix_py._schema_rules import provider_safe

Stage = Literal["coarse", "fine", "neighbour", "entity", "fill", "history"]
SelectionMode = Literal["llm", "offline", "offline-fallback"]
MASKED_SECRET = "«hidden»"


class ScoreBreakdown(BaseModel):
    """Why a memory ranked where it did.

    ``vector`` is the cosine similarity to the query, ``fts`` the full-text (BM25)
    score, ``fused`` the store's weighted reciprocal-rank fusion, ``recency`` how
    recent the memory is relative to the newest candidate (1.0 = newest). ``prior``,
    ``neighbour`` and ``cue`` are the chat agent's boosts (session context prior,
    neighbour smoothing, question cues); ``score`` is the final ranking score.
    """

    model_config = ConfigDict(frozen=True)

    score: float
    vector: float | None = None
    fts: float | None = None
    fused: float = 0.0
    recency: float = 0.0
    prior: float = 0.0
    neighbour: float = 0.0
    cue: float = 0.0


class Hit(BaseModel):
    """One retrieved memory inside the chat graph (serialisable; see module docstring)."""

    model_config = ConfigDict(extra="forbid")

    memory_id: str
    memory_type: MemoryType
    record: dict[str, Any]
    score: ScoreBreakdown
    stage: Stage = "fine"
    session: str | None = None
    position: int | None = None
    query: str = ""

    def to_record(self) -> MemoryRecord:
        """Rebuild the memory record (without its embedding)."""
        return record_class(self.memory_type).model_validate(self.record)

    @property
    def source_ids(self) -> list[str]:
        """The input-message ids this memory came from."""
        return [str(s) for s in self.record.get("source_ids") or []]

    @property
    def when(self) -> datetime | None:
        """The memory's event time, else its last update time."""
        value = self.record.get("occurred_at") or self.record.get("updated_at")
        return datetime.fromisoformat(value) if isinstance(value, str) else None


class TargetQuery(BaseModel):
    """One store to search in fine retrieval, with its refined query and time range."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=provider_safe)

    memory_type: MemoryType = Field(description="the memory store to search")
    query: str = Field(min_length=1, description="a refined search query for that store")
    start: datetime | None = Field(
        default=None, description="only memories at or after this (ISO date, e.g. 2023-05-01)"
    )
    end: datetime | None = Field(
        default=None, description="only memories before this (ISO date, e.g. 2023-06-01)"
    )

    @field_validator("start", "end", mode="before")
    @classmethod
    def _date_only(cls, value: object) -> object:
        """A date-only string ("2023-05-01") or a ``date`` is that day's midnight."""
        if isinstance(value, date) and not isinstance(value, datetime):
            return datetime(value.year, value.month, value.day)
        return value

    @field_validator("start", "end")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        """Models (and users) write naive times: they are taken as UTC, never left naive."""
        return None if value is None else as_utc(value)


class TargetPlan(BaseModel):
    """Which memory stores matter for the question, and how to search them."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=provider_safe)

    targets: list[TargetQuery] = Field(
        default_factory=list, max_length=6, description="stores to search, most useful first"
    )
    reasoning: str = Field(default="", description="one short sentence on why")


class ComposedAnswer(BaseModel):
    """The final answer, citing the numbered memories it relies on."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=provider_safe)

    answer: str = Field(description="the answer, or 'Not mentioned in the conversation.'")
    citations: list[int] = Field(
        default_factory=list,
        max_length=20,
        description="the [n] numbers of the memories the answer uses",
    )


class Citation(BaseModel):
    """A memory the answer relies on."""

    model_config = ConfigDict(frozen=True)

    ref: int
    memory_id: str
    memory_type: MemoryType
    date: datetime | None
    score: ScoreBreakdown
    text: str
    source_ids: list[str] = Field(default_factory=list)


class RetrievedMemory(BaseModel):
    """One ranked retrieved memory: ``text`` is its line in the compact context.

    The first memory of each session (in rank order) carries that session's
    header in ``text``, so summing the tokens of a prefix of the ranked list
    estimates the context needed to show it.
    """

    model_config = ConfigDict(frozen=True)

    rank: int
    memory_id: str
    memory_type: MemoryType
    text: str
    source_ids: list[str] = Field(default_factory=list)
    score: ScoreBreakdown
    stage: Stage
    in_context: bool
    ref: int | None = None


class RetrievalTrace(BaseModel):
    """What the chat agent searched, and how it chose.

    ``selection`` says who chose the stores (the model, the offline rules, or the
    offline rules after a failed model call); ``stores`` and ``queries`` are the
    fine-retrieval targets; ``coarse_counts`` the memories the coarse pass found per
    store (``coarse_k`` from the in-memory indexes; ``fine_k`` from store searches,
    which fine retrieval reuses; selection looks at the best ``coarse_k``);
    ``time_range`` the range the question names; ``cues`` what was read from the
    question; ``notes`` fallbacks and oddities.
    """

    model_config = ConfigDict(frozen=True)

    selection: SelectionMode
    stores: list[MemoryType]
    queries: list[TargetQuery]
    coarse_counts: dict[str, int] = Field(default_factory=dict)
    time_range: tuple[datetime, datetime] | None = None
    cues: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


class Latency(BaseModel):
    """Milliseconds: retrieval (coarse + selection + fine), total, and per step."""

    model_config = ConfigDict(frozen=True)

    retrieval_ms: float
    total_ms: float
    steps: dict[str, float] = Field(default_factory=dict)


class Answer(BaseModel):
    """What :meth:`MemorySystem.chat <mirix_py.MemorySystem.chat>` returns."""

    model_config = ConfigDict(frozen=True)

    text: str
    abstained: bool = False
    citations: list[Citation] = Field(default_factory=list)
    trace: RetrievalTrace
    context: str
    context_tokens: int
    retrieved: list[RetrievedMemory] = Field(default_factory=list)
    llm_calls: int = 0
    llm_tokens: int = 0
    latency: Latency
    updated_ids: list[str] = Field(default_factory=list)

    def __str__(self) -> str:
        return self.text

    @property
    def cited_ids(self) -> list[str]:
        """The ids of the cited memories, in citation order."""
        return [c.memory_id for c in self.citations]


def estimate_tokens(text: str) -> int:
    """The budget's token estimate: ``ceil(len(text) / 4)``."""
    return -(-len(text) // 4)
