"""Tests for evals.datasets.anonymous: the second-person, role-speaker variant."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from evals.datasets import Conversation, Question, Session, Turn, load_jsonl, load_longmemeval
from evals.datasets.anonymous import (
    GENERIC_SESSIONS,
    NAMED,
    SECOND_PERSON,
    anonymise,
    build_anonymous,
    load_pool,
    load_second_person,
    write_jsonl,
    write_longmemeval,
)
from evals.datasets.haystack import pad_from_pool

_T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def _named() -> Conversation:
    sessions = []
    for number, day in enumerate([0, 10, 20], start=1):
        start = _T0 + timedelta(days=day)
        sid = f"s{number}"
        turns = [
            Turn(f"a-{sid}-1", "Ana", f"Ana fact {number}.", start, sid, "user"),
            Turn(
                f"a-{sid}-2",
                "Helper",
                f"Reply {number}.",
                start + timedelta(minutes=2),
                sid,
                "assistant",
            ),
        ]
        sessions.append(Session(sid, start, turns))
    questions = [
        Question(
            "a-q1",
            "Where does Ana live?",
            "Oslo",
            "single-hop",
            ("a-s1-1",),
            _T0 + timedelta(days=30),
            False,
            ("s1",),
        ),
        Question(
            "a-q2",
            "What is Ana's PIN?",
            "1234",
            "secret",
            ("a-s2-1",),
            _T0 + timedelta(days=30),
            False,
            ("s2",),
            reveal=True,
        ),
        Question(
            "a-q3",
            "Who is Ana's dentist?",
            "Not mentioned",
            "abstention",
            (),
            _T0 + timedelta(days=30),
            True,
        ),
    ]
    return Conversation("a", ("Ana", "Helper"), sessions, questions, ("1234",))


_WORDING = {"a-q1": "Where do I live?", "a-q2": "What is my PIN?", "a-q3": "Who is my dentist?"}


def _pool() -> list[Session]:
    start = _T0 - timedelta(days=400)
    return [
        Session(
            f"g{n}",
            start + timedelta(days=n),
            [
                Turn(
                    f"g{n}-1",
                    "user",
                    f"How do I cook dish {n}?",
                    start + timedelta(days=n),
                    f"g{n}",
                    "user",
                ),
                Turn(
                    f"g{n}-2",
                    "assistant",
                    f"Dish {n} recipe.",
                    start + timedelta(days=n, minutes=2),
                    f"g{n}",
                    "assistant",
                ),
            ],
        )
        for n in range(5)
    ]


def test_anonymise_uses_roles_and_second_person_and_keeps_gold() -> None:
    named = _named()
    (anon,) = anonymise([named], _WORDING)
    assert {t.speaker for t in anon.turns()} == {"user", "assistant"}
    assert anon.speakers == ("user", "assistant")
    assert [t.text for t in anon.turns()] == [t.text for t in named.turns()]
    assert [q.question for q in anon.questions] == list(_WORDING.values())
    for before, after in zip(named.questions, anon.questions, strict=True):
        assert (after.answer, after.evidence, after.is_abstention, after.reveal) == (
            before.answer,
            before.evidence,
            before.is_abstention,
            before.reveal,
        )
    assert anon.secrets == named.secrets


def test_anonymise_refuses_a_question_without_wording() -> None:
    with pytest.raises(ValueError, match="a-q3"):
        anonymise([_named()], {"a-q1": "x", "a-q2": "y"})


def test_pool_padding_places_distractors_before_the_last_own_session() -> None:
    (padded,) = pad_from_pool([_named()], _pool(), 3, seed=1)
    extra = [s for s in padded.sessions if "~gen" in s.id]
    assert len(extra) == 3
    last_own = max(s.timestamp for s in padded.sessions if "~gen" not in s.id if s.timestamp)
    assert all(s.timestamp is not None and s.timestamp < last_own for s in extra)
    assert all(t.id.startswith("a~gen") for s in extra for t in s.turns)
    assert pad_from_pool([_named()], _pool(), 3, seed=1) == [padded]
    stamps = [s.timestamp for s in padded.sessions]
    assert stamps == sorted(stamps)


def test_jsonl_and_longmemeval_writers_round_trip(tmp_path: Path) -> None:
    (anon,) = pad_from_pool(anonymise([_named()], _WORDING), _pool(), 2)
    (loaded,) = load_jsonl(write_jsonl([anon], tmp_path / "anon.jsonl"))
    assert [q.question for q in loaded.questions] == [q.question for q in anon.questions]
    assert [t.id for t in loaded.turns()] == [t.id for t in anon.turns()]
    assert loaded.secrets == anon.secrets
    items = load_longmemeval(write_longmemeval([anon], tmp_path / "anon.json", 5))
    # the reveal question is left out; the abstention id carries LongMemEval's marker
    assert [c.questions[0].question for c in items] == ["Where do I live?", "Who is my dentist?"]
    first, abstention = (c.questions[0] for c in items)
    assert first.evidence == ("s1:1",) and first.answer == "Oslo"
    assert abstention.is_abstention
    assert len(items[0].sessions) == len(anon.sessions)
    raw = json.loads((tmp_path / "anon.json").read_text())
    assert raw[0]["haystack_sessions"][0][0]["role"] in ("user", "assistant")


def test_project_files_cover_every_question_and_hold_no_names() -> None:
    wording = load_second_person(SECOND_PERSON)
    named = load_jsonl(NAMED)
    assert {q.id for c in named for q in c.questions} == set(wording)
    users = {t.speaker for c in named for t in c.turns() if t.role == "user"}
    for question in wording.values():
        assert not any(name in question.split() for name in users), question
    pool = load_pool(GENERIC_SESSIONS)
    assert len(pool) >= 15
    assert {t.speaker for s in pool for t in s.turns} == {"user", "assistant"}
    built = build_anonymous(haystack=4)
    assert all(sum("~gen" in s.id for s in c.sessions) == 4 for c in built)
    assert {t.speaker for c in built for t in c.turns()} == {"user", "assistant"}
