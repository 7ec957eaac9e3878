"""Chained and shared-aspect questions on a real store: the linked facts lead the context."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from mirix_py._embeddings import CachedEmbeddings
from mirix_py._system import MemorySystem
from tests.conftest import make_config

USER = "pair"

FACTS = [
    ("f1", "Odile", "Hi Bram! I have a whippet named Pepper, she is the fastest thing in Tallinn."),
    ("f2", "Bram", "I love kayaking and chess, and I play on Thursdays at the library club."),
    ("f3", "Odile", "I started chess this spring too, and I go kayaking on the bay most weekends."),
    (
        "f4",
        "Odile",
        "Big news: I moved from Tallinn to Tartu last week! Pepper loves the river path.",
    ),
]
FILLER = [
    "The weather turned grey again and the trams were late this morning.",
    "I finished a long report about quarterly budgets and spreadsheets.",
    "We argued about the best way to cook rice for a crowd.",
    "The neighbours are renovating and the drilling starts at eight.",
    "I read an article about the history of lighthouses on the coast.",
    "My laptop battery barely lasts an hour now, time for a new one.",
]


def _messages(turns: list[tuple[str, str, str]], when: datetime) -> list[dict[str, object]]:
    return [
        {"id": tid, "role": "user", "name": who, "content": text, "timestamp": when}
        for tid, who, text in turns
    ]


@pytest.fixture(scope="module")
def pair_system(
    tmp_path_factory: pytest.TempPathFactory, embeddings: CachedEmbeddings
) -> Iterator[MemorySystem]:
    """Two friends' sessions among sessions of unrelated talk."""
    system = MemorySystem(make_config(tmp_path_factory.mktemp("pair")), embeddings=embeddings)
    start = datetime(2024, 3, 1, 18, tzinfo=UTC)
    system.add(_messages(FACTS[:3], start), user_id=USER)
    for day in range(1, 9):
        turns = [
            (f"x{day}-{i}", "Bram" if i % 2 else "Odile", text) for i, text in enumerate(FILLER)
        ]
        system.add(_messages(turns, start + timedelta(days=day)), user_id=USER)
    system.add(_messages(FACTS[3:], start + timedelta(days=30)), user_id=USER)
    yield system
    system.close()


def test_a_pet_question_gets_the_owners_current_city(pair_system: MemorySystem) -> None:
    answer = pair_system.chat("Where does Pepper live now?", user_id=USER)
    assert answer.text == "Tartu"
    first = [m.text for m in answer.retrieved[:2]]
    assert any("lives in Tartu" in t for t in first)
    assert any("whippet named Pepper" in t for t in first)
    assert not any("lives in Tallinn" in m.text for m in answer.retrieved)


def test_a_shared_question_shows_both_sides_and_names_the_shared_items(
    pair_system: MemorySystem,
) -> None:
    answer = pair_system.chat("What do Odile and Bram have in common?", user_id=USER)
    assert "chess" in answer.text and "kayaking" in answer.text
    owners = [m.text.split(":")[0] for m in answer.retrieved[:4]]
    assert any("Odile" in o for o in owners) and any("Bram" in o for o in owners)


def test_a_former_role_holder_is_found_through_the_retired_holder_fact(
    tmp_path_factory: pytest.TempPathFactory, embeddings: CachedEmbeddings
) -> None:
    system = MemorySystem(make_config(tmp_path_factory.mktemp("roles")), embeddings=embeddings)
    start = datetime(2024, 3, 1, 18, tzinfo=UTC)
    say = [("r1", "Hugo", "Our tutor Ilse Varga lives in Ghent, she comes over on Mondays.")]
    system.add(_messages(say, start), user_id="roles")
    later = [
        ("r2", "Hugo", "Ilse Varga is moving back to Utrecht next month."),
        ("r3", "Hugo", "My tutor is Tomas Keller now, he lives in Leuven."),
    ]
    system.add(_messages(later, start + timedelta(days=20)), user_id="roles")
    try:
        former = system.chat("Which city is my former tutor moving to?", user_id="roles")
        assert "Utrecht" in former.text
        assert any("Ilse Varga: is Hugo's tutor" in m.text for m in former.retrieved[:3])
        now = system.chat("Which city does my tutor live in now?", user_id="roles")
        assert not any("Ilse Varga: is Hugo's tutor" in m.text for m in now.retrieved)
    finally:
        system.close()
