"""Steps in any layout become a procedure with its steps in order (issue #17 item 6); a
list of amounts, a plan of "the first weeks" or a line of notes does not. Invented text."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mirix_py._memory.extract_common import Turn
from mirix_py._memory.procedural import ProceduralMemory, extract_offline


def _extract(text: str) -> list[ProceduralMemory]:
    turn = Turn(
        id="t1",
        role="user",
        speaker="Uma",
        content=text,
        text=text,
        timestamp=datetime(2025, 3, 1, tzinfo=UTC),
        sequence=0,
        session_id="s1",
    )
    return extract_offline([turn], user_id="uma")


LAYOUTS = [
    (
        "To reset the router: Step 1: unplug it. Step 2: wait thirty seconds. Step 3: plug it in.",
        ["unplug it", "wait thirty seconds", "plug it in"],
    ),
    (
        "How I descale the kettle: 1) fill it with vinegar 2) boil it 3) rinse twice",
        ["fill it with vinegar", "boil it", "rinse twice"],
    ),
    (
        "Here's how to bleed the radiator. Step one: turn off the heating. Step two: open the "
        "valve with the key. Step three: close it when water appears.",
        ["turn off the heating", "open the valve with the key", "close it when water appears"],
    ),
    (
        "Backing up the NAS:\n- plug in the drive\n- open the backup app\n- press start",
        ["plug in the drive", "open the backup app", "press start"],
    ),
    (
        "To feed the starter, discard half of it. After that, add 50g flour and 50g water. "
        "Then leave it on the counter for six hours.",
        [
            "discard half of it",
            "add 50g flour and 50g water",
            "leave it on the counter for six hours",
        ],
    ),
    (
        "Closing the kiosk at night goes like this: lock the back door, then count the till, "
        "then set the alarm, and finally pull the shutter down.",
        ["lock the back door", "count the till", "set the alarm", "pull the shutter down"],
    ),
    (
        "Steps to renew the permit: (1) fill in the form online (2) book an appointment "
        "(3) bring two photos",
        ["fill in the form online", "book an appointment", "bring two photos"],
    ),
    (
        "First, preheat the oven to 200. Second, chop the leeks. Third, roast them for 40 minutes.",
        ["preheat the oven to 200", "chop the leeks", "roast them for 40 minutes"],
    ),
    (
        "first ring the bell at the blue door, then sign the visitor book, and finally wait "
        "by the desk",
        ["ring the bell at the blue door", "sign the visitor book", "wait by the desk"],
    ),
]


@pytest.mark.parametrize(("text", "steps"), LAYOUTS)
def test_steps_in_any_layout(text: str, steps: list[str]) -> None:
    (procedure,) = _extract(text)
    assert [s.rstrip(".") for s in procedure.steps] == steps
    assert procedure.source_ids == ["t1"]


NOT_STEPS = [
    "For the first weeks: learn the data, ask what success looks like in the first 90 days, "
    "and deliver one small thing in the first month",
    "Cutting down slowly: three sugars for a week, then one, then none",
    "I went to the market: bought bread, then I cooked, then we ate",
    "During the trip: the weather was mild and the food was good",
]


@pytest.mark.parametrize("text", NOT_STEPS)
def test_not_a_procedure(text: str) -> None:
    assert _extract(text) == []
