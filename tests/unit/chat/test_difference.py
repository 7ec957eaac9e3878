"""Comparison questions answered by the difference of two told values (``difference.py``)."""

from __future__ import annotations

from functools import partial

from mirix_py._chat.ages import ages, oldest_and_youngest
from mirix_py._chat.cues import read_question
from mirix_py._chat.difference import asks_difference, difference, quantities
from mirix_py._chat.evidence import topic_stems
from mirix_py._chat.models import Hit
from tests.unit.chat.helpers import answer_text, said

_said = partial(said, actor="Olga")


_answer = answer_text


def _difference(question: str, *hits: Hit) -> str | None:
    cues = read_question(question)
    refs = dict(enumerate(hits, start=1))
    found = difference(cues, refs, topic_stems(cues, list(hits)))
    return None if found is None else found.text


def test_comparison_questions_are_recognised_and_plain_value_questions_are_not() -> None:
    for question in (
        "How many fewer people can come to the party than first planned?",
        "How much cheaper was the tent Ravi bought than the one in the shop window?",
        "By how much did her pension go up?",
        "How many miles short of the goal did they walk?",
        "How much has the rent gone up since the spring?",
        "What is the difference between the two quotes?",
    ):
        assert asks_difference(question), question
    for question in (
        "How much is the rent?",
        "How many people came to the party?",
        "How much did I save each month before my raise?",  # "raise" is a noun here
        "How much did she spend after the fees went up?",  # the change is not what is asked
        "How much was the bonus that came with her raise?",
        "How many more days until the exam?",  # a count to a day (date arithmetic)
    ):
        assert not asks_difference(question), question


def test_a_counted_noun_takes_its_two_values_from_two_messages() -> None:
    text = _answer(
        "How many fewer people can come to Olga's garden party than first planned?",
        _said("Garden party planning: we invited 120 people, the caterer needs numbers.", 2),
        _said("Bad news for the garden party, the marquee is smaller, so only 95 people.", 9),
        _said("The caterer charges 14 euros a head.", 10),
    )
    assert text.startswith("25 people") and "120" in text and "95" in text


def test_the_asked_rate_picks_the_values_paid_per_that_period() -> None:
    text = _answer(
        "How much less per month does Olga pay for the gym since she switched?",
        _said("My gym costs €45/month and the sauna is extra.", 1),
        _said("I bought new running shoes for €120 at the gym shop.", 3),
        _said("Switched gyms! The new gym is €32 per month, closer to work too.", 8),
    )
    assert text.startswith("€13 per month") and "€45" in text and "€32" in text


def test_one_sentence_that_contrasts_two_values_answers_before_other_values() -> None:
    text = _answer(
        "How many miles short of the plan did Tomas hike on the ridge trip?",
        _said("On Saturdays I hike 5 miles around the lake.", 1, actor="Tomas"),
        _said("The ridge trip is planned: 25 miles over two days.", 2, actor="Tomas"),
        _said(
            "Back from the ridge trip, fog, so we hiked 18 miles rather than 25.", 6, actor="Tomas"
        ),
    )
    assert text.startswith("7 miles")


def test_thousands_and_a_clause_about_someone_else_are_read_right() -> None:
    text = _answer(
        "By how much did Priya's pay rise with the new contract?",
        _said(
            "We split bills by income: I earn 52k, she earns 61k, and we save 900.",
            2,
            actor="Priya",
        ),
        _said("Signed the new contract today! Salary 58,500, starting in March.", 7, actor="Priya"),
    )
    assert text.startswith("6,500") and "52k" in text and "58,500" in text


def test_the_assistants_values_count_only_when_the_question_asks_about_them() -> None:
    suggested = _said(
        "A good pick at that price is the Orion X tent, about $420.", 1, actor="assistant"
    )
    bought = _said("Went with the Lumen 5 tent in the end, it was $350 on sale.", 5, actor="Ravi")
    asked = "How much cheaper was the tent Ravi bought than the one the assistant suggested?"
    found = _difference(asked, suggested, bought)
    assert found is not None and found.startswith("$70")
    assert _difference("How much cheaper was the tent Ravi bought?", suggested, bought) is None


def test_no_difference_from_one_value_or_from_three() -> None:
    one = _said("The van hire is 80 pounds a day.", 1, actor="Ines")
    question = "How much more per day is the van hire than the car hire?"
    assert _difference(question, one) is None
    three = (
        _said("Quotes for the roof: Kowalski 4,200, Brandt 3,900 and Lund 5,100.", 2, actor="Ines"),
        one,
    )
    assert _difference("How much more is the dearest roof quote than another?", *three) is None


def test_a_plain_how_much_question_keeps_its_old_answer() -> None:
    hits = (
        _said("My rent is 900 a month.", 1, actor="Ines"),
        _said("The new flat's rent is 750 a month.", 5, actor="Ines"),
    )
    assert _difference("How much is Ines's rent?", *hits) is None
    assert "vs" not in _answer("How much is Ines's rent?", *hits)


def test_dates_times_years_ordinals_and_model_numbers_are_no_quantities() -> None:
    text = (
        "From 3 to 9 May we were away, the 14th is free, the train leaves at 7pm, "
        "the house is from 2019 and the laptop has an RTX 3070."
    )
    assert quantities(text, 1, frozenset()) == []
    values = {
        (q.value, q.kind, q.per)
        for q in quantities("It was A$560/wk and 64k a year.", 1, frozenset())
    }
    assert values == {(560.0, "cur:A$", "week"), (64000.0, "bare", "year")}


def test_ages_are_read_from_sentences_that_give_several_peoples_ages() -> None:
    told = ages(
        [
            "I'm Dora, 52, a baker. Our kids are Mila who is 11, Jonas who is 8 and Pia who is 3.",
            "My nephews Tim (14) and Ole (9) visited.",
        ]
    )
    assert told == {"Mila": 11, "Jonas": 8, "Pia": 3, "Tim": 14, "Ole": 9}


def test_the_eldest_and_youngest_are_compared_by_the_values_told_of_them() -> None:
    hits = (
        _said("Our kids are Mila who is 11, Jonas who is 8 and Pia who is 3.", 1, actor="Dora"),
        _said("Swim club fees per month: Mila €40, Jonas €32, Pia €25. Pricey!", 4, actor="Dora"),
    )
    question = "How much more per month is the swim club for Dora's eldest than for her youngest?"
    assert oldest_and_youngest(question, [h.record["summary"] for h in hits]) == ("Mila", "Pia")
    text = _answer(question, *hits)
    assert text.startswith("€15") and "€40" in text and "€25" in text


def test_from_one_value_to_another_in_one_sentence() -> None:
    text = _answer(
        "By how many kilos did Ben's weight drop this spring?",
        _said("Back in 2020 I weighed 91 kg.", 1, actor="Ben"),
        _said("Good spring: my weight went from 84 kg to 79 kg with the cycling.", 9, actor="Ben"),
    )
    assert text.startswith("5 kg") and "84" in text and "79" in text


def test_the_name_of_the_older_or_youngest_relative_of_a_group_told_with_ages() -> None:
    hits = (
        _said("My kids are Mila who is 11 and Jonas who is 8.", 1, actor="Dora"),
        _said("The grandchildren visit often: Arvid who is 6 and Lene who is 2.", 3, actor="Dora"),
    )
    assert _answer("What is the name of Dora's older grandchild?", *hits) == "Arvid"
    assert _answer("Who is Dora's youngest grandchild?", *hits) == "Lene"
    assert _answer("What is the name of Dora's younger kid?", *hits) == "Jonas"
    assert _answer("Who helped Dora when she was younger and poor?", *hits) != "Arvid"
