"""The year a thing was built, told as a modifier or in brackets (invented text; each
case failed before the rule)."""

from __future__ import annotations

from datetime import UTC, datetime

from mirix_py._chat.answer import answer_offline
from mirix_py._chat.compose import build_context
from mirix_py._chat.cues import read_question
from mirix_py._chat.models import Hit
from tests.unit.chat.helpers import episode, hit


def _said(text: str, score: float) -> Hit:
    record = episode(text, actor="Oskar", session="s1")
    record = record.model_copy(update={"occurred_at": datetime(2025, 5, 4, tzinfo=UTC)})
    return hit(record, score, vector=0.3)


def _answer(question: str, *hits: Hit) -> str:
    pack = build_context([], list(hits), budget_tokens=1000)
    return answer_offline(read_question(question), pack, min_evidence=0.2).text


_QUESTION = "In what year was Oskar's cabin built?"


def test_year_before_a_noun_is_the_age() -> None:
    said = _said(
        "Roof question: - cabin near Lillehammer, 1938 log house - moss on north side", 1.0
    )
    assert _answer(_QUESTION, said) == "1938"


def test_year_in_brackets_is_the_age() -> None:
    said = _said("the cabin (built 1902) needs new windows before winter", 1.0)
    assert _answer(_QUESTION, said) == "1902"


def test_year_of_a_date_is_no_age() -> None:
    said = _said("we bought the cabin on 3 May 2019 and painted it", 1.0)
    assert _answer(_QUESTION, said) != "2019"
