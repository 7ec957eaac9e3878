"""Lists inside messages and which item a question asks for (``mirix_py._chat.items``)."""

from __future__ import annotations

import pytest

from mirix_py._chat.items import list_items, nth, ordinal_asked


@pytest.mark.parametrize(
    ("text", "items"),
    [
        (
            "what I do: 1) check the volume with df -h 2) look for runaway logs 3) page the DBA",
            ["check the volume with df -h", "look for runaway logs", "page the DBA"],
        ),
        (
            "Dinners: - **Monday:** risotto with peas. - **Wednesday:** turkey meatballs.",
            ["Monday: risotto with peas.", "Wednesday: turkey meatballs."],
        ),
        (
            "A plan: **Day 1 — Old town:** a walk. **Day 2 — Harbour:** breakfast at Kaja.",
            ["Day 1 — Old town: a walk.", "Day 2 — Harbour: breakfast at Kaja."],
        ),
        (
            "Pickup: 1. Ring. 2. Take the bags outside room 2. 3. Sign the book.",
            ["Ring.", "Take the bags outside room 2.", "Sign the book."],
        ),
        ("It costs 5 - 10 euros, I think.", []),
        ("Room 4. Then the lift.", []),
    ],
)
def test_list_items(text: str, items: list[str]) -> None:
    assert list_items(text) == items


@pytest.mark.parametrize(
    ("question", "n"),
    [
        ("What is the first step in the disk-full runbook?", 1),
        ("What is the third step of the pickup?", 3),
        ("What was the first tip the assistant gave?", 1),
        ("what was step 3 of your RSVP process again?", 3),
        ("What is the last step of the recipe?", -1),
        ("What did you suggest in the first meal plan?", None),
    ],
)
def test_ordinal_asked(question: str, n: int | None) -> None:
    assert ordinal_asked(question) == n


def test_nth() -> None:
    assert nth(["a", "b"], 2) == "b" and nth(["a", "b"], -1) == "b" and nth(["a"], 3) is None
