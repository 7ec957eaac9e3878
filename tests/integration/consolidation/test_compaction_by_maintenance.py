"""Consolidation leaves compaction to the maintenance step (no full-table optimize)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mirix_py._memory import SemanticMemory
from tests.integration.consolidation.conftest import MakeSystem

T0 = datetime(2023, 5, 1, tzinfo=UTC)


def _fact(summary: str, day: int, source: str) -> SemanticMemory:
    return SemanticMemory(
        user_id="u1",
        name="Ann",
        summary=summary,
        occurred_at=T0 + timedelta(days=day),
        source_ids=[source],
    )


def test_consolidation_counts_its_writes_instead_of_optimizing_every_table(
    make_system: MakeSystem, monkeypatch: pytest.MonkeyPatch
) -> None:
    system = make_system()
    system.store.upsert([_fact("lives in Porto", 1, "m1"), _fact("lives in Lisbon", 9, "m9")])
    noted: list[int] = []
    full_optimizes: list[int] = []
    monkeypatch.setattr(system.store, "optimize", lambda: full_optimizes.append(1))
    monkeypatch.setattr(system.maintenance, "note_writes", noted.append)

    report = system.consolidate(user_id="u1")

    assert report.ok
    assert report.actions  # the contradiction was resolved
    assert full_optimizes == []  # it would rewrite every user's tables
    assert noted == [len(report.actions)]
