"""mirix-py: MIRIX-style multi-agent long-term memory for LLM agents.

The public surface is re-exported here, lazily: ``import mirix_py`` loads no
heavy dependency (LanceDB, LangGraph, onnxruntime); each name is imported from
its module on first use (PEP 562 module ``__getattr__``). Everything else is
internal.
"""

from __future__ import annotations

import importlib
import warnings
from typing import TYPE_CHECKING, Any

from mirix_py import _fastimport
from mirix_py._logging import quiet_native_logs, route_to_stdlib

__version__ = "0.1.0"

_fastimport.install()  # defer two generated packages' heavy __init__ (see _fastimport)
route_to_stdlib()  # a library prints nothing unless the host configures logging
quiet_native_logs()  # nor do Lance's Rust loggers (before lance/lancedb first load)

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    "Answer": "mirix_py._chat.models",
    "Citation": "mirix_py._chat.models",
    "Latency": "mirix_py._chat.models",
    "RetrievalTrace": "mirix_py._chat.models",
    "RetrievedMemory": "mirix_py._chat.models",
    "ScoreBreakdown": "mirix_py._chat.models",
    "MirixConfig": "mirix_py._config",
    "load_config": "mirix_py._config",
    "ConsolidationAction": "mirix_py._consolidation.models",
    "ConsolidationReport": "mirix_py._consolidation.models",
    "MemoryExplanation": "mirix_py._consolidation.models",
    "RetentionScore": "mirix_py._consolidation.models",
    "AccessDenied": "mirix_py.errors",
    "ConfigError": "mirix_py.errors",
    "ExtractionError": "mirix_py.errors",
    "InvalidArgument": "mirix_py.errors",
    "MemoryTypeDisabled": "mirix_py.errors",
    "MirixError": "mirix_py.errors",
    "ModelUnavailable": "mirix_py.errors",
    "NothingStored": "mirix_py.errors",
    "RecordNotFound": "mirix_py.errors",
    "StorageError": "mirix_py.errors",
    "ToolCallsInvalid": "mirix_py.errors",
    "Unauthenticated": "mirix_py.errors",
    "VaultError": "mirix_py.errors",
    "CoreMemory": "mirix_py._memory",
    "EpisodicMemory": "mirix_py._memory",
    "KnowledgeVaultMemory": "mirix_py._memory",
    "MemoryRecord": "mirix_py._memory",
    "MemoryType": "mirix_py._memory",
    "ProceduralMemory": "mirix_py._memory",
    "ResourceMemory": "mirix_py._memory",
    "SemanticMemory": "mirix_py._memory",
    "MemoryTypeSpec": "mirix_py._memory.registry",
    "Message": "mirix_py._messages",
    "WriteReceipt": "mirix_py._receipts",
    "DeleteReceipt": "mirix_py._store.base",
    "HistoryEvent": "mirix_py._store.base",
    "MemoryStore": "mirix_py._store.base",
    "ScoreParts": "mirix_py._store.base",
    "ScoredRecord": "mirix_py._store.base",
    "SearchQuery": "mirix_py._store.base",
    "MemorySystem": "mirix_py._system",
    "InMemoryStore": "mirix_py._store.memory_store",
    "LanceDBStore": "mirix_py._store.lancedb_store",
    "MirixStore": "mirix_py._langgraph_store",
    "build_chat_graph": "mirix_py._graph",
    "build_consolidation_graph": "mirix_py._graph",
    "build_write_graph": "mirix_py._graph",
    "create_app": "mirix_py._server.app",
    "memory_tools": "mirix_py._tools",
}
_DEPRECATED: dict[str, tuple[str, str]] = {
    "ValidationError": ("InvalidArgument", "it shadowed pydantic.ValidationError"),
}
"""Old public names: still importable, with a ``DeprecationWarning`` naming the new one."""

if TYPE_CHECKING:  # the static view of the lazy names
    from mirix_py._chat.models import (
        Answer,
        Citation,
        Latency,
        RetrievalTrace,
        RetrievedMemory,
        ScoreBreakdown,
    )
    from mirix_py._config import MirixConfig, load_config
    from mirix_py._consolidation.models import (
        ConsolidationAction,
        ConsolidationReport,
        MemoryExplanation,
        RetentionScore,
    )
    from mirix_py._graph import build_chat_graph, build_consolidation_graph, build_write_graph
    from mirix_py._langgraph_store import MirixStore
    from mirix_py._memory import (
        CoreMemory,
        EpisodicMemory,
        KnowledgeVaultMemory,
        MemoryRecord,
        MemoryType,
        ProceduralMemory,
        ResourceMemory,
        SemanticMemory,
    )
    from mirix_py._memory.registry import MemoryTypeSpec
    from mirix_py._messages import Message
    from mirix_py._receipts import WriteReceipt
    from mirix_py._server.app import create_app
    from mirix_py._store.base import (
        DeleteReceipt,
        HistoryEvent,
        MemoryStore,
        ScoredRecord,
        ScoreParts,
        SearchQuery,
    )
    from mirix_py._store.lancedb_store import LanceDBStore
    from mirix_py._store.memory_store import InMemoryStore
    from mirix_py._system import MemorySystem
    from mirix_py._tools import memory_tools
    from mirix_py.errors import (
        AccessDenied,
        ConfigError,
        ExtractionError,
        InvalidArgument,
        MemoryTypeDisabled,
        MirixError,
        ModelUnavailable,
        NothingStored,
        RecordNotFound,
        StorageError,
        ToolCallsInvalid,
        Unauthenticated,
        VaultError,
    )

__all__ = [
    "AccessDenied",
    "Answer",
    "Citation",
    "ConfigError",
    "ConsolidationAction",
    "ConsolidationReport",
    "CoreMemory",
    "DeleteReceipt",
    "EpisodicMemory",
    "ExtractionError",
    "HistoryEvent",
    "InMemoryStore",
    "InvalidArgument",
    "KnowledgeVaultMemory",
    "LanceDBStore",
    "Latency",
    "MemoryExplanation",
    "MemoryRecord",
    "MemoryStore",
    "MemorySystem",
    "MemoryType",
    "MemoryTypeDisabled",
    "MemoryTypeSpec",
    "Message",
    "MirixConfig",
    "MirixError",
    "MirixStore",
    "ModelUnavailable",
    "NothingStored",
    "ProceduralMemory",
    "RecordNotFound",
    "ResourceMemory",
    "RetentionScore",
    "RetrievalTrace",
    "RetrievedMemory",
    "ScoreBreakdown",
    "ScoreParts",
    "ScoredRecord",
    "SearchQuery",
    "SemanticMemory",
    "StorageError",
    "ToolCallsInvalid",
    "Unauthenticated",
    "VaultError",
    "WriteReceipt",
    "__version__",
    "build_chat_graph",
    "build_consolidation_graph",
    "build_write_graph",
    "create_app",
    "load_config",
    "memory_tools",
]


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first access, then cache it here."""
    if name in _DEPRECATED:
        new, why = _DEPRECATED[name]
        warnings.warn(
            f"mirix_py.{name} is deprecated ({why}); use mirix_py.{new}",
            DeprecationWarning,
            stacklevel=2,
        )
        return __getattr__(new)
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'mirix_py' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
