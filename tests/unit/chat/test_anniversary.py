"""The year of a wedding reckoned from an anniversary or a length of marriage (invented
text; each case failed before the rule)."""

from __future__ import annotations

from datetime import UTC, datetime

from mirix_py._chat.answer import answer_offline
from mirix_py._chat.compose import build_context
from mirix_py._chat.cues import read_question
from mirix_py._chat.models import Hit
from tests.unit.chat.helpers import episode, hit


def _said(text: str, year: int, month: int, day: int, score: float) -> Hit:
    record = episode(text, actor="Ilse", session=f"s{year}-{month}-{day}")
    record = record.model_copy(update={"occurred_at": datetime(year, month, day, tzinfo=UTC)})
    return hit(record, score, vector=0.6)


def _answer(question: str, *hits: Hit) -> str:
    pack = build_context([], list(hits), budget_tokens=1000)
    return answer_offline(read_question(question), pack, min_evidence=0.2).text


_QUESTION = "In what year did Ilse and Joop get married?"


def test_anniversary_on_a_named_day_counts_back_from_that_day() -> None:
    said = _said(
        "Joop and I want a quiet weekend away for our 30th wedding anniversary, on the 2nd of"
        " January. Somewhere with a spa.",
        2025,
        12,
        10,
        1.5,
    )
    assert _answer(_QUESTION, said).startswith("1996")  # 2 January 2026 is the nearest one


def test_anniversary_without_a_day_counts_back_from_when_said() -> None:
    said = _said("we celebrated our twelfth anniversary with a picnic", 2024, 8, 1, 1.5)
    assert _answer(_QUESTION, said).startswith("2012")


def test_years_married_counts_back_from_when_said() -> None:
    said = _said("Joop and I have been married 25 years and he still snores", 2023, 3, 5, 1.5)
    assert _answer(_QUESTION, said).startswith("1998")


def test_anniversary_of_something_else_is_no_wedding() -> None:
    said = _said(
        "the bakery's 10th anniversary of opening is in May, Joop and I will bake", 2024, 4, 1, 1.5
    )
    assert not _answer(_QUESTION, said).startswith("2014")
