"""Asked what holds now, a statement marked as the current value wins over an earlier one."""

from __future__ import annotations

import pytest

from mirix_py._chat.answer import answer_offline
from mirix_py._chat.compose import ContextPack, build_context
from mirix_py._chat.cues import read_question
from mirix_py._chat.current_value import (
    MARKED_CURRENT,
    TAKES_EFFECT,
    asks_present,
    marked_part,
    with_marked_rest,
)
from mirix_py._chat.later_value import amount_unit
from mirix_py._chat.left_place import asks_home, left_place
from mirix_py._chat.models import Hit
from tests.unit.chat.helpers import episode, hit


def _pack(*hits: Hit) -> ContextPack:
    return build_context([], list(hits), budget_tokens=1000)


def _menu() -> ContextPack:
    return _pack(
        hit(
            episode(
                "The lamb curry costs 14 euros on the menu, a 250 g portion.",
                actor="Oona",
                day=2,
            ),
            1.0,
            vector=0.5,
        ),
        hit(
            episode(
                "Update: the lamb curry is 16 euros now, with the new spices.", actor="Oona", day=30
            ),
            1.0,
            vector=0.4,
        ),
    )


def test_a_price_marked_as_now_beats_an_earlier_one_worded_like_the_question() -> None:
    cues = read_question("How much does the lamb curry cost on Oona's menu now?")
    assert answer_offline(cues, _menu(), min_evidence=0.2).text.startswith("16")


def test_asked_about_before_the_earlier_price_still_answers() -> None:
    cues = read_question("How much did the lamb curry cost on Oona's menu before?")
    assert answer_offline(cues, _menu(), min_evidence=0.2).text.startswith("14")


def test_a_new_holder_of_a_role_beats_the_old_one_named_with_the_question_words() -> None:
    pack = _pack(
        hit(
            episode(
                "work thing: my team lead Oskar wants the billing module refactored by Friday.",
                actor="Rune",
                day=3,
            ),
            1.0,
            vector=0.5,
        ),
        hit(episode("Oskar went to Berlin btw. my new lead is Priya", actor="Rune", day=28), 1.0),
    )
    got = answer_offline(read_question("Who is Rune's team lead now?"), pack, min_evidence=0.2)
    assert "Priya" in got.text and "Oskar wants" not in got.text


def test_a_choice_answers_a_future_question_over_the_options_listed_before() -> None:
    pack = _pack(
        hit(
            episode(
                "Our son Teo is in his last year, got into Leeds (history) and Exeter (history).",
                actor="Mirela",
                day=5,
            ),
            1.0,
            vector=0.5,
        ),
        hit(episode("Teo picked Exeter. term starts in September", actor="Mirela", day=29), 1.0),
    )
    got = answer_offline(read_question("Which university will Teo attend?"), pack, min_evidence=0.2)
    assert got.text.startswith("Teo picked Exeter")


def test_a_current_value_of_another_thing_does_not_replace_one_marked_current() -> None:
    pack = _pack(
        hit(
            episode("beef is now 21 euros the kg from the new farm", actor="Oona", day=9),
            1.0,
            vector=0.5,
        ),
        hit(
            episode("Also: the beef stew is 18 euros now, bigger bowl.", actor="Oona", day=27), 1.0
        ),
    )
    cues = read_question("How much does Oona pay per kg of beef now?")
    assert answer_offline(cues, pack, min_evidence=0.2).text.startswith("21")


def test_a_change_said_in_one_clause_is_answered_with_the_new_value_after_it() -> None:
    pack = _pack(
        hit(episode("choir update. my choir director is mrs. halvorsen", actor="Joss", day=4), 1.0),
        hit(
            episode(
                "also choir director changed!! halvorsen retired to spain, now its mr. adeyemi. "
                "he wants more bach and longer rehearsals on thursdays",
                actor="Joss",
                day=26,
            ),
            1.0,
        ),
    )
    got = answer_offline(read_question("Who is Joss's choir director now?"), pack, min_evidence=0.2)
    assert "adeyemi" in got.text


@pytest.mark.parametrize(
    ("span", "marked"),
    [
        ("the gym fee is 45 now", True),
        ("my new coach is Ilona", True),
        ("they raised the monthly pass to 62 from 55", True),
        ("the rent went up to 1,100", True),
        ("we went with the second quote, Northside Roofing", True),
        ("Now the packing list please.", False),  # a request opening with "now"
        ("I will call you every Sunday from now on", False),
        ("the gym fee is 45 a month", False),
        ("the kombucha finally went to 6", True),
    ],
)
def test_what_marks_a_statement_as_the_current_value(span: str, marked: bool) -> None:
    assert (MARKED_CURRENT.search(span) is not None) is marked


@pytest.mark.parametrize(
    ("span", "marked"),
    [
        ("from October the pottery class is 30 pounds", True),
        ("the lesson is 25 euros starting next month", True),
        ("I lived in Kent from March to June", False),  # a period, no new value
        ("the pottery class is 30 pounds", False),
    ],
)
def test_what_marks_a_value_as_taking_effect(span: str, marked: bool) -> None:
    assert (TAKES_EFFECT.search(span) is not None) is marked


@pytest.mark.parametrize(
    ("question", "present"),
    [
        ("What is Ada's rent now?", True),
        ("Which school will Ben attend?", True),
        ("Who is Cleo's dentist?", True),
        ("What did Dan pick for dinner?", False),
        ("Who was Eva's first coach?", False),
        ("Which company installed the new roof?", False),
    ],
)
def test_which_questions_ask_about_the_present(question: str, present: bool) -> None:
    assert asks_present(question) is present


def test_the_rest_of_the_sentence_is_kept_only_when_it_marks_the_value() -> None:
    body = "the coach changed over the summer, now it's Ilona. we train on Tuesdays"
    assert with_marked_rest("the coach changed over the summer", body).startswith(
        "the coach changed over the summer, now it's Ilona"
    )
    plain = "the coach changed over the summer, we train on Tuesdays"
    assert with_marked_rest("the coach changed over the summer", plain) == (
        "the coach changed over the summer"
    )


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("we added 3 benches, so 11 now", "11 now"),
        ("the studio raised it again, 48 from April", "48 from April"),
        ("we have 12 members for 2027 now", "12 members for 2027 now"),
        ("the ferry fare went up to 9 from 7", "went up to 9 from 7"),
        ("the ferry fare is 7", "the ferry fare is 7"),
    ],
)
def test_the_part_holding_the_marked_value(text: str, part: str) -> None:
    assert marked_part(text) == part


def test_a_count_marked_now_is_read_after_the_change_it_names() -> None:
    pack = _pack(
        hit(
            episode("Our book club has 9 members and meets in the loft.", actor="Ines", day=3), 1.0
        ),
        hit(
            episode(
                "Good news for the book club: we took in 4 members, so 13 now.",
                actor="Ines",
                day=28,
            ),
            1.0,
        ),
    )
    got = answer_offline(
        read_question("How many members does Ines's book club have now?"), pack, min_evidence=0.2
    )
    assert got.text.startswith("13")


def test_a_price_taking_effect_from_a_month_is_the_current_one() -> None:
    pack = _pack(
        hit(
            episode(
                "The pottery class costs 24 pounds a session at the studio.", actor="Wen", day=3
            ),
            1.0,
            vector=0.5,
        ),
        hit(
            episode(
                "Studio news: from October the pottery class is 30 pounds.", actor="Wen", day=29
            ),
            1.0,
            vector=0.4,
        ),
    )
    got = answer_offline(
        read_question("How much does Wen's pottery class cost now?"), pack, min_evidence=0.2
    )
    assert got.text.startswith("30")


def test_a_later_amount_in_the_same_unit_beats_an_earlier_marked_one() -> None:
    pack = _pack(
        hit(
            episode(
                "Kiln news: I raised the raku bowls to 140 €, for new commissions.",
                actor="Tove",
                day=3,
            ),
            1.0,
            vector=0.5,
        ),
        hit(
            episode(
                "The fair went well and I took six commissions. So I raised the raku bowls again, "
                "165 € from June. Also a new table there costs 90 €.",
                actor="Tove",
                day=29,
            ),
            1.0,
            vector=0.3,
        ),
    )
    got = answer_offline(
        read_question("How much does Tove charge for a raku bowl commission now?"),
        pack,
        min_evidence=0.2,
    )
    assert got.text.startswith("165")


@pytest.mark.parametrize(
    ("value", "unit"),
    [("3.200 €", "euro"), ("3,400 euros", "euro"), ("16 seats", "seat"), ("35", "")],
)
def test_the_unit_of_an_amount(value: str, unit: str) -> None:
    assert amount_unit(value) == unit


def test_a_place_left_later_does_not_answer_where_someone_lives_now() -> None:
    first = "Hello! My name is Brann; I live in Dunmore, and I keep a print shop in Larch Bay."
    pack = _pack(
        hit(episode(first, actor="Brann", day=2), 1.0),
        hit(
            episode(
                "Big step: we are moving from Dunmore to Kestrel Hill next month.",
                actor="Brann",
                day=20,
            ),
            0.6,
        ),
        hit(
            episode("The move is done, Kestrel Hill is lovely and quiet.", actor="Brann", day=27),
            0.6,
        ),
    )
    got = answer_offline(read_question("Where does Brann live now?"), pack, min_evidence=0.2)
    assert got.text == "Kestrel Hill"


@pytest.mark.parametrize(
    ("text", "left"),
    [
        ("we moved from Dunmore to Kestrel Hill", True),
        ("I used to live in Dunmore", True),
        ("I live in Dunmore", False),
        ("we are moving from Larch Bay to Dunmore", False),  # Dunmore is where they go
    ],
)
def test_what_says_a_place_was_left(text: str, left: bool) -> None:
    assert left_place("Dunmore", text) is left


def test_only_where_someone_lives_follows_a_move() -> None:
    assert asks_home("Where does Brann live now?")
    assert not asks_home("In which town is Brann's print shop?")
