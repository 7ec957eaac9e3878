"""Spending the context budget: phatic sentences left out, phatic turns placed last."""

from __future__ import annotations

from mirix_py._chat.budget import condense, is_phatic, only_asks
from mirix_py._chat.compose import build_context
from mirix_py._chat.cues import read_question
from tests.unit.chat.helpers import episode, hit

NAMES = frozenset({"jon", "gina", "melanie"})


def test_condense_drops_greetings_thanks_and_cheering() -> None:
    text = "Hey Gina! Thanks so much! Lost my job as a banker yesterday. Go for it, Jon!"
    assert condense(text, NAMES) == "Lost my job as a banker yesterday."


def test_short_forms_of_a_speakers_name_count_as_the_name() -> None:
    assert condense("Hey Mel! Good to see you! I adopted a greyhound.", NAMES) == (
        "I adopted a greyhound."
    )
    # a lower-case word that merely starts a name is not a name
    assert condense("I love my new jon boat.", NAMES) == "I love my new jon boat."


def test_annotations_and_question_words_are_kept() -> None:
    assert condense("Wow! Nice. [shares a photo: a red kite]", NAMES) == (
        "Nice. [shares a photo: a red kite]"
    )
    question = read_question("What did Gina say was awesome?").stems
    assert condense("That's awesome!", NAMES, question) == "That's awesome!"
    assert is_phatic("That's awesome!", NAMES)
    assert not is_phatic("That's awesome!", NAMES, question)


def test_context_with_a_question_condenses_and_puts_phatic_turns_last() -> None:
    hits = [
        hit(episode("Go Jon! You got this!", actor="Gina", sequence=1), 3.0),
        hit(episode("Thanks! I opened my dance studio today.", actor="Jon", sequence=2), 2.0),
    ]
    plain = build_context([], hits, budget_tokens=1000)
    assert plain.refs[1].record["summary"].startswith("Go Jon")
    assert "Thanks! I opened" in plain.text
    focused = build_context(
        [], hits, budget_tokens=1000, question=read_question("What did Jon open?")
    )
    assert focused.refs[1].record["summary"].startswith("Thanks! I opened")
    assert "Jon: [1] I opened my dance studio today." in focused.text
    assert "Go Jon! You got this!" in focused.text  # room left: the phatic turn still fills it
    tight = build_context([], hits, budget_tokens=25, question=read_question("What did Jon open?"))
    assert "dance studio" in tight.text and "Go Jon" not in tight.text


def test_only_asks_is_a_turn_of_off_subject_questions() -> None:
    question = read_question("Where did Jon travel?").stems
    assert only_asks("Wow! What inspired it? Did you see that band?", NAMES, question)
    assert not only_asks("Did you travel to Rome?", NAMES, question)  # on the subject
    assert not only_asks("What inspired it? I love the colours.", NAMES, question)
    assert not only_asks("Thanks! Go Jon!", NAMES, question)  # wholly phatic: is_phatic's case


def test_a_lower_case_turn_stating_something_before_its_question_is_not_only_asking() -> None:
    question = read_question("How tall is Jon's sunflower now?").stems
    text = "big day lol. the yellow one is 2 m high already. what fertiliser should i use?"
    assert not only_asks(text, NAMES, question)
    assert only_asks("ok lol. what fertiliser should i use? any brand?", NAMES, question)
    lines = "Garden news:\n- the yellow one passed the fence\n- what fertiliser should i use?"
    assert not only_asks(lines, NAMES, question)


def test_a_lower_case_update_ending_in_a_question_is_shown_before_glue() -> None:
    update = "guess what, new flat in the old town. the yellow one is 2 m high. tips?"
    hits = [
        hit(episode(update, actor="Jon", sequence=1), 3.0),
        hit(episode("I repotted the basil and mint last week.", actor="Jon", sequence=2), 2.0),
    ]
    question = read_question("How tall is Jon's sunflower now?")
    focused = build_context([], hits, budget_tokens=1000, question=question)
    assert focused.refs[1].record["summary"].startswith("guess what")  # not with the glue


def test_a_turn_of_off_subject_questions_goes_after_the_informative_ones() -> None:
    hits = [
        hit(episode("Ooh, what did it look like?", actor="Gina", sequence=1), 3.0),
        hit(episode("I flew to Lisbon for the festival.", actor="Jon", sequence=2), 2.0),
    ]
    question = read_question("Where did Jon fly to?")
    focused = build_context([], hits, budget_tokens=1000, question=question)
    assert focused.refs[1].record["summary"].startswith("I flew to Lisbon")
    assert "what did it look like?" in focused.text  # room left: it still fills it
    tight = build_context([], hits, budget_tokens=30, question=question)
    assert "Lisbon" in tight.text and "look like" not in tight.text
