"""Typed spans: what kind of answer a question wants, and finding it in a text."""

from __future__ import annotations

import pytest

from mirix_py._chat.spans import answer_kind, typed_span


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("What is the name of Dana's greyhound?", "name"),
        ("Which city does Sam live in now?", "where"),
        ("Which company does Ravi work for?", "where"),
        ("Which hospital does Grace work at?", "where"),
        ("How many kids does Ann have?", "quantity"),
        ("Who is Sam's manager?", "who"),
    ],
)
def test_answer_kind(question: str, kind: str) -> None:
    assert answer_kind(question) == kind


def test_an_organisation_is_read_like_a_place() -> None:
    question = "Which company does Priya work for?"
    text = "I work as a data engineer at Brightwater Analytics in Leeds."
    assert typed_span("where", text, question) == "Brightwater Analytics"
    assert typed_span("where", "we moved from Denver to Portland", "Where does Sam live?") == (
        "Portland"
    )


@pytest.mark.parametrize(
    ("question", "text", "expected"),
    [
        (
            "How many slides at most did the assistant recommend for the talk?",
            "A 30-minute talk with 20 slides at most.",
            "20 slides",
        ),
        (
            "How many minutes of light therapy did the assistant recommend?",
            "What helps: 1. **Light therapy lamp** — 10,000 lux for 20–30 minutes a day. 2. **Walk",
            "20–30 minutes",
        ),
        (
            "How much downtime does a 99.9% SLO allow in 28 days?",
            "A 99.9% SLO over 28 days allows about 40 minutes of full downtime.",
            "40 minutes",
        ),
        (
            "How long should the dough bulk ferment?",
            "Bulk ferment 4–5 hours at 24 °C.",
            "4–5 hours",
        ),
    ],
)
def test_quantities_take_the_number_the_question_counts(
    question: str, text: str, expected: str
) -> None:
    kind = answer_kind(question)
    assert kind in ("quantity", "duration")
    assert typed_span(kind, text, question) == expected


def test_a_name_does_not_run_on_into_the_next_sentence() -> None:
    text = "Congrats to Marisol. Let me know how it goes."
    assert typed_span("where", text, "Where did Ann go?") == "Marisol"
    assert typed_span("where", "Send it to St. Ives today", "Where to?") == "St. Ives"


def test_a_currency_code_is_no_place() -> None:
    text = "Good mixers cost around NOK 900 in Oslo."
    assert typed_span("where", text, "Where did Ann buy it?") == "Oslo"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("we go 2–3 times a week, and the ferry ticket is 14€ now", "14€"),
        ("the ferry ticket went up to R$ 38 from R$ 35", "38"),
        ("a return ferry ticket costs 9.50 euros, twice a day", "9.50 euros"),
        ("we go 2 times a week and pay £12 for the ferry ticket", "£12"),
        ("I took the ferry 3 times", None),
        ("from July the ferry ticket is 1.310 per month", "1.310 per month"),
        ("the ferry ticket is 60 zł, we go twice", "60 zł"),
    ],
)
def test_a_price_question_is_answered_by_money(text: str, expected: str | None) -> None:
    assert typed_span("quantity", text, "How much does the ferry ticket cost now?") == expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("How much were the flights?", "$350"),
        ("How much did the flights cost?", "$350"),
        ("How much did the hotel cost per night?", "€95"),
        ("How much was the hotel?", "€95"),
    ],
)
@pytest.mark.parametrize(
    "text",
    [
        "The hotel cost €95 a night and the flights were $350.",
        "I paid $350 for the flights and €95 a night for the hotel.",
    ],
)
def test_the_amount_said_of_the_thing_asked_keeps_its_sign(
    text: str, question: str, expected: str
) -> None:
    assert typed_span("quantity", text, question) == expected


def test_an_amount_keeps_a_sign_but_not_a_lettered_code_or_a_full_stop() -> None:
    asked = "How much is the boat hire?"
    assert typed_span("quantity", "the boat hire is $ 1,200.", asked) == "$ 1,200"
    assert typed_span("quantity", "boat hire went up to R$ 90", asked) == "90"


@pytest.mark.parametrize(
    "question",
    [
        "What are the deploy steps?",
        "What are my backup steps?",
        "What were Ravi's onboarding steps?",
    ],
)
def test_steps_named_by_what_they_are_for_ask_for_steps(question: str) -> None:
    assert answer_kind(question) == "steps"


def test_the_amount_that_counts_the_thing_asked_wins() -> None:
    text = "Fees: ~$9,400. Minus the $3,500 bursary that is ~$5,900 a year."
    assert typed_span("quantity", text, "How much is the bursary?") == "$3,500"


def test_a_name_the_question_says_is_no_answer_even_with_accents() -> None:
    text = "Ólöf met Ragna at the market."
    answer = typed_span("who", text, "Who did Ólöf meet at the market?", allow_initial=True)
    assert answer == "Ragna"
