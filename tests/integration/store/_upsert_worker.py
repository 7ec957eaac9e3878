"""A subprocess that upserts the same new ids as its siblings, with no file lock.

Run as ``python -m tests.integration.store._upsert_worker DB GO WORKER BATCHES SIZE``:
it opens the store with ``file_lock=False`` (as on object storage, or several
machines), waits until the file ``GO`` exists, then upserts ``BATCHES`` batches of
``SIZE`` semantic records whose ids every worker shares (``shared-<b>-<i>``),
each worker with its own summary text.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from mirix_py._memory import MemoryType, SemanticMemory
from mirix_py._store.lancedb_store import LanceDBStore
from tests.security._helpers import HashEmbeddings

USER = "racer"


def main(db: str, go: str, worker: str, batches: int, size: int) -> None:
    """Open, wait for the start signal, upsert the shared ids."""
    store = LanceDBStore(
        db,
        embeddings=HashEmbeddings(),
        dimension=384,
        memory_types=[MemoryType.SEMANTIC],
        file_lock=False,
    )
    deadline = time.monotonic() + 120
    while not Path(go).exists():
        if time.monotonic() > deadline:
            raise SystemExit("no start signal")
        time.sleep(0.005)
    for b in range(batches):
        store.upsert(
            [
                SemanticMemory(
                    id=f"shared-{b}-{i}",
                    user_id=USER,
                    name=f"topic {i}",
                    summary=f"worker {worker} wrote fact {i} of batch {b}",
                )
                for i in range(size)
            ]
        )
    store.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
