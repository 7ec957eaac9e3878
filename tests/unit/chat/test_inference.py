"""Hypothetical and inferential questions: frame words dropped, a topic query added."""

from __future__ import annotations

import pytest

from mirix_py._chat.cues import read_question
from mirix_py._chat.inference import (
    inference_targets,
    is_inferential,
    topic_keywords,
    topic_query,
)
from mirix_py._chat.models import TargetQuery
from mirix_py._memory import MemoryType


@pytest.mark.parametrize(
    "question",
    [
        "Would Odile enjoy a jazz concert?",
        "Might Bram move to the coast?",
        "What might Bram's degree be in?",
        "Is it likely that Odile owns a kayak?",
        "Is Bram considered a careful driver?",
        "What kind of person is Odile?",
        "Which city would Bram probably pick?",
    ],
)
def test_guesses_are_inferential(question: str) -> None:
    assert is_inferential(question)


@pytest.mark.parametrize(
    "question",
    [
        "Where does Odile work?",
        "When did Bram move to the coast?",
        "What kind of bread did Odile bake?",
        "How many kayaks does Bram own?",
    ],
)
def test_plain_questions_are_not(question: str) -> None:
    assert not is_inferential(question)


def test_frame_words_leave_the_keywords() -> None:
    cues = read_question("Would Odile likely be considered a patient teacher?")
    assert "likely" not in cues.keywords
    assert "considered" not in cues.keywords
    assert {"odile", "patient", "teacher"} <= set(cues.keywords)


def test_plain_questions_keep_their_words() -> None:
    words = ("consider", "moving", "abroad")
    assert topic_keywords("Did Bram consider moving abroad?", words) == words


def test_a_question_of_frame_words_alone_keeps_them() -> None:
    assert topic_keywords("Is it likely?", ("likely",)) == ("likely",)


def test_topic_query_keeps_names_and_topic() -> None:
    question = "Would Odile likely enjoy a jazz concert?"
    assert topic_query(question, ("Odile",)) == "Odile enjoy jazz concert"
    assert topic_query("What might Bram's degree be in?", ("Bram",)) == "Bram degree"


def test_no_topic_query_for_plain_or_name_only_questions() -> None:
    assert topic_query("Where does Odile work?", ("Odile",)) == ""
    assert topic_query("Would Odile?", ("Odile",)) == ""


def test_targets_follow_episodic_and_semantic_stores() -> None:
    cues = read_question("Would Odile likely enjoy a jazz concert?")
    base = [
        TargetQuery(memory_type=MemoryType.EPISODIC, query=cues.text),
        TargetQuery(memory_type=MemoryType.SEMANTIC, query=cues.text),
        TargetQuery(memory_type=MemoryType.PROCEDURAL, query=cues.text),
    ]
    extra = inference_targets(cues.text, cues.names, base)
    assert [(t.memory_type, t.query) for t in extra] == [
        (MemoryType.EPISODIC, "Odile enjoy jazz concert"),
        (MemoryType.SEMANTIC, "Odile enjoy jazz concert"),
    ]
    assert inference_targets(cues.text, cues.names, [*base, *extra]) == []
