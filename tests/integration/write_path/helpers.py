"""Helpers shared by the write-path tests."""

from __future__ import annotations

from typing import Any

from mirix_py._memory import MemoryRecord, MemoryType
from mirix_py._system import MemorySystem


def rows(system: MemorySystem, user_id: str, memory_type: MemoryType | str) -> list[MemoryRecord]:
    """Every current row of one type for one user, oldest event first."""
    found = system.store.list_records(
        user_id=user_id, memory_type=MemoryType(memory_type), limit=10_000
    )
    return sorted(found, key=lambda r: (r.when, r.id))


def all_rows(system: MemorySystem, user_id: str, **kwargs: Any) -> list[MemoryRecord]:
    """Every row of every enabled type for one user."""
    return system.store.list_records(user_id=user_id, limit=100_000, **kwargs)
