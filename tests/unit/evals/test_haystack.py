"""Tests for evals.datasets.haystack: LongMemEval-style distractor padding."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from evals.datasets import Conversation, Question, Session, Turn
from evals.datasets.haystack import pad_with_haystack
from evals.report import _haystack_note
from evals.runner import build_parser, options_from_args

_T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def _conversation(name: str, person: str, days: list[int], secret: str) -> Conversation:
    sessions = []
    for number, day in enumerate(days, start=1):
        start = _T0 + timedelta(days=day)
        sid = f"s{number}"
        turns = [
            Turn(f"{name}-{sid}-1", person, f"{person} says thing {number}.", start, sid, "user"),
            Turn(
                f"{name}-{sid}-2",
                "Assistant",
                f"Reply {number} (code {secret}).",
                start + timedelta(minutes=3),
                sid,
                "assistant",
            ),
        ]
        sessions.append(Session(sid, start, turns))
    question = Question(
        id=f"{name}-q1",
        question=f"What did {person} say first?",
        answer="thing 1",
        category="single-hop",
        evidence=(f"{name}-s1-1",),
        question_date=_T0 + timedelta(days=days[-1] + 1),
        is_abstention=False,
        evidence_sessions=("s1",),
    )
    return Conversation(name, (person, "Assistant"), sessions, [question], (secret,))


def _data() -> list[Conversation]:
    return [
        _conversation("a", "Ana", [0, 10, 20, 30], "AAA-111"),
        _conversation("b", "Bo", [5, 6, 40], "BBB-222"),
        _conversation("c", "Cy", [1, 2, 3, 4, 50], "CCC-333"),
    ]


def test_zero_sessions_changes_nothing() -> None:
    data = _data()
    assert pad_with_haystack(data, 0) == data


def test_padding_is_deterministic_and_seeded() -> None:
    assert pad_with_haystack(_data(), 4) == pad_with_haystack(_data(), 4)
    assert pad_with_haystack(_data(), 4, seed=1) != pad_with_haystack(_data(), 4, seed=2)


def test_padding_adds_other_conversations_sessions_with_new_unique_ids() -> None:
    data = _data()
    for original, padded in zip(data, pad_with_haystack(data, 4), strict=True):
        assert len(padded.sessions) == len(original.sessions) + 4
        ids = [turn.id for turn in padded.turns()]
        assert len(ids) == len(set(ids))
        assert len({s.id for s in padded.sessions}) == len(padded.sessions)
        borrowed = [t for t in padded.turns() if t.id not in original.turn_ids()]
        assert borrowed and all(t.id.startswith(f"{original.id}~hay") for t in borrowed)
        # only other conversations' sessions, speakers unchanged
        assert all(t.speaker != original.speakers[0] for t in borrowed)
        assert {t.speaker for t in borrowed} <= {"Ana", "Bo", "Cy", "Assistant"}


def test_gold_and_own_turns_are_untouched() -> None:
    data = _data()
    for original, padded in zip(data, pad_with_haystack(data, 5), strict=True):
        assert padded.questions == original.questions
        own = [t for t in padded.turns() if t.id in original.turn_ids()]
        assert own == list(original.turns())


def test_distractors_lie_before_or_between_own_sessions() -> None:
    data = _data()
    for original, padded in zip(data, pad_with_haystack(data, 6), strict=True):
        last_own = max(t.timestamp for t in original.turns() if t.timestamp)
        stamps = [s.timestamp for s in padded.sessions]
        assert stamps == sorted(stamps)  # type: ignore[type-var]
        for turn in padded.turns():
            if turn.id not in original.turn_ids():
                assert turn.timestamp is not None and turn.timestamp < last_own
        for session in padded.sessions:  # a borrowed session keeps its turns' spacing
            pairs = itertools.pairwise(session.turns)
            gaps = [b.timestamp - a.timestamp for a, b in pairs]  # type: ignore[operator]
            assert gaps == [timedelta(minutes=3)]


def test_more_sessions_than_available_uses_them_all() -> None:
    data = _data()
    padded = pad_with_haystack(data, 100)
    assert len(padded[0].sessions) == 4 + 3 + 5


def test_secrets_said_in_borrowed_sessions_are_declared() -> None:
    data = _data()
    padded = pad_with_haystack(data, 100)[0]
    assert set(padded.secrets) == {"AAA-111", "BBB-222", "CCC-333"}


def test_the_harness_option_and_the_report_line() -> None:
    parser = build_parser("evals.jsonl", default_data="x.jsonl", default_categories="")
    argv = ["--haystack", "24", "--haystack-seed", "3"]
    options = options_from_args(parser.parse_args(argv), argv, "evals.jsonl")
    assert (options.haystack, options.haystack_seed) == (24, 3)
    assert _haystack_note({"haystack_sessions": 0}) == ""
    note = _haystack_note({"haystack_sessions": 24, "haystack_seed": 3, "turns": 900})
    assert "24 sessions" in note and "seed 3" in note and "900 turns" in note
