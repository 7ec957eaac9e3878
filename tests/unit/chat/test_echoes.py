"""The latest mention of the best memory's value ranks next to it."""

from __future__ import annotations

from mirix_py._chat.cues import read_question
from mirix_py._chat.echoes import ECHO_SCALE, lift_echo
from tests.unit.chat.helpers import episode, hit

BEST = "our old goalkeeper left for Perth. the new goalkeeper is Marlowe, she kept for the county"


def _hits() -> list:  # type: ignore[type-arg]
    best = hit(episode(BEST, actor="Ida", sequence=1, day=3), 2.0)
    chatter = [
        hit(episode(f"the goalkeeper gloves cost {n} pounds", actor="Ida", sequence=n, day=4), 1.5)
        for n in (2, 3, 4)
    ]
    later = hit(episode("Marlowe says she stays next season", actor="Ida", sequence=5, day=20), 0.4)
    return [best, *chatter, later]


def test_the_newest_later_turn_naming_the_value_is_lifted_below_the_best_hit() -> None:
    ranked = lift_echo(_hits(), read_question("Who is Ida's goalkeeper?"))
    assert str(ranked[1].record["summary"]).startswith("Marlowe says she stays")
    assert ranked[1].score.score == round(ECHO_SCALE * 2.0, 6)


def test_a_question_about_the_past_or_a_time_lifts_nothing() -> None:
    hits = _hits()
    assert lift_echo(hits, read_question("Who was Ida's goalkeeper?")) == hits
    assert lift_echo(hits, read_question("Who is Ida's goalkeeper in March?")) == hits


def test_a_word_many_memories_say_is_the_topic_not_the_value() -> None:
    hits = _hits()
    # "goalkeeper" is in the question; "county" is said by many turns, so it is no value
    many = [
        hit(episode(f"the county league table, week {n}", actor="Ida", sequence=n, day=5), 1.0)
        for n in (6, 7, 8, 9)
    ]
    later = hit(episode("the county final is sold out", actor="Ida", sequence=10, day=25), 0.3)
    base = [*hits[:4], *many, later]
    assert lift_echo(base, read_question("Who is Ida's goalkeeper?")) == base
