"""Asked "which N does S V?", the sentence saying the verb with its object answers."""

from __future__ import annotations

from functools import partial

from mirix_py._chat.verb_object import says_object, verb_asked
from tests.unit.chat.helpers import answer_text, said

_said = partial(said, actor="Pim")


def test_the_verb_a_question_ends_with() -> None:
    assert verb_asked("Which instrument does Mia play?") == "play"
    assert verb_asked("what language is he learning?") == "learn"
    assert verb_asked("Which city does she live in?") is None
    assert verb_asked("How does she play?") is None


def test_a_span_says_the_verb_with_an_object() -> None:
    assert says_object("play", "she plays the cello in a quartet")
    assert says_object("learn", "learning welsh now, slowly")
    assert not says_object("play", "we played.")
    assert not says_object("play", "the game was slow tonight")


def test_the_object_answers_over_a_sentence_with_the_asked_noun() -> None:
    text = _answer(
        "Which podcast does Pim host?",
        _said(
            "hey, pim here, utrecht. i host kitchen table talks (weekly), and i work nights "
            "at a bakery so my sleep is a mess. can you help with a schedule that fits?",
            1,
            score=0.9,
        ),
        _said("mic is 48 kHz, podcast app wants mp3.", 5),
        _said("podcast stats look ok this month", 6),
    )
    assert "kitchen table talks" in text


_answer = answer_text
