"""People named in an earlier session stay known to the offline fact rules."""

from __future__ import annotations

from datetime import UTC, datetime

from mirix_py._memory import SemanticMemory
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
