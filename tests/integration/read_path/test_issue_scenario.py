"""Issue #17's three-session scenario, end to end, through Python and through the CLI.

A user (no speaker name, as ``mirix-py add``/``chat`` store them) moves from Denver to
Portland, changes manager, books a Kyoto trip in October for December, tells a staging
API key and a locker combination, an inline recipe and a numbered release checklist,
and adopts a greyhound. The questions are asked in the first person, as the user would.
The wording is invented for this test.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mirix_py._cli import main
from mirix_py._embeddings import CachedEmbeddings
from mirix_py._system import MemorySystem
from tests.conftest import make_config

USER = "sam"
API_KEY = "sk-test-9fKq27LmZpXw41Rt"
LOCKER = "31-07-22"
STEPS = "1) run make build 2) run make test 3) push the tag"

SESSIONS: list[tuple[datetime, list[str]]] = [
    (
        datetime(2026, 9, 14, 18, 0, tzinfo=UTC),
        [
            "Hi! I live in Denver and work as a data engineer.",
            "My manager is Rachel Kim.",
            f"The staging API key is {API_KEY}, and my gym locker combination is {LOCKER}.",
            "Here's my pancake recipe: mix 2 cups flour, 2 eggs and 1.5 cups milk, rest 10 "
            "minutes, then fry in butter.",
            f"To cut a release: {STEPS}",
        ],
    ),
    (
        datetime(2026, 10, 5, 9, 0, tzinfo=UTC),
        [
            "We moved from Denver to Portland last weekend!",
            "Also my new manager is Tomás Ortega, Rachel left the company.",
            "We booked a trip to Kyoto from December 12 to December 20.",
        ],
    ),
    (
        datetime(2026, 10, 20, 19, 0, tzinfo=UTC),
        ["I finally adopted a greyhound! Her name is Juniper."],
    ),
]
NOW = datetime(2026, 10, 25, tzinfo=UTC)

ANSWERS = [
    ("Which city do I live in now?", "Portland"),
    ("Where do I live?", "Portland"),
    ("When is my Kyoto trip?", "12 to 20 December 2026"),
    ("What is my greyhound's name?", "Juniper"),
    ("What is my dog's name?", "Juniper"),
    ("Where does Juniper live now?", "Portland"),
]


NAMED_ANSWERS = [
    *ANSWERS,
    ("Where am I based?", "Portland"),
    ("Which city does Sam live in now?", "Portland"),
    ("Where does Sam live?", "Portland"),
    ("Where is Sam based?", "Portland"),
    ("What is Sam's dog's name?", "Juniper"),
]
"""A host that knows the user passes their name on the messages: their statements are
stored under it, and "I" in a question must read as that person."""


def _messages(name: str | None = None) -> Iterator[dict[str, object]]:
    for index, (when, turns) in enumerate(SESSIONS, 1):
        for k, text in enumerate(turns, 1):
            message = {"id": f"s{index}:{k}", "role": "user", "content": text, "timestamp": when}
            yield {**message, "name": name} if name else message


@pytest.fixture(scope="module")
def sam(
    tmp_path_factory: pytest.TempPathFactory, embeddings: CachedEmbeddings
) -> Iterator[tuple[MemorySystem, Path]]:
    home = tmp_path_factory.mktemp("issue")
    system = MemorySystem(make_config(home), embeddings=embeddings)
    messages = list(_messages())
    for when, _ in SESSIONS:
        system.add([m for m in messages if m["timestamp"] == when], user_id=USER)
    yield system, home
    system.close()


@pytest.fixture(scope="module")
def named_sam(
    tmp_path_factory: pytest.TempPathFactory, embeddings: CachedEmbeddings
) -> Iterator[MemorySystem]:
    system = MemorySystem(make_config(tmp_path_factory.mktemp("named")), embeddings=embeddings)
    messages = list(_messages("Sam"))
    for when, _ in SESSIONS:
        system.add([m for m in messages if m["timestamp"] == when], user_id=USER)
    yield system
    system.close()


def _ask(system: MemorySystem, question: str) -> str:
    return system.chat(question, user_id=USER, interactive_update=False, now=NOW).text


@pytest.mark.parametrize(("question", "expected"), ANSWERS)
def test_the_issues_questions(sam: tuple[MemorySystem, Path], question: str, expected: str) -> None:
    assert _ask(sam[0], question) == expected


@pytest.mark.parametrize(("question", "expected"), NAMED_ANSWERS)
def test_a_named_user_asking_in_the_first_and_third_person(
    named_sam: MemorySystem, question: str, expected: str
) -> None:
    assert _ask(named_sam, question) == expected


def test_a_named_users_manager(named_sam: MemorySystem) -> None:
    answer = _ask(named_sam, "Who is my manager?")
    assert "Tomás Ortega" in answer and "Rachel" not in answer


def test_only_the_new_manager(sam: tuple[MemorySystem, Path]) -> None:
    answer = _ask(sam[0], "Who is my manager?")
    assert "Tomás Ortega" in answer and "Rachel" not in answer
    assert "Rachel Kim" in _ask(sam[0], "Who was my manager before?")


def test_the_steps_are_listed_once(sam: tuple[MemorySystem, Path]) -> None:
    for question in ("How do I cut a release?", "What are my release steps?"):
        answer = _ask(sam[0], question)
        assert STEPS in answer and answer.count("make test") == 1, answer
    assert "1.5 cups milk" in _ask(sam[0], "What is my pancake recipe?")


def test_secrets_stay_out_of_clear(sam: tuple[MemorySystem, Path]) -> None:
    system, home = sam
    for question in ("What is the staging API key?", "What is my locker combination?"):
        answer = _ask(system, question)
        assert API_KEY not in answer and LOCKER not in answer and "reveal_secrets=True" in answer
    for path in home.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert API_KEY.encode() not in data and LOCKER.encode() not in data, path


def test_the_cli_imports_the_sessions_and_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MIRIX_PY_HOME", str(tmp_path / "home"))
    transcript = tmp_path / "sam.jsonl"
    transcript.write_text(
        "\n".join(json.dumps(m, default=datetime.isoformat) for m in _messages()),
        encoding="utf-8",
    )
    assert main(["import", "--user", USER, str(transcript)]) == 0
    capsys.readouterr()
    for question, expected in [
        ("Which city do I live in now?", "Portland"),
        ("When is my Kyoto trip?", "12 to 20 December 2026"),
        ("What is my greyhound's name?", "Juniper"),
    ]:
        assert main(["chat", "--user", USER, "--json", question]) == 0
        assert json.loads(capsys.readouterr().out)["text"] == expected, question
    assert main(["chat", "--user", USER, "--json", "What is the staging API key?"]) == 0
    assert API_KEY not in capsys.readouterr().out


def test_a_move_leaves_no_current_fact_in_the_old_place(
    tmp_path: Path, embeddings: CachedEmbeddings
) -> None:
    """A longer first turn gives a statement besides the residence fact: the move must
    leave none of the current facts placing the user in the city they left."""
    system = MemorySystem(make_config(tmp_path), embeddings=embeddings)
    first = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    turns = [
        (first, "Hello there! I live in Tromsø and teach chemistry at the old harbour school."),
        (datetime(2026, 4, 6, 9, 0, tzinfo=UTC), "We moved from Tromsø to Bergen last weekend!"),
    ]
    for k, (when, text) in enumerate(turns, 1):
        message = {"id": f"m{k}", "role": "user", "name": "Priya", "content": text}
        system.add([{**message, "timestamp": when}], user_id=USER)
    current = [
        str(getattr(r, "summary", ""))
        for r in system.get_all(user_id=USER, memory_type="semantic", limit=1000)
    ]
    in_old_place = [s for s in current if "Tromsø" in s]
    assert in_old_place and all(
        s.startswith("used to live in") or s.startswith("places lived: Tromsø, Bergen")
        for s in in_old_place
    ), current
    assert "teaches chemistry at the old harbour school" in current
    assert system.chat("Where do I live?", user_id=USER, now=NOW).text == "Bergen"
    system.close()
