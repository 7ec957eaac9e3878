"""Names from the user's stored relation facts are known to the offline rules (invented text)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from mirix_py._managers.people import stored_people
from mirix_py._memory.base import MemoryRecord, MemoryType
from mirix_py._memory.extract_common import Turn
from mirix_py._memory.facts import extract_facts, names_a_person, subject_candidates
from mirix_py._memory.people import known_stored_people
from mirix_py._memory.people import stored_people as known_people
from mirix_py._memory.registry import extract_batch, write_run
from mirix_py._memory.semantic import SemanticMemory
from tests.turns import make_turn

AT = datetime(2024, 6, 1, 9, 0, tzinfo=UTC)


def turn(text: str, speaker: str = "user") -> Turn:
    return make_turn(text, speaker, AT)


def facts(text: str) -> set[tuple[str, str]]:
    return {(f.entity, f.summary) for f in extract_facts([turn(text)])}


def test_a_stored_person_opening_a_sentence_is_a_subject() -> None:
    text = "Oskar works at a boatyard in Nelson."
    assert ("Oskar", "works at a boatyard in Nelson") not in facts(text)
    with known_people(["Oskar"]):
        assert known_stored_people() == {"Oskar"}
        assert ("Oskar", "works at a boatyard in Nelson") in facts(text)
    assert known_stored_people() == frozenset()


def test_write_run_scopes_the_people_and_the_shared_extraction() -> None:
    turns = [turn("Oskar works at a boatyard in Nelson.")]
    with write_run("run-a"):
        before = extract_batch(MemoryType.SEMANTIC, turns, user_id="u1")
    with write_run("run-a", ["Oskar"]):
        after = extract_batch(MemoryType.SEMANTIC, turns, user_id="u1")
    assert not any(r.name == "Oskar" for r in before)
    assert any(r.name == "Oskar" for r in after)


def test_candidates_are_unknown_sentence_openers_only() -> None:
    turns = [
        turn("Oskar works at a boatyard. The sea is calm. I met Ines there. Ines Varga laughed.")
    ]
    found = subject_candidates(turns)
    assert "Oskar" in found
    assert "The" not in found
    assert "Ines" not in found  # known from mid-sentence
    assert "Ines Varga" in found  # the subject the rules would take is the full name
    assert "user" not in found


def test_a_relation_fact_names_a_person_other_facts_do_not() -> None:
    assert names_a_person("is the user's sister")
    assert names_a_person("is Anna's cat")
    assert not names_a_person("is rainy")
    assert not names_a_person("lives in Leeds")


class _Store:
    """Answers ``by_keys`` from a fixed list and records what was asked."""

    def __init__(self, records: list[MemoryRecord]) -> None:
        self.records = records
        self.calls: list[tuple[str, list[str], dict[str, Any]]] = []

    def by_keys(self, column: str, values: list[str], **kwargs: Any) -> list[MemoryRecord]:
        self.calls.append((column, list(values), kwargs))
        return [r for r in self.records if r.name.lower() in values]


def fact(name: str, summary: str) -> SemanticMemory:
    return SemanticMemory(id=f"se_{name}_{len(summary)}", user_id="u1", name=name, summary=summary)


def test_one_keyed_lookup_finds_the_stored_people() -> None:
    store = _Store([fact("Oskar", "is the user's brother"), fact("Nelson", "is sunny")])
    turns = [turn("Oskar works at a boatyard. Nelson is sunny. Rua is tall.")]
    assert stored_people(store, turns, user_id="u1") == ["Oskar"]  # type: ignore[arg-type]
    assert len(store.calls) == 1
    column, values, kwargs = store.calls[0]
    assert column == "entity"
    assert values == ["oskar", "nelson", "rua"]
    assert kwargs["memory_type"] is MemoryType.SEMANTIC


def test_a_batch_with_no_candidates_reads_nothing() -> None:
    store = _Store([])
    assert stored_people(store, [turn("I am tired. The rain stopped.")], user_id="u1") == []  # type: ignore[arg-type]
    assert store.calls == []
