"""A question about what someone is like reads their values and qualities profiles."""

from __future__ import annotations

from datetime import UTC, datetime

from mirix_py._memory.profiles import profile_id
from mirix_py._memory.traits import QUALITIES, VALUES
from mirix_py._system import MemorySystem
from tests.integration.read_path.conftest import messages_of

USER = "pair"
SESSIONS = [
    (
        datetime(2024, 2, 3, 10, 0, tzinfo=UTC),
        [
            ("a:1", "Odile", "Morning Bram! I fixed the neighbour's leaking gutter before work."),
            ("a:2", "Bram", "You're so handy! I could never do that myself."),
            ("a:3", "Odile", "It took an hour. Then I biked to the office along the canal."),
            ("a:4", "Bram", "I spent the weekend repainting the kitchen a pale green."),
        ],
    ),
    (
        datetime(2024, 3, 9, 18, 0, tzinfo=UTC),
        [
            ("b:1", "Odile", "Quiet mornings in the garden mean a lot to me, honestly."),
            ("b:2", "Bram", "I can tell. My cousin is visiting from Ghent next month."),
            ("b:3", "Odile", "Nice! I ordered seeds for tomatoes and basil this week."),
            ("b:4", "Bram", "We should swap cuttings when they sprout."),
        ],
    ),
]


def test_a_character_question_sees_what_others_say_and_what_matters(
    system: MemorySystem,
) -> None:
    for when, turns in SESSIONS:
        system.add(messages_of(turns, when), user_id=USER)
    # a small budget: only what ranks near the top is shown
    answer = system.chat("What kind of person is Odile?", user_id=USER, budget_tokens=135)
    ranked = [m.memory_id for m in answer.retrieved]
    shown = {m.memory_id for m in answer.retrieved if m.in_context}
    # both profiles rank among the best few; what the values profile says is shown
    # by its own turn, the qualities one (what Bram said to Odile) by the profile
    assert profile_id(USER, "Odile", VALUES) in ranked[:6]
    assert profile_id(USER, "Odile", QUALITIES) in ranked[:6]
    assert profile_id(USER, "Odile", QUALITIES) in shown
    assert "handy" in answer.context
    assert "quiet mornings in the garden" in answer.context.lower()
