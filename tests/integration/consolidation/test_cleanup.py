"""Conflict clean-up on real LanceDB: contradictions supersede, duplicates merge, history stays."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mirix_py._memory import MemoryType, ProceduralMemory, SemanticMemory
from tests.integration.consolidation.conftest import MakeSystem

T0 = datetime(2023, 5, 1, tzinfo=UTC)


def fact(summary: str, day: int, sources: list[str], name: str = "Ann") -> SemanticMemory:
    return SemanticMemory(
        user_id="u1",
        name=name,
        summary=summary,
        occurred_at=T0 + timedelta(days=day),
        source_ids=sources,
    )


def test_contradictions_resolve_newest_first_and_keep_history(make_system: MakeSystem) -> None:
    system = make_system()
    porto = fact("lives in Porto", 1, ["m1"])
    lisbon = fact("lives in Lisbon", 9, ["m9"])
    tea = fact("likes tea", 2, ["m2"])
    # Both residences are current: written by a path that did not reconcile them.
    system.store.upsert([porto, lisbon, tea])
    before = datetime.now(UTC)

    report = system.consolidate(user_id="u1")

    (action,) = [a for a in report.actions if a.step == "cleanup"]
    assert (action.action, action.memory_id, action.related_ids) == (
        "superseded",
        porto.id,
        [lisbon.id],
    )
    assert "newest wins" in action.reason
    current = {r.id for r in system.get_all(user_id="u1", memory_type="semantic")}
    assert current == {lisbon.id, tea.id}
    retired = system.get(porto.id, user_id="u1")
    assert retired.superseded_by == lisbon.id and retired.valid_to is not None
    assert retired.summary == "lives in Porto"  # type: ignore[attr-defined]
    events = system.history(porto.id, user_id="u1")
    assert [e.event for e in events] == ["insert", "supersede"]
    assert events[-1].actor == "consolidation" and "Porto" in events[-1].reason
    assert system.get(lisbon.id, user_id="u1").source_ids == ["m9"]
    # As-of reads still answer from what was valid then.
    then = system.search("where does Ann live", user_id="u1", as_of=before)
    assert porto.id in {h.record.id for h in then}
    now = system.search("where does Ann live", user_id="u1")
    assert porto.id not in {h.record.id for h in now}
    # Running again finds nothing more to do.
    assert [a for a in system.consolidate(user_id="u1").actions if a.step == "cleanup"] == []


def test_an_older_more_specific_value_beats_a_newer_vaguer_one(make_system: MakeSystem) -> None:
    system = make_system()
    specific = fact("works as a pediatric nurse", 1, ["m1"])
    vague = fact("works as a nurse", 5, ["m5"])
    system.store.upsert([specific, vague])
    report = system.consolidate(user_id="u1")
    (action,) = [a for a in report.actions if a.step == "cleanup"]
    assert (action.memory_id, action.related_ids) == (vague.id, [specific.id])
    assert "more specific" in action.reason
    winner = system.get(specific.id, user_id="u1")
    assert winner.is_current and winner.source_ids == ["m1", "m5"]
    assert [e.event for e in system.history(specific.id, user_id="u1")] == ["insert", "update"]
    assert system.get(vague.id, user_id="u1").superseded_by == specific.id


def test_near_duplicates_merge_with_the_union_of_sources(make_system: MakeSystem) -> None:
    system = make_system()
    a = fact("loves hiking in the mountains", 1, ["m1"])
    b = fact("loves hiking in the mountains!", 3, ["m3"])
    other = fact("loves hiking in the mountains", 2, ["m2"], name="Bob")
    system.store.upsert([a, b, other])
    report = system.consolidate(user_id="u1")
    merged = [x for x in report.actions if x.action == "merged"]
    assert [(x.memory_id, x.related_ids) for x in merged] == [(b.id, [a.id])]
    assert system.get(a.id, user_id="u1").source_ids == ["m1", "m3"]
    assert not system.get(b.id, user_id="u1").is_current
    assert system.get(other.id, user_id="u1").is_current  # another entity: not a duplicate


def test_a_procedure_restated_differently_keeps_the_newest_version(
    make_system: MakeSystem,
) -> None:
    system = make_system()
    old = ProceduralMemory(
        user_id="u1",
        description="How to file expenses",
        steps=["open the portal", "upload receipts"],
        occurred_at=T0,
        source_ids=["m1"],
    )
    new = ProceduralMemory(
        user_id="u1",
        description="How to file expenses",
        steps=["open the new portal", "scan receipts", "submit"],
        occurred_at=T0 + timedelta(days=30),
        source_ids=["m2"],
    )
    system.store.upsert([old, new])
    report = system.consolidate(user_id="u1")
    assert report.ids("superseded") == [old.id]
    current = system.get_all(user_id="u1", memory_type=MemoryType.PROCEDURAL)
    assert [r.id for r in current] == [new.id]
