"""The hand-written assistant-memory set, the JSONL extensions it uses, and the secret scans."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from evals.datasets import load_dataset, load_jsonl
from evals.jsonl import ASSISTANT_MEMORY
from evals.secrets import scan_answers, scan_folder, scan_records, secret_forms

TYPES = {
    "single-hop",
    "multi-hop",
    "temporal",
    "knowledge-update",
    "preference",
    "assistant-said",
    "procedure",
    "secret",
    "abstention",
}


def test_the_set_is_large_and_varied_enough() -> None:
    conversations = load_dataset(ASSISTANT_MEMORY)
    assert len(conversations) >= 12
    questions = [q for c in conversations for q in c.questions]
    assert len(questions) >= 150
    counts = Counter(q.category for q in questions)
    assert set(counts) == TYPES
    assert min(counts.values()) >= 10
    for conv in conversations:
        assert len(conv.sessions) >= 3, conv.id
        roles = {t.role for t in conv.turns()}
        assert roles == {"user", "assistant"}, conv.id
        stamps = [s.timestamp for s in conv.sessions]
        assert all(stamps) and stamps == sorted(stamps), conv.id  # type: ignore[type-var]
        # long assistant replies that questions come back to
        assert max(len(t.text) for t in conv.turns() if t.role == "assistant") > 400, conv.id
    # users differ: no two conversations share the user's name
    users = [next(t.speaker for t in c.turns() if t.role == "user") for c in conversations]
    assert len(set(users)) == len(users)


def test_questions_are_well_formed() -> None:
    for conv in load_dataset(ASSISTANT_MEMORY):
        texts = {t.id: t.text for t in conv.turns()}
        for q in conv.questions:
            assert q.question_date is not None, q.id
            assert q.question_date >= max(s.timestamp for s in conv.sessions if s.timestamp)
            if q.is_abstention:
                assert q.category == "abstention" and not q.evidence, q.id
                continue
            assert q.evidence, q.id
            assert all(ev in texts for ev in q.evidence), q.id
            if q.reveal:
                assert q.category == "secret" and q.answer in conv.secrets, q.id
        for secret in conv.secrets:
            assert any(secret in text for text in texts.values()), secret


def test_secret_questions_ask_for_a_reveal() -> None:
    questions = [q for c in load_dataset(ASSISTANT_MEMORY) for q in c.questions]
    assert all(q.reveal for q in questions if q.category == "secret")
    assert not any(q.reveal for q in questions if q.category != "secret")


def _write(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


TURNS: list[dict[str, object]] = [
    {"type": "turn", "conversation": "c1", "id": "t1", "speaker": "Ann", "text": "PIN 1234"},
    {
        "type": "turn",
        "conversation": "c1",
        "id": "t2",
        "speaker": "Bot",
        "role": "assistant",
        "text": "Stored.",
    },
]


def test_jsonl_aliases_reveal_and_secrets(tmp_path: Path) -> None:
    records = [
        *TURNS,
        {
            "type": "question",
            "conversation": "c1",
            "id": "q1",
            "question": "PIN?",
            "answer": "1234",
            "category": "secret",
            "evidence": ["t1"],
            "reveal": True,
            "aliases": ["one two three four"],
        },
        {
            "type": "question",
            "conversation": "c1",
            "id": "q2",
            "question": "Dog?",
            "answer": "Not mentioned",
            "is_abstention": True,
        },
        {"type": "secret", "conversation": "c1", "value": "1234", "turn": "t1"},
        {"type": "secret", "conversation": "c1", "value": "1234"},
    ]
    (conv,) = load_jsonl(_write(tmp_path / "d.jsonl", records))
    q1, q2 = conv.questions
    assert q1.reveal and q1.aliases == ("one two three four",)
    assert not q2.reveal and q2.aliases == () and q2.is_abstention
    assert conv.secrets == ("1234",)


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"type": "secret", "conversation": "c9", "value": "x"}, "conversation"),
        ({"type": "secret", "conversation": "c1", "value": "x", "turn": "t9"}, "turn"),
        ({"type": "secret", "conversation": "c1", "value": ""}, "value"),
    ],
)
def test_jsonl_secret_errors(tmp_path: Path, record: dict[str, object], field: str) -> None:
    with pytest.raises(ValueError, match=f"line 3: field '{field}'"):
        load_jsonl(_write(tmp_path / "bad.jsonl", [*TURNS, record]))


def test_secret_forms_cover_escapes_and_separators() -> None:
    forms = secret_forms("4539 1488 0343 6467")
    assert b"4539148803436467" in forms and b"4539 1488 0343 6467" in forms
    assert b"a\\\\/b" in secret_forms("a/b") or b"a/b" in secret_forms("a/b")
    assert "AbC-9".lower().encode() in secret_forms("AbC-9")


def test_scan_folder_finds_secrets_in_any_file(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.bin").write_bytes(b"\x00\x01card 4539148803436467\x02")
    (tmp_path / "b.json").write_text(json.dumps({"t": 'pw "Tq7vR2"'}))
    (tmp_path / "ids.txt").write_text("id=9a4471bc3f")  # a PIN inside a hex id is no hit
    found = scan_folder(tmp_path, ["4539 1488 0343 6467", 'pw "Tq7vR2"', "4471", "absent-1"])
    assert found == ["4539 1488 0343 6467", 'pw "Tq7vR2"']
    assert scan_folder(tmp_path / "missing", ["x"]) == []


def test_scan_answers_matches_short_values_on_a_boundary() -> None:
    assert scan_answers(["The garage code is 4471."], ["4471"]) == ["4471"]
    assert scan_answers(["Ticket 144712"], ["4471"]) == []
    assert scan_answers(["it is stored in your vault"], ["4471"]) == []
    assert scan_answers(["combo: 31-07-19"], ["31-07-19"]) == ["31-07-19"]


def test_scan_records_reads_text_fields_not_vector_digits() -> None:
    from pydantic import BaseModel

    class Row(BaseModel):
        text: str
        embedding: list[float]

    decimals = Row(text="a walk in the park", embedding=[0.06143670156598091, -0.0004471])
    assert scan_records([decimals], ["0614", "4471"]) == []  # the digits of a float are no PIN
    leaked = Row(text="the garage code is 4471", embedding=[0.1])
    assert scan_records([leaked], ["4471"]) == ["4471"]


def test_short_secrets_are_found_only_as_tokens_of_their_own() -> None:
    assert scan_answers(["The garage code is 4471."], ["4471"]) == ["4471"]
    assert scan_answers(["pin:4471, thanks"], ["4471"]) == ["4471"]
    assert scan_answers(["door code 2580# please"], ["2580#"]) == ["2580#"]
    for noise in ("txn 432ee80e-4471-458e-9aa7-8d10ef465acc", '"created_at": 1796083136488832,'):
        assert scan_answers([noise], ["4471", "8832"]) == []
