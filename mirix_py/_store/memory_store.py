"""An in-memory :class:`~mirix_py._store.base.MemoryStore`: the executable definition of
the protocol, for tests and small embedded uses (as LangGraph ships ``InMemoryStore``
beside its base store).

It passes the same conformance suite as the LanceDB backend
(``tests/conformance/``). Records live in a dict by id, history in a list; search
ranks by cosine similarity and a small BM25 over Porter stems, fused with the same
reciprocal-rank fusion as LanceDB. Nothing is persisted or encrypted: the vault's
secret values stay in process memory and are never indexed. Every operation scans
the user's records, which is fine for the small data sets it is meant for.
"""

from __future__ import annotations

import json
import math
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Literal

from langchain_core.embeddings import Embeddings

from mirix_py._embeddings import cosine
from mirix_py._ids import validate_memory_id, validate_user_id
from mirix_py._memory import KnowledgeVaultMemory, MemoryRecord, MemoryType
from mirix_py._store.base import (
    DeleteReceipt,
    HistoryEvent,
    HistoryEventKind,
    ScoredRecord,
    ScoreParts,
    SearchQuery,
)
from mirix_py._store.fusion import fuse
from mirix_py._store.keys import record_keys
from mirix_py._store.vault_rotation import RotationReceipt
from mirix_py._text import STOPWORDS, stem, words
from mirix_py._vault import VaultCipher
from mirix_py.errors import AccessDenied, RecordNotFound

_BM25_K1, _BM25_B = 1.2, 0.75


def _terms(text: str) -> list[str]:
    return [stem(w) for w in words(text) if w not in STOPWORDS]


def _value(record: MemoryRecord) -> str:
    """A record as history shows it (the vault's secret masked by pydantic)."""
    return json.dumps(record.model_dump(mode="json", exclude={"embedding"}), sort_keys=True)


def _valid_at(record: MemoryRecord, as_of: datetime | None, include_superseded: bool) -> bool:
    if as_of is not None:
        return record.valid_from <= as_of and (record.valid_to is None or record.valid_to > as_of)
    return include_superseded or record.is_current


def _newest_first(record: MemoryRecord) -> tuple[datetime, datetime, str]:
    return (record.when, record.updated_at, record.id)


class InMemoryStore:
    """A dict-backed store; see the module docstring."""

    def __init__(self, *, embeddings: Embeddings, memory_types: Sequence[MemoryType]) -> None:
        self._embeddings = embeddings
        self._types = tuple(MemoryType(t) for t in memory_types)
        self._rows: dict[str, MemoryRecord] = {}
        self._history: list[HistoryEvent] = []
        self._stamps: Counter[str] = Counter()
        self._pending: dict[tuple[str, MemoryType], Counter[str]] = {}
        self._lock = threading.RLock()

    # ------------------------------------------------------------------ reads

    @property
    def memory_types(self) -> tuple[MemoryType, ...]:
        """The memory types this store holds."""
        return self._types

    @property
    def storage_options(self) -> dict[str, str]:
        """No object-storage options (nothing is stored outside the process)."""
        return {}

    def _mine(self, user_id: str, memory_type: MemoryType | None = None) -> Iterator[MemoryRecord]:
        for record in list(self._rows.values()):
            if record.user_id == user_id and memory_type in (None, record.memory_type):
                yield record

    def get(
        self, memory_id: str, *, user_id: str, memory_type: MemoryType | None = None
    ) -> MemoryRecord:
        """One record of this user; raises ``RecordNotFound``."""
        validate_memory_id(memory_id)
        record = self._rows.get(memory_id)
        if (
            record is None
            or record.user_id != user_id
            or memory_type
            not in (
                None,
                record.memory_type,
            )
        ):
            raise RecordNotFound(f"no memory {memory_id!r} for this user")
        return record.model_copy(deep=True)

    def get_many(
        self, memory_ids: Sequence[str], *, user_id: str, memory_type: MemoryType | None = None
    ) -> list[MemoryRecord]:
        """The user's records among ``memory_ids``, in that order (missing ids skipped)."""
        out: list[MemoryRecord] = []
        for memory_id in dict.fromkeys(memory_ids):
            record = self._rows.get(memory_id)
            if record and record.user_id == user_id and memory_type in (None, record.memory_type):
                out.append(record.model_copy(deep=True))
        return out

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
        """The user's records, newest first (event time, update time, id), paged."""
        wanted = set(where_source_ids) if where_source_ids is not None else None
        found = [
            r
            for r in self._mine(user_id, memory_type)
            if (include_superseded or r.is_current)
            and (wanted is None or wanted & set(r.source_ids))
        ]
        found.sort(key=_newest_first, reverse=True)
        return [r.model_copy(deep=True) for r in found[offset : offset + limit]]

    def iter_records(
        self,
        *,
        user_id: str,
        memory_type: MemoryType | None = None,
        include_superseded: bool = False,
        page_size: int = 500,
    ) -> Iterator[MemoryRecord]:
        """Every record of the user, oldest created first."""
        found = [r for r in self._mine(user_id, memory_type) if include_superseded or r.is_current]
        for record in sorted(found, key=lambda r: (r.created_at, r.id)):
            yield record.model_copy(deep=True)

    def count(self, *, user_id: str | None = None, memory_type: MemoryType | None = None) -> int:
        """Row count for one user (or all users when ``user_id`` is None)."""
        return sum(
            1
            for r in self._rows.values()
            if user_id in (None, r.user_id) and memory_type in (None, r.memory_type)
        )

    def history_count(self, *, user_id: str | None = None) -> int:
        """History rows of one user (or of all users)."""
        return sum(1 for e in self._history if user_id in (None, e.user_id))

    def search(self, query: SearchQuery) -> list[ScoredRecord]:
        """Vector, full-text or hybrid search over the user's records."""
        types = set(query.memory_types or self._types)
        pool = [
            r
            for r in self._mine(query.user_id)
            if r.memory_type in types
            and _valid_at(r, query.as_of, query.include_superseded)
            and (query.start is None or r.when >= query.start)
            and (query.end is None or r.when <= query.end)
        ]
        if not pool:
            return []
        vector: list[tuple[str, float]] = []
        fts: list[tuple[str, float]] = []
        if query.mode in ("vector", "hybrid"):
            qvec = list(query.vector or self._embeddings.embed_query(query.text))
            vector = sorted(
                ((r.id, cosine(qvec, r.embedding or [])) for r in pool), key=lambda p: -p[1]
            )[: query.limit]
        if query.mode in ("fts", "hybrid") and query.text.strip():
            fts = self._bm25(query.text, pool)[: query.limit]
        if query.mode == "vector":
            ranked = [
                (i, ScoreParts(score=s, vector=s, vector_rank=n))
                for n, (i, s) in enumerate(vector, 1)
            ]
        elif query.mode == "fts":
            ranked = [
                (i, ScoreParts(score=s, fts=s, fts_rank=n)) for n, (i, s) in enumerate(fts, 1)
            ]
        else:
            ranked = fuse(
                vector,
                fts,
                k=query.rrf_k,
                vector_weight=query.vector_weight,
                fts_weight=query.fts_weight,
            )
        return [
            ScoredRecord(record=self._rows[i].model_copy(deep=True), score=parts)
            for i, parts in ranked[: query.limit]
        ]

    def search_many(self, queries: Sequence[SearchQuery]) -> list[list[ScoredRecord]]:
        """:meth:`search` for each query, in order."""
        return [self.search(query) for query in queries]

    def _bm25(self, text: str, pool: Sequence[MemoryRecord]) -> list[tuple[str, float]]:
        docs = {r.id: _terms(r.embed_text()) for r in pool}
        average = sum(len(d) for d in docs.values()) / max(len(docs), 1) or 1.0
        frequency = Counter(t for d in docs.values() for t in set(d))
        scored: list[tuple[str, float]] = []
        for memory_id, terms in docs.items():
            counts = Counter(terms)
            score = 0.0
            for term in set(_terms(text)):
                tf = counts.get(term, 0)
                if not tf:
                    continue
                idf = math.log(1 + (len(docs) - frequency[term] + 0.5) / (frequency[term] + 0.5))
                norm = tf + _BM25_K1 * (1 - _BM25_B + _BM25_B * len(terms) / average)
                score += idf * tf * (_BM25_K1 + 1) / norm
            if score > 0:
                scored.append((memory_id, score))
        return sorted(scored, key=lambda p: (-p[1], p[0]))

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
        (but not those in ``exclude_ids``)."""
        wanted = {(key, seq + d) for key, seq in spots for d in range(-span, span + 1)}
        skip = set(exclude_ids)
        found: list[tuple[tuple[str, int, datetime, str], MemoryRecord]] = []
        for r in self._mine(user_id, MemoryType.EPISODIC):
            if r.id in skip:
                continue
            keys = record_keys(r)
            if (keys["session_key"], keys["sequence"]) in wanted and _valid_at(r, as_of, False):
                order = (keys["session_key"], keys["sequence"], r.created_at, r.id)
                found.append((order, r))
        found.sort(key=lambda pair: pair[0])
        return [self._copy(r, embeddings) for _, r in found]

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
        """At most ``limit`` records whose key ``column`` is one of ``values``."""
        wanted = set(values)
        found = [
            r
            for r in self._mine(user_id, memory_type)
            if record_keys(r)[column] in wanted and _valid_at(r, as_of, False)
        ]
        return [self._copy(r, False) for r in found[:limit]]

    def history(self, memory_id: str, *, user_id: str) -> list[HistoryEvent]:
        """Every change to one memory, oldest first."""
        return [e for e in self._history if e.memory_id == memory_id and e.user_id == user_id]

    def on_rows_rewritten(self, listener: Callable[[int], None]) -> None:
        """Nothing is indexed, so no rewrite ever needs re-indexing: never called."""

    def change_stamp(self, user_id: str) -> tuple[int, ...]:
        """Moves with every write of ``user_id``."""
        return (self._stamps[user_id],)

    @staticmethod
    def _copy(record: MemoryRecord, embeddings: bool) -> MemoryRecord:
        return record.model_copy(deep=True, update=None if embeddings else {"embedding": None})

    # ----------------------------------------------------------------- writes

    def _event(
        self,
        record: MemoryRecord,
        event: HistoryEventKind,
        *,
        actor: str,
        reason: str = "",
        old: str | None = None,
        new: str | None = None,
    ) -> None:
        self._history.append(
            HistoryEvent(
                id=uuid.uuid4().hex,
                memory_id=record.id,
                user_id=record.user_id,
                memory_type=record.memory_type,
                event=event,
                actor=actor,
                reason=reason,
                at=datetime.now(UTC),
                old_value=old,
                new_value=new,
            )
        )
        self._stamps[record.user_id] += 1

    def upsert(
        self, records: Sequence[MemoryRecord], *, actor: str = "system", reason: str = ""
    ) -> list[str]:
        """Insert or replace records by id (history records insert vs update)."""
        with self._lock:
            for record in records:
                validate_user_id(record.user_id)
                known = self._rows.get(record.id)
                if known is not None and known.user_id != record.user_id:
                    raise AccessDenied(f"memory id {record.id} is not available; use a new id")
            missing = [r for r in records if r.embedding is None]
            vectors = self._embeddings.embed_documents([r.embed_text() for r in missing])
            filled = {r.id: v for r, v in zip(missing, vectors, strict=True)}
            for record in records:
                stored = record.model_copy(
                    deep=True, update={"embedding": filled.get(record.id, record.embedding)}
                )
                known = self._rows.get(record.id)
                self._rows[record.id] = stored
                if known is None:
                    self._event(stored, "insert", actor=actor, reason=reason, new=_value(stored))
                else:
                    self._event(
                        stored,
                        "update",
                        actor=actor,
                        reason=reason,
                        old=_value(known),
                        new=_value(stored),
                    )
            return [r.id for r in records]

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
        old = self.get(old_id, user_id=user_id)
        self.upsert([new_record], actor=actor, reason=reason)
        self.retire(
            [old_id],
            user_id=user_id,
            memory_type=old.memory_type,
            replaced_by=new_record.id,
            actor=actor,
            reason=reason,
        )
        return new_record.id

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
        """Retire the current records among ``memory_ids`` in one batch."""
        now = datetime.now(UTC)
        done: list[str] = []
        with self._lock:
            for memory_id in dict.fromkeys(memory_ids):
                record = self._rows.get(memory_id)
                if (
                    record is None
                    or record.user_id != user_id
                    or record.memory_type != memory_type
                    or not record.is_current
                ):
                    continue
                into = (
                    replaced_by.get(memory_id) if isinstance(replaced_by, Mapping) else replaced_by
                )
                update: dict[str, object] = {"valid_to": now, "superseded_by": into}
                if event == "archive":
                    update["status"] = "archived"
                retired = record.model_copy(update=update)
                self._rows[memory_id] = retired
                why = (reasons or {}).get(memory_id, reason)
                self._event(retired, event, actor=actor, reason=why, old=_value(record))
                done.append(memory_id)
        return done

    def record_access(
        self, memory_ids: Sequence[str], *, user_id: str, memory_type: MemoryType | None = None
    ) -> int:
        """Add one to ``access_count`` of each distinct current record among ``memory_ids``."""
        done = 0
        with self._lock:
            for memory_id in dict.fromkeys(memory_ids):
                record = self._rows.get(memory_id)
                if (
                    record is not None
                    and record.user_id == user_id
                    and memory_type in (None, record.memory_type)
                    and record.is_current
                ):
                    self._rows[memory_id] = record.model_copy(
                        update={"access_count": record.access_count + 1}
                    )
                    done += 1
        return done

    def note_access(
        self, memory_ids: Sequence[str], *, user_id: str, memory_type: MemoryType
    ) -> int:
        """Count one access of each distinct id, applied by :meth:`flush_accesses`."""
        distinct = list(dict.fromkeys(memory_ids))
        with self._lock:
            self._pending.setdefault((user_id, memory_type), Counter()).update(distinct)
        return len(distinct)

    def flush_accesses(self) -> int:
        """Apply the pending access counts; returns the rows updated."""
        with self._lock:
            pending, self._pending = self._pending, {}
            updated = 0
            for (user_id, memory_type), counts in pending.items():
                for memory_id, n in counts.items():
                    record = self._rows.get(memory_id)
                    if record is None or record.user_id != user_id:
                        continue
                    if record.memory_type != memory_type or not record.is_current:
                        continue
                    self._rows[memory_id] = record.model_copy(
                        update={"access_count": record.access_count + n}
                    )
                    updated += 1
            return updated

    def _scrub(self, memory_ids: set[str]) -> int:
        scrubbed = 0
        for i, event in enumerate(self._history):
            if event.memory_id in memory_ids and (event.old_value or event.new_value):
                self._history[i] = event.model_copy(update={"old_value": None, "new_value": None})
                scrubbed += 1
        return scrubbed

    def delete(
        self, memory_id: str, *, user_id: str, actor: str = "user", purge: bool = False
    ) -> DeleteReceipt:
        """Remove one memory and empty its history's content (nothing is left on disk)."""
        with self._lock:
            record = self.get(memory_id, user_id=user_id)
            del self._rows[memory_id]
            scrubbed = self._scrub({memory_id})
            self._event(record, "delete", actor=actor)
        return DeleteReceipt(
            user_id=user_id,
            removed={record.memory_type.value: 1},
            memory_ids=[memory_id],
            history_scrubbed=scrubbed,
            purged_versions=True,
            purged_at=datetime.now(UTC),
        )

    def delete_all(self, *, user_id: str, purge: bool = False) -> DeleteReceipt:
        """Remove every memory and history row of one user."""
        with self._lock:
            gone = list(self._mine(user_id))
            for record in gone:
                del self._rows[record.id]
            before = len(self._history)
            self._history = [e for e in self._history if e.user_id != user_id]
            self._pending = {k: v for k, v in self._pending.items() if k[0] != user_id}
            self._stamps[user_id] += 1
        removed = Counter(r.memory_type.value for r in gone)
        return DeleteReceipt(
            user_id=user_id,
            removed=dict(removed),
            memory_ids=[r.id for r in gone],
            history_scrubbed=before - len(self._history),
            purged_versions=True,
            purged_at=datetime.now(UTC),
        )

    # ------------------------------------------------------------ maintenance

    def rotate_vault_key(self, cipher: VaultCipher, *, purge: bool = True) -> RotationReceipt:
        """Nothing is encrypted at rest in memory: counts the vault rows, changes nothing."""
        rows = sum(isinstance(r, KnowledgeVaultMemory) for r in self._rows.values())
        return RotationReceipt(vault_rows=rows, history_values=0, purged=purge)

    def optimize(self) -> None:
        """Nothing to compact."""

    def reset(self) -> None:
        """Remove everything (every user)."""
        with self._lock:
            users = {r.user_id for r in self._rows.values()}
            self._rows.clear()
            self._history.clear()
            self._pending.clear()
            for user_id in users:
                self._stamps[user_id] += 1

    def close(self) -> None:
        """Apply pending access counts (nothing else to release)."""
        self.flush_accesses()
