"""Statements past the best few rank below the turns for a one-thing question."""

from __future__ import annotations

from mirix_py._chat.cues import read_question
from mirix_py._chat.sources import STATEMENT_TOP, cap_statements
from mirix_py._memory import SemanticMemory
from mirix_py._memory.statements import STATEMENT
from tests.unit.chat.helpers import episode, hit


def _hits() -> list:  # type: ignore[type-arg]
    said = [
        hit(
            SemanticMemory(user_id="u", name="Ines", summary=f"went rowing {i}", aspect=STATEMENT),
            1.0 - i / 100,
        )
        for i in range(STATEMENT_TOP + 3)
    ]
    turn = hit(episode("I bought a red kayak at the harbour shop.", actor="Ines"), 0.5)
    return [*said, turn]


def test_a_one_thing_question_keeps_only_the_best_statements_above_the_turns() -> None:
    ranked = cap_statements(_hits(), read_question("What colour is Ines's kayak?"))
    kinds = [h.memory_type.value for h in ranked]
    assert kinds[: STATEMENT_TOP + 1] == ["semantic"] * STATEMENT_TOP + ["episodic"]


def test_a_question_asking_for_several_things_keeps_every_statement() -> None:
    hits = _hits()
    ranked = cap_statements(hits, read_question("What activities does Ines do?"))
    assert [h.memory_id for h in ranked] == [h.memory_id for h in hits]
