"""Vault values asked for in other words than the entry's label, and their place in context."""

from __future__ import annotations

from datetime import UTC, datetime

from mirix_py._chat.answer import answer_offline
from mirix_py._chat.compose import build_context
from mirix_py._chat.cues import read_question
from mirix_py._chat.models import Hit
from mirix_py._chat.scoring import Fusion, rescore_hits
from mirix_py._chat.vault_answer import asked_kind, own_words
from mirix_py._memory import KnowledgeVaultMemory
from mirix_py._memory.extract_common import Turn
from mirix_py._memory.knowledge_vault import extract_offline, redact
from tests.unit.chat.helpers import episode, hit

FUSION = Fusion(k=20, vector_weight=1.0, fts_weight=0.7)


def _entries(speaker: str, text: str) -> list[KnowledgeVaultMemory]:
    turn = Turn(
        id="t1",
        role="user",
        speaker=speaker,
        content=text,
        text=redact(text),
        timestamp=datetime(2025, 3, 4, 9, tzinfo=UTC),
        sequence=0,
        session_id="s1",
    )
    return extract_offline([turn], user_id="u")


def _pack(*hits: Hit):  # type: ignore[no-untyped-def]
    return build_context([], list(hits), budget_tokens=1000)


def test_own_words_are_what_the_owner_called_the_value() -> None:
    (entry,) = _entries("Ana", "keep this one safe pls: podcast feed key Zx9kQ2mP7vL0rT4wYb8nC3dF")
    assert entry.caption.startswith("Ana's secret token")  # the label says nothing of a feed
    assert own_words(hit(entry)) == {"feed", "key"}
    (gate,) = _entries("Ole", "Our gate PIN is 4471, the old one stopped working.")
    assert "gate" in own_words(hit(gate))


def test_a_value_asked_by_the_owners_own_name_for_it_is_revealed() -> None:
    (entry,) = _entries("Ana", "keep this one safe pls: podcast feed key Zx9kQ2mP7vL0rT4wYb8nC3dF")
    talk = episode(
        "keep this one safe pls: podcast feed key [stored in vault: secret token]", actor="Ana"
    )
    pack = _pack(hit(talk, 2.0, vector=0.8), hit(entry, 1.0, vector=0.5))
    got = answer_offline(read_question("What is Ana's podcast feed key?"), pack, min_evidence=0.2)
    assert got.text.endswith("Zx9kQ2mP7vL0rT4wYb8nC3dF")


def test_a_code_asked_in_english_finds_a_password_stored_in_another_language() -> None:
    (entry,) = _entries("Jonas", "anota ai: a senha da porta é 583920, sempre esqueço")
    assert entry.entry_type == "password"
    reply = episode(
        "Noted. Many door locks also let a second person set a personal code.", actor="Bot"
    )
    pack = _pack(hit(reply, 2.0, vector=0.7), hit(entry, 1.9, vector=0.5))
    cues = read_question("What is the front door code of Jonas's flat?")
    assert answer_offline(cues, pack, min_evidence=0.2).text.endswith("583920")


def test_the_kind_asked_for_is_read_from_the_question() -> None:
    (account,) = _entries("Rui", "new account at the co-op bank, account number 44021876 from May")
    assert asked_kind("What is Rui's co-op bank account number?", hit(account))
    assert not asked_kind("What is Rui's door code?", hit(account))


def test_a_vault_entry_goes_first_when_the_question_asks_for_a_stored_value() -> None:
    (entry,) = _entries("Rui", "new account at the co-op bank, account number 44021876 from May")
    turn = episode("Here is the letter for the dairy: payments go to the co-op bank now.")
    hits = [
        hit(turn, 1.0).model_copy(
            update={"score": hit(turn).score.model_copy(update={"fused": FUSION.top})}
        ),
        hit(entry, 1.0).model_copy(
            update={"score": hit(entry).score.model_copy(update={"fused": FUSION.top * 0.9})}
        ),
    ]
    asked = rescore_hits(
        hits, cues=read_question("What is Rui's new account number?"), fusion=FUSION
    )
    assert asked[0].memory_type.value == "knowledge_vault"
    other = rescore_hits(hits, cues=read_question("Which bank did Rui move to?"), fusion=FUSION)
    assert other[0].memory_type.value == "episodic"
