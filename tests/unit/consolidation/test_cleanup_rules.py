"""Clean-up decisions: who wins a contradiction, which near-duplicates merge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mirix_py._consolidation.cleanup import (
    merge_near_duplicates,
    more_specific,
    resolve_contradictions,
)
from mirix_py._memory import MemoryType, SemanticMemory, semantic

T0 = datetime(2023, 5, 1, tzinfo=UTC)


def fact(summary: str, day: int, sources: list[str], name: str = "Ann") -> SemanticMemory:
    return SemanticMemory(
        user_id="u",
        name=name,
        summary=summary,
        occurred_at=T0 + timedelta(days=day),
        source_ids=sources,
    )


def test_newest_value_of_a_slot_wins_and_losers_keep_their_sources() -> None:
    old, new = fact("lives in Porto", 1, ["m1"]), fact("lives in Lisbon", 9, ["m9"])
    out = resolve_contradictions([new, old], semantic.slot_key, MemoryType.SEMANTIC)
    assert list(out.survivors) == [new.id]
    assert out.survivors[new.id].source_ids == ["m9"]  # a contradicted value lends no sources
    assert out.retire == {new.id: [(old.id, out.actions[0].reason)]}
    (action,) = out.actions
    assert (action.action, action.memory_id, action.related_ids) == ("superseded", old.id, [new.id])
    assert "newest wins" in action.reason


def test_an_older_more_specific_value_wins_and_absorbs_the_vaguer_one() -> None:
    specific = fact("works as a pediatric nurse", 1, ["m1"])
    vague = fact("works as a nurse", 5, ["m5"])
    other = fact("works as a teacher", 3, ["m3"])
    assert more_specific(specific, vague) and not more_specific(vague, specific)
    out = resolve_contradictions([vague, specific, other], semantic.slot_key, MemoryType.SEMANTIC)
    assert list(out.survivors) == [specific.id]
    assert out.survivors[specific.id].source_ids == ["m1", "m5"]
    retired = {loser for losers in out.retire.values() for loser, _ in losers}
    assert retired == {vague.id, other.id}


def test_records_without_a_slot_are_left_alone() -> None:
    a, b = fact("likes tea", 1, ["m1"]), fact("likes coffee", 2, ["m2"])
    out = resolve_contradictions([a, b], semantic.slot_key, MemoryType.SEMANTIC)
    assert out.survivors == {} and out.actions == []


def _vec(*xs: float) -> list[float]:
    return [*xs, *([0.0] * (384 - len(xs)))]


def test_near_duplicates_of_one_entity_merge_into_the_most_specific() -> None:
    a = fact("likes hiking", 1, ["m1"]).model_copy(update={"embedding": _vec(1, 0.01)})
    b = fact("really likes hiking", 2, ["m2"]).model_copy(update={"embedding": _vec(1, 0.02)})
    c = fact("likes chess", 3, ["m3"]).model_copy(update={"embedding": _vec(0, 1)})
    d = fact("likes hiking", 4, ["m4"], name="Bob").model_copy(update={"embedding": _vec(1, 0.01)})
    out = merge_near_duplicates([a, b, c, d], semantic.dedupe_key, MemoryType.SEMANTIC, 0.92)
    assert list(out.survivors) == [b.id]
    assert out.survivors[b.id].source_ids == ["m2", "m1"]
    assert out.retire == {b.id: [(a.id, out.actions[0].reason)]}
    assert out.actions[0].action == "merged"


def test_no_chaining_and_no_merge_across_different_gists() -> None:
    # a ~ b and b ~ c by embedding, but a and c say different things: a single-link
    # cluster would merge all three into one record that carries none of c's content
    a = fact("allergic to peanuts", 1, ["m1"]).model_copy(update={"embedding": _vec(1, 0.0)})
    b = fact("allergic to peanuts and walnuts", 2, ["m2"]).model_copy(
        update={"embedding": _vec(1, 0.3)}
    )
    c = fact("allergic to shellfish", 3, ["m3"]).model_copy(update={"embedding": _vec(1, 0.6)})
    out = merge_near_duplicates([a, b, c], semantic.dedupe_key, MemoryType.SEMANTIC, 0.95)
    retired = {loser for losers in out.retire.values() for loser, _ in losers}
    assert retired == {a.id}  # "peanuts" is within "peanuts and walnuts": merged there
    assert out.survivors[b.id].source_ids == ["m2", "m1"]
    assert c.id not in retired and c.id not in out.survivors


def test_the_merge_keeps_the_more_detailed_text() -> None:
    short = fact("plays guitar", 1, ["m1"]).model_copy(update={"embedding": _vec(1, 0.01)})
    long = fact("plays electric guitar in a band", 5, ["m5"]).model_copy(
        update={"embedding": _vec(1, 0.02)}
    )
    out = merge_near_duplicates([short, long], semantic.dedupe_key, MemoryType.SEMANTIC, 0.9)
    assert list(out.survivors) == [long.id]
    assert out.survivors[long.id].summary == "plays electric guitar in a band"
