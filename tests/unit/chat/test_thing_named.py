"""Abstaining on the name of a thing that is never named (invented text)."""

from __future__ import annotations

import pytest

from mirix_py._chat.draft import NOT_MENTIONED
from mirix_py._chat.thing_named import asked_thing, thing_unnamed

from .helpers import answer_text, said

_CAFE = "What is the name of the café where Ines works?"


@pytest.mark.parametrize(
    ("question", "thing"),
    [
        (_CAFE, "café"),
        ("What was the name of the Lisbon shop that fixed Tom's bike?", "shop"),
        ("What's the name of the old bakery on Elm Street?", "bakery"),
        ("What is the name of the brother of Ines?", None),
        ("What is the name of the dog that Ines adopted?", None),
        ("What is the name of the pup that was adopted by Ines?", None),
        ("What is the name of the card game Ines taught us?", "game"),
        ("What is the name of Ines's café?", None),
        ("Where is the café where Ines works?", None),
    ],
)
def test_asked_thing(question: str, thing: str | None) -> None:
    assert asked_thing(question) == thing


def test_a_place_named_beside_another_thing_names_no_cafe() -> None:
    texts = ["Ines finally moved to Porto, she works at a café now and loves it."]
    assert thing_unnamed(_CAFE, texts)


def test_a_name_said_in_the_question_names_nothing() -> None:
    texts = ["I got the frame fixed, a shop in Lisbon did it, 80 euros all in."]
    assert thing_unnamed("What was the name of the Lisbon shop that fixed Tom's bike?", texts)


@pytest.mark.parametrize(
    "text",
    [
        "Ines works at the Blue Door café on weekdays.",
        "Ines started at café Aurora last week.",
        "Ines works at Aurora, a small café by the river.",
        "Ines found work in a café, Aurora, near the station.",
        "the café where Ines works is called Aurora",
    ],
)
def test_a_named_cafe_answers(text: str) -> None:
    assert not thing_unnamed(_CAFE, [text])


def test_a_thing_never_mentioned_is_left_to_other_rules() -> None:
    assert not thing_unnamed(_CAFE, ["Ines moved to Porto in March and loves the river."])


def test_a_weekday_beside_the_thing_names_nothing() -> None:
    assert thing_unnamed(_CAFE, ["Ines starts at the café Monday, she is so nervous."])


def test_the_answerer_abstains_rather_than_quote_the_town() -> None:
    hits = [
        said("Big news: Ines moved to Porto, she works at a café now.", 3, actor="Marta"),
        said("Ines and I walked along the river in Porto all afternoon.", 5, actor="Marta"),
    ]
    assert answer_text(_CAFE, *hits) == NOT_MENTIONED


def test_the_answerer_does_not_abstain_on_a_named_cafe() -> None:
    hits = [said("Big news: Ines moved to Porto, she works at café Aurora now.", 3, actor="Marta")]
    assert answer_text(_CAFE, *hits) != NOT_MENTIONED


def test_code_in_context_is_left_alone() -> None:
    question = "What is the name of the function in the cleaning script?"
    prose = "Run the function on the export before you plot anything."
    assert thing_unnamed(question, [prose])
    code = (
        "Here it is:\n```python\ndef drop_blank_rows(rows):\n    return [r for r in rows if r]\n```"
    )
    assert not thing_unnamed(question, [prose, code])


@pytest.mark.parametrize(
    ("text", "unnamed"),
    [
        ("Yesterday the café was packed, Ines ran all day.", True),
        ("The café is tiny but the cake is good.", True),
        ("Aurora is a café two streets from the station.", False),
    ],
)
def test_a_word_opening_the_clause_names_only_when_it_reads_as_a_name(
    text: str, unnamed: bool
) -> None:
    assert thing_unnamed(_CAFE, [text]) is unnamed
