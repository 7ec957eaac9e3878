"""Memory record types, one module per type, and the registry that maps names to them."""

from __future__ import annotations

from mirix_py.memory.base import ALL_MEMORY_TYPES, MemoryRecord, MemoryType
from mirix_py.memory.core import CoreMemory
from mirix_py.memory.episodic import EpisodicMemory
from mirix_py.memory.knowledge_vault import KnowledgeVaultMemory
from mirix_py.memory.procedural import ProceduralMemory
from mirix_py.memory.resource import ResourceMemory
from mirix_py.memory.semantic import SemanticMemory

RECORD_TYPES: dict[MemoryType, type[MemoryRecord]] = {
    MemoryType.CORE: CoreMemory,
    MemoryType.EPISODIC: EpisodicMemory,
    MemoryType.SEMANTIC: SemanticMemory,
    MemoryType.PROCEDURAL: ProceduralMemory,
    MemoryType.RESOURCE: ResourceMemory,
    MemoryType.KNOWLEDGE_VAULT: KnowledgeVaultMemory,
}


def record_class(memory_type: MemoryType | str) -> type[MemoryRecord]:
    """The record class for a memory-type name."""
    return RECORD_TYPES[MemoryType(memory_type)]


__all__ = [
    "ALL_MEMORY_TYPES",
    "RECORD_TYPES",
    "CoreMemory",
    "EpisodicMemory",
    "KnowledgeVaultMemory",
    "MemoryRecord",
    "MemoryType",
    "ProceduralMemory",
    "ResourceMemory",
    "SemanticMemory",
    "record_class",
]
