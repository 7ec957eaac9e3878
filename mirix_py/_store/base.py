"""The storage protocol every backend implements, and the value types it speaks.

A backend stores :class:`~mirix_py._memory.MemoryRecord` objects in one table per
enabled memory type plus a history table. Every call is scoped by ``user_id``;
no call can read or change another user's rows. ``tests/conformance`` holds the
suite every backend must pass.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from mirix_py._config import RetrievalConfig
from mirix_py._ids import validate_user_id
from mirix_py._memory.base import MemoryRecord, MemoryType
from mirix_py._messages import aware_utc

if TYPE_CHECKING:
    from mirix_py._store.vault_rotation import RotationReceipt
    from mirix_py._vault import VaultCipher

SearchMode = Literal["hybrid", "vector", "fts"]
HistoryEventKind = Literal["insert", "update", "supersede", "delete", "archive", "restore"]


SCAN_ALL = 10_000_000
"""A ``limit`` that means "every matching row" (listing, clean-up and purge scans)."""


class SearchQuery(BaseModel):
    """One search: validated at the boundary so the backend can trust it."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    user_id: str
    text: str = ""
    memory_types: tuple[MemoryType, ...] | None = None
    mode: SearchMode = "hybrid"
    limit: int = Field(default=10, ge=1, le=1000)
    start: datetime | None = None
    end: datetime | None = None
    include_superseded: bool = False
    as_of: datetime | None = None
    vector: tuple[float, ...] | None = None
    rrf_k: int = Field(default=20, ge=1)
    vector_weight: float = Field(default=1.0, ge=0.0)
    fts_weight: float = Field(default=0.7, ge=0.0)

    @classmethod
    def configured(
        cls, retrieval: RetrievalConfig, *, mode: str | None = None, **fields: Any
    ) -> SearchQuery:
        """A query using the config's retrieval settings (mode, RRF k, fusion weights)."""
        return cls(
            mode=mode or retrieval.mode,  # type: ignore[arg-type]  # pydantic checks the literal
            rrf_k=retrieval.rrf_k,
            vector_weight=retrieval.vector_weight,
            fts_weight=retrieval.fts_weight,
            **fields,
        )

    @field_validator("user_id", mode="before")
    @classmethod
    def _uid(cls, value: object) -> str:
        # Before coercion: bytes or numbers must not silently become some user's id.
        return validate_user_id(value)

    @field_validator("start", "end", "as_of")
    @classmethod
    def _aware(cls, value: datetime | None, info: ValidationInfo) -> datetime | None:
        return None if value is None else aware_utc(value, field=str(info.field_name))

    @field_validator("text", mode="before")
    @classmethod
    def _clean(cls, value: object) -> object:
        # Lone surrogates cannot reach the tokenizer or the index: replace them.
        if isinstance(value, str):
            return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
        return value

    @model_validator(mode="after")
    def _needs_text(self) -> SearchQuery:
        if self.mode != "vector" and not self.text.strip() and self.vector is None:
            raise ValueError("text must be a non-empty query for full-text or hybrid search")
        if self.start and self.end and self.start > self.end:
            raise ValueError("start must not be after end")
        return self


class ScoreParts(BaseModel):
    """Why a record ranked where it did."""

    model_config = ConfigDict(frozen=True)

    score: float
    vector: float | None = None
    fts: float | None = None
    vector_rank: int | None = None
    fts_rank: int | None = None


class ScoredRecord(BaseModel):
    """A search hit: the record and its score parts."""

    model_config = ConfigDict(frozen=True)

    record: MemoryRecord
    score: ScoreParts

    @property
    def memory_type(self) -> MemoryType:
        """The hit's memory type."""
        return self.record.memory_type


class HistoryEvent(BaseModel):
    """One change to one memory. After a delete the content fields are emptied."""

    model_config = ConfigDict(frozen=True)

    id: str
    memory_id: str
    user_id: str
    memory_type: MemoryType
    event: HistoryEventKind
    actor: str
    reason: str = ""
    at: datetime
    old_value: str | None = None
    new_value: str | None = None


class DeleteReceipt(BaseModel):
    """What a delete removed, per memory type, and when its bytes leave the disk.

    The forgotten rows disappear from every read at once. Their bytes are
    purged either at once (``purged_at`` set, ``purged_versions`` true) or by
    the maintenance step no later than ``purge_due_by``.
    """

    model_config = ConfigDict(frozen=True)

    user_id: str
    removed: dict[str, int] = Field(default_factory=dict)
    memory_ids: list[str] = Field(default_factory=list)
    history_scrubbed: int = 0
    purged_versions: bool = False
    purged_at: datetime | None = None
    purge_due_by: datetime | None = None

    @property
    def total(self) -> int:
        """Rows removed across all types."""
        return sum(self.removed.values())


@runtime_checkable
class MemoryStore(Protocol):
    """What a storage backend provides: every method callers use (nobody probes for
    optional ones). All methods are scoped by ``user_id`` except :meth:`reset`,
    :meth:`optimize` and :meth:`rotate_vault_key`. ``mirix_py._store.memory_store``
    holds the in-memory reference implementation; ``tests/conformance/`` is the
    suite every backend passes."""

    @property
    def memory_types(self) -> tuple[MemoryType, ...]:
        """The memory types this store has tables for."""
        ...

    def upsert(
        self, records: Sequence[MemoryRecord], *, actor: str = "system", reason: str = ""
    ) -> list[str]:
        """Insert or replace records by id (history records insert vs update)."""
        ...

    def get(
        self, memory_id: str, *, user_id: str, memory_type: MemoryType | None = None
    ) -> MemoryRecord:
        """One record of this user; raises ``RecordNotFound``."""
        ...

    def get_many(
        self, memory_ids: Sequence[str], *, user_id: str, memory_type: MemoryType | None = None
    ) -> list[MemoryRecord]:
        """The user's records among ``memory_ids`` (missing ids are skipped)."""
        ...

    def list_records(
        self,
        *,
        user_id: str,
        memory_type: MemoryType | None = None,
        limit: int = 100,
        offset: int = 0,
        include_superseded: bool = False,
        where_source_ids: Sequence[str] | None = None,
    ) -> list[MemoryRecord]:
        """The user's records, newest first, paged; a page costs the page (and at most
        the user's ordering columns), not the user's full rows."""
        ...

    def iter_records(
        self,
        *,
        user_id: str,
        memory_type: MemoryType | None = None,
        include_superseded: bool = False,
        page_size: int = 500,
    ) -> Iterator[MemoryRecord]:
        """Every record of the user, oldest created first, read one page at a time."""
        ...

    def count(self, *, user_id: str | None = None, memory_type: MemoryType | None = None) -> int:
        """Row count for one user (or all users when ``user_id`` is None)."""
        ...

    def search(self, query: SearchQuery) -> list[ScoredRecord]:
        """Vector, full-text or hybrid search, prefiltered by user."""
        ...

    def search_many(self, queries: Sequence[SearchQuery]) -> list[list[ScoredRecord]]:
        """Several searches at once, results in the same order (a backend may run them
        together; the answers are those of :meth:`search`)."""
        ...

    def neighbours(
        self,
        spots: Sequence[tuple[str, int]],
        *,
        user_id: str,
        span: int = 1,
        as_of: datetime | None = None,
        embeddings: bool = False,
        exclude_ids: Collection[str] = (),
    ) -> list[MemoryRecord]:
        """Episodic turns within ``span`` positions of each ``(session_key, sequence)``
        spot (see :mod:`mirix_py._store.keys`), current or valid at ``as_of``, in session
        order (with embeddings only when asked), except those in ``exclude_ids`` (turns
        the caller already has): an indexed lookup, never a scan."""
        ...

    def by_keys(
        self,
        column: Literal["session_key", "entity"],
        values: Sequence[str],
        *,
        user_id: str,
        memory_type: MemoryType,
        as_of: datetime | None = None,
        limit: int = 100,
    ) -> list[MemoryRecord]:
        """At most ``limit`` records whose key ``column`` is one of ``values`` (a turn's
        session, a fact's entity), current or valid at ``as_of``, without embeddings."""
        ...

    def supersede(
        self,
        old_id: str,
        new_record: MemoryRecord,
        *,
        user_id: str,
        actor: str = "system",
        reason: str = "",
    ) -> str:
        """Retire ``old_id`` and store ``new_record`` as its replacement."""
        ...

    def retire(
        self,
        memory_ids: Sequence[str],
        *,
        user_id: str,
        memory_type: MemoryType,
        replaced_by: str | Mapping[str, str] | None,
        event: Literal["supersede", "archive"] = "supersede",
        actor: str = "system",
        reasons: Mapping[str, str] | None = None,
        reason: str = "",
    ) -> list[str]:
        """Retire current records in one batch: ``valid_to`` now, ``superseded_by``
        ``replaced_by`` (one id for all, or a mapping per id) and, for
        ``event="archive"``, status ``archived``. Rows stay (as-of reads and history
        see them); returns the ids retired. ``reasons`` gives a history reason per id
        (else ``reason``). Ids not current are skipped.
        """
        ...

    def record_access(
        self, memory_ids: Sequence[str], *, user_id: str, memory_type: MemoryType | None = None
    ) -> int:
        """Add one to ``access_count`` of each current record among ``memory_ids``
        (repeated ids count once; no history row: a read is not a change)."""
        ...

    def note_access(
        self, memory_ids: Sequence[str], *, user_id: str, memory_type: MemoryType
    ) -> int:
        """Count one access of each distinct id later, in a batch written off the read
        path (by :meth:`flush_accesses`, periodically, and on close); returns how
        many ids were counted."""
        ...

    def flush_accesses(self) -> int:
        """Write every pending access count now; returns the rows updated."""
        ...

    def on_rows_rewritten(self, listener: Callable[[int], None]) -> None:
        """Call ``listener(rows)`` whenever bookkeeping (access counts) rewrote rows
        outside a write, so maintenance can re-index them (never, where nothing needs it)."""
        ...

    def change_stamp(self, user_id: str) -> tuple[int, ...]:
        """A value that changes whenever ``user_id``'s memories may have changed, from
        cheap metadata (never a count or scan of rows). Equal stamps mean unchanged
        data; a changed stamp may be a false alarm (e.g. another process wrote)."""
        ...

    def delete(
        self, memory_id: str, *, user_id: str, actor: str = "user", purge: bool = False
    ) -> DeleteReceipt:
        """Remove one memory and scrub its content from history (bytes purged at once
        with ``purge``, else within the configured delay)."""
        ...

    def delete_all(self, *, user_id: str, purge: bool = False) -> DeleteReceipt:
        """Remove every memory and history row of one user (``purge`` as for delete)."""
        ...

    def history(self, memory_id: str, *, user_id: str) -> list[HistoryEvent]:
        """Every change to one memory, oldest first."""
        ...

    def history_count(self, *, user_id: str | None = None) -> int:
        """History rows of one user (or of all users when ``user_id`` is None)."""
        ...

    def rotate_vault_key(self, cipher: VaultCipher, *, purge: bool = True) -> RotationReceipt:
        """Re-encrypt every vault secret (records and history) under ``cipher``."""
        ...

    def optimize(self) -> None:
        """Compact every table in full (LanceDB's own ``optimize``: all users' rows).

        Not called by the library: the maintenance step compacts within its bounded
        fragment layout. Kept for tools and tests that want one big fragment."""
        ...

    def reset(self) -> None:
        """Remove every memory and history row of every user."""
        ...

    def close(self) -> None:
        """Release resources."""
        ...
