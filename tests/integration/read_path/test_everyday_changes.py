"""Everyday wording for changes, dates, lists and secrets, end to end through ``chat``.

A second made-up assistant conversation (see ``test_changing_facts.py`` for the
first): a move announced before it happens, an employer given in a
self-introduction, a manager with a title, a trip booked months ahead, a habit, a
numbered list, and secrets said in passing.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mirix_py._embeddings import CachedEmbeddings
from mirix_py._system import MemorySystem
from tests.conftest import make_config

USER = "sam"
WIFI = "pine-cone-4417"

SESSIONS: list[tuple[datetime, list[tuple[str, str]]]] = [
    (
        datetime(2026, 9, 2, 18, 0, tzinfo=UTC),
        [
            ("Sam", "Sam Ortiz, 38, product designer at Quillworks, based in Denver."),
            ("assistant", "Hi Sam! Happy to help with whatever you need."),
            ("Sam", "My manager is Dr. Aisha Bello, she runs the design org."),
            (
                "Sam",
                "release checklist for my side project: 1) run make build 2) run make test "
                "3) push the tag",
            ),
            ("Sam", "My partner Theo quizzes me on Spanish every Thursday."),
        ],
    ),
    (
        datetime(2026, 10, 14, 9, 30, tzinfo=UTC),
        [
            ("Sam", "so we're moving from Denver to Portland at the end of the month!"),
            ("assistant", "Big news! Portland is lovely in the autumn."),
            ("Sam", "We booked a trip to Kyoto from the 12th to the 19th of next month."),
            ("Sam", f"oh and the wifi password for the new place is {WIFI}"),
        ],
    ),
    (
        datetime(2026, 11, 3, 20, 15, tzinfo=UTC),
        [
            ("Sam", "Settled in Portland now. Theo loves the rain, weirdly."),
            ("Sam", "Also my new manager is Priya Raman since the reorg."),
        ],
    ),
]


@pytest.fixture(scope="module")
def sam(
    tmp_path_factory: pytest.TempPathFactory, embeddings: CachedEmbeddings
) -> Iterator[tuple[MemorySystem, Path]]:
    home = tmp_path_factory.mktemp("sam")
    system = MemorySystem(make_config(home), embeddings=embeddings)
    for index, (when, turns) in enumerate(SESSIONS, 1):
        messages = [
            {
                "id": f"s{index}:{k}",
                "role": "assistant" if who == "assistant" else "user",
                "name": None if who == "assistant" else who,
                "content": text,
                "timestamp": when,
            }
            for k, (who, text) in enumerate(turns, 1)
        ]
        system.add(messages, user_id=USER)
    yield system, home
    system.close()


def _ask(system: MemorySystem, question: str) -> str:
    now = datetime(2026, 11, 20, tzinfo=UTC)
    return system.chat(question, user_id=USER, interactive_update=False, now=now).text


def test_a_move_announced_ahead_is_the_current_city(sam: tuple[MemorySystem, Path]) -> None:
    system, _ = sam
    assert _ask(system, "Which city does Sam live in now?") == "Portland"


def test_the_employer_from_a_self_introduction(sam: tuple[MemorySystem, Path]) -> None:
    system, _ = sam
    assert "Quillworks" in _ask(system, "Which company does Sam work for?")


def test_the_current_manager_only(sam: tuple[MemorySystem, Path]) -> None:
    system, _ = sam
    answer = _ask(system, "Who is Sam's manager now?")
    assert "Priya Raman" in answer and "Bello" not in answer


def test_a_trip_date_is_the_trip_not_the_booking(sam: tuple[MemorySystem, Path]) -> None:
    system, _ = sam
    answer = _ask(system, "When is the Kyoto trip?")
    assert "12 to 19 November 2026" in answer and "October" not in answer


def test_a_habit_and_a_numbered_step(sam: tuple[MemorySystem, Path]) -> None:
    system, _ = sam
    assert "Thursday" in _ask(system, "When does Theo quiz Sam on Spanish?")
    assert "make test" in _ask(system, "What is the second step of the release checklist?")


def test_a_secret_said_in_passing_is_kept_out_of_clear(sam: tuple[MemorySystem, Path]) -> None:
    system, home = sam
    answer = _ask(system, "What is the wifi password for the new place?")
    assert WIFI not in answer and "reveal_secrets=True" in answer
    for path in home.rglob("*"):
        if path.is_file():
            assert WIFI.encode() not in path.read_bytes(), path
