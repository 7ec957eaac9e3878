"""A value updated later, in fewer words, and a stop that is a switch."""

from __future__ import annotations

from mirix_py._chat.answer import answer_offline
from mirix_py._chat.compose import ContextPack, build_context
from mirix_py._chat.cues import read_question
from mirix_py._chat.models import Hit
from tests.unit.chat.helpers import episode, hit


def _pack(*hits: Hit) -> ContextPack:
    return build_context([], list(hits), budget_tokens=1000)


def _filler(day: int, score: float) -> Hit:
    return hit(episode(f"random chat number {day} about the weather", actor="Gus", day=day), score)


def test_a_later_update_ranked_below_the_considered_ones_answers_now() -> None:
    first = hit(
        episode(
            "hey. the blood sugar reading this morning was 9.1, doctor wants it lower, help",
            actor="Gus",
            day=2,
        ),
        2.0,
    )
    fillers = [_filler(d, 1.5 - d / 100) for d in range(3, 9)]
    update = hit(
        episode("ok good news, sugar reading 6.4 now!! diet works", actor="Gus", day=25), 0.3
    )
    pack = _pack(first, *fillers, update)
    got = answer_offline(
        read_question("What was Gus's latest blood sugar reading?"), pack, min_evidence=0.2
    )
    assert "6.4" in got.text


def test_an_earlier_update_does_not_come_in_from_deeper_down() -> None:
    older = hit(episode("sugar reading was 11 back in january, awful", actor="Gus", day=1), 0.3)
    current = hit(
        episode("the blood sugar reading this morning was 7.0, a good week", actor="Gus", day=20),
        2.0,
    )
    fillers = [_filler(d, 1.5 - d / 100) for d in range(3, 9)]
    pack = _pack(current, *fillers, older)
    got = answer_offline(
        read_question("What is Gus's blood sugar reading now?"), pack, min_evidence=0.2
    )
    assert "7.0" in got.text


def test_a_stop_followed_by_what_replaced_it_is_no_stop() -> None:
    before = hit(
        episode("i buy eggs from the farm shop, pay 3.20 a dozen", actor="Gus", day=2), 2.0
    )
    switched = hit(
        episode(
            "stopped with the farm shop, eggs always cracked. now eggs from the market stall,"
            " 3.50 a dozen",
            actor="Gus",
            day=20,
        ),
        0.5,
    )
    got = answer_offline(
        read_question("How much does Gus pay for a dozen eggs now?"),
        _pack(before, switched),
        min_evidence=0.2,
    )
    assert not got.text.startswith("none")


def test_a_stop_with_nothing_after_it_still_says_none() -> None:
    before = hit(episode("i drink 3 coffees a day at work", actor="Gus", day=2), 1.0)
    stopped = hit(
        episode("quit coffee completely last week!! feel great", actor="Gus", day=20), 1.0
    )
    got = answer_offline(
        read_question("How many coffees does Gus drink a day now?"),
        _pack(before, stopped),
        min_evidence=0.2,
    )
    assert got.text.startswith("none")


def test_a_day_of_a_month_is_no_count() -> None:
    plan = hit(
        episode(
            "our open day is on 14 June this year, we expect about 80 visitors", actor="Gus", day=2
        ),
        1.0,
    )
    got = answer_offline(
        read_question("How many visitors does Gus expect at the open day?"),
        _pack(plan),
        min_evidence=0.2,
    )
    assert got.text.startswith("80")


def test_a_count_marked_current_answers_a_how_many_question_worded_otherwise() -> None:
    plan = hit(
        episode(
            "planning the reunion for 3 May, the reunion list has about 40 people on it",
            actor="Gus",
            day=2,
        ),
        2.0,
    )
    update = hit(episode("everyone said yes lol we're at 55 people now", actor="Gus", day=25), 1.0)
    got = answer_offline(
        read_question("How many people are invited to Gus's reunion?"),
        _pack(plan, update),
        min_evidence=0.2,
    )
    assert got.text.startswith("55")


def test_a_price_agreed_later_is_the_current_one() -> None:
    asked = hit(
        episode(
            "The garage owner says the rent for my workshop will be 650 per month from June.",
            actor="Gus",
            day=2,
        ),
        2.0,
    )
    agreed = hit(
        episode(
            "Good news, I stay in the workshop: the owner agreed to 600 if I sign for a year.",
            actor="Gus",
            day=25,
        ),
        1.0,
    )
    got = answer_offline(
        read_question("How much rent will Gus pay for his workshop?"),
        _pack(asked, agreed),
        min_evidence=0.2,
    )
    assert got.text.startswith("600")


def test_a_later_plan_by_the_assistant_is_no_update() -> None:
    said = hit(episode("i refuse to swim, cold water, never in a pool", actor="Gus", day=2), 2.0)
    fillers = [_filler(d, 1.5 - d / 100) for d in range(3, 9)]
    plan = hit(
        episode("Swim sessions: skip them, the bike is fine for you.", actor="Coach", day=25), 0.3
    )
    got = answer_offline(
        read_question("Which sport does Gus refuse to do?"),
        _pack(said, *fillers, plan),
        min_evidence=0.2,
    )
    assert "refuse to swim" in got.text
