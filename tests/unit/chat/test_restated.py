"""The offline answerer weighs a turn, not a clause repeated from it (invented text)."""

from __future__ import annotations

from datetime import UTC, datetime

from mirix_py._chat.answer import answer_offline, without_restated
from mirix_py._chat.compose import build_context
from mirix_py._chat.cues import read_question
from mirix_py._memory import SemanticMemory
from mirix_py._memory.statements import STATEMENT
from tests.unit.chat.helpers import episode, hit


def _said(text: str, source: str, day: int) -> SemanticMemory:
    return SemanticMemory(
        user_id="u",
        name="Ines",
        summary=text,
        aspect=STATEMENT,
        source_ids=[source],
        occurred_at=datetime(2024, 5, day, 12, tzinfo=UTC),
    )


def test_a_statement_whose_turn_is_shown_is_no_candidate() -> None:
    turn = hit(episode("I'm selling my canoe, the green one.", actor="Ines", source="t1"))
    statement = hit(_said("is selling Ines's canoe", "t1", 1))
    alone = hit(_said("bought a tandem kayak", "t7", 3))
    kept = without_restated([(1, turn), (2, statement), (3, alone)])
    assert [ref for ref, _ in kept] == [1, 3]


def test_the_answer_does_not_repeat_a_turn_through_its_statement() -> None:
    turn = episode(
        "Ugh, busy week. I'm selling my canoe, the green one. Anyway how are the kids?",
        actor="Ines",
        source="t1",
    )
    statement = _said("is selling Ines's canoe", "t1", 1)
    pack = build_context([], [hit(statement, 1.0), hit(turn, 0.9)], budget_tokens=1000)
    draft = answer_offline(
        read_question("Is Ines still selling her canoe?"), pack, min_evidence=0.2
    )
    assert "selling my canoe" in draft.text
    assert "is selling Ines's canoe" not in draft.text


def test_a_long_turn_answers_through_the_statement_drawn_from_it() -> None:
    turn = episode(
        "Morning! Ines here. I'm 64, I sang in the cathedral choir for twenty years, "
        "and my knees hurt on the stairs now, and the physio wants me to swim twice a week "
        "before she decides anything about injections.",
        actor="Ines",
        source="t1",
    )
    statement = _said("sang in the cathedral choir for twenty years", "t1", 1)
    others = [hit(episode(f"I watered the plants {n}.", actor="Ines", sequence=n)) for n in (2, 3)]
    pack = build_context(
        [],
        [*others, hit(turn, 0.5, vector=0.1), hit(statement, 0.5, vector=0.7)],
        budget_tokens=1000,
    )
    draft = answer_offline(read_question("Where did Ines perform?"), pack, min_evidence=0.35)
    assert not draft.abstained
    assert "cathedral choir" in draft.text
