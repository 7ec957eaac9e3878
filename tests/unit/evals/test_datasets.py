"""Tests for evals.datasets: the LOCOMO, LongMemEval and JSONL loaders."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from evals.datasets import (
    LOCOMO_ABSTENTION_ANSWER,
    Conversation,
    Question,
    load_dataset,
    load_jsonl,
    load_locomo,
    load_longmemeval,
    parse_locomo_datetime,
    parse_longmemeval_datetime,
)
from evals.metrics import locomo_score

LOCOMO_DEV = Path("/work/shared/data/locomo/locomo_dev.json")
LME_SYNTHETIC = Path(__file__).resolve().parents[2] / "data" / "longmemeval_synthetic.json"


@pytest.fixture(scope="module")
def locomo() -> list[Conversation]:
    return load_locomo(LOCOMO_DEV)


@pytest.fixture(scope="module")
def longmemeval() -> dict[str, Conversation]:
    return {conversation.id: conversation for conversation in load_longmemeval(LME_SYNTHETIC)}


def _question(conversations: list[Conversation], question_id: str) -> Question:
    return next(q for c in conversations for q in c.questions if q.id == question_id)


# ---------------------------------------------------------------------- dates


def test_parse_locomo_datetime() -> None:
    assert parse_locomo_datetime("1:56 pm on 8 May, 2023") == datetime(
        2023, 5, 8, 13, 56, tzinfo=UTC
    )
    assert parse_locomo_datetime("10:04 am on 19 December, 2023") == datetime(
        2023, 12, 19, 10, 4, tzinfo=UTC
    )
    assert parse_locomo_datetime(None) is None
    assert parse_locomo_datetime("  ") is None
    with pytest.raises(ValueError):
        parse_locomo_datetime("sometime last spring")


def test_parse_longmemeval_datetime() -> None:
    expected = datetime(2023, 5, 24, 17, 31, tzinfo=UTC)
    assert parse_longmemeval_datetime("2023/05/24 (Wed) 17:31") == expected
    assert parse_longmemeval_datetime("2023/05/24 17:31") == expected
    assert parse_longmemeval_datetime(None) is None
    with pytest.raises(ValueError):
        parse_longmemeval_datetime("not a date")


# --------------------------------------------------------------------- LOCOMO


def test_locomo_dev_counts(locomo: list[Conversation]) -> None:
    assert [c.id for c in locomo] == [
        "conv-26",
        "conv-30",
        "conv-41",
        "conv-42",
        "conv-43",
        "conv-44",
        "conv-47",
    ]
    assert [len(c.sessions) for c in locomo] == [19, 19, 32, 29, 29, 28, 31]
    assert sum(1 for c in locomo for _ in c.turns()) == 4124
    questions = [q for c in locomo for q in c.questions]
    assert len(questions) == 1347
    assert Counter(q.category for q in questions) == {
        "1": 192,
        "2": 214,
        "3": 66,
        "4": 563,
        "5": 312,
    }


def test_locomo_sessions_are_numeric_and_chronological(locomo: list[Conversation]) -> None:
    conv = locomo[0]
    assert conv.speakers == ("Caroline", "Melanie")
    assert [s.id for s in conv.sessions] == [f"session_{n}" for n in range(1, 20)]
    stamps = [s.timestamp for s in conv.sessions]
    assert stamps[0] == datetime(2023, 5, 8, 13, 56, tzinfo=UTC)
    for c in locomo:
        times = [s.timestamp for s in c.sessions]
        assert all(t is not None and t.tzinfo is UTC for t in times)
        assert times == sorted(times)  # type: ignore[type-var]


def test_locomo_turns(locomo: list[Conversation]) -> None:
    conv = locomo[0]
    first = conv.sessions[0].turns[0]
    assert first.id == "D1:1"
    assert first.speaker == "Caroline"
    assert first.role == "user"
    assert first.session_id == "session_1"
    assert first.timestamp == conv.sessions[0].timestamp
    assert first.text == "Hey Mel! Good to see you! How have you been?"
    for c in locomo:
        for session in c.sessions:
            for turn in session.turns:
                assert turn.role == "user"
                assert turn.speaker in c.speakers
                assert turn.session_id == session.id
                assert turn.id.startswith(f"D{session.id.removeprefix('session_')}:")


def test_locomo_image_turns_carry_the_caption(locomo: list[Conversation]) -> None:
    raw = json.loads(LOCOMO_DEV.read_text(encoding="utf-8"))
    by_id = {
        (record["sample_id"], turn["dia_id"]): turn
        for record in raw
        for key, value in record["conversation"].items()
        if isinstance(value, list)
        for turn in value
    }
    captioned = 0
    for c in locomo:
        for turn in c.turns():
            source = by_id[(c.id, turn.id)]
            if "blip_caption" in source:
                captioned += 1
                caption = source["blip_caption"]
                assert turn.text == f"{source['text'].strip()} [shares a photo: {caption}]"
            else:
                assert turn.text == source["text"].strip()
    assert captioned == 867


def test_locomo_questions(locomo: list[Conversation]) -> None:
    first = _question(locomo, "conv-26:q0")
    assert first.question == "When did Caroline go to the LGBTQ support group?"
    assert first.answer == "7 May 2023"
    assert first.category == "2"
    assert first.evidence == ("D1:3",)
    assert first.evidence_sessions == ("session_1",)
    assert first.question_date is None
    assert not first.is_abstention
    ids = [q.id for c in locomo for q in c.questions]
    assert len(ids) == len(set(ids))
    for c in locomo:
        assert [q.id for q in c.questions] == [f"{c.id}:q{i}" for i in range(len(c.questions))]


def test_locomo_numeric_answers_become_strings(locomo: list[Conversation]) -> None:
    questions = [q for c in locomo for q in c.questions]
    assert all(isinstance(q.answer, str) for q in questions)
    raw = json.loads(LOCOMO_DEV.read_text(encoding="utf-8"))
    numeric = {
        f"{record['sample_id']}:q{index}": qa["answer"]
        for record in raw
        for index, qa in enumerate(record["qa"])
        if isinstance(qa.get("answer"), int)
    }
    assert sorted(numeric.values()) == [2, 3, 2022, 2022, 2022, 2022]
    for question_id, answer in numeric.items():
        assert _question(locomo, question_id).answer == str(answer)


def test_locomo_adversarial_questions(locomo: list[Conversation]) -> None:
    adversarial = [q for c in locomo for q in c.questions if q.category == "5"]
    assert len(adversarial) == 312
    for q in adversarial:
        assert q.is_abstention
        assert q.answer == LOCOMO_ABSTENTION_ANSWER
        assert q.adversarial_answer
        assert locomo_score(q.answer, q.answer, q.category) == 1.0
    charity = _question(locomo, "conv-26:q152")
    assert charity.question == "What did Caroline realize after her charity race?"
    assert charity.adversarial_answer == "self-care is important"
    assert not any(q.is_abstention for c in locomo for q in c.questions if q.category != "5")


def test_locomo_evidence_is_parsed_and_restricted_to_real_turns(
    locomo: list[Conversation],
) -> None:
    for c in locomo:
        turn_ids = c.turn_ids()
        for q in c.questions:
            assert set(q.evidence) <= turn_ids
    assert _question(locomo, "conv-26:q37").evidence == ("D8:6", "D9:17")
    assert _question(locomo, "conv-26:q37").evidence_sessions == ("session_8", "session_9")
    assert "D11:26" in _question(locomo, "conv-43:q18").evidence
    assert _question(locomo, "conv-42:q88").evidence == ("D1:18", "D1:20")  # bare "D" dropped
    assert "D10:19" not in _question(locomo, "conv-42:q58").evidence  # names no turn
    assert _question(locomo, "conv-47:q38").evidence == ("D18:1", "D18:7")  # D4:36: no turn
    assert sum(1 for c in locomo for q in c.questions if not q.evidence) == 2


# ---------------------------------------------------------------- LongMemEval


def test_longmemeval_synthetic_items(longmemeval: dict[str, Conversation]) -> None:
    assert len(longmemeval) == 7
    categories = {c.questions[0].category for c in longmemeval.values()}
    assert categories == {
        "single-session-user",
        "single-session-assistant",
        "single-session-preference",
        "multi-session",
        "knowledge-update",
        "temporal-reasoning",
    }
    for conv in longmemeval.values():
        assert len(conv.questions) == 1
        assert conv.questions[0].id == conv.id
        assert conv.speakers == ("user", "assistant")
        assert 2 <= len(conv.sessions) <= 4
    abstentions = [cid for cid, c in longmemeval.items() if c.questions[0].is_abstention]
    assert abstentions == ["syn_ssu_01_abs"]
    assert longmemeval["syn_ssu_01_abs"].questions[0].evidence == ()


def test_longmemeval_turns_and_evidence(longmemeval: dict[str, Conversation]) -> None:
    conv = longmemeval["syn_ssu_01"]
    question = conv.questions[0]
    assert question.answer == "Business Administration"
    assert question.question_date == datetime(2023, 5, 30, 10, 0, tzinfo=UTC)
    assert question.evidence == ("answer_ssu01_1:3",)
    assert question.evidence_sessions == ("answer_ssu01_1",)
    session = conv.sessions[1]
    assert session.id == "answer_ssu01_1"
    assert session.timestamp == datetime(2023, 5, 22, 18, 40, tzinfo=UTC)
    assert [t.id for t in session.turns] == [f"answer_ssu01_1:{n}" for n in range(1, 5)]
    assert [t.role for t in session.turns] == ["user", "assistant", "user", "assistant"]
    assert all(t.speaker == t.role and t.timestamp == session.timestamp for t in session.turns)
    assert "Business Administration" in session.turns[2].text

    assistant = longmemeval["syn_ssa_01"].questions[0]
    assert assistant.evidence == ("answer_ssa01_1:2",)  # the assistant's turn

    multi = longmemeval["syn_ms_01"].questions[0]
    assert multi.answer == "3"  # numeric answer coerced
    assert multi.evidence == ("answer_ms01_1:1", "answer_ms01_2:1", "answer_ms01_3:1")


def test_longmemeval_sessions_sorted_by_date(longmemeval: dict[str, Conversation]) -> None:
    conv = longmemeval["syn_tr_01"]
    assert [s.id for s in conv.sessions] == ["ultrachat_41007", "answer_tr01_1", "answer_tr01_2"]
    stamps = [s.timestamp for s in conv.sessions]
    assert stamps == sorted(stamps)  # type: ignore[type-var]
    # evidence follows chronological order, not haystack order
    assert conv.questions[0].evidence == ("answer_tr01_1:1", "answer_tr01_2:1")


def test_longmemeval_length_mismatch_raises(tmp_path: Path) -> None:
    item: dict[str, Any] = json.loads(LME_SYNTHETIC.read_text(encoding="utf-8"))[0]
    item["haystack_dates"] = item["haystack_dates"][:1]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([item]), encoding="utf-8")
    with pytest.raises(ValueError, match="syn_ssu_01"):
        load_longmemeval(path)


# ---------------------------------------------------------------------- JSONL

JSONL_RECORDS: list[dict[str, Any]] = [
    {
        "type": "turn",
        "conversation": "c1",
        "id": "t1",
        "speaker": "Ann",
        "role": "user",
        "text": "I moved to Lisbon last week.",
        "timestamp": "2024-01-02T10:00:00Z",
        "session": "s1",
    },
    {
        "type": "turn",
        "conversation": "c1",
        "id": "t2",
        "speaker": "Bot",
        "role": "assistant",
        "text": "How exciting! How is the new flat?",
        "timestamp": "2024-01-02T10:00:30+00:00",
        "session": "s1",
    },
    {
        "type": "question",
        "conversation": "c1",
        "id": "q1",
        "question": "Where does Ann live?",
        "answer": "Lisbon",
        "category": "single-hop",
        "evidence": ["t1"],
        "question_date": "2024-02-01T09:00:00Z",
    },
    {
        "type": "turn",
        "conversation": "c1",
        "id": "t3",
        "speaker": "Ann",
        "text": "My sister visits on the 20th.",
        "timestamp": "2024-01-10T12:00:00+01:00",
        "session": "s2",
    },
    {"type": "turn", "conversation": "c2", "id": "t1", "speaker": "Bo", "text": "Hello."},
    {
        "type": "question",
        "conversation": "c2",
        "id": "q2",
        "question": "How many pets does Bo have?",
        "answer": 0,
    },
]


def _write_jsonl(path: Path, records: list[Any]) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_load_jsonl(tmp_path: Path) -> None:
    path = _write_jsonl(tmp_path / "data.jsonl", [*JSONL_RECORDS[:3], "", *JSONL_RECORDS[3:]])
    conversations = load_jsonl(path)
    assert [c.id for c in conversations] == ["c1", "c2"]
    c1, c2 = conversations
    assert c1.speakers == ("Ann", "Bot")
    assert [s.id for s in c1.sessions] == ["s1", "s2"]
    assert [t.id for t in c1.sessions[0].turns] == ["t1", "t2"]
    assert c1.sessions[0].timestamp == datetime(2024, 1, 2, 10, 0, tzinfo=UTC)
    t3 = c1.sessions[1].turns[0]
    assert t3.role == "user"  # default
    assert t3.timestamp == datetime(2024, 1, 10, 11, 0, tzinfo=UTC)  # converted to UTC
    assert t3.timestamp is not None and t3.timestamp.utcoffset() is not None
    (q1,) = c1.questions
    assert q1 == Question(
        id="q1",
        question="Where does Ann live?",
        answer="Lisbon",
        category="single-hop",
        evidence=("t1",),
        question_date=datetime(2024, 2, 1, 9, 0, tzinfo=UTC),
        is_abstention=False,
        evidence_sessions=("s1",),
    )
    assert c2.sessions[0].id == "default"
    assert c2.sessions[0].timestamp is None
    (q2,) = c2.questions
    assert q2.answer == "0"
    assert q2.category == "uncategorized"
    assert q2.evidence == ()
    assert q2.question_date is None


@pytest.mark.parametrize(
    ("bad_line", "pattern"),
    [
        ("{not json", r"line 2: invalid JSON"),
        ("[1, 2]", r"line 2: expected a JSON object"),
        ('{"conversation": "c1", "id": "x"}', r"line 2: field 'type'"),
        ('{"type": "note", "conversation": "c1"}', r"line 2: field 'type'"),
        (
            '{"type": "turn", "conversation": "c1", "id": "t9", "speaker": "Ann"}',
            r"line 2: field 'text': Field required",
        ),
        (
            '{"type": "turn", "conversation": "c1", "id": "t9", "speaker": "Ann", '
            '"text": "hi", "timestamp": "yesterday"}',
            r"line 2: field 'timestamp'",
        ),
        (
            '{"type": "turn", "conversation": "c1", "id": "t9", "speaker": "Ann", '
            '"text": "hi", "mood": "happy"}',
            r"line 2: field 'mood'",
        ),
        (
            '{"type": "question", "conversation": "c1", "id": "q9", "question": "?", '
            '"answer": "x", "evidence": "t1"}',
            r"line 2: field 'evidence'",
        ),
        (
            '{"type": "turn", "conversation": "c1", "id": "t1", "speaker": "Ann", "text": "again"}',
            r"line 2: field 'id': duplicate turn id 't1'",
        ),
        (
            '{"type": "question", "conversation": "c1", "id": "q9", "question": "?", '
            '"answer": "x", "evidence": ["t1", "t404"]}',
            r"line 2: field 'evidence': unknown turn ids \['t404'\]",
        ),
        (
            '{"type": "question", "conversation": "c9", "id": "q9", "question": "?", '
            '"answer": "x"}',
            r"line 2: field 'conversation'",
        ),
    ],
)
def test_load_jsonl_errors_name_line_and_field(tmp_path: Path, bad_line: str, pattern: str) -> None:
    path = _write_jsonl(tmp_path / "bad.jsonl", [JSONL_RECORDS[0], bad_line])
    with pytest.raises(ValueError, match=pattern):
        load_jsonl(path)


def test_load_jsonl_duplicate_question_id(tmp_path: Path) -> None:
    path = _write_jsonl(tmp_path / "dup.jsonl", [*JSONL_RECORDS[:3], JSONL_RECORDS[2]])
    with pytest.raises(ValueError, match=r"line 4: field 'id': duplicate question id 'q1'"):
        load_jsonl(path)


# ------------------------------------------------------------------- dispatch


def test_load_dataset_sniffs_each_format(tmp_path: Path) -> None:
    locomo = load_dataset(LOCOMO_DEV)
    assert len(locomo) == 7 and locomo[0].id == "conv-26"
    lme = load_dataset(LME_SYNTHETIC)
    assert len(lme) == 7 and lme[0].questions[0].category == "single-session-user"
    jsonl = load_dataset(_write_jsonl(tmp_path / "data.jsonl", JSONL_RECORDS))
    assert [c.id for c in jsonl] == ["c1", "c2"]
    # JSONL content under another suffix is recognised too
    other = load_dataset(_write_jsonl(tmp_path / "data.txt", JSONL_RECORDS))
    assert [c.id for c in other] == ["c1", "c2"]


def test_load_dataset_with_explicit_format(tmp_path: Path) -> None:
    path = _write_jsonl(tmp_path / "data.json", JSONL_RECORDS)
    assert len(load_dataset(path, fmt="jsonl")) == 2
    assert len(load_dataset(LME_SYNTHETIC, fmt="longmemeval")) == 7
    with pytest.raises(ValueError, match="unknown dataset format"):
        load_dataset(path, fmt="csv")


def test_load_dataset_rejects_unknown_content(tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text(json.dumps([{"foo": 1}]), encoding="utf-8")
    with pytest.raises(ValueError, match="cannot tell the dataset format"):
        load_dataset(path)
    garbage = tmp_path / "garbage.json"
    garbage.write_text("definitely not json\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not JSON or JSONL"):
        load_dataset(garbage)
