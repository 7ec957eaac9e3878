"""Messages that change a value on the question's topic rank next to the best memories."""

from __future__ import annotations

from mirix_py._chat.changes import CHANGE_SCALE, CHANGE_TURNS, lift_changes
from mirix_py._chat.cues import read_question
from tests.unit.chat.helpers import episode, hit

QUESTION = read_question("How long before the regatta does Odile's crew arrive?")


def _order(hits: list) -> list[str]:  # type: ignore[type-arg]
    return [str(h.record.get("summary")) for h in hits]


def test_a_change_on_the_topic_is_lifted_to_just_below_the_best_hit() -> None:
    best = hit(episode("the crew lands on the 2nd, right before the regatta", sequence=1), 2.0)
    chatter = [
        hit(episode(f"the regatta programme has {n} races", sequence=n), 1.5) for n in (2, 3, 4)
    ]
    change = hit(
        episode("the club called, the regatta is on the 9th instead of the 4th", sequence=5), 0.6
    )
    ranked = lift_changes([best, *chatter, change], QUESTION)
    assert _order(ranked)[:2] == [best.record["summary"], change.record["summary"]]
    assert ranked[1].score.score == round(CHANGE_SCALE * 2.0, 6)


def test_a_change_off_the_topic_or_a_plain_turn_stays_where_it_ranked() -> None:
    best = hit(episode("the crew lands on the 2nd, right before the regatta", sequence=1), 2.0)
    off_topic = hit(episode("we switched to oat milk instead of soy", sequence=2), 0.6)
    plain = hit(episode("the regatta was great fun last year", sequence=3), 0.5)
    hits = [best, off_topic, plain]
    assert lift_changes(hits, QUESTION) == hits


def test_at_most_a_few_changes_are_lifted_the_best_ranked_first() -> None:
    best = hit(episode("the crew lands on the 2nd, right before the regatta", sequence=1), 2.0)
    changes = [
        hit(episode(f"regatta moved to the {n}th instead", sequence=n), 1.0 - n / 10)
        for n in range(2, 6)
    ]
    ranked = lift_changes([best, *changes], QUESTION)
    lifted = [h for h in ranked if h.score.score == round(CHANGE_SCALE * 2.0, 6)]
    assert len(lifted) == CHANGE_TURNS
    assert set(_order(lifted)) == set(_order(changes[:CHANGE_TURNS]))
