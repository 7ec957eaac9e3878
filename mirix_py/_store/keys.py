"""The typed, indexed key columns of a record, used for targeted lookups.

The chat agent re-ranks a few hundred search candidates and then looks up a
handful of related rows by key instead of reading a user's whole history:

- ``session_key`` and ``sequence`` (episodic): the session a turn belongs to and
  its position there, so the turns around a hit are one indexed lookup;
- ``entity`` (semantic): the lower-cased name a fact is about, so an entity's
  other facts are one indexed lookup. A fact with an ``aspect`` (a first-person
  statement, :mod:`mirix_py._memory.statements`) is keyed ``<name>|<aspect>``: a
  person states hundreds of them, and the lookup of "the other facts about X"
  must return their attributes, not a flood of remarks; their statements are one
  lookup of their own.

An episodic session is ``EpisodicMemory.session_id`` when set; records without
one (raw events written directly) are grouped by their exact event time (one
``add`` batch shares a timestamp), as ``t:<ISO time>``.
"""

from __future__ import annotations

from typing import Any

from mirix_py._memory import EpisodicMemory, MemoryRecord, SemanticMemory

KEY_COLUMNS: tuple[str, ...] = ("session_key", "sequence", "entity")
"""The key columns every record table carries (NULL where a type has no such key)."""


def session_key(record: EpisodicMemory) -> str:
    """The session an episodic record belongs to (see the module docstring)."""
    if record.session_id:
        return record.session_id
    return f"t:{record.when.isoformat()}"


def entity_key(name: str) -> str:
    """The lookup key of an entity name: stripped and lower-cased."""
    return name.strip().lower()


def fact_key(name: str, aspect: str = "") -> str:
    """The ``entity`` key of a fact about ``name`` (``<name>|<aspect>`` with an aspect)."""
    return f"{entity_key(name)}|{aspect}" if aspect else entity_key(name)


def record_keys(record: MemoryRecord) -> dict[str, Any]:
    """The key-column values of ``record`` (``None`` where they do not apply)."""
    keys: dict[str, Any] = dict.fromkeys(KEY_COLUMNS)
    if isinstance(record, EpisodicMemory):
        keys["session_key"] = session_key(record)
        keys["sequence"] = record.sequence
    elif isinstance(record, SemanticMemory):
        keys["entity"] = fact_key(record.name, record.aspect)
    return keys
