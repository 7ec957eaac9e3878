"""Asked what holds now: a value replaced by another, said in passing, on invented chats."""

from __future__ import annotations

import pytest

from mirix_py._chat.abstain import possessed_stem
from mirix_py._chat.answer import answer_offline
from mirix_py._chat.compose import ContextPack, build_context
from mirix_py._chat.cues import read_question
from mirix_py._chat.current_value import (
    MARKED_CURRENT,
    beyond_replaced,
    current_clause,
    marked_statement,
    replaced_stems,
)
from mirix_py._chat.models import Hit
from mirix_py._chat.spans import typed_span
from tests.unit.chat.helpers import episode, hit


def _pack(*hits: Hit) -> ContextPack:
    return build_context([], list(hits), budget_tokens=1000)


def _ask(question: str, pack: ContextPack) -> str:
    return answer_offline(read_question(question), pack, min_evidence=0.2).text


@pytest.mark.parametrize(
    "text",
    [
        "the NAS was too loud, so I migrated to a fanless mini box",
        "finally upgraded to a 27-inch monitor",
        "I swapped the kettle for a moka pot",
        "we've gone back to film for the wedding shots",
        "she switched over to the night shift",
        "I replaced the old bike with a cargo bike",
    ],
)
def test_a_thing_replaced_by_another_is_marked_current(text: str) -> None:
    assert MARKED_CURRENT.search(text)


def test_a_later_change_that_names_the_earlier_value_wins() -> None:
    pack = _pack(
        hit(
            episode(
                "I run my little home blog on an old ThinkPad under the desk, with Caddy in front.",
                actor="Oren",
                day=2,
            ),
            1.0,
            vector=0.6,
        ),
        hit(
            episode(
                "Blog update: the ThinkPad was too loud at night, so I migrated to a Hetzner "
                "VPS (2 cores, 4 GB).",
                actor="Oren",
                day=28,
            ),
            0.6,
            vector=0.3,
        ),
    )
    got = _ask("What machine runs Oren's home blog now?", pack)
    assert "Hetzner" in got and "under the desk" not in got


def test_the_value_told_now_not_the_one_it_left() -> None:
    pack = _pack(
        hit(episode("training for the half marathon, im vegan btw", actor="Pia", day=3), 1.0),
        hit(
            episode(
                "food news: after long runs i was starving being vegan, coach said more "
                "protein. so vegetarian now",
                actor="Pia",
                day=27,
            ),
            1.0,
        ),
    )
    assert _ask("What is Pia's diet now?", pack) == "vegetarian"
    assert current_clause("i was vegan, so vegetarian now!") == "so vegetarian now"


def test_a_marked_sentence_elsewhere_in_the_memory_answers() -> None:
    body = (
        "Updates: the portrait show opens on 9 May. I've gone back to charcoal for the "
        "portraits, no more ink."
    )
    topic = frozenset({"medium", "portrait", "prefer"})
    told = marked_statement(topic, "Updates: the portrait show opens on 9 May.", body)
    assert told == "I've gone back to charcoal for the portraits, no more ink."
    unrelated = "the gallery moved the opening to 9 May."
    assert marked_statement(topic, unrelated, body) == unrelated  # says none of the question
    pack = _pack(
        hit(
            episode("signed up for the portrait show!! twelve portraits", actor="Lotte", day=2), 1.0
        ),
        hit(episode(body, actor="Lotte", day=26), 0.8),
    )
    assert "charcoal" in _ask("Which medium does Lotte prefer for her portraits now?", pack)


def test_asked_what_replaced_a_value_the_value_is_not_the_answer() -> None:
    body = "Incidentally, I have given up cola: too much sugar. I drink kombucha now, oddly."
    old = replaced_stems("What does Ivo drink now instead of cola?")
    assert old == frozenset({"cola"})
    assert beyond_replaced(old, body) == "I drink kombucha now, oddly."
    assert beyond_replaced(frozenset(), body) == body
    both = "I quit cola for good, only kombucha now. It was too sweet."
    assert beyond_replaced(old, both) == both  # it names the new value too
    pack = _pack(hit(episode(body, actor="Ivo", day=9), 1.0))
    assert "kombucha" in _ask("What does Ivo drink now instead of cola?", pack)


def test_a_thing_named_with_digits_is_looked_for_whole() -> None:
    assert possessed_stem("What is Ida's latest HbA1c?") == "hba1c"
    pack = _pack(
        hit(episode("the nurse says my HbA1c is 7.4, too high", actor="Ida", day=2), 1.0),
        hit(episode("good news from the clinic: HbA1c is 6.6 now!!", actor="Ida", day=25), 1.0),
    )
    assert "6.6" in _ask("What is Ida's latest HbA1c?", pack)


def test_a_place_spelled_with_an_accented_capital_is_a_place() -> None:
    found = typed_span("where", "lives in Ørsta", "Where does Tuva live now?", past=False)
    assert found == "Ørsta"
    assert typed_span("name", "my new tutor is Émile", "Who is her tutor?", past=False) == "Émile"


def test_a_post_heading_a_body_answers_what_position_is_held() -> None:
    pack = _pack(
        hit(
            episode(
                "I work as a radiographer at St Aidan's, nights mostly.", actor="Nkechi", day=2
            ),
            1.0,
        ),
        hit(
            episode(
                "Big news, since May I am Head of the Radiology Unit at the hospital! Also the "
                "car broke down again.",
                actor="Nkechi",
                day=20,
            ),
            1.0,
        ),
    )
    got = _ask("What position does Nkechi hold at the hospital now?", pack)
    assert got == "Head of the Radiology Unit"


def test_a_moved_event_is_dated_by_its_new_date() -> None:
    pack = _pack(
        hit(
            episode(
                "My friend Oda and I want to go to Madeira in early May, a week of walks.",
                actor="Sunniva",
                day=1,
            ),
            1.0,
            vector=0.6,
        ),
        hit(
            episode(
                "Sad news about Madeira: Oda's son graduates on 4 May 2024, so we moved our "
                "trip to 14 October 2024. Cooler for walking anyway.",
                actor="Sunniva",
                day=20,
            ),
            1.0,
            vector=0.5,
        ),
    )
    got = _ask("When are Sunniva and Oda going to Madeira now?", pack)
    assert "October" in got and "May" not in got


def test_a_move_told_in_two_sentences_is_dated_by_the_second() -> None:
    said = "also the Porto weekend is moved 😩 trains in june are full. we go 3-5 october instead."
    pack = _pack(
        hit(episode("porto weekend with my sister on 6-8 june!!", actor="Lin", day=1), 1.0),
        hit(episode(said, actor="Lin", day=15), 1.0),
    )
    assert "October" in _ask("When did Lin's Porto weekend take place?", pack)


def test_the_date_before_instead_of_is_the_new_one() -> None:
    pack = _pack(
        hit(episode("We move in together, the lease starts 1 August!", actor="Rui", day=2), 1.0),
        hit(
            episode(
                "the old lease ends early, so we move in on 1 July instead of 1 August.",
                actor="Rui",
                day=22,
            ),
            1.0,
        ),
    )
    assert "July" in _ask("When are Rui and Ana moving in together?", pack)


def test_the_marked_list_item_is_told_not_the_whole_list() -> None:
    body = (
        "News:\n- the portrait show opens on 9 May\n- sold two prints\n"
        "- I've gone back to charcoal for the portraits, ink is too fiddly"
    )
    topic = frozenset({"medium", "portrait", "prefer"})
    told = marked_statement(topic, "the portrait show opens on 9 May", body)
    assert told == "I've gone back to charcoal for the portraits, ink is too fiddly"


def test_asked_for_the_original_date_the_move_is_not_followed() -> None:
    pack = _pack(
        hit(episode("our Madeira trip is booked for 4 May 2024!", actor="Sunniva", day=1), 1.0),
        hit(
            episode(
                "Sad news about Madeira: Oda is ill on 4 May 2024, so we moved our trip to "
                "14 October 2024.",
                actor="Sunniva",
                day=20,
            ),
            1.0,
        ),
    )
    assert "October" in _ask("When is Sunniva's Madeira trip now?", pack)
    assert "May" in _ask("When was Sunniva's Madeira trip originally planned?", pack)


def test_a_past_question_with_instead_of_names_no_replaced_value() -> None:
    assert not replaced_stems("Where did Kit tell Bo to put the token instead of the script?")
    assert replaced_stems("What does Bo use now instead of the script?") == frozenset({"script"})
