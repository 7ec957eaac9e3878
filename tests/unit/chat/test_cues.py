"""Question cues and text helpers."""

from __future__ import annotations

import pytest

from mirix_py._chat.cues import (
    asks_for_several,
    content_stems,
    has_time_expression,
    read_question,
    sentences,
    stem,
    stem_share,
)


@pytest.mark.parametrize(
    ("question", "label"),
    [
        ("When did Caroline go to the support group?", "when"),
        ("What date is the concert?", "when"),
        ("How do I reset the router?", "howto"),
        ("What are the steps to renew my passport?", "howto"),
        ("What is my wifi password?", "secret"),
        ("What's the API key for the staging server?", "secret"),
        ("Which document did I share about taxes?", "resource"),
        ("Where does Maya live now?", "recent"),
    ],
)
def test_question_labels(question: str, label: str) -> None:
    assert label in read_question(question).labels


def test_plain_questions_have_no_type_cues() -> None:
    cues = read_question("What did Melanie paint?")
    assert not (cues.is_when or cues.is_howto or cues.asks_secret)
    assert cues.names == ("Melanie",)


@pytest.mark.parametrize(
    ("question", "is_when"),
    [
        ("Which day was my yoga class on before I moved it?", True),
        ("What time does the market open?", True),
        ("Which year?", True),
        ("Which day trip did you recommend from Lyon?", False),
        ("What time zone did you say the meeting is in?", False),
        ("When hanging the shelves, which screws did the installer say to use?", False),
        ("When baking bread at altitude, what should Omar change first?", False),
        ("When did Ilse move, and to which town?", True),
        ("When is the recital?", True),
        # a plural "dates" and a leading "for/by which date" still ask when
        ("On which dates was Tomasz at the book fair in Leipzig?", True),
        ("On which days does Tomasz open the stall?", False),
        ("For which date was the kiln firing first booked?", True),
        ("By what date does Ana have to file the claim?", True),
    ],
)
def test_a_day_or_time_word_asks_when_only_as_the_thing_asked(question: str, is_when: bool) -> None:
    assert read_question(question).is_when is is_when


def test_names_and_keywords() -> None:
    cues = read_question("What did Caroline's sister Maya bring to the LGBTQ parade?")
    assert cues.names == ("Caroline", "Maya", "LGBTQ")
    assert "what" not in cues.keywords and "sister" in cues.keywords
    assert "bring" in cues.keyword_query


def test_question_words_are_not_names() -> None:
    assert read_question("When did she leave?").names == ()
    assert read_question("Did they tell him about it?").names == ()
    # the asker is named as the unnamed user is stored: "User" (see .person)
    assert read_question("Did I tell you about it?").names == ("User",)


def test_stemming_matches_inflections() -> None:
    assert set(content_stems("hiking hikes")) == {"hike"}
    assert "the" not in content_stems("the dog")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I went there yesterday", True),
        ("We met two weeks ago", True),
        ("It was on 7 May 2023", True),
        ("Last summer was hot", True),
        ("I like painting landscapes", False),
    ],
)
def test_time_expressions(text: str, expected: bool) -> None:
    assert has_time_expression(text) is expected


def test_sentence_split() -> None:
    assert sentences("Hi! I moved. It is great?") == ["Hi!", "I moved.", "It is great?"]
    assert sentences("no punctuation") == ["no punctuation"]


@pytest.mark.parametrize(
    "question",
    [
        "What books has Priya read?",
        "Which cities have Tomas and Lea visited?",
        "What European countries has Priya been to?",
        "What are some hobbies Tomas picked up?",
        "How many times has Lea moved house?",
        "What do Tomas and Lea both enjoy?",
        "What do Priya and Lea have in common?",
        "What kinds of music does Tomas like?",
        "What are the names of Lea's cats?",
        "What people has Priya met at the club?",
    ],
)
def test_questions_asking_for_several_things(question: str) -> None:
    assert asks_for_several(question)
    assert "several" in read_question(question).labels


@pytest.mark.parametrize(
    "question",
    [
        "What book did Priya read last week?",
        "What does Tomas do for a living?",
        "What is Lea's favourite dish?",
        "Which city did Tomas move to?",
        "What kind of dog does Priya have?",
        "What has Lea painted recently?",
        "Where does Priya live?",
        "What was the class about?",
    ],
)
def test_questions_asking_for_one_thing(question: str) -> None:
    assert not asks_for_several(question)


def test_an_irregular_past_shares_the_stem_of_its_verb() -> None:
    topic = frozenset({stem("teach"), stem("school")})  # "subject" is an aspect: 1.0 here
    assert stem_share(topic, "Oskar taught chemistry for years") == 0.5
    assert stem_share(frozenset({stem("bought")}), "I will buy a kettle") == 1.0
    assert stem_share(frozenset({stem("go"), stem("concert")}), "we went hiking") == 0.0
