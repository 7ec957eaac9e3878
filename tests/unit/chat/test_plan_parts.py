"""Parts of a plan asked for by letter, and the n-th item of the reply to a message."""

from __future__ import annotations

import pytest

from mirix_py._chat.unit_items import unit_asked, unit_item
from tests.unit.chat.helpers import answer_text, episode, hit


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("What does Day B of the plan start with?", ("day", 2)),
        ("whats in workout C", ("workout", 3)),
        ("Which route was option A?", ("option", 1)),
        ("I swim one day a week, which day?", None),  # "day a" is no label
    ],
)
def test_a_capital_letter_labels_a_part(question: str, asked: tuple[str, int] | None) -> None:
    assert unit_asked(question) == asked


def test_the_part_labelled_with_a_letter_inside_bold_with_its_colon() -> None:
    text = "**Workout A (Tue):** squats 5x5. **Workout B (Thu):** deadlift 3x5; rows. Rest Sunday."
    assert unit_item(text, "workout", 2) == "Workout B (Thu): deadlift 3x5; rows."


def test_a_letter_labelled_day_answers_from_a_plan_in_a_reply() -> None:
    plan = hit(
        episode(
            "Sure. Day A: swim 1 km easy; core 10 min.\nDay B: hill walk 90 minutes; stretch."
            "\nDay C: yoga.",
            actor="Coach",
            sequence=1,
        )
    )
    ask = hit(episode("can you give me a 3 day plan, no running", actor="Noor", sequence=0))
    assert "hill walk 90 minutes" in answer_text("What is Day B of Noor's plan?", ask, plan)


def test_the_first_tip_comes_from_the_reply_to_the_message_that_names_the_topic() -> None:
    worry = hit(
        episode(
            "my first viva is in two weeks and honestly i never know how to prepare for it",
            actor="Leo",
            sequence=0,
        ),
        2.0,
    )
    tips = hit(
        episode(
            "Here is what helps:\n1. **Reread your own thesis.** Mark the weak spots.\n"
            "2. **Do a mock viva.** Ask a colleague.\n3. **Sleep well.**",
            actor="Assistant",
            sequence=1,
        ),
        0.2,
    )
    other = hit(
        episode(
            "Packing list:\n1. Passport and tickets.\n2. Chargers.\n3. Snacks.",
            actor="Assistant",
            session="s2",
            day=4,
        ),
        1.5,
    )
    chat = [
        hit(episode(f"first snow {i}, the tip of my nose froze", actor="Leo", session=f"x{i}"), 1.0)
        for i in range(6)
    ]  # ranked above the tips: the reply is not among the best-scored memories
    got = answer_text(
        "What was the first tip the assistant gave for Leo's viva?", worry, *chat, tips, other
    )
    assert "Reread your own thesis" in got
