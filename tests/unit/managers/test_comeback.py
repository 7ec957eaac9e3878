"""Which candidates bring a slot's earlier value back, and the ids they come back under."""

from __future__ import annotations

from datetime import UTC, datetime

from mirix_py._managers.comeback import comeback_id, comebacks, returns_after, twin_ids
from mirix_py._memory.base import MemoryRecord
from mirix_py._memory.semantic import SPEC, SemanticMemory, fact_id

MARCH = datetime(2024, 3, 4, tzinfo=UTC)
JUNE = datetime(2024, 6, 10, tzinfo=UTC)
OCTOBER = datetime(2024, 10, 21, tzinfo=UTC)


def _fact(
    name: str,
    summary: str,
    source: str,
    at: datetime,
    *,
    until: datetime | None = None,
) -> SemanticMemory:
    return SemanticMemory(
        id=fact_id("u1", name, summary),
        user_id="u1",
        name=name,
        summary=summary,
        occurred_at=at,
        valid_from=at,
        valid_to=until,
        superseded_by="se-next" if until else None,
        source_ids=[source],
    )


def _by_id(*records: MemoryRecord) -> dict[str, MemoryRecord]:
    return {r.id: r for r in records}


def test_a_retired_value_stated_again_later_comes_back_under_a_derived_id() -> None:
    retired = _fact("Noor", "lives in Quito", "m1", MARCH, until=JUNE)
    again = _fact("Noor", "lives in Quito", "m3", OCTOBER)

    back = comebacks([again], _by_id(retired), SPEC)

    assert back == {again.id: comeback_id(retired.id, again)}
    assert back[again.id] != retired.id
    assert comeback_id(retired.id, again) == comeback_id(retired.id, again.model_copy())
    other_message = again.model_copy(update={"source_ids": ["m4"]})
    assert comeback_id(retired.id, other_message) != back[again.id]


def test_the_retired_periods_own_messages_and_late_history_do_not_come_back() -> None:
    retired = _fact("Noor", "lives in Quito", "m1", MARCH, until=JUNE)
    re_read = _fact("Noor", "lives in Quito", "m1", MARCH)
    late = _fact("Noor", "lives in Quito", "m0", datetime(2024, 4, 1, tzinfo=UTC))

    assert not returns_after(retired, re_read)
    assert not returns_after(retired, late)
    assert comebacks([re_read, late], _by_id(retired), SPEC) == {}


def test_a_fact_without_a_single_valued_slot_never_comes_back() -> None:
    retired = _fact("Noor", "has a dog named Rex", "m1", MARCH, until=JUNE)
    again = _fact("Noor", "has a dog named Rex", "m3", OCTOBER)
    assert SPEC.slot_key(again) is None

    assert comebacks([again], _by_id(retired), SPEC) == {}


def test_a_current_value_comes_back_only_after_another_value_in_the_same_batch() -> None:
    current = _fact("Noor", "lives in Quito", "m1", MARCH)
    away = _fact("Noor", "lives in Lima", "m2", OCTOBER)
    again = _fact("Noor", "lives in Quito", "m2", OCTOBER)

    assert comebacks([again], _by_id(current), SPEC) == {}
    assert comebacks([again, away], _by_id(current), SPEC) == {}
    assert comebacks([away, again], _by_id(current), SPEC) == {
        again.id: comeback_id(current.id, again)
    }


def test_a_returning_role_holder_brings_their_holder_fact_back_too() -> None:
    role = _fact("Noor", "coach is Ivo Rask", "m1", MARCH, until=JUNE)
    holder = _fact("Ivo Rask", "is Noor's coach", "m1", MARCH, until=JUNE)
    assert SPEC.twins(role) == [holder.id]
    role_again = _fact("Noor", "coach is Ivo Rask", "m3", OCTOBER)
    holder_again = _fact("Ivo Rask", "is Noor's coach", "m3", OCTOBER)

    back = comebacks([role_again, holder_again], _by_id(role, holder), SPEC)

    assert back == {
        role_again.id: comeback_id(role.id, role_again),
        holder_again.id: comeback_id(holder.id, holder_again),
    }
    stored_back = role_again.model_copy(update={"id": back[role_again.id]})
    assert twin_ids(stored_back, SPEC) == [holder.id, back[holder_again.id]]
