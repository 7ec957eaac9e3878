"""The registry of per-type rules the generic manager plugs in.

Each memory type's module (``mirix_py/memory/<type>.py``) owns its offline
rules; this table only points at them. Adding a memory type means adding its
module, its agent file and one entry here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from mirix_py.memory import core, episodic, knowledge_vault, procedural, resource, semantic
from mirix_py.memory.base import MemoryRecord, MemoryType
from mirix_py.memory.extract_common import Turn


def _no_key(record: MemoryRecord) -> str | None:
    return None


def _core_extract(turns: Sequence[Turn], *, user_id: str) -> list[MemoryRecord]:
    return []  # core is merged line by line (see managers.apply.apply_core)


def _episodic_extract(turns: Sequence[Turn], *, user_id: str) -> list[MemoryRecord]:
    return list(episodic.turn_events(turns, user_id=user_id))


@dataclass(frozen=True)
class TypeRules:
    """What the generic manager needs to know about one memory type."""

    memory_type: MemoryType
    detect: Callable[[Sequence[Turn]], str | None]
    extract: Callable[..., Sequence[MemoryRecord]]
    dedupe_key: Callable[[MemoryRecord], str | None] = _no_key
    slot_key: Callable[[MemoryRecord], str | None] = _no_key
    always: bool = False
    """Route this type for every non-empty batch (the episodic turn log)."""


RULES: dict[MemoryType, TypeRules] = {
    MemoryType.CORE: TypeRules(MemoryType.CORE, core.detect, _core_extract),
    MemoryType.EPISODIC: TypeRules(
        MemoryType.EPISODIC, episodic.detect, _episodic_extract, always=True
    ),
    MemoryType.SEMANTIC: TypeRules(
        MemoryType.SEMANTIC,
        semantic.detect,
        semantic.extract_offline,
        dedupe_key=semantic.dedupe_key,
        slot_key=semantic.slot_key,
    ),
    MemoryType.PROCEDURAL: TypeRules(
        MemoryType.PROCEDURAL,
        procedural.detect,
        procedural.extract_offline,
        dedupe_key=procedural.dedupe_key,
        slot_key=procedural.slot_key,
    ),
    MemoryType.RESOURCE: TypeRules(
        MemoryType.RESOURCE, resource.detect, resource.extract_offline, resource.dedupe_key
    ),
    MemoryType.KNOWLEDGE_VAULT: TypeRules(
        MemoryType.KNOWLEDGE_VAULT,
        knowledge_vault.detect,
        knowledge_vault.extract_offline,
        knowledge_vault.dedupe_key,
    ),
}


def rules_for(memory_type: MemoryType) -> TypeRules:
    """The rules of one memory type."""
    return RULES[memory_type]
