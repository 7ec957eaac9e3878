"""A small LanceDB store for the store tests: episodic and semantic tables, hashed vectors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mirix_py._memory import MemoryType
from mirix_py._store.lancedb_store import LanceDBStore
from tests.security._helpers import HashEmbeddings


def small_store(path: Path, **kwargs: Any) -> LanceDBStore:
    """A LanceDB store at ``path`` with the episodic and semantic tables and a
    deterministic 384-dimension hash embedder; ``kwargs`` go to :class:`LanceDBStore`."""
    return LanceDBStore(
        str(path),
        embeddings=HashEmbeddings(),
        dimension=384,
        memory_types=[MemoryType.EPISODIC, MemoryType.SEMANTIC],
        **kwargs,
    )
