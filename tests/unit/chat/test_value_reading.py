"""Reading one value out of a chatty message: titles that are no sentence end, numbers
written with separators or "k", a value told right by the thing asked about, a name given
after the thing it names, the preposition a place question asks with."""

from __future__ import annotations

from functools import partial

import pytest

from mirix_py._chat.answer_text import utterances
from mirix_py._chat.best_span import _clauses
from mirix_py._chat.cues import sentences
from mirix_py._chat.spans import anchored, place_cue, typed_span
from tests.unit.chat.helpers import answer_text, said

_said = partial(said, actor="Ilse")


_answer = answer_text


@pytest.mark.parametrize(
    "text",
    [
        "My new landlord is Mr. Okafor. He seems fine.",
        "the vet is dr. Lindqvist. she is nice",
        "We stayed at St. Ives with Prof. Haruki Endo. Then home.",
    ],
)
def test_a_title_ends_no_sentence(text: str) -> None:
    for first in (sentences(text)[0], utterances(text)[0]):
        assert first.count(".") >= 2  # the title's stop and the sentence's own


def test_a_full_stop_after_a_word_still_ends_the_sentence() -> None:
    assert sentences("I saw the doctor. Then lunch.") == ["I saw the doctor.", "Then lunch."]


def test_a_person_after_a_title_is_the_answer() -> None:
    text = _answer(
        "Who is Ilse's new dentist?",
        _said("ugh teeth again. my new dentist is Dr. Wojcik, very gentle.", 3),
        _said("I walked the dog for an hour today.", 4),
    )
    assert "Wojcik" in text


def test_a_number_with_separators_is_one_clause() -> None:
    assert _clauses("paid the deposit 4,500,000 won yesterday for the hall") == [
        "paid the deposit 4,500,000 won yesterday for the hall"
    ]
    assert _clauses("finished in 2:41:09 at the half, my new best") == [
        "finished in 2:41:09 at the half",
        "my new best",
    ]


@pytest.mark.parametrize(
    ("text", "question", "expected"),
    [
        ("stream went ok, 3.4k people watched, chat loved it", "How many people watched?", "3.4k"),
        ("finished in 1:12:40, about 40 runners", "How many runners were there?", "40 runners"),
        ("deposit 750,000 won paid, rest in May", "How much was the deposit?", "750,000 won"),
        ("lessons are 90 CHF a week, and I bought the violin for 1,200 CHF",
         "How much did she pay for the violin?", "1,200 CHF"),
    ],
)  # fmt: skip
def test_numbers_as_chat_writes_them(text: str, question: str, expected: str) -> None:
    found = typed_span("quantity", text, question)
    assert found is not None and found.startswith(expected)


def test_a_count_of_something_else_is_no_price() -> None:
    text = "For 80 guests ask each hall about the rain plan and the deposit rules."
    assert typed_span("quantity", text, "How much was the deposit for the hall?") is None


def test_a_date_is_no_amount() -> None:
    text = "the party is on 18 October, budget around 2,000"
    assert typed_span("quantity", text, "How much is the budget for the party?") == "2,000"


def test_a_value_next_to_the_asked_word_is_anchored() -> None:
    topic = frozenset({"deposit"})
    assert anchored("750,000 won", "we booked the hall!! deposit 750,000 won paid.", topic)
    assert not anchored("300 guests", "deposit moved. and we have 300 guests now", topic)
    assert anchored("26 kids", "26 kids on the list", frozenset({"kid"}), counted=True)
    assert not anchored("300", "saving for a bike, I have 300 now", frozenset({"bike"}))


def test_money_saved_towards_a_thing_is_not_what_it_cost() -> None:
    text = _answer(
        "How much did Ilse's bike cost?",
        _said("Also I am saving for a bike, I have EUR 300 now.", 2),
        _said("Bike update: I bought it! Gazelle city bike, EUR 900 at the shop downtown.", 9),
    )
    assert "900" in text


def test_the_value_told_of_the_asked_thing_beats_a_closer_worded_one() -> None:
    text = _answer(
        "How much was the deposit for Ilse's wedding venue?",
        _said(
            "For 120 guests in May, ask each venue about parking, catering and the deposit "
            "rules before you sign the wedding contract.",
            2,
            actor="Assistant",
            score=1.0,
        ),
        _said("we booked the lake venue!! deposit 900 EUR paid, so happy", 5, score=0.6),
    )
    assert text.startswith("900 EUR")


@pytest.mark.parametrize(
    ("text", "question", "expected"),
    [
        ("I run a little bakery, Sourdough Sisters, with my sister.",
         "What is the name of her bakery?", "Sourdough Sisters"),
        ("our boat is Kestrel and my dog is called Pip", "What is the name of her dog?", "Pip"),
        ("we close the studio on Mondays now. the studio: Blue Heron Yoga",
         "What is the name of the studio?", "Blue Heron Yoga"),
    ],
)  # fmt: skip
def test_a_name_after_the_thing_it_names(text: str, question: str, expected: str) -> None:
    assert typed_span("name", text, question) == expected


def test_a_weekday_is_no_name() -> None:
    assert typed_span("name", "the shop is closed on Sundays", "What is the shop called?") is None


def test_a_code_is_no_place() -> None:
    assert typed_span("where", "he should switch to F-6 soon", "Which city is he from?") is None


def test_a_stranded_preposition_is_the_place_cue() -> None:
    assert place_cue("Which city is Tomasz from?") == "from"
    assert place_cue("Which town did they move to?") == "to"
    assert place_cue("In which city is the fair?") == "in"
    assert place_cue("Which city does she like?") is None


def test_where_someone_is_from_is_the_place_after_from() -> None:
    text = _answer(
        "Which city in Brazil is Tiago from?",
        _said("my bf Tiago is from Recife in Brazil, he teaches surf here", 1, score=0.7),
        _said("Tiago starts at a brazilian coffee roaster in Harbour City next month", 9),
    )
    assert text == "Recife"


@pytest.mark.parametrize(
    "intro",
    [
        "hi! quick background: - Ilse, 34, ICU nurse at a clinic in Porto - nights mostly",
        "me: ilse, 34, bus driver in lisbon, 3 kids",
    ],
)
def test_a_job_in_a_profile_list_beats_a_job_the_assistant_names_in_general(intro: str) -> None:
    text = _answer(
        "What is Ilse's job?",
        _said(intro, 1, score=0.7),
        _said(
            "30 EUR a lesson is a normal price for a private teacher in town.",
            2,
            actor="Assistant",
        ),
    )
    assert text in ("ICU nurse", "bus driver")


def test_a_determiner_is_no_part_of_a_job() -> None:
    from mirix_py._chat.aspects import aspect_value, question_aspects

    asked = "What is Ilse's job?"
    assert (
        aspect_value(question_aspects(asked), "the nurse at the desk waved", question=asked) is None
    )


def test_a_place_beside_the_name_is_not_what_is_asked_of_him() -> None:
    text = _answer(
        "In which city did Tariq open his own place?",
        _said("My cook Tariq worked at a grill house in Leiden, great guy.", 1),
        _said("And Tariq left to open his own grill house, in Delft, happy for him.", 9),
    )
    assert text == "Delft"


def test_a_question_scoped_by_time_is_not_anchored_by_its_verb() -> None:
    text = _answer(
        "Which city will Ilse live in from March?",
        _said("I am Ilse, nurse, living in Graz.", 1),
        _said("We move to Linz on 3 March [3 March 2024].", 9),
    )
    assert text == "Linz"


_NEW_JOB = _said(
    "VISA DONE and Tomasz quit the bakery, he starts a new job at a portuguese tile importer "
    "in Harbour City on 1 august",
    20,
)
_INTRO = _said(
    "hi! ok so I'm Ines, 29, living in Lyon, and we got engaged!! my fiancé is Tomasz, he's "
    "from Braga in Portugal, repairs bikes here. wedding in october",
    2,
    score=0.7,
)


def test_a_city_after_from_beats_a_better_ranked_city_named_city() -> None:
    # "Harbour City" says the asked word and is in the better-ranked memory
    assert _answer("Which city is Tomasz from?", _NEW_JOB, _INTRO) == "Braga"


def test_a_city_question_without_from_keeps_the_other_city() -> None:
    assert _answer("Which city does Tomasz work in?", _NEW_JOB, _INTRO) == "Harbour City"


def test_from_said_of_another_person_does_not_answer() -> None:
    text = _answer(
        "Which city is Tomasz from?",
        _said("Tomasz grew up by the sea, he moved here in 2019 to Harbour City", 9),
        _said("my cousin Ana is from Coimbra, she visits in may", 3, score=0.6),
    )
    assert text != "Coimbra"


def test_the_place_in_the_asked_region_comes_first() -> None:
    text = _answer(
        "Which town in Portugal is Tomasz from?",
        _said("Tomasz flew in from Zurich on friday, tired", 12),
        _said("Tomasz is from Tavira in Portugal, near the coast", 4, score=0.6),
    )
    assert text == "Tavira"
