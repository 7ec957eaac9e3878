"""A realistic three-session assistant conversation: facts that change, secrets, dates, steps.

Written for these tests (names, places and wording are made up); the offline
memory must answer about the present with current values, about the past with
earlier ones, keep secrets out of clear text, resolve year-less dates to the
occurrence the sentence means and recognise inline procedures.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from mirix_py._embeddings import CachedEmbeddings
from mirix_py._memory import MemoryType
from mirix_py._system import MemorySystem
from tests.conftest import make_config

USER = "noor"
API_KEY = "sk-live-9c2e71ab04"
COMBINATION = "7-19-42"

SESSIONS: list[tuple[datetime, list[tuple[str, str]]]] = [
    (
        datetime(2026, 9, 3, 18, 0, tzinfo=UTC),
        [
            ("Noor", "Hi! I live in Leeds and I work at Brightwell Analytics as a data engineer."),
            (
                "assistant",
                "Nice to meet you, Noor. Leeds has a great data community; tell me what you "
                "are working on and I will keep track of it.",
            ),
            ("Noor", "My manager is Imogen Hart, she is great at unblocking the team."),
            (
                "Noor",
                "Here is how we deploy the Harbor dashboard: 1) run make lint "
                "2) run make package 3) upload the bundle to staging",
            ),
            ("Noor", f"My staging API key for the Harbor dashboard: {API_KEY}"),
        ],
    ),
    (
        datetime(2026, 10, 6, 9, 30, tzinfo=UTC),
        [
            ("Noor", "Big change: we moved from Leeds to Bristol last week."),
            ("assistant", "Congratulations on the move! How is Bristol treating you?"),
            ("Noor", "Loving it. Also Callum Reyes is my new manager since the reorg."),
            ("Noor", "We booked a trip to Lisbon from December 3 to December 9."),
            ("Noor", "And I finally adopted a whippet! His name is Pepper."),
            ("Noor", f"Note to self: my bike lock combination is {COMBINATION}"),
        ],
    ),
    (
        datetime(2026, 11, 10, 20, 15, tzinfo=UTC),
        [
            (
                "Noor",
                "My sourdough method. Step 1: feed the starter the night before. Step 2: mix "
                "flour and water and rest it. Step 3: add the starter and salt. Step 4: fold "
                "the dough every half hour. Step 5: bake it in a hot dutch oven.",
            ),
            ("assistant", "That sounds like a solid routine. How long is the final bake?"),
            ("Noor", "No more late-night coffee for me, I switched to chamomile."),
        ],
    ),
]


def _messages(turns: list[tuple[str, str]], when: datetime, session: int) -> list[dict[str, Any]]:
    return [
        {
            "id": f"s{session}:{k}",
            "role": "assistant" if who == "assistant" else "user",
            "name": None if who == "assistant" else who,
            "content": text,
            "timestamp": when,
        }
        for k, (who, text) in enumerate(turns, 1)
    ]


@pytest.fixture(scope="module")
def noor(
    tmp_path_factory: pytest.TempPathFactory, embeddings: CachedEmbeddings
) -> Iterator[tuple[MemorySystem, Path]]:
    home = tmp_path_factory.mktemp("noor")
    system = MemorySystem(make_config(home), embeddings=embeddings)
    for index, (when, turns) in enumerate(SESSIONS, 1):
        system.add(_messages(turns, when, index), user_id=USER)
    yield system, home
    system.close()


def _ask(system: MemorySystem, question: str) -> str:
    return system.chat(question, user_id=USER, interactive_update=False).text


def test_present_questions_get_the_current_value(noor: tuple[MemorySystem, Path]) -> None:
    system, _ = noor
    assert "Bristol" in _ask(system, "Which city does Noor live in now?")
    manager = _ask(system, "Who is Noor's manager?")
    assert "Callum Reyes" in manager and "Imogen" not in manager


def test_before_questions_get_the_earlier_value(noor: tuple[MemorySystem, Path]) -> None:
    system, _ = noor
    answer = _ask(system, "Where did Noor live before?")
    assert "Leeds" in answer and "Bristol" not in answer
    # stated in separate sessions, not as one "from … to …" sentence
    answer = _ask(system, "Who was Noor's manager before?")
    assert "Imogen Hart" in answer and "Callum" not in answer


def test_changes_keep_history_and_as_of(noor: tuple[MemorySystem, Path]) -> None:
    system, _ = noor
    facts = system.get_all(
        user_id=USER, memory_type=MemoryType.SEMANTIC, include_superseded=True, limit=500
    )
    residence = {f.summary: f for f in facts if f.summary.startswith("lives in")}  # type: ignore[attr-defined]
    old, new = residence["lives in Leeds"], residence["lives in Bristol"]
    assert old.valid_to is not None and old.superseded_by == new.id and new.valid_to is None
    assert new.valid_from == SESSIONS[1][0]  # the time of the message, not of ingestion
    then = system.search(
        "where does Noor live",
        user_id=USER,
        memory_types=[MemoryType.SEMANTIC],
        as_of=datetime(2026, 9, 20, tzinfo=UTC),
    )
    summaries = [getattr(h.record, "summary", "") for h in then]
    assert "lives in Leeds" in summaries and "lives in Bristol" not in summaries


def test_chat_as_of_shows_the_core_block_as_it_read_then(
    noor: tuple[MemorySystem, Path],
) -> None:
    system, _ = noor
    now = system.chat("Who is Noor's manager?", user_id=USER, interactive_update=False)
    then = system.chat(
        "Who is Noor's manager?",
        user_id=USER,
        as_of=datetime(2026, 9, 20, tzinfo=UTC),
        interactive_update=False,
    )
    current_core = now.context.split("</core_memory>")[0]
    past_core = then.context.split("</core_memory>")[0]
    assert "lives in Bristol" in current_core and "Callum Reyes" in current_core
    assert "lives in Leeds" in past_core and "Imogen Hart" in past_core
    assert "Bristol" not in past_core and "Callum" not in past_core
    assert "Imogen Hart" in then.text and "Callum" not in then.text
    before_anything = system.chat(
        "Who is Noor's manager?",
        user_id=USER,
        as_of=datetime(2026, 9, 1, tzinfo=UTC),
        interactive_update=False,
    )
    assert "<core_memory>" not in before_anything.context


def test_dates_name_the_event_not_the_booking(noor: tuple[MemorySystem, Path]) -> None:
    system, _ = noor
    answer = _ask(system, "When is the trip to Lisbon?")
    assert "December 2026" in answer and "3" in answer


def test_names_are_answered_with_the_name(noor: tuple[MemorySystem, Path]) -> None:
    system, _ = noor
    assert _ask(system, "What is the name of Noor's whippet?") == "Pepper"


def test_steps_written_inline_are_procedures(noor: tuple[MemorySystem, Path]) -> None:
    system, _ = noor
    procedures = system.get_all(user_id=USER, memory_type=MemoryType.PROCEDURAL, limit=50)
    steps = {len(p.steps) for p in procedures}  # type: ignore[attr-defined]
    assert {3, 5} <= steps
    answer = _ask(system, "What are the steps for the sourdough?")
    assert "feed the starter" in answer and "dutch oven" in answer
    assert "make package" in _ask(system, "How do we deploy the Harbor dashboard?")


def test_secrets_are_never_in_clear(noor: tuple[MemorySystem, Path]) -> None:
    system, home = noor
    answer = _ask(system, "What is my bike lock combination?")
    assert (
        COMBINATION not in answer and "reveal_secrets=True" in answer
    )  # the Python caller's route
    revealed = system.chat(
        "What is my bike lock combination?",
        user_id=USER,
        reveal_secrets=True,
        interactive_update=False,
    ).text
    assert COMBINATION in revealed
    for path in home.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert API_KEY.encode() not in data, path
            assert COMBINATION.encode() not in data, path
