"""Pending purges on object storage: one object per forget, shared by every server."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from mirix_py._store.object_purge_queue import ObjectStorePurgeQueue


def test_entries_written_by_one_server_are_seen_marked_and_removed_by_another(
    s3_server: Any,
) -> None:
    uri = s3_server.uri(f"queue-{uuid.uuid4().hex[:8]}")
    writer = ObjectStorePurgeQueue(uri, options=s3_server.storage_options)
    maintainer = ObjectStorePurgeQueue(uri, options=s3_server.storage_options)  # a restart too
    soon = datetime.now(UTC) + timedelta(minutes=1)
    later = soon + timedelta(minutes=5)
    second = writer.add({"episodic": [3, 1, 3], "history": []}, due_by=later)
    first = writer.add({"semantic": [7]}, due_by=soon)
    pending = maintainer.pending()
    assert [e.id for e in pending] == [first.id, second.id]  # earliest due first
    assert pending[1].fragments == {"episodic": [1, 3]}  # empty tables left out, sorted
    now = datetime.now(UTC)
    maintainer.mark_rewritten([first.id], now)
    marked = {e.id: e for e in writer.pending()}
    assert marked[first.id].rewritten_at == now and marked[second.id].rewritten_at is None
    maintainer.remove([first.id, second.id])
    assert writer.pending() == []
