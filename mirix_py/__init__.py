"""mirix-py: MIRIX-style multi-agent long-term memory for LLM agents.

The public surface is re-exported here; everything else is internal.
"""

from mirix_py.chat.models import Answer
from mirix_py.config import MirixConfig, load_config
from mirix_py.errors import (
    AccessDenied,
    ConfigError,
    ExtractionError,
    MemoryTypeDisabled,
    MirixError,
    RecordNotFound,
    StorageError,
    ValidationError,
    VaultError,
)
from mirix_py.memory import (
    CoreMemory,
    EpisodicMemory,
    KnowledgeVaultMemory,
    MemoryRecord,
    MemoryType,
    ProceduralMemory,
    ResourceMemory,
    SemanticMemory,
)
from mirix_py.messages import Message
from mirix_py.receipts import WriteReceipt
from mirix_py.store import DeleteReceipt, HistoryEvent, ScoredRecord
from mirix_py.system import MemorySystem

__version__ = "0.1.0"

__all__ = [
    "AccessDenied",
    "Answer",
    "ConfigError",
    "CoreMemory",
    "DeleteReceipt",
    "EpisodicMemory",
    "ExtractionError",
    "HistoryEvent",
    "KnowledgeVaultMemory",
    "MemoryRecord",
    "MemorySystem",
    "MemoryType",
    "MemoryTypeDisabled",
    "Message",
    "MirixConfig",
    "MirixError",
    "ProceduralMemory",
    "RecordNotFound",
    "ResourceMemory",
    "ScoredRecord",
    "SemanticMemory",
    "StorageError",
    "ValidationError",
    "VaultError",
    "WriteReceipt",
    "__version__",
    "load_config",
]
