"""Storage: the backend protocol, its value types and the LanceDB implementation."""

from mirix_py.store.base import (
    DeleteReceipt,
    HistoryEvent,
    MemoryStore,
    ScoredRecord,
    ScoreParts,
    SearchQuery,
)
from mirix_py.store.lancedb_store import LanceDBStore

__all__ = [
    "DeleteReceipt",
    "HistoryEvent",
    "LanceDBStore",
    "MemoryStore",
    "ScoreParts",
    "ScoredRecord",
    "SearchQuery",
]
