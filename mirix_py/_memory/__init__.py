"""Memory record types, one module per type, and the registry that maps names to them.

Importing this package registers the six built-in types, in this order (the
order of the chat context's sections is each spec's ``section_order``).
"""

from __future__ import annotations

from mirix_py._memory import core, episodic, knowledge_vault, procedural, resource, semantic
from mirix_py._memory.base import ALL_MEMORY_TYPES, MemoryRecord, MemoryType
from mirix_py._memory.core import CoreMemory
from mirix_py._memory.episodic import EpisodicMemory
from mirix_py._memory.knowledge_vault import KnowledgeVaultMemory
from mirix_py._memory.procedural import ProceduralMemory
from mirix_py._memory.registry import MemoryTypeSpec, RecordTypes, register, spec_of, specs
from mirix_py._memory.resource import ResourceMemory
from mirix_py._memory.semantic import SemanticMemory

for _module in (core, episodic, semantic, procedural, resource, knowledge_vault):
    register(_module.SPEC)

RECORD_TYPES: RecordTypes = RecordTypes()
"""``memory type -> record model`` for every registered type (a live view)."""


def record_class(memory_type: MemoryType | str) -> type[MemoryRecord]:
    """The record class for a memory-type name."""
    return spec_of(memory_type).record


__all__ = [
    "ALL_MEMORY_TYPES",
    "RECORD_TYPES",
    "CoreMemory",
    "EpisodicMemory",
    "KnowledgeVaultMemory",
    "MemoryRecord",
    "MemoryType",
    "MemoryTypeSpec",
    "ProceduralMemory",
    "ResourceMemory",
    "SemanticMemory",
    "record_class",
    "spec_of",
    "specs",
]
