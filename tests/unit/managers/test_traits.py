"""What a person values and the qualities others see in them (invented text, no I/O)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mirix_py._memory import semantic
from mirix_py._memory.extract_common import Turn
from mirix_py._memory.profiles import profile_id
from mirix_py._memory.traits import (
    QUALITIES,
    VALUES,
    quality_items,
    trait_items,
    value_items,
)
from tests.turns import make_turn

AT = datetime(2024, 5, 4, 9, 0, tzinfo=UTC)


def turn(tid: str, speaker: str, text: str, seq: int = 0) -> Turn:
    return make_turn(text, speaker, AT + timedelta(minutes=seq), tid=tid, sequence=seq)


def test_value_items_read_what_matters_to_the_speaker() -> None:
    assert value_items("Long walks with my dad mean a lot to me.") == ["long walks with my dad"]
    assert value_items("Oh, being near the sea is really important to us!") == [
        "being near the sea"
    ]
    assert value_items("I care deeply about clean rivers, and I'm passionate about jazz.") == [
        "clean rivers",
        "jazz",
    ]
    assert value_items("I value patience. We believe in second chances.") == [
        "patience",
        "second chances",
    ]


def test_thanks_and_questions_are_not_values() -> None:
    assert value_items("Your help means so much to me!") == []
    assert value_items("It meant a lot to me.") == []
    assert value_items("Thanks, and it means so much to us.") == []
    assert value_items("Do you care about chess?") == []


def test_quality_items_read_what_the_speaker_tells_the_other() -> None:
    assert quality_items("Thanks for the soup, you're so considerate!") == ["considerate"]
    assert quality_items("You are such a patient teacher.") == ["patient teacher"]
    assert quality_items("Wow. Your courage amazes me.") == ["courage"]


def test_formulas_are_not_qualities() -> None:
    assert quality_items("You're so welcome!") == []
    assert quality_items("You are so right about that.") == []
    assert quality_items("Are you so sure?") == []
    assert quality_items("You're really making a difference.") == []


def test_a_compliment_is_about_the_previous_speaker() -> None:
    turns = [
        turn("t1", "Odile", "I fixed the neighbour's fence this morning.", 0),
        turn("t2", "Bram", "You're so handy! Gardening means a lot to me, by the way.", 1),
    ]
    found = [(p, a, i, t.id) for p, a, i, t in trait_items(turns, lambda t: t.speaker)]
    assert found == [
        ("Bram", VALUES, "gardening", "t2"),
        ("Odile", QUALITIES, "handy", "t2"),
    ]


def test_a_compliment_opening_the_batch_or_to_oneself_is_skipped() -> None:
    turns = [
        turn("t1", "Bram", "You're so handy!", 0),
        turn("t2", "Bram", "You are such a kind soul, everyone says.", 1),
    ]
    assert trait_items(turns, lambda t: t.speaker) == []


def test_offline_extraction_writes_values_and_qualities_profiles() -> None:
    turns = [
        turn("t1", "Odile", "Sunday dinners with my family mean the world to me.", 0),
        turn("t2", "Bram", "That's lovely, you're such a warm person.", 1),
    ]
    records = {r.id: r for r in semantic.extract_offline(turns, user_id="u")}
    values = records[profile_id("u", "Odile", VALUES)]
    qualities = records[profile_id("u", "Odile", QUALITIES)]
    assert "sunday dinners with my family" in values.summary
    assert values.source_ids == ["t1"]
    assert "warm person" in qualities.summary
    assert qualities.source_ids == ["t2"]
