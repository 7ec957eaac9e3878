"""A long message's excerpt keeps what the next turn takes up of it."""

from __future__ import annotations

from mirix_py._chat.compose import build_context
from mirix_py._chat.cues import read_question
from mirix_py._chat.excerpt import Excerpter
from mirix_py._chat.follow_ups import FOLLOW_TOP, taken_up
from mirix_py._memory import SemanticMemory
from tests.unit.chat.helpers import episode, hit

OPTIONS = (
    "Lovely idea for a first anniversary trip together! Some options:\n"
    "- Harbour cruise at sunset, about two hours with a light dinner on deck.\n"
    "- A cheese tasting in the old market hall, twelve cheeses and local cider.\n"
    "- Kayaking in the reed channels north of town, guided, half a day.\n"
    "- The Lindqvist glass studio, where you blow your own vase in an afternoon workshop.\n"
    "- A walking tour of the old town with a local historian, about ninety minutes.\n"
    "- A night at the observatory with a telescope session if the sky is clear.\n"
    "Book early in summer, the small ones fill up fast."
)
PICK = "ok we will book the glass studio then"
BUDGET = 110
QUESTION = "Which activity did Ann choose for the anniversary?"


def _hits() -> list:  # type: ignore[type-arg]
    reply = hit(episode(OPTIONS, actor="Guide", sequence=1, source="t1"), 1.5)
    pick = hit(episode(PICK, actor="Ann", sequence=2, source="t2"), 2.0)
    return [pick, reply]


def test_the_next_turn_ranked_high_gives_its_words_to_the_message_before() -> None:
    hits = _hits()
    found = taken_up(hits)
    assert set(found) == {hits[1].memory_id}
    assert {"glass", "studio"} <= found[hits[1].memory_id]
    notes = [hit(episode(f"note {n}", session=f"n{n}", sequence=n), 3.0) for n in range(FOLLOW_TOP)]
    low = [*notes, *hits]
    assert taken_up(low) == {}  # the follow-up ranks too low to say what was picked


def test_an_excerpt_keeps_the_part_the_next_turn_takes_up() -> None:
    excerpter = Excerpter.of(read_question(QUESTION))
    plain = excerpter.excerpt(OPTIONS)
    assert plain is not None and "Lindqvist" not in plain.shown  # no word of the question
    found = excerpter.excerpt(OPTIONS, frozenset({"glass", "studio", "vase"}))
    assert found is not None and "The Lindqvist glass studio" in found.shown


def test_the_context_shows_the_item_the_follow_up_picked() -> None:
    pack = build_context([], _hits(), budget_tokens=BUDGET, question=read_question(QUESTION))
    assert "Lindqvist glass studio" in pack.text


def test_facts_ranked_above_do_not_push_the_follow_up_out() -> None:
    hits = _hits()
    facts = [
        hit(SemanticMemory(user_id="u", name="Ann", summary=f"likes item {n}"), 3.0)
        for n in range(FOLLOW_TOP)
    ]
    found = taken_up([*facts, *hits])
    assert set(found) == {hits[1].memory_id}  # only turns count toward the best few
