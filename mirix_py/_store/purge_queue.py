"""The durable list of forgotten rows whose bytes still wait for their purge.

A forget is logical at once (the rows are deleted from every read); its bytes
stay in the data files that held them until those files are rewritten and the
old versions cleaned up. Each forget therefore records, per table, the ids of
the fragments (data files) that held the forgotten rows and the time by which
the purge is due. The record names no user, memory id or content, so the
queue itself leaks nothing. It lives next to the tables (a small JSON file,
replaced atomically) so that a restarted process still purges; on object
storage it is kept in memory until an object-store queue exists (issue 12).

An entry goes through two stages: ``rewritten_at`` is set once its fragments
have been rewritten without the forgotten rows; it is done once a version
clean-up has run with a window that no longer keeps any version from before
that rewrite.
"""

from __future__ import annotations

import json
import os
import threading
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

QUEUE_FILE = ".mirix-purge-queue.json"


class PendingPurge(BaseModel):
    """One forget whose bytes are not yet purged."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    fragments: dict[str, list[int]]
    forgotten_at: datetime
    due_by: datetime
    rewritten_at: datetime | None = None


class PurgeQueue:
    """Pending purges, persisted in the database folder (thread-safe)."""

    def __init__(self, uri: str) -> None:
        self._path = None if "://" in uri else Path(uri) / QUEUE_FILE
        self._lock = threading.Lock()
        self._memory: dict[str, PendingPurge] = {}

    def _load(self) -> dict[str, PendingPurge]:
        if self._path is None:
            return dict(self._memory)
        try:
            raw = json.loads(self._path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        entries = (PendingPurge.model_validate(e) for e in raw.get("pending", []))
        return {e.id: e for e in entries}

    def _save(self, entries: Mapping[str, PendingPurge]) -> None:
        if self._path is None:
            self._memory = dict(entries)
            return
        data = {"pending": [e.model_dump(mode="json") for e in entries.values()]}
        tmp = self._path.with_name(f"{self._path.name}.{uuid.uuid4().hex}.tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, self._path)

    def add(self, fragments: Mapping[str, Iterable[int]], *, due_by: datetime) -> PendingPurge:
        """Record a forget's fragments (tables with no fragment are left out)."""
        entry = PendingPurge(
            fragments={t: sorted(set(f)) for t, f in fragments.items() if f},
            forgotten_at=datetime.now(UTC),
            due_by=due_by,
        )
        with self._lock:
            entries = self._load()
            entries[entry.id] = entry
            self._save(entries)
        return entry

    def pending(self) -> list[PendingPurge]:
        """Every entry not yet done, earliest due first."""
        with self._lock:
            return sorted(self._load().values(), key=lambda e: e.due_by)

    def mark_rewritten(self, ids: Iterable[str], at: datetime) -> None:
        """Note that these entries' fragments were rewritten at ``at``."""
        with self._lock:
            entries = self._load()
            for i in ids:
                if i in entries and entries[i].rewritten_at is None:
                    entries[i] = entries[i].model_copy(update={"rewritten_at": at})
            self._save(entries)

    def remove(self, ids: Iterable[str]) -> None:
        """Drop finished entries."""
        with self._lock:
            entries = self._load()
            for i in ids:
                entries.pop(i, None)
            self._save(entries)
