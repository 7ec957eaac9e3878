"""Names and places spelled with accented letters are read whole (invented text, no I/O).

Each case pairs an accented spelling with its plain-ASCII twin: the write rules must
read both alike, never cutting a name at its first non-ASCII letter ("Reykjav").
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mirix_py._consolidation.threads import _WORD as THREAD_WORD
from mirix_py._memory.facts import extract_facts
from mirix_py._memory.history import previous_value
from mirix_py._memory.profiles import place_items
from mirix_py._memory.semantic import SemanticMemory, fact_id
from mirix_py._memory.statements import STATEMENT
from mirix_py._memory.traits import value_items
from tests.turns import make_turn

AT = datetime(2025, 5, 4, 10, 0, tzinfo=UTC)


def _facts(text: str, speaker: str = "Ines") -> set[tuple[str, str]]:
    turns = [make_turn(text, speaker, AT)]
    return {(f.entity, f.summary) for f in extract_facts(turns) if f.kind != STATEMENT}


@pytest.mark.parametrize(
    ("clause", "places"),
    [
        ("lived in Tromsø and then in Reykjavík", ["Tromsø", "Reykjavík"]),
        ("flew to São Paulo for a conference", ["São Paulo"]),
        ("moved to Örebro last spring", ["Örebro"]),
        ("travelled to Kraków and stayed in Zürich", ["Kraków", "Zürich"]),
    ],
)
def test_accented_places_are_read_whole(clause: str, places: list[str]) -> None:
    assert place_items(clause) == places


@pytest.mark.parametrize(
    ("accented", "plain"),
    [
        ("My cousin Zoë lives in Zürich.", "My cousin Zoe lives in Zurich."),
        ("My neighbour Łukasz is a baker.", "My neighbour Lukasz is a baker."),
        ("Ólafur is my brother.", "Olafur is my brother."),
    ],
)
def test_accented_names_give_the_same_facts_as_plain_ones(accented: str, plain: str) -> None:
    fold = str.maketrans("ëüŁÓ", "euLO")
    found = _facts(accented)
    assert found, accented
    assert {(e.translate(fold), s.translate(fold)) for e, s in found} == _facts(plain)


def _fact(summary: str) -> SemanticMemory:
    return SemanticMemory(
        id=fact_id("u", "Ines", summary), user_id="u", name="Ines", summary=summary,
        occurred_at=AT, valid_from=AT, source_ids=["m1"],
    )  # fmt: skip


def test_a_role_held_by_an_accented_name_has_an_earlier_value() -> None:
    earlier = previous_value(_fact("landlord is Ørjan Dahl"), _fact("landlord is Per Holm"))
    assert earlier is not None and earlier.summary == "landlord used to be Ørjan Dahl"


def test_topic_words_keep_accented_letters() -> None:
    assert THREAD_WORD.findall("crêpes in Málaga") == ["crêpes", "in", "Málaga"]


def test_a_value_named_with_accents_is_kept_whole() -> None:
    assert value_items("My grandmother's crème brûlée means the world to me.") == [
        "my grandmother's crème brûlée"
    ]
