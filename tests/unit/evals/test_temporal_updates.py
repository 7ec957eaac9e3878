"""The hand-written temporal/update stress set and its anonymous, padded variant."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta

from evals.datasets import load_jsonl
from evals.datasets.anonymous import TEMPORAL_UPDATES, build_anonymous

TYPES = {
    "temporal-reasoning",
    "knowledge-update",
    "single-session-user",
    "single-session-assistant",
    "single-session-preference",
    "multi-session",
}
_DAYS_AGO = re.compile(r"^How many days ago\b")


def test_the_set_is_multi_session_second_person_and_unnamed() -> None:
    conversations = load_jsonl(TEMPORAL_UPDATES)
    assert len(conversations) >= 8
    questions = [q for c in conversations for q in c.questions]
    assert len(questions) >= 60
    assert set(Counter(q.category for q in questions)) == TYPES
    for conv in conversations:
        assert {t.speaker for t in conv.turns()} == {"user", "assistant"}, conv.id
        stamps = [s.timestamp for s in conv.sessions if s.timestamp is not None]
        assert len(stamps) == len(conv.sessions) >= 5 and stamps == sorted(stamps), conv.id
        assert stamps[-1] - stamps[0] >= timedelta(weeks=6), conv.id
        texts = {t.id: t.text for t in conv.turns()}
        for q in conv.questions:
            assert q.question_date is not None and q.question_date > stamps[-1], q.id
            assert q.evidence and all(ev in texts for ev in q.evidence), q.id
            assert "user" not in q.question.lower(), q.id  # asked as the user asks it


def test_days_ago_gold_counts_from_an_evidence_session_to_the_question_date() -> None:
    for conv in load_jsonl(TEMPORAL_UPDATES):
        day_of = {t.id: t.timestamp for t in conv.turns()}
        for q in conv.questions:
            if not _DAYS_AGO.match(q.question) or q.question_date is None:
                continue
            said = day_of[q.evidence[0]]
            assert said is not None
            gold = int(q.answer.split()[0])
            # the event is told on its day or up to a week after it ("on Thursday")
            assert (
                0
                <= (q.question_date.date() - said.date()).days
                <= gold
                <= (q.question_date.date() - said.date()).days + 7
            ), q.id


def test_the_set_pads_with_generic_sessions_and_keeps_its_questions() -> None:
    plain = load_jsonl(TEMPORAL_UPDATES)
    padded = build_anonymous(TEMPORAL_UPDATES, None, haystack=3)
    assert [q.question for c in padded for q in c.questions] == [
        q.question for c in plain for q in c.questions
    ]
    assert all(sum("~gen" in s.id for s in c.sessions) == 3 for c in padded)
