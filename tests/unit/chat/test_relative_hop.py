"""Two-step questions through a relative clause (``relative_hop.py``)."""

from __future__ import annotations

from functools import partial

from mirix_py._chat.cues import read_question
from mirix_py._chat.models import Hit
from mirix_py._chat.relative_hop import (
    holder_name,
    names_people,
    relative_hop,
    role_question,
    with_holder,
)
from tests.unit.chat.helpers import answer_text, said

_said = partial(said, actor="Olga")


_answer = answer_text


def _hop(question: str, *hits: Hit) -> str | None:
    cues = read_question(question)
    found = relative_hop(cues.text, cues.names, list(hits))
    return None if found is None else found.question


def test_the_relative_clause_is_replaced_by_the_name_it_is_said_of() -> None:
    hits = (
        _said(
            "My grandson Casimir is turning 12 on the 3rd of August and he is mad about trains, "
            "he has a model railway in his room.",
            1,
        ),
        _said(
            "Casimir wants to help, he says he will paint the garden shed himself, he has "
            "decided he wants to be a painter now.",
            5,
        ),
        _said("The garden shed needs a new roof before the painting.", 6),
    )
    question = "How old is the grandchild who wants to paint the garden shed?"
    assert _hop(question, *hits) == "How old is Casimir?"
    assert "12" in _answer(question, *hits)


def test_the_attribute_is_answered_of_the_resolved_person_not_of_the_asker() -> None:
    hits = (
        _said("My colleague Philippa swims too.", 1),
        _said("Philippa persuaded me to sign up for a charity swim in Lake Bled on 4 July.", 2),
        _said(
            "I finished the charity swim in 1 hour 10 minutes! Philippa was much faster, "
            "48 minutes, wow.",
            9,
        ),
    )
    question = (
        "What was the finish time of the colleague who persuaded Olga to sign up for the "
        "charity swim?"
    )
    assert _hop(question, *hits) == "What was the finish time of Philippa?"
    text = _answer(question, *hits)
    assert "48 minutes" in text and "1 hour" not in text


def test_questions_without_a_resolvable_clause_are_left_alone() -> None:
    hits = (_said("Casimir says he will paint the garden shed himself this summer.", 5),)
    assert _hop("How old is Casimir?", *hits) is None  # no relative clause
    assert _hop("How old is the nephew who wants to bake bread?", *hits) is None  # not said
    # a clause said only of the asker (no other name in the sentence) resolves to nobody
    own = (_said("I want to paint the garden shed this summer.", 5),)
    assert _hop("How old is the nephew who wants to paint the garden shed?", *own) is None


def test_a_clause_said_of_the_unnamed_noun_resolves_to_nobody_else() -> None:
    # the sentence says the clause of "my nephew", who goes unnamed: "Zofia" opens another
    # clause of it, and is no nephew
    hits = (
        _said("Zofia is away, so my nephew painted the garden shed in one weekend.", 5),
        _said("Zofia came back on Sunday.", 6),
    )
    question = "What is the name of the nephew who painted the garden shed?"
    assert _hop(question, *hits) is None
    named = (_said("Zofia is away, so my nephew Bartek painted the garden shed.", 5),)
    assert _hop(question, *named) == "What is the name of Bartek?"


def test_a_timed_role_is_replaced_by_its_holder_before_the_attribute_is_asked() -> None:
    question = "What does Olga's current flatmate do for a living?"
    cues = read_question(question)
    role = role_question(cues.text)
    assert role is not None and role.holder_question == "Who is Olga's flatmate now?"
    assert with_holder(cues.text, role, "Odile") == "What does Odile do for a living?"
    names = cues.names
    assert holder_name("new flatmate from 1 March is Odile, so nice", role, names) == "Odile"
    assert holder_name("my flatmate Sunita said hi", role, names) == "Sunita"
    assert holder_name("Odile is my flatmate now", role, names) == "Odile"
    assert holder_name("she moved out in May", role, names) is None  # no name, only a month
    assert holder_name("Odile", role, names) == "Odile"  # a role fact's holder
    salary = role_question("From what date does Olga's new salary apply?")
    assert salary is not None  # a thing, not a person: no name is said of it
    said = "promoted to Head Chef, new salary 40k from 1 May"
    assert holder_name(said, salary, names) is None
    assert role_question("Who is Olga's current flatmate?") is None  # asks the holder itself
    former = role_question("Where did Olga's former flatmate move to?")
    assert former is not None and former.holder_question == "Who was Olga's former flatmate?"


def test_the_current_holder_answers_not_the_earlier_one() -> None:
    hits = (
        _said("my flatmate Ignatius is learning the bassoon, the walls are thin lol", 1),
        _said("Ignatius is an architect so he is never home before nine.", 2),
        _said(
            "big news: Ignatius got a job in Lisbon and moved out, new flatmate from 1 March "
            "is Wilhelmina, she seems nice",
            12,
        ),
        _said("Wilhelmina feeds the cat before her shift, she works as a paramedic downtown.", 25),
    )
    text = _answer("What does Olga's current flatmate do for a living?", *hits)
    assert "paramedic" in text and "architect" not in text


def test_only_a_noun_said_of_a_name_is_a_role_and_comparatives_are_not_times() -> None:
    texts = ["my flatmate Ignatius is learning the bassoon", "the new flat in May is bigger"]
    assert names_people("flatmate", texts)
    assert not names_people("flat", texts)  # "flat in May": a month, not a holder
    assert role_question("What is the name of Olga's older grandchild?") is None
    ex = role_question("Where does Olga's ex-coach work now?")
    assert ex is not None and ex.holder_question == "Who was Olga's ex-coach?"
    hits = (_said("Casimir says he will paint the garden shed himself this summer.", 5),)
    assert _hop("Who is the grandson that wants to paint the garden shed?", *hits) is None
