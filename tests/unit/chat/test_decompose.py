"""One sub-query per entity a question names."""

from __future__ import annotations

from mirix_py._chat.cues import read_question
from mirix_py._chat.decompose import entity_queries, entity_targets
from mirix_py._chat.models import TargetQuery
from mirix_py._memory import MemoryType


def test_each_named_entity_gets_its_own_query() -> None:
    cues = read_question("What hobbies do Kofi and Lena have in common?")
    assert entity_queries(cues) == ["Kofi hobbies", "Lena hobbies"]


def test_one_entity_needs_no_decomposition() -> None:
    assert entity_queries(read_question("Where does Kofi live now?")) == []


def test_targets_follow_the_stores_already_searched() -> None:
    cues = read_question("Did Kofi or Lena go to Accra?")
    base = [
        TargetQuery(memory_type=MemoryType.EPISODIC, query=cues.text),
        TargetQuery(memory_type=MemoryType.PROCEDURAL, query=cues.text),
    ]
    extra = entity_targets(cues, base)
    assert {t.memory_type for t in extra} == {MemoryType.EPISODIC}
    assert [t.query for t in extra] == ["Kofi go", "Lena go", "Accra go"]
