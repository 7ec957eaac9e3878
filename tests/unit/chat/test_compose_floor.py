"""The context's floor: plain retrieval's best turns and the vault record a shown turn
redacts always get a place (``build_context``)."""

from __future__ import annotations

from mirix_py._chat.compose import build_context
from mirix_py._chat.cues import read_question
from mirix_py._chat.models import Hit
from mirix_py._memory import KnowledgeVaultMemory
from tests.unit.chat.helpers import episode, hit


def _plain(h: Hit, fused: float) -> Hit:
    """``h`` with its plain retrieval (dense + full-text fusion) score set."""
    return h.model_copy(update={"score": h.score.model_copy(update={"fused": fused})})


def _sources(pack_refs: dict[int, Hit]) -> set[str]:
    return {s for h in pack_refs.values() for s in h.source_ids}


# session-level boosts lift a whole session of filler above the one turn that matches
# the question's words best; that turn ranks last by final score, first by plain retrieval
FILLER = [
    "we went to the lake on saturday, water was cold but kids loved it",
    "the car broke down again near the bridge, called the garage",
    "mum came over for dinner, she brought her famous lasagne",
    "finaly finished painting the hallway, took the whole weekend",
    "bought new running shoes, the old ones had holes",
    "the neighbours dog keeps barking at night, so annoying",
]
MATCH = "oh and the new flat is on Kestrel Road, number 14, moving in march"


def _hits() -> list[Hit]:
    boosted = [
        _plain(hit(episode(t, sequence=i, source=f"f{i}"), 3.0 - 0.1 * i), 0.01)
        for i, t in enumerate(FILLER)
    ]
    best = _plain(hit(episode(MATCH, session="s2", sequence=0, source="m"), 1.0), 0.05)
    return [*boosted, best]


def test_plain_retrievals_best_turn_is_shown_within_a_tight_budget() -> None:
    question = read_question("what street is Ann's new flat on?")
    pack = build_context([], _hits(), budget_tokens=75, question=question)
    assert "m" in _sources(pack.refs)
    assert "Kestrel Road" in pack.text
    assert len(pack.refs) < len(_hits())  # the budget did leave memories out
    # numbers still rank by score for the answer step: the floor's turn comes last
    assert pack.refs[max(pack.refs)].source_ids == ["m"]


def test_without_a_question_score_order_alone_decides() -> None:
    pack = build_context([], _hits(), budget_tokens=75)
    assert "m" not in _sources(pack.refs)


def test_the_floor_takes_every_other_place_not_the_whole_context() -> None:
    question = read_question("wat street is the flat on")
    pack = build_context([], _hits(), budget_tokens=75, question=question)
    shown = _sources(pack.refs)
    assert "f0" in shown  # the best-scored memory keeps its place


def test_a_vault_record_goes_with_the_turn_it_was_redacted_from() -> None:
    turn = episode(
        "My gym locker code is [stored in vault: locker code], keep it for me pls",
        sequence=0,
        source="t-code",
    )
    others = [
        hit(episode(t, sequence=i + 1, source=f"o{i}"), 2.5 - 0.1 * i) for i, t in enumerate(FILLER)
    ]
    vault = KnowledgeVaultMemory(
        user_id="u",
        caption="gym locker code",
        secret_value="4471",
        entry_type="code",
        source_ids=["t-code"],
    )
    hits = [hit(turn, 3.0), *others, hit(vault, 0.4)]
    question = read_question("What is my gym locker code?")
    pack = build_context([], hits, budget_tokens=95, question=question)
    assert "4471" in pack.text
    assert len(pack.refs) < len(hits)
    # a vault record no shown turn cites keeps its own score
    alone = vault.model_copy(update={"source_ids": ["elsewhere"]})
    pack = build_context([], [*hits[:-1], hit(alone, 0.4)], budget_tokens=95, question=question)
    assert "4471" not in pack.text
