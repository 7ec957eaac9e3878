"""The common shape of every memory record and the memory-type names.

Each memory type lives in its own module (``mirix_py/_memory/<type>.py``) and
subclasses :class:`MemoryRecord`, adding its own fields and saying which text
is embedded and indexed (:meth:`MemoryRecord.embed_text`) and how it renders in
a prompt (:meth:`MemoryRecord.render`).
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, GetJsonSchemaHandler, field_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from mirix_py._dates import short_date
from mirix_py._ids import validate_user_id


class MemoryType(StrEnum):
    """The memory-type names used in config, API, CLI and table names.

    The six built-in types are members from the start; a custom type becomes a
    member when its spec is registered (:mod:`mirix_py._memory.registry`), so
    ``MemoryType("contacts")``, ``MemoryType.CONTACTS`` and iteration see it too.
    """

    CORE = "core"
    EPISODIC = "episodic"
    SEMANTIC = "semantic"
    PROCEDURAL = "procedural"
    RESOURCE = "resource"
    KNOWLEDGE_VAULT = "knowledge_vault"

    @classmethod
    def _missing_(cls, value: object) -> MemoryType | None:
        # validators built before a custom type was registered (pydantic snapshots the
        # members) ask here; registered members are found, unknown names still fail
        found = cls._value2member_map_.get(value) if isinstance(value, str) else None
        return found if isinstance(found, MemoryType) else None

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        # JSON schemas (OpenAPI, MCP and LangChain tool schemas) list the members
        # registered when the schema is generated, not those of the model's creation
        json_schema = handler.resolve_ref_schema(handler(core_schema))
        json_schema["enum"] = [member.value for member in cls]
        return json_schema


ALL_MEMORY_TYPES: tuple[MemoryType, ...] = tuple(MemoryType)
"""The built-in types (the default of ``memory.enabled``)."""

_TYPE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,47}$")


def extend_memory_types(name: str) -> MemoryType:
    """The member named ``name``, adding it to :class:`MemoryType` if new.

    A custom type's module calls this to name its record model's ``memory_type``;
    registering its spec calls it too. The name must be a lowercase identifier: it
    becomes a table name.
    """
    known = MemoryType._value2member_map_.get(name) or _RETRACTED.pop(name, None)
    if isinstance(known, MemoryType):
        _restore(known)
        return known
    if not _TYPE_NAME.match(name):
        raise ValueError(
            f"memory type name {name!r} must be a lowercase identifier "
            "(letters, digits, underscores; at most 48 characters)"
        )
    # Enums have no public way to grow; this does what EnumType does for a member.
    member = str.__new__(MemoryType, name)
    member._name_ = name.upper()
    member._value_ = name
    member._sort_order_ = len(MemoryType._member_names_)  # type: ignore[attr-defined]
    _restore(member)
    return member


_RETRACTED: dict[str, MemoryType] = {}
"""Retracted custom members, reused if registered again (record classes keep them)."""


def _restore(member: MemoryType) -> None:
    if member._value_ not in MemoryType._value2member_map_:
        MemoryType._value2member_map_[member._value_] = member
        MemoryType._member_map_[member._name_] = member
        MemoryType._member_names_.append(member._name_)


def retract_memory_type(name: str) -> None:
    """Remove a custom member again (tests that register a type clean up with this)."""
    if name in {t.value for t in ALL_MEMORY_TYPES}:
        raise ValueError(f"{name!r} is a built-in memory type")
    member = MemoryType._value2member_map_.pop(name, None)
    if isinstance(member, MemoryType):
        _RETRACTED[name] = member
        MemoryType._member_map_.pop(member._name_, None)
        MemoryType._member_names_.remove(member._name_)


Status = Literal["active", "unprocessed", "archived"]
Origin = Literal["extracted", "derived", "user", "raw"]

COMMON_FIELDS: frozenset[str] = frozenset(
    {
        "id",
        "user_id",
        "created_at",
        "updated_at",
        "occurred_at",
        "source_ids",
        "valid_from",
        "valid_to",
        "superseded_by",
        "status",
        "origin",
        "importance",
        "access_count",
        "embedding",
    }
)


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Return ``value`` as an aware UTC datetime (naive values are taken as UTC)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def new_id() -> str:
    """A fresh random memory id."""
    return uuid.uuid4().hex


class MemoryRecord(BaseModel):
    """Fields shared by every memory record.

    ``valid_from``/``valid_to``/``superseded_by`` implement supersession: a
    changed fact is retired (``valid_to`` set, ``superseded_by`` pointing at its
    replacement), never destroyed, so as-of queries can still see it.
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    memory_type: ClassVar[MemoryType]

    id: str = Field(default_factory=new_id, min_length=1, max_length=128)
    user_id: str
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    occurred_at: datetime | None = None
    source_ids: list[str] = Field(default_factory=list)
    valid_from: datetime = Field(default_factory=utcnow)
    valid_to: datetime | None = None
    superseded_by: str | None = None
    status: Status = "active"
    origin: Origin = "extracted"
    importance: float = Field(default=0.5, ge=0.0, le=1.0)
    access_count: int = Field(default=0, ge=0)
    embedding: list[float] | None = Field(default=None, repr=False)

    @field_validator("user_id", mode="before")
    @classmethod
    def _check_user_id(cls, value: object) -> str:
        return validate_user_id(value)

    @field_validator("created_at", "updated_at", "occurred_at", "valid_from", "valid_to")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        return None if value is None else as_utc(value)

    @property
    def is_current(self) -> bool:
        """True while the record has not been superseded or retired."""
        return self.valid_to is None

    @property
    def when(self) -> datetime:
        """The date shown for this memory: event time if known, else last update."""
        return self.occurred_at or self.updated_at

    def embed_text(self) -> str:
        """The text this record is embedded and full-text indexed by."""
        raise NotImplementedError

    def render(self) -> str:
        """A compact one-line rendering (with its date) for a prompt."""
        raise NotImplementedError

    def payload(self) -> dict[str, Any]:
        """The type-specific fields, JSON-ready."""
        return self.model_dump(mode="json", exclude=set(COMMON_FIELDS))

    def short_date(self) -> str:
        """The record's date as ``7 May 2023``."""
        return short_date(self.when)
