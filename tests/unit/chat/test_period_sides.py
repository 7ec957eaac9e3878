"""A comparison "between <month> and <month>" takes the value told in each (``period_sides.py``).

All messages are invented, in several styles (terse, lower case with typos, non-native).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from mirix_py._chat.answer import answer_offline
from mirix_py._chat.compose import build_context
from mirix_py._chat.cues import read_question
from mirix_py._chat.models import Hit
from mirix_py._chat.period_sides import named_months
from mirix_py._memory import EpisodicMemory
from tests.unit.chat.helpers import hit

ASKED = datetime(2027, 7, 5, 9, tzinfo=UTC)


def _told(text: str, month: int, day: int, sequence: int = 0) -> Hit:
    """A message of Noor's said on ``day`` ``month`` 2027."""
    record = EpisodicMemory(
        user_id="u",
        actor="Noor",
        summary=text,
        session_id=f"s{month}",
        sequence=sequence,
        occurred_at=datetime(2027, month, day, 18, tzinfo=UTC),
    )
    return hit(record)


SWIMS = (
    _told("hi! Noor from Split. I swim open water, my 5k record is 1:21:40 right now.", 2, 3),
    _told("pacing calc works. avg lap is 1:38 lol, worst lap 1:52", 2, 3, 1),
    _told("new 5k record 1:19:02!! the cold water helped", 4, 11),
    _told("Update: new record again, 1:17:15 :) and I switched clubs, now at Jadran", 6, 20),
    _told("race in Zadar done, 1:18:44, no record but a medal", 7, 2),
)


def _answer(question: str) -> str:
    pack = build_context([], list(SWIMS), budget_tokens=2000)
    return answer_offline(read_question(question), pack, min_evidence=0.2, now=ASKED).text


@pytest.mark.parametrize(
    "question",
    [
        "By how much did Noor's 5k record improve between February and June?",
        "how much faster was noors 5k record in june than in feb",
    ],
)
def test_the_values_told_in_the_two_months_named_are_compared(question: str) -> None:
    assert _answer(question).startswith("4 minutes 25 seconds (4:25) (1:21:40 vs 1:17:15)")


def test_the_months_named_are_the_latest_ones_by_the_question() -> None:
    now = date(2027, 3, 9)
    assert named_months("How much did it grow between November and February?", now) == (
        date(2026, 11, 1),
        date(2027, 2, 1),
    )
    assert named_months("How much more was it in May 2025 than in June 2025?", now) == (
        date(2025, 5, 1),
        date(2025, 6, 1),
    )
    assert named_months("How much may it cost?", now) is None
    assert named_months("How much did it grow between the two visits?", now) is None
