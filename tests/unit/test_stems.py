"""Every form of a word whose base ends in a doubled consonant meets one stem."""

from __future__ import annotations

import pytest

from mirix_py._text import stem
from tests.unit.chat.helpers import answer_text, said


@pytest.mark.parametrize(
    "forms",
    [
        ("add", "adds", "adding", "added"),
        ("stuff", "stuffed", "stuffing"),
        ("err", "erring", "erred"),
        ("stop", "stopped", "stopping"),
        ("fall", "falling"),  # l, s and z stay doubled, as Porter keeps them
        ("miss", "missing", "missed"),
    ],
)
def test_forms_meet(forms: tuple[str, ...]) -> None:
    assert len({stem(f) for f in forms}) == 1


def test_a_question_in_ing_finds_the_base_form() -> None:
    hits = [
        said("my dog Pip has a dull coat, any idea?", 3, actor="Ivo"),
        said("Add a spoon of pumpkin puree to her bowl every morning.", 3, actor="Vet Bot"),
        said("ok, will do", 3, actor="Ivo"),
    ]
    got = answer_text("What did the assistant suggest adding to Pip's bowl?", *hits)
    assert "pumpkin puree" in got
