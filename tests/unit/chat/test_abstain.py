"""Abstaining when the thing a value question asks about is nowhere in context."""

from __future__ import annotations

import pytest

from mirix_py._chat.abstain import (
    count_missing,
    missing_subject,
    possessed_stem,
    rate_missing,
    subject_stems,
)
from mirix_py._chat.answer import answer_offline
from mirix_py._chat.aspects import answered_aspects
from mirix_py._chat.compose import build_context
from mirix_py._chat.cues import read_question, stem
from mirix_py._chat.draft import NOT_MENTIONED
from tests.unit.chat.helpers import episode, hit


def test_subject_leaves_out_people_and_the_kind_of_answer() -> None:
    cues = read_question("What is the name of Dana's greyhound?")
    assert subject_stems(cues, {"dana"}) == frozenset({"greyhound"})
    assert not missing_subject(frozenset({"greyhound"}), ["I adopted a greyhound!"])
    assert missing_subject(frozenset({"partner"}), ["I adopted a greyhound!"])
    assert not missing_subject(frozenset(), ["anything"])
    # half of the subject in one memory is enough, unless the thing possessed is absent
    assert not missing_subject(frozenset({"drink", "allow"}), ["one drink at most"])
    assert missing_subject(frozenset({"room", "rent"}), ["my room"], possessed="rent")
    assert possessed_stem("What is the name of the twins' nursery teacher?") == "teacher"
    assert possessed_stem("How much does Ingrid charge per word?") is None
    # the question's own verb ends the run after the possessive, not the thing
    assert possessed_stem("How much did Ewa's wedding dress cost?") == "dress"
    assert possessed_stem("what did Raj's kayak cost") == "kayak"


def _answer(question: str, *texts: str) -> tuple[str, bool]:
    hits = [
        hit(episode(t, actor="Dana", sequence=i), 2.0 - i / 10, vector=0.6)
        for i, t in enumerate(texts)
    ]
    draft = answer_offline(
        read_question(question), build_context([], hits, budget_tokens=1000), min_evidence=0.35
    )
    return draft.text, draft.abstained


def test_a_value_question_about_something_never_mentioned_abstains() -> None:
    said = ("I finally adopted a greyhound! Her name is Juniper.", "My sister Ola visited.")
    assert _answer("What is the name of Dana's greyhound?", *said) == ("Juniper", False)
    assert _answer("What is the name of Dana's partner?", *said) == (NOT_MENTIONED, True)
    assert _answer("How much does Dana pay for rent?", *said) == (NOT_MENTIONED, True)


def test_an_attribute_of_a_person_never_mentioned_abstains() -> None:
    said = ("Started my new job at the Harbour Clinic today!", "the commute is short")
    got = _answer("What is Dana's salary at the Harbour Clinic?", *said)
    assert got == (NOT_MENTIONED, True)
    text, abstained = _answer("What is Dana's commute like?", *said)
    assert not abstained and "commute" in text
    said = ("promoted at work! my new job is head of logistics",)
    assert not _answer("What is Dana's job title now?", *said)[1]
    assert not _answer("What is Dana's attitude towards the new job?", *said)[1]


def test_a_measure_never_mentioned_abstains() -> None:
    said = ("We bought a flat in Ghent, 3 rooms, moving on 12 March.",)
    got = _answer("How much is the price of Dana's flat in Ghent?", *said)
    assert got == (NOT_MENTIONED, True)
    text, abstained = _answer("How many rooms does Dana's flat in Ghent have?", *said)
    assert not abstained and "3" in text


def test_a_rate_question_needs_a_number_per_that_unit() -> None:
    asked = "How much does Mo charge per page?"
    assert rate_missing(asked, ["I send one invoice per client, with page counts and my rate."])
    assert not rate_missing(asked, ["These days I charge 30 euros per page."])
    assert not rate_missing("How much does Mo earn an hour?", ["I make £18 an hour now"])
    assert not rate_missing("How much is a flat white?", ["no numbers here"])  # no unit asked


def test_a_rate_never_stated_is_not_mentioned() -> None:
    cues = read_question("How much does Ann charge per page?")
    record = episode("I send one invoice per client, with page counts and my rate.")
    pack = build_context([], [hit(record, vector=0.7)], budget_tokens=1000)
    assert answer_offline(cues, pack, min_evidence=0.2).text == NOT_MENTIONED


def test_a_breed_mentions_the_kind_of_animal_it_is() -> None:
    dog, cat = stem("dog"), stem("cat")
    text = "We finally brought home a whippet! She is called Clementine."
    assert answered_aspects({dog, stem("name")}, text) == {dog}
    assert not missing_subject(frozenset({dog}), [text])
    assert missing_subject(frozenset({cat}), [text])  # a dog's breed names no cat
    assert answered_aspects({cat}, "our ragdoll Mochi sleeps all day") == {cat}


def test_a_label_range_or_another_things_count_is_no_count() -> None:
    question = "How many chapters does Quill Harbour have?"
    texts = [
        "Invoice line: editing — Quill Harbour, chapters 1–6, the rate per chapter",
        "Salt Roads is done, all 22 chapters paid",
    ]
    assert count_missing(question, texts)


@pytest.mark.parametrize(
    "told",
    [
        "Quill Harbour has 30 chapters in the first draft",
        "Quill Harbour: a dozen short chapters so far",
        "Quill Harbour, chapters: 30",
    ],
)
def test_a_count_of_the_named_thing_is_a_count(told: str) -> None:
    question = "How many chapters does Quill Harbour have?"
    texts = ["Invoice line: editing — Quill Harbour, chapters 1–6", told]
    assert not count_missing(question, texts)


def test_a_count_question_naming_no_one_or_no_clause_is_left_alone() -> None:
    assert not count_missing("How many chapters do we have?", ["chapters 1–6 are edited"])
    assert not count_missing(
        "How many chapters does Quill Harbour have?", ["Quill Harbour is going to print"]
    )


def test_a_name_after_the_subject_is_no_owner_of_the_count() -> None:
    question = "How many trials did the assistant tell Oriel to run at least?"
    texts = ["Oriel asked how many trials", "run 40 independent trials, then average"]
    assert not count_missing(question, texts)


def test_a_speaker_counts_their_own_things_as_i() -> None:
    question = "How many gigs has Oriel booked this year?"
    texts = ["Oriel: gigs this year, tricky", "booked 19 gigs so far!"]
    assert count_missing(question, texts)
    assert not count_missing(question, texts, {"Oriel"})
