"""Typed spans: what kind of answer a question wants, and finding it in a text."""

from __future__ import annotations

import pytest

from mirix_py.chat.spans import answer_kind, typed_span


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("What is the name of Dana's greyhound?", "name"),
        ("Which city does Sam live in now?", "where"),
        ("Which company does Ravi work for?", "where"),
        ("Which hospital does Grace work at?", "where"),
        ("How many kids does Ann have?", "quantity"),
        ("Who is Sam's manager?", "who"),
    ],
)
def test_answer_kind(question: str, kind: str) -> None:
    assert answer_kind(question) == kind


def test_an_organisation_is_read_like_a_place() -> None:
    question = "Which company does Priya work for?"
    text = "I work as a data engineer at Brightwater Analytics in Leeds."
    assert typed_span("where", text, question) == "Brightwater Analytics"
    assert typed_span("where", "we moved from Denver to Portland", "Where does Sam live?") == (
        "Portland"
    )
