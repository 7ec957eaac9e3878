"""Storage: the backend protocol, its value types and the LanceDB implementation.

``LanceDBStore`` is imported on first use, so the protocol and value types
(``mirix_py._store.base``) load without LanceDB.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mirix_py._store.base import (
    DeleteReceipt,
    HistoryEvent,
    MemoryStore,
    ScoredRecord,
    ScoreParts,
    SearchQuery,
)

if TYPE_CHECKING:
    from mirix_py._store.lancedb_store import LanceDBStore

__all__ = [
    "DeleteReceipt",
    "HistoryEvent",
    "LanceDBStore",
    "MemoryStore",
    "ScoreParts",
    "ScoredRecord",
    "SearchQuery",
]


def __getattr__(name: str) -> Any:
    """``LanceDBStore`` on first access (it imports LanceDB)."""
    if name == "LanceDBStore":
        from mirix_py._store.lancedb_store import LanceDBStore

        return LanceDBStore
    raise AttributeError(f"module 'mirix_py._store' has no attribute {name!r}")
