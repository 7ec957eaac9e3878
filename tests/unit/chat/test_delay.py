"""How much a moved event moved: the gap between its old and new dates (invented text;
each case failed before the rule)."""

from __future__ import annotations

from datetime import UTC, datetime

from mirix_py._chat.answer import answer_offline
from mirix_py._chat.compose import build_context
from mirix_py._chat.cues import read_question
from mirix_py._chat.models import Hit
from tests.unit.chat.helpers import episode, hit


def _said(text: str, month: int, day: int, score: float) -> Hit:
    record = episode(text, actor="Tove", session=f"s{month}-{day}")
    record = record.model_copy(update={"occurred_at": datetime(2026, month, day, tzinfo=UTC)})
    return hit(record, score, vector=0.6)


def _answer(question: str, *hits: Hit) -> str:
    pack = build_context([], list(hits), budget_tokens=1000)
    return answer_offline(read_question(question), pack, min_evidence=0.2).text


_HABIT = "I used to walk two dogs a day for the shelter, now only one."
_PLAN = "Tove's hip operation has a date at last: the 3rd of June [3 June 2026]."
_MOVE = (
    "The hip operation was moved, the anaesthetist was away on the 3rd [3 June 2026], so it"
    " was done on the 10th [10 June 2026] instead. All well."
)


def test_how_many_days_later_than_planned_is_the_gap_of_the_move() -> None:
    hits = (_said(_HABIT, 6, 20, 2.0), _said(_PLAN, 5, 2, 1.6), _said(_MOVE, 6, 20, 1.2))
    question = "How many days later than first planned was Tove's hip operation?"
    assert _answer(question, *hits).startswith("7 days (3 June 2026 to 10 June 2026)")
    weeks = "By how many weeks was Tove's hip operation postponed?"
    assert _answer(weeks, *hits).startswith("1 week")


def test_no_move_sentence_leaves_the_question_to_the_other_rules() -> None:
    hits = (_said(_PLAN, 5, 2, 1.6),)
    question = "How many days later than first planned was Tove's hip operation?"
    assert "days (" not in _answer(question, *hits)
