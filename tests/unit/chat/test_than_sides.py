"""A difference asked as "… X than Y?": each side's value is the one told in that side's
words; currencies written as a letter before or a code after the number; a rate said once."""

from __future__ import annotations

from functools import partial

from mirix_py._chat.answer import answer_offline
from mirix_py._chat.compose import build_context
from mirix_py._chat.cues import read_question
from mirix_py._chat.difference import difference, quantities
from mirix_py._chat.evidence import topic_stems
from mirix_py._chat.models import Hit
from mirix_py._chat.relative_hop import names_people
from tests.unit.chat.helpers import NOW, said

_said = partial(said, actor="Kagiso")


def _difference(question: str, *hits: Hit) -> str | None:
    cues = read_question(question)
    refs = dict(enumerate(hits, start=1))
    found = difference(cues, refs, topic_stems(cues, list(hits)))
    return None if found is None else found.text


def test_a_currency_letter_before_the_number_is_read() -> None:
    (q,) = quantities("the welder quoted R12,400 for the gate", 1, frozenset({"gate"}))
    assert q.value == 12_400 and q.kind == "cur:R"


def test_a_currency_code_after_the_number_is_read() -> None:
    (q,) = quantities("the course is 450 AED a month", 1, frozenset({"cours"}))
    assert q.kind == "cur:AED" and q.per == "month"


def test_each_side_of_than_takes_the_value_told_in_its_words() -> None:
    text = _difference(
        "How much more did Kagiso pay for the steel gate with the motor than the quote for "
        "the wooden gate?",
        _said("two quotes: wooden gate R9,000, or a steel gate R14,000 fitted.", 1),
        _said("motor not included, another R3,500.", 1),
        _said("so we got the steel gate in the end, with the motor, R17,000 all in.", 9),
    )
    assert text is not None and text.startswith("R8,000")


def test_than_sides_in_lowercase_chat() -> None:
    text = _difference(
        "how much more does ana pay per class now than when she started?",
        _said("started pottery!! 20 USD a class, teacher is lovely", 1, actor="Ana"),
        _said("ugh classes now 26 USD from june", 30, actor="Ana"),
    )
    assert text is not None and text.startswith("6 USD")


def test_than_needs_words_on_both_sides() -> None:
    assert (
        _difference(
            "How much more than before does Kagiso earn?",
            _said("I earn R20,000 a month.", 1),
            _said("My sister earns R25,000, and rent is R6,000.", 2),
        )
        is None
    )


def test_an_amount_after_a_noun_names_no_person() -> None:
    assert not names_people("pump", ["repair the old pump R21,000 or a new one"])
    assert names_people("coach", ["my coach Sven said so"])


def test_a_comparison_through_an_old_thing_is_no_role_question() -> None:
    pack = build_context(
        [],
        [
            _said("two quotes: repair the old pump R8,000, or a new pump R15,000.", 1),
            _said("we took the new pump in the end, with the filter, R16,500 all in.", 9),
        ],
        budget_tokens=2000,
    )
    question = (
        "How much more did Kagiso pay for the new pump with the filter than the repair of "
        "the old pump?"
    )
    text = answer_offline(read_question(question), pack, min_evidence=0.2, now=NOW).text
    assert text.startswith("R8,500")
