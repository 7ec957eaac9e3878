"""A role holder that changes inside a turn ("the new coordinator is Ms Hester Quayle") is a
changeable fact: the present gets the new holder, "before" the old one, ``as_of`` the one
valid then; and an unnamed user asking where they are based gets their current home.
Invented wording."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from mirix_py._embeddings import CachedEmbeddings
from mirix_py._system import MemorySystem
from tests.conftest import make_config

USER = "ilse"
TURNS: list[tuple[datetime, str]] = [
    (
        datetime(2026, 3, 2, 18, 0, tzinfo=UTC),
        "Evening! I interpret for the courts, and my coordinator is Mr Anselm Kroll.",
    ),
    (
        datetime(2026, 3, 2, 18, 5, tzinfo=UTC),
        "Can you help me build a glossary of tenancy terms before April?",
    ),
    (
        datetime(2026, 5, 11, 9, 0, tzinfo=UTC),
        "News from the agency: Mr Kroll retired and the new coordinator is Ms Hester Quayle.",
    ),
    (datetime(2026, 5, 11, 9, 5, tzinfo=UTC), "Also I bought a new headset for remote hearings."),
]
NOW = datetime(2026, 6, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def ilse(
    tmp_path_factory: pytest.TempPathFactory, embeddings: CachedEmbeddings
) -> Iterator[MemorySystem]:
    system = MemorySystem(make_config(tmp_path_factory.mktemp("holder")), embeddings=embeddings)
    for k, (when, text) in enumerate(TURNS):
        message = {"id": f"m{k}", "role": "user", "name": "Ilse", "content": text}
        system.add([{**message, "timestamp": when}], user_id=USER)
    yield system
    system.close()


def _ask(system: MemorySystem, question: str, as_of: datetime | None = None) -> str:
    return system.chat(
        question, user_id=USER, interactive_update=False, now=None if as_of else NOW, as_of=as_of
    ).text


def test_the_new_holder_supersedes_the_old_with_history(ilse: MemorySystem) -> None:
    current = {
        str(getattr(r, "summary", "")): r
        for r in ilse.get_all(user_id=USER, memory_type="semantic", limit=100)
    }
    assert "coordinator is Ms Hester Quayle" in current
    assert "coordinator is Mr Anselm Kroll" not in current
    assert current["coordinator is Ms Hester Quayle"].source_ids == ["m2"]
    assert current["coordinator used to be Mr Anselm Kroll"].source_ids == ["m0"]


def test_the_present_gets_the_current_holder(ilse: MemorySystem) -> None:
    answer = _ask(ilse, "Who is my coordinator now?")
    assert "Hester Quayle" in answer and "Kroll" not in answer


def test_before_gets_the_older_holder(ilse: MemorySystem) -> None:
    answer = _ask(ilse, "Who was my coordinator before?")
    assert "Anselm Kroll" in answer and "Quayle" not in answer


def test_as_of_gets_the_holder_valid_then(ilse: MemorySystem) -> None:
    answer = _ask(ilse, "Who is my coordinator?", as_of=datetime(2026, 4, 1, tzinfo=UTC))
    assert "Anselm Kroll" in answer and "Quayle" not in answer


def test_an_unnamed_user_asking_where_they_are_based(
    tmp_path_factory: pytest.TempPathFactory, embeddings: CachedEmbeddings
) -> None:
    system = MemorySystem(make_config(tmp_path_factory.mktemp("based")), embeddings=embeddings)
    turns = [
        (datetime(2026, 2, 9, 8, 0, tzinfo=UTC), "Morning! I live in Aarhus and bake for a cafe."),
        (datetime(2026, 4, 20, 8, 0, tzinfo=UTC), "We moved from Aarhus to Odense last week!"),
    ]
    for k, (when, text) in enumerate(turns):
        message = {"id": f"b{k}", "role": "user", "content": text, "timestamp": when}
        system.add([message], user_id=USER)
    try:
        answer = system.chat("Where am I based?", user_id=USER, interactive_update=False, now=NOW)
        assert answer.text == "Odense"
    finally:
        system.close()
