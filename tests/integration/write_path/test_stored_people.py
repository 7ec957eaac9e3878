"""People named in an earlier session stay known to the offline fact rules."""

from __future__ import annotations

from datetime import UTC, datetime

from mirix_py._memory import MemoryType, SemanticMemory
from mirix_py._system import MemorySystem
from tests.integration.write_path.conftest import MakeSystem
from tests.integration.write_path.helpers import rows

FIRST = datetime(2024, 3, 4, 10, 0, tzinfo=UTC)
LATER = datetime(2024, 5, 20, 18, 30, tzinfo=UTC)


def _say(system: MemorySystem, text: str, at: datetime) -> None:
    system.add([{"role": "user", "content": text}], user_id="u1", occurred_at=at)


def _facts(system: MemorySystem) -> set[tuple[str, str]]:
    return {
        (r.name, r.summary)
        for r in rows(system, "u1", "semantic")
        if isinstance(r, SemanticMemory) and not r.aspect
    }


def test_a_relation_named_in_an_earlier_session_makes_later_facts_about_them(
    make_system: MakeSystem,
) -> None:
    system = make_system()
    _say(system, "My sister Mila just started at a bakery.", FIRST)
    assert ("Mila", "is the user's sister") in _facts(system)
    _say(system, "Mila moved to Leeds. Mila works as a pastry chef now.", LATER)
    facts = _facts(system)
    assert ("Mila", "lives in Leeds") in facts
    assert ("Mila", "works as a pastry chef") in facts
    current = [r for r in rows(system, "u1", "semantic") if r.summary == "lives in Leeds"]
    assert current and all(r.is_current for r in current)


def test_a_capitalised_word_with_no_stored_relation_makes_no_person(
    make_system: MakeSystem,
) -> None:
    system = make_system()
    _say(system, "My sister Mila just started at a bakery.", FIRST)
    _say(system, "Leeds is rainy. Tavi works as a pastry chef now. Mila works as a baker.", LATER)
    facts = _facts(system)
    assert ("Mila", "works as a baker") in facts  # the stored name is known in this batch
    names = {name for name, _ in facts}
    assert "Leeds" not in names
    assert "Tavi" not in names


def test_a_role_holder_named_in_an_earlier_session_makes_later_facts_about_them(
    make_system: MakeSystem,
) -> None:
    system = make_system()
    _say(system, "My landlord Tomasz Wierzba is raising the rent again.", FIRST)
    facts = _facts(system)
    assert ("User", "landlord is Tomasz Wierzba") in facts
    assert ("Tomasz Wierzba", "is the user's landlord") in facts
    _say(system, "Tomasz Wierzba moved to Gdansk.", LATER)
    assert ("Tomasz Wierzba", "lives in Gdansk") in _facts(system)


def _all_facts(system: MemorySystem) -> dict[tuple[str, str], SemanticMemory]:
    found = system.store.list_records(
        user_id="u1", memory_type=MemoryType.SEMANTIC, limit=1000, include_superseded=True
    )
    return {(r.name, r.summary): r for r in found if isinstance(r, SemanticMemory) and not r.aspect}


def test_a_role_that_changes_hands_retires_the_old_holders_fact(
    make_system: MakeSystem,
) -> None:
    system = make_system()
    _say(system, "My nanny is Rosa Delgado, the kids adore her.", FIRST)
    assert ("Rosa Delgado", "is the user's nanny") in _facts(system)
    _say(system, "Quick update: my nanny is Mei Tanaka now.", LATER)
    current = _facts(system)
    assert ("User", "nanny is Mei Tanaka") in current
    assert ("Mei Tanaka", "is the user's nanny") in current
    assert ("Rosa Delgado", "is the user's nanny") not in current
    kept = _all_facts(system)
    old, new = (
        kept[("Rosa Delgado", "is the user's nanny")],
        kept[("Mei Tanaka", "is the user's nanny")],
    )
    assert old.valid_to is not None and old.superseded_by == new.id
    assert old.valid_from < old.valid_to <= LATER
    # an as-of read between the two sessions still sees the old holder as current
    middle = FIRST + (LATER - FIRST) / 2
    hits = system.search("nanny", user_id="u1", memory_types=["semantic"], as_of=middle)
    then = {(h.record.name, h.record.summary) for h in hits if isinstance(h.record, SemanticMemory)}
    assert ("Rosa Delgado", "is the user's nanny") in then
    assert ("Mei Tanaka", "is the user's nanny") not in then


def test_a_role_that_changes_hands_in_one_batch_keeps_the_old_holder_as_history(
    make_system: MakeSystem,
) -> None:
    system = make_system()
    _say(
        system,
        "Our nanny Rosa Delgado is leaving in July. We hired a new one, Mei Tanaka.",
        FIRST,
    )
    current = _facts(system)
    assert ("User", "nanny is Mei Tanaka") in current
    assert ("Mei Tanaka", "is the user's nanny") in current
    assert ("Rosa Delgado", "is the user's nanny") not in current
    kept = _all_facts(system)
    old, new = (
        kept[("Rosa Delgado", "is the user's nanny")],
        kept[("Mei Tanaka", "is the user's nanny")],
    )
    assert old.valid_to is not None and old.superseded_by == new.id
