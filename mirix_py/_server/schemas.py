"""Request and response bodies of the REST API (pydantic models, shown in the OpenAPI schema).

Responses reuse the library's own models where they exist (``WriteReceipt``,
``DeleteReceipt``, ``HistoryEvent``, ``ScoreParts``, ``Answer``). Memories are
returned as :class:`MemoryOut`: the common fields, a one-line ``text`` and the
type-specific ``fields``. Knowledge-vault values are masked unless the owner
asks for them explicitly (``reveal``), whatever their sensitivity.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from mirix_py._chat.models import MASKED_SECRET
from mirix_py._memory import KnowledgeVaultMemory, MemoryRecord, MemoryType
from mirix_py._messages import Message
from mirix_py._store.base import HistoryEvent, ScoreParts

_FORBID = ConfigDict(extra="forbid")
MAX_MESSAGES = 1000


class AddRequest(BaseModel):
    """Remember what ``messages`` carry for ``user_id`` (one call is one session)."""

    model_config = _FORBID
    user_id: str = Field(description="the user whose memory to write")
    messages: str | Annotated[list[Message], Field(min_length=1, max_length=MAX_MESSAGES)] = Field(
        description="a text, or a list of messages (role, content, timestamp, id, name)"
    )
    occurred_at: datetime | None = Field(
        default=None, description="event time of the messages (default: their timestamps, or now)"
    )


class SearchRequest(BaseModel):
    """Hybrid search over one user's memories."""

    model_config = _FORBID
    user_id: str
    query: str = Field(min_length=1, max_length=10_000)
    memory_types: list[MemoryType] | None = Field(
        default=None, description="restrict to these types (default: all enabled)"
    )
    limit: int = Field(default=10, ge=1, le=100)
    start: datetime | None = None
    end: datetime | None = None
    as_of: datetime | None = Field(default=None, description="search the memories valid then")
    include_superseded: bool = False
    mode: Literal["hybrid", "vector", "fts"] | None = None


class ChatRequest(BaseModel):
    """Answer ``message`` from one user's memories."""

    model_config = _FORBID
    user_id: str
    message: str = Field(min_length=1, max_length=20_000)
    as_of: datetime | None = None
    reveal_secrets: bool = Field(
        default=False, description="let knowledge-vault values into the context and answer"
    )
    interactive_update: bool | None = None
    budget_tokens: int | None = Field(default=None, ge=50, le=200_000)
    memory_types: list[MemoryType] | None = None


class UpdateRequest(BaseModel):
    """Change one memory in place: its main ``text``, or a mapping of ``fields``."""

    model_config = _FORBID
    user_id: str
    text: str | None = Field(
        default=None,
        min_length=1,
        description="new main text (core value, episodic/semantic summary, procedural "
        "description, resource content, vault caption)",
    )
    fields: dict[str, Any] | None = Field(default=None, description="fields to change")

    def data(self) -> str | dict[str, Any]:
        """What ``MemorySystem.update`` takes; exactly one of ``text``/``fields``."""
        if (self.text is None) == (self.fields is None):
            from mirix_py.errors import InvalidArgument

            raise InvalidArgument("give exactly one of 'text' or 'fields'")
        return self.text if self.text is not None else dict(self.fields or {})


class MemoryOut(BaseModel):
    """One memory as the API shows it."""

    model_config = ConfigDict(frozen=True)

    id: str
    user_id: str
    memory_type: MemoryType
    text: str = Field(description="one-line rendering (vault: caption only unless revealed)")
    date: datetime = Field(description="event time if known, else last update")
    created_at: datetime
    updated_at: datetime
    occurred_at: datetime | None
    valid_from: datetime
    valid_to: datetime | None
    superseded_by: str | None
    status: str
    origin: str
    importance: float
    source_ids: list[str]
    fields: dict[str, Any] = Field(description="the type-specific fields")
    revealed: bool = False

    @classmethod
    def of(cls, record: MemoryRecord, *, reveal: bool = False) -> MemoryOut:
        """Build from a record; vault values are masked unless ``reveal``."""
        fields = record.payload()
        text = record.render()
        revealed = False
        if isinstance(record, KnowledgeVaultMemory):
            text = f"[{record.entry_type}, {record.sensitivity}] {record.caption}"
            if reveal:
                text = f"{text}: {record.secret_value.get_secret_value()}"
                revealed = True
            else:
                fields["secret_value"] = MASKED_SECRET
        return cls(
            id=record.id,
            user_id=record.user_id,
            memory_type=record.memory_type,
            text=text,
            date=record.when,
            created_at=record.created_at,
            updated_at=record.updated_at,
            occurred_at=record.occurred_at,
            valid_from=record.valid_from,
            valid_to=record.valid_to,
            superseded_by=record.superseded_by,
            status=record.status,
            origin=record.origin,
            importance=record.importance,
            source_ids=list(record.source_ids),
            fields=fields,
            revealed=revealed,
        )


class MemoryPage(BaseModel):
    """A page of memories, newest first."""

    items: list[MemoryOut]
    limit: int
    offset: int
    next_offset: int | None = Field(description="offset of the next page, or null at the end")


class SearchHit(BaseModel):
    """One search result."""

    memory: MemoryOut
    score: ScoreParts


class SearchResponse(BaseModel):
    """Search results, best first."""

    results: list[SearchHit]


class HistoryResponse(BaseModel):
    """Every change to one memory, oldest first (vault values masked)."""

    memory_id: str
    events: list[HistoryEvent]


class ExportResponse(BaseModel):
    """Every memory of one user as rows ``MemorySystem.import_records`` reads back."""

    user_id: str
    include_secrets: bool
    rows: list[dict[str, Any]]


class StatsResponse(BaseModel):
    """Memory counts per enabled type, and history rows."""

    user_id: str | None
    memories: dict[str, int]
    total: int
    history: int | None


class HealthResponse(BaseModel):
    """Liveness and mode."""

    status: Literal["ok"] = "ok"
    version: str
    auth: Literal["api_key", "development"]
    memory_types: list[MemoryType]


class ErrorDetail(BaseModel):
    """A stable machine-readable ``code`` and a human ``message``."""

    code: str = Field(
        description="validation_error, not_found, forbidden, unauthorized, "
        "memory_type_disabled, storage_error, vault_error, internal_error, ..."
    )
    message: str
    details: list[dict[str, Any]] | None = None


class ErrorResponse(BaseModel):
    """Every error the API returns."""

    error: ErrorDetail


def mask_history(events: list[HistoryEvent]) -> list[HistoryEvent]:
    """History events with knowledge-vault values masked in ``old_value``/``new_value``."""
    out = []
    for event in events:
        if event.memory_type is not MemoryType.KNOWLEDGE_VAULT:
            out.append(event)
            continue
        out.append(
            event.model_copy(
                update={
                    "old_value": _mask_row(event.old_value),
                    "new_value": _mask_row(event.new_value),
                }
            )
        )
    return out


def _mask_row(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        row = json.loads(value)
        payload = json.loads(row.get("payload") or "{}")
    except (ValueError, AttributeError):
        return MASKED_SECRET
    if "secret_value" in payload:
        payload["secret_value"] = MASKED_SECRET
    row["payload"] = json.dumps(payload, ensure_ascii=False)
    return json.dumps(row, ensure_ascii=False)


def history_text(value: str | None) -> str | None:
    """The memory text held in a history value (``None`` when absent or scrubbed)."""
    if not value:
        return None
    try:
        row = json.loads(value)
    except ValueError:
        return None
    text = row.get("text") if isinstance(row, dict) else None
    return str(text) if text is not None else None
