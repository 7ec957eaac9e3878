"""Questions that end in a preposition are answered by what follows it (invented text)."""

from __future__ import annotations

import pytest

from mirix_py._chat.answer import answer_offline
from mirix_py._chat.compose import build_context
from mirix_py._chat.cues import read_question
from mirix_py._chat.stranded import stranded_preposition
from tests.unit.chat.helpers import episode, hit


@pytest.mark.parametrize(
    ("question", "prep"),
    [
        ("What did the coach tell Ines to mix the chalk with?", "with"),
        ("Which firm did Oskar's old boss leave for?", "for"),
        ("What did Ines buy?", None),
        ("Where did Ines go?", None),
    ],
)
def test_the_final_preposition_of_a_question(question: str, prep: str | None) -> None:
    assert stranded_preposition(question) == prep


def _pack(*texts: str):  # type: ignore[no-untyped-def]
    hits = [hit(episode(t, actor="Coach", sequence=n), 2.0 - n / 10) for n, t in enumerate(texts)]
    return build_context([], hits, budget_tokens=1000)


def test_the_answer_is_what_follows_the_preposition_after_the_asked_verb() -> None:
    pack = _pack(
        "Two fixes for the chalk: 1. Mix it with a little rosin. 2. Store the chalk dry, "
        "in a sealed tub with the lid on.",
    )
    cues = read_question("What did the coach tell Ines to mix the chalk with?")
    assert answer_offline(cues, pack, min_evidence=0.2).text == "a little rosin"


def test_an_irregular_past_is_the_asked_verb() -> None:
    pack = _pack("Oskar's old boss left for a startup in Bergen, we hear.")
    cues = read_question("What did Oskar's old boss leave for?")
    assert answer_offline(cues, pack, min_evidence=0.2).text == "a startup in Bergen"
