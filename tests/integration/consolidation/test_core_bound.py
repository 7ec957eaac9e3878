"""Core memory stays under its limit, and every line moved out is kept in semantic memory."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from mirix_py._consolidation.core_bound import is_pointer, pointer_ids
from mirix_py._memory import CoreMemory, MemoryType, SemanticMemory
from mirix_py._memory.core import block_id, split_line
from mirix_py._memory.semantic import fact_id
from mirix_py._system import MemorySystem
from tests.integration.consolidation.conftest import MakeSystem

LIMIT = 300
HOBBIES = (
    "hiking, chess, pottery, jazz, sushi, tennis, origami, kayaking, baking, poetry, karaoke, "
    "birdwatching, gardening, sailing, knitting, cycling, painting, salsa, archery, surfing, "
    "climbing, fencing, juggling, skiing, rowing"
).split(", ")


def _block(system: MemorySystem, user: str = "u1") -> CoreMemory | None:
    found = system.store.get_many([block_id(user)], user_id=user, memory_type=MemoryType.CORE)
    return next((b for b in found if isinstance(b, CoreMemory)), None)


def _lines_ever(system: MemorySystem, user: str = "u1") -> dict[str, set[str]]:
    """Every line the block ever held (from its history), with the sources it had."""
    lines: dict[str, set[str]] = {}
    for event in system.history(block_id(user), user_id=user):
        if event.new_value is None:
            continue
        payload = json.loads(json.loads(event.new_value)["payload"])
        for line in payload["value"].splitlines():
            if line.strip() and not is_pointer(line.strip()):
                sources = payload["line_sources"].get(line.strip(), [])
                lines.setdefault(line.strip(), set()).update(sources)
    return lines


def _semantic(system: MemorySystem, user: str = "u1") -> list[SemanticMemory]:
    rows = system.store.list_records(
        user_id=user, memory_type=MemoryType.SEMANTIC, limit=10_000, include_superseded=True
    )
    return [r for r in rows if isinstance(r, SemanticMemory)]


def test_a_growing_block_never_exceeds_its_limit_and_loses_no_line(
    make_system: MakeSystem,
) -> None:
    system = make_system(memory={"core_block_limit": LIMIT})
    start = datetime(2023, 5, 1, 9, tzinfo=UTC)
    moved = 0
    for i, hobby in enumerate(HOBBIES):
        system.add(
            [{"role": "user", "name": "Alice", "content": f"I love {hobby}.", "id": f"m{i}"}],
            user_id="u1",
            occurred_at=start + timedelta(days=i),
        )
        report = system.consolidate(user_id="u1")
        moved += len(report.ids("moved"))
        block = _block(system)
        assert block is not None and len(block.value) <= LIMIT
        if report.ids("moved"):
            assert len(block.value) <= 0.7 * LIMIT + 1
    assert moved > 0
    block = _block(system)
    assert block is not None
    in_block = {ln for ln in block.lines() if not is_pointer(ln)}
    semantic = {f"{r.name}: {r.summary}": set(r.source_ids) for r in _semantic(system)}
    for line, sources in _lines_ever(system).items():
        if line in in_block:
            continue
        assert line in semantic, f"line lost: {line}"
        assert sources <= semantic[line]
    pointer = next(ln for ln in block.lines() if is_pointer(ln))
    linked = pointer_ids(pointer)
    assert linked and {r.id for r in system.store.get_many(linked, user_id="u1")} == set(linked)


def test_least_restated_oldest_lines_move_first_and_merge_into_existing_facts(
    make_system: MakeSystem,
) -> None:
    system = make_system(memory={"core_block_limit": LIMIT})
    lines = [f"Alice: likes {h}" for h in HOBBIES[:14]]
    sources = {ln: [f"m{i}"] for i, ln in enumerate(lines)}
    sources[lines[0]] = ["m0", "m100", "m101"]  # oldest, but restated often
    block = CoreMemory(
        id=block_id("u1"),
        user_id="u1",
        value="\n".join(lines),
        limit=LIMIT,
        line_sources=sources,
    )
    existing = SemanticMemory(
        id=fact_id("u1", "Alice", "likes chess"),
        user_id="u1",
        name="Alice",
        summary="likes chess",
        source_ids=["m1", "m7"],
    )
    system.store.upsert([block, existing])
    assert len(block.value) > 0.9 * LIMIT

    report = system.consolidate(user_id="u1")

    after = _block(system)
    assert after is not None and len(after.value) <= 0.7 * LIMIT
    kept = after.lines()
    assert lines[0] in kept  # restated three times: stays
    assert lines[1] not in kept and lines[2] not in kept  # oldest single-source lines left
    chess = system.get(existing.id, user_id="u1")
    assert chess.source_ids == ["m1", "m7"] and chess.is_current
    moved = [a for a in report.actions if a.action == "moved"]
    assert {a.reason.removeprefix("moved to semantic memory: ") for a in moved} == {
        ln for ln in lines if ln not in kept
    }
    for action in moved:
        entity, summary = split_line(action.reason.removeprefix("moved to semantic memory: "))
        (record,) = system.store.get_many(action.related_ids, user_id="u1")
        assert isinstance(record, SemanticMemory) and (record.name, record.summary) == (
            entity,
            summary,
        )
    assert after.source_ids == [s for ln in kept if not is_pointer(ln) for s in sources[ln]]
    assert after.line_sources[next(ln for ln in kept if is_pointer(ln))] == []
    # The old block text is in its history.
    assert "likes pottery" in (system.history(block.id, user_id="u1")[-2].new_value or "")


def test_core_and_vault_are_never_archived(make_system: MakeSystem) -> None:
    system = make_system(retention={"caps": {"episodic": 10}})
    system.add(
        [
            {"role": "user", "name": "Alice", "content": f"Note {i}: my PIN is 4321", "id": f"m{i}"}
            for i in range(15)
        ],
        user_id="u1",
    )
    system.add("I am a vegetarian.", user_id="u1")
    report = system.consolidate(user_id="u1")
    assert report.ids("archived")
    archived_types = {a.memory_type for a in report.actions if a.action == "archived"}
    assert archived_types == {MemoryType.EPISODIC}
    assert report.active_after["episodic"] <= 10
    assert report.active_after["knowledge_vault"] == report.active_before["knowledge_vault"]
    assert report.active_after["core"] == report.active_before["core"] == 1
