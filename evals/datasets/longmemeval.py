"""The LongMemEval loader (format: see :mod:`evals.datasets`)."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from dateutil import parser as dateutil_parser  # type: ignore[import-untyped, unused-ignore]

from evals.datasets.model import (
    Conversation,
    Question,
    Session,
    StrPath,
    Turn,
    as_utc,
    read_json,
    unique,
)

_WEEKDAY = re.compile(r"\s*\([A-Za-z]+\)\s*")

logger = logging.getLogger(__name__)


def parse_longmemeval_datetime(text: str | None) -> datetime | None:
    """Parse a LongMemEval time such as ``"2023/05/24 (Wed) 17:31"`` as UTC.

    Returns None for a missing or blank value; raises ValueError if unparseable.
    """
    if text is None or not text.strip():
        return None
    cleaned = _WEEKDAY.sub(" ", text).strip()
    try:
        return datetime.strptime(cleaned, "%Y/%m/%d %H:%M").replace(tzinfo=UTC)
    except ValueError:
        pass
    try:
        return as_utc(dateutil_parser.parse(cleaned))
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"cannot parse LongMemEval date/time {text!r}") from exc


# -------------------------------------------------------------------------- LOCOMO


def _longmemeval_conversation(item: Mapping[str, Any]) -> Conversation:
    question_id = str(item["question_id"])
    session_ids = [str(sid) for sid in item["haystack_session_ids"]]
    raw_sessions: list[list[Mapping[str, Any]]] = item["haystack_sessions"]
    raw_dates: list[str | None] = item.get("haystack_dates") or [None] * len(raw_sessions)
    if not len(session_ids) == len(raw_sessions) == len(raw_dates):
        raise ValueError(
            f"{question_id}: haystack_session_ids, haystack_sessions and haystack_dates "
            "differ in length"
        )
    try:
        dates = [parse_longmemeval_datetime(raw) for raw in raw_dates]
        question_date = parse_longmemeval_datetime(item.get("question_date"))
    except ValueError as exc:
        raise ValueError(f"{question_id}: {exc}") from None

    order = sorted(
        range(len(raw_sessions)),
        key=lambda i: (dates[i] is None, dates[i] or datetime.min.replace(tzinfo=UTC)),
    )
    sessions: list[Session] = []
    evidence: list[str] = []
    seen: dict[str, int] = {}
    for i in order:
        session_id = session_ids[i]
        seen[session_id] = seen.get(session_id, 0) + 1
        if seen[session_id] > 1:
            logger.warning("%s: repeated haystack session id %s", question_id, session_id)
            session_id = f"{session_id}#{seen[session_id]}"
        turns: list[Turn] = []
        for number, raw in enumerate(raw_sessions[i], start=1):
            role = str(raw.get("role", "user"))
            turn = Turn(
                id=f"{session_id}:{number}",
                speaker=role,
                text=str(raw.get("content", "")),
                timestamp=dates[i],
                session_id=session_id,
                role=role,
            )
            turns.append(turn)
            if raw.get("has_answer") is True:
                evidence.append(turn.id)
        sessions.append(Session(id=session_id, timestamp=dates[i], turns=turns))

    answer_sessions = [str(sid) for sid in item.get("answer_session_ids", [])]
    question = Question(
        id=question_id,
        question=str(item["question"]),
        answer=str(item["answer"]),
        category=str(item["question_type"]),
        evidence=tuple(evidence),
        question_date=question_date,
        is_abstention=question_id.endswith("_abs"),
        evidence_sessions=unique(answer_sessions),
    )
    return Conversation(
        id=question_id, speakers=("user", "assistant"), sessions=sessions, questions=[question]
    )


def load_longmemeval_data(data: Any) -> list[Conversation]:
    """The conversations of parsed LongMemEval JSON (a list of questions)."""
    if not isinstance(data, list):
        raise ValueError("LongMemEval data must be a JSON list of questions")
    return [_longmemeval_conversation(item) for item in data]


def load_longmemeval(path: StrPath) -> list[Conversation]:
    """Load a LongMemEval file (``longmemeval_s/m/oracle`` format); see :mod:`evals.datasets`."""
    return load_longmemeval_data(read_json(path))


# --------------------------------------------------------------------------- JSONL
