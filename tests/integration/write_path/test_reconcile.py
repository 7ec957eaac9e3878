"""Conflicts, near-duplicates, core overflow, failures and disabled types on the write path."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from mirix_py._memory import CoreMemory, EpisodicMemory, MemoryRecord, MemoryType, SemanticMemory
from mirix_py._store.lancedb_store import LanceDBStore
from mirix_py._system import MemorySystem
from mirix_py.errors import StorageError
from tests.integration.write_path.conftest import MakeSystem
from tests.integration.write_path.helpers import all_rows, rows

MAY = datetime(2023, 5, 8, 12, tzinfo=UTC)
JUNE = datetime(2023, 6, 8, 12, tzinfo=UTC)


def _say(text: str, mid: str) -> list[dict[str, str]]:
    return [{"role": "user", "name": "Alice", "content": text, "id": mid}]


def _facts(system: MemorySystem, **kwargs: Any) -> dict[str, SemanticMemory]:
    found = system.store.list_records(
        user_id="u1", memory_type=MemoryType.SEMANTIC, limit=1000, **kwargs
    )
    return {r.summary: r for r in found if isinstance(r, SemanticMemory)}


def test_a_contradicting_fact_supersedes_the_old_one_with_history(make_system: MakeSystem) -> None:
    system = make_system()
    system.add(
        _say("I live in Boston and I work as a nurse.", "D1:1"), user_id="u1", occurred_at=MAY
    )
    old = _facts(system)["lives in Boston"]
    receipt = system.add(
        _say("Big news: I just moved to Chicago!", "D2:1"), user_id="u1", occurred_at=JUNE
    )

    current = _facts(system)
    assert set(current) == {
        "lives in Chicago",
        "works as a nurse",
        "used to live in Boston",
        "places lived: Boston, Chicago",  # the profile of places lived, latest last
    }
    assert current["used to live in Boston"].source_ids == ["D1:1"]  # what it says came from there
    new = current["lives in Chicago"]
    assert new.source_ids == ["D2:1"]
    retired = _facts(system, include_superseded=True)["lives in Boston"]
    assert retired.id == old.id and retired.valid_to is not None
    assert retired.superseded_by == new.id
    events = [h.event for h in system.history(old.id, user_id="u1")]
    assert events == ["insert", "supersede"]
    superseded = [a for a in receipt.actions if a.action == "superseded"]
    assert [a.memory_id for a in superseded] == [old.id]
    assert "lives in Boston → Alice: lives in Chicago" in superseded[0].reason
    # as-of queries still see the old value
    middle = retired.valid_from + (retired.valid_to - retired.valid_from) / 2
    hits = system.search(
        "where does Alice live", user_id="u1", memory_types=["semantic"], as_of=middle
    )
    summaries = [h.record.summary for h in hits if isinstance(h.record, SemanticMemory)]
    assert "lives in Boston" in summaries and "lives in Chicago" not in summaries
    # the core block line was replaced in place; its history keeps the old text
    (block,) = rows(system, "u1", "core")
    assert isinstance(block, CoreMemory)
    assert block.lines() == ["Alice: lives in Chicago", "Alice: works as a nurse"]
    assert block.line_sources["Alice: lives in Chicago"] == ["D2:1"]
    old_values = [h.old_value or "" for h in system.history(block.id, user_id="u1")]
    assert any("lives in Boston" in v for v in old_values)


def test_restated_and_near_duplicate_facts_merge_sources(make_system: MakeSystem) -> None:
    system = make_system()
    system.add(_say("I love hiking in the mountains.", "D1:1"), user_id="u1", occurred_at=MAY)
    system.add(
        _say("Honestly I love hiking in the mountains!", "D2:1"), user_id="u1", occurred_at=JUNE
    )
    receipt = system.add(
        _say("I love mountain hiking.", "D3:1"), user_id="u1", occurred_at=JUNE + timedelta(days=1)
    )
    facts = _facts(system)
    assert list(facts) == ["likes hiking in the mountains"]
    assert facts["likes hiking in the mountains"].source_ids == ["D1:1", "D2:1", "D3:1"]
    (merged,) = [a for a in receipt.actions if a.memory_type is MemoryType.SEMANTIC]
    assert merged.action == "merged" and "near-duplicate" in merged.reason


def test_a_full_core_block_moves_its_oldest_lines_to_semantic(make_system: MakeSystem) -> None:
    system = make_system(memory={"core_block_limit": 200})
    things = ["color", "food", "band", "movie", "book", "city", "season", "sport", "drink", "game"]
    lines = [f"My favorite {w} is the one my grandmother loved most." for w in things]
    receipt = system.add(
        [{"role": "user", "name": "Mel", "content": t, "id": f"m{i}"} for i, t in enumerate(lines)],
        user_id="u1",
        occurred_at=MAY,
    )
    (block,) = rows(system, "u1", "core")
    assert isinstance(block, CoreMemory)
    assert len(block.value) <= 200
    kept = block.lines()
    assert kept[-1] == "Mel: favorite game is the one Mel's grandmother loved most"
    moved = [a for a in receipt.actions if "moved from full core block" in a.reason]
    assert moved and all(a.memory_type is MemoryType.SEMANTIC for a in moved)
    facts = _facts(system)
    first = "favorite color is the one Mel's grandmother loved most"
    assert facts[first].source_ids == ["m0"]  # not dropped, sources kept honest
    assert set(block.source_ids) == {s for ln in kept for s in block.line_sources[ln]}
    assert "m0" not in block.source_ids


def test_core_overflow_without_semantic_is_reported_not_silent(make_system: MakeSystem) -> None:
    system = make_system(memory={"core_block_limit": 200, "enabled": ["core", "episodic"]})
    things = ["color", "food", "band", "movie", "book", "city", "season", "sport", "drink", "game"]
    texts = [f"My favorite {w} is the one my grandmother loved most." for w in things]
    receipt = system.add(
        [{"role": "user", "name": "Mel", "content": t, "id": f"m{i}"} for i, t in enumerate(texts)],
        user_id="u1",
        occurred_at=MAY,
    )
    dropped = [a for a in receipt.actions if "dropped" in a.reason]
    assert dropped and all(a.action == "skipped" for a in dropped)


class FailingStore(LanceDBStore):
    """A store whose semantic table refuses writes."""

    def upsert(
        self, records: Sequence[MemoryRecord], *, actor: str = "system", reason: str = ""
    ) -> list[str]:
        if any(r.memory_type is MemoryType.SEMANTIC for r in records):
            raise StorageError("semantic table is read-only (test)")
        return super().upsert(records, actor=actor, reason=reason)


def test_a_failing_manager_loses_nothing_and_duplicates_nothing(
    make_system: MakeSystem, tmp_path: Any, cipher: Any
) -> None:
    base = make_system()
    store = FailingStore(
        str(tmp_path / "failing-db"),
        embeddings=base.embeddings,
        dimension=384,
        memory_types=list(MemoryType),
        cipher=cipher,
    )
    system = MemorySystem(base.config, embeddings=base.embeddings, store=store)
    messages = [
        {"role": "user", "name": "Alice", "content": "I work as a nurse.", "id": "a1"},
        {
            "role": "user",
            "name": "Alice",
            "content": "My phone number is 415-555-0134.",
            "id": "a2",
        },
    ]
    receipt = system.add(messages, user_id="u1", occurred_at=MAY)

    assert not receipt.ok
    (failure,) = receipt.failures
    assert (failure.step, failure.code) == ("semantic_manager", "storage_error")
    assert "read-only" not in failure.error  # a stable code, never the exception text
    assert failure.fallback == "the input's turns are kept in the episodic turn log"
    events = [r for r in rows(system, "u1", "episodic") if isinstance(r, EpisodicMemory)]
    assert not [e for e in events if e.status == "unprocessed"]  # no duplicate raw copy
    logged = [e for e in events if e.status == "active"]
    assert len(logged) == 2  # the turn log stands
    assert rows(system, "u1", "knowledge_vault")  # and so do the vault's writes
    assert receipt.counts()["episodic"]["inserted"] == 2
    assert "semantic" not in receipt.counts()
    system.close()


def test_a_disabled_type_has_no_table_no_node_and_no_route(make_system: MakeSystem) -> None:
    system = make_system(name="minimal")
    nodes = set(system.write_graph.get_graph().nodes)
    assert {"core_manager", "episodic_manager", "semantic_manager"} <= nodes
    assert not nodes & {"procedural_manager", "resource_manager", "knowledge_vault_manager"}
    assert set(system.store.memory_types) == {
        MemoryType.CORE,
        MemoryType.EPISODIC,
        MemoryType.SEMANTIC,
    }
    text = (
        "To deploy: first run the tests, then build the image, finally push it. "
        "Docs: https://example.com/deploy. Call me at 415-555-0134."
    )
    receipt = system.add(_say(text, "x1"), user_id="u1", occurred_at=MAY)
    assert set(receipt.routed) <= {MemoryType.CORE, MemoryType.EPISODIC, MemoryType.SEMANTIC}
    (event,) = rows(system, "u1", "episodic")
    assert isinstance(event, EpisodicMemory)
    assert "[redacted: phone number]" in event.summary and "555" not in event.summary
    assert all(r.memory_type in system.store.memory_types for r in all_rows(system, "u1"))


def test_receipt_is_json_ready(make_system: MakeSystem) -> None:
    system = make_system()
    receipt = system.add(_say("I work as a nurse.", "a1"), user_id="u1", occurred_at=MAY)
    assert json.loads(receipt.model_dump_json())["actions"]
