"""What a person studies, from the degree or course they name (invented text; each case
failed before the rule)."""

from __future__ import annotations

from datetime import UTC, datetime

from mirix_py._chat.answer import answer_offline
from mirix_py._chat.compose import build_context
from mirix_py._chat.cues import read_question
from mirix_py._chat.models import Hit
from tests.unit.chat.helpers import episode, hit


def _said(text: str, actor: str, score: float, vector: float = 0.3) -> Hit:
    record = episode(text, actor=actor, session=f"s{score}")
    record = record.model_copy(update={"occurred_at": datetime(2025, 9, 4, tzinfo=UTC)})
    return hit(record, score, vector=vector)


def _answer(question: str, *hits: Hit) -> str:
    pack = build_context([], list(hits), budget_tokens=1000)
    return answer_offline(read_question(question), pack, min_evidence=0.2).text


def test_field_after_a_degree_word_answers() -> None:
    hits = (
        _said("If you only study part-time, the grant is smaller.", "assistant", 2.0, 0.7),
        _said("moved to leiden last week, starting an MA art history at the uni", "Lotte", 1.0),
    )
    assert _answer("What is Lotte studying?", *hits) == "art history"


def test_studies_as_a_noun_is_no_course() -> None:
    hits = (_said("studies show that sleep helps memory, so I nap", "Lotte", 1.0),)
    assert _answer("What is Lotte studying?", *hits) != "show that sleep helps memory"


def test_the_assistants_suggestion_is_not_what_she_studies() -> None:
    hits = (_said("You could do a degree in nursing at the college.", "assistant", 1.0),)
    assert _answer("What does Lotte study?", *hits) != "nursing"
