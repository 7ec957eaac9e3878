"""The pending-purge list on object storage: one small object per forget, in the bucket.

On a local database :class:`~mirix_py._store.purge_queue.PurgeQueue` keeps the list
in one JSON file beside the tables. On object storage several servers forget
memories at once and any of them may be the maintainer, so a single object
rewritten by all would lose entries. Here each forget writes its own object
(``<prefix>/_mirix/purges/<entry id>.json``, created once, never shared); the
maintainer lists the prefix, rewrites an entry to mark it rewritten, and deletes
it once done. Like the local queue, an entry names fragments and times only: no
user, memory id or content.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlparse

from mirix_py._store.object_lease import open_object_store
from mirix_py._store.purge_queue import PendingPurge


class ObjectStorePurgeQueue:
    """Pending purges as objects under ``<uri>/_mirix/purges/`` (same API as PurgeQueue)."""

    def __init__(self, uri: str, *, options: Mapping[str, str] | None = None) -> None:
        self._store = open_object_store(uri, options)
        prefix = urlparse(uri).path.strip("/")
        self._prefix = f"{prefix + '/' if prefix else ''}_mirix/purges/"

    def _path(self, entry_id: str) -> str:
        return f"{self._prefix}{entry_id}.json"

    def _put(self, entry: PendingPurge) -> None:
        import obstore

        obstore.put(self._store, self._path(entry.id), entry.model_dump_json().encode())

    def add(self, fragments: Mapping[str, Iterable[int]], *, due_by: datetime) -> PendingPurge:
        """Record a forget's fragments (tables with no fragment are left out)."""
        entry = PendingPurge(
            fragments={t: sorted(set(f)) for t, f in fragments.items() if f},
            forgotten_at=datetime.now(UTC),
            due_by=due_by,
        )
        self._put(entry)
        return entry

    def pending(self) -> list[PendingPurge]:
        """Every entry not yet done, earliest due first."""
        import obstore
        from obstore.exceptions import NotFoundError

        entries: list[PendingPurge] = []
        for batch in obstore.list(self._store, prefix=self._prefix):
            for meta in batch:
                try:
                    body: Any = obstore.get(self._store, meta["path"]).bytes()
                except (NotFoundError, FileNotFoundError):
                    continue  # removed by the maintainer meanwhile
                entries.append(PendingPurge.model_validate_json(bytes(body)))
        return sorted(entries, key=lambda e: e.due_by)

    def mark_rewritten(self, ids: Iterable[str], at: datetime) -> None:
        """Note that these entries' fragments were rewritten at ``at``."""
        wanted = set(ids)
        for entry in self.pending():
            if entry.id in wanted and entry.rewritten_at is None:
                self._put(entry.model_copy(update={"rewritten_at": at}))

    def remove(self, ids: Iterable[str]) -> None:
        """Drop finished entries."""
        import obstore

        paths = [self._path(i) for i in ids]
        if paths:
            obstore.delete(self._store, paths)
