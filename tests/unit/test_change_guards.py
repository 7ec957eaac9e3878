"""Changes of state the offline rules must read right, and shapes they must not read as a
change, on invented sentences."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mirix_py._memory.facts import extract_facts
from tests.turns import make_turn

WHEN = datetime(2025, 9, 8, 9, tzinfo=UTC)


def _facts(text: str, speaker: str = "Tamsin") -> set[tuple[str, str]]:
    return {(f.entity, f.summary) for f in extract_facts([make_turn(text, speaker, WHEN)])}


@pytest.mark.parametrize(
    "text",
    [
        "I'm moving to Days next month, no more nights.",
        "We're moving to Nights from October.",
        "Moving to Weekends only after the course.",
        "I'm moving to day shifts in May.",
    ],
)
def test_a_new_shift_pattern_is_no_move(text: str) -> None:
    assert not {s for _, s in _facts(text) if s.startswith("lives in")}


@pytest.mark.parametrize("speaker", ["User", "Tamsin"])
@pytest.mark.parametrize(
    "text",
    [
        "I currently live in Galway with two flatmates.",
        "I now live in Galway, close to the harbour.",
        "I still live in Galway.",
    ],
)
def test_the_current_home_said_with_an_adverb(text: str, speaker: str) -> None:
    assert (speaker, "lives in Galway") in _facts(text, speaker)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Changes at the publisher: my new project manager is Frau Wiebke Sommer.",
            ("Tamsin", "project manager is Frau Wiebke Sommer"),
        ),
        ("The new coordinator is Ms Hester Quayle.", ("Tamsin", "coordinator is Ms Hester Quayle")),
        (
            "Good news, my new inspector is Herr Anselm Kroll.",
            ("Tamsin", "inspector is Herr Anselm Kroll"),
        ),
    ],
)
def test_a_new_role_holder_with_a_title(text: str, expected: tuple[str, str]) -> None:
    assert expected in _facts(text)


def test_a_move_of_the_speaker_and_their_partner() -> None:
    facts = _facts("Personal news: my wife and I are moving from Tórshavn to Klaksvík in May.")
    assert ("Tamsin", "lives in Klaksvík") in facts
    assert ("Tamsin", "used to live in Tórshavn") in facts
