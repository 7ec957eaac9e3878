"""The LOCOMO loader (format: see :mod:`evals.datasets`)."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from datetime import datetime
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
from evals.metrics import parse_evidence_ids

LOCOMO_ABSTENTION_ANSWER = "Not mentioned in the conversation"
"""Gold answer given to LOCOMO category-5 (adversarial) questions."""

logger = logging.getLogger(__name__)


def parse_locomo_datetime(text: str | None) -> datetime | None:
    """Parse a LOCOMO session time such as ``"1:56 pm on 8 May, 2023"`` as UTC.

    Returns None for a missing or blank value; raises ValueError if unparseable.
    """
    if text is None or not text.strip():
        return None
    try:
        parsed = dateutil_parser.parse(text)
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"cannot parse LOCOMO date/time {text!r}") from exc
    return as_utc(parsed)


_LOCOMO_SESSION = re.compile(r"session_(\d+)")


def _locomo_turn_text(raw: Mapping[str, Any]) -> str:
    text = str(raw.get("text", "")).strip()
    caption = raw.get("blip_caption")
    if caption:
        text = f"{text} [shares a photo: {str(caption).strip()}]".lstrip()
    return text


def _locomo_conversation(record: Mapping[str, Any]) -> Conversation:
    sample_id = str(record["sample_id"])
    conv: Mapping[str, Any] = record["conversation"]
    speakers = (str(conv["speaker_a"]), str(conv["speaker_b"]))

    numbers = sorted(
        int(match.group(1))
        for key, value in conv.items()
        if (match := _LOCOMO_SESSION.fullmatch(key)) and isinstance(value, list)
    )
    sessions: list[Session] = []
    session_of_turn: dict[str, str] = {}
    for number in numbers:
        session_id = f"session_{number}"
        date_key = f"{session_id}_date_time"
        try:
            timestamp = parse_locomo_datetime(conv.get(date_key))
        except ValueError as exc:
            raise ValueError(f"{sample_id}: {date_key}: {exc}") from None
        turns = [
            Turn(
                id=str(raw["dia_id"]),
                speaker=str(raw["speaker"]),
                text=_locomo_turn_text(raw),
                timestamp=timestamp,
                session_id=session_id,
                role="user",
            )
            for raw in conv[session_id]
        ]
        session_of_turn.update((turn.id, session_id) for turn in turns)
        sessions.append(Session(id=session_id, timestamp=timestamp, turns=turns))

    questions: list[Question] = []
    dropped = 0
    for index, qa in enumerate(record.get("qa", [])):
        question_id = f"{sample_id}:q{index}"
        category = int(qa["category"])
        adversarial = qa.get("adversarial_answer")
        if category == 5:
            answer = LOCOMO_ABSTENTION_ANSWER
        elif "answer" in qa:
            answer = str(qa["answer"])
        elif adversarial is not None:
            answer = str(adversarial)
        else:
            raise ValueError(f"{question_id}: question has no answer")
        parsed = parse_evidence_ids(qa.get("evidence"))
        evidence = tuple(ev for ev in parsed if ev in session_of_turn)
        dropped += len(parsed) - len(evidence)
        questions.append(
            Question(
                id=question_id,
                question=str(qa["question"]),
                answer=answer,
                category=str(category),
                evidence=evidence,
                question_date=None,
                is_abstention=category == 5,
                evidence_sessions=unique([session_of_turn[ev] for ev in evidence]),
                adversarial_answer=None if adversarial is None else str(adversarial),
            )
        )
    if dropped:
        logger.debug("%s: dropped %d evidence ids that name no turn", sample_id, dropped)
    return Conversation(id=sample_id, speakers=speakers, sessions=sessions, questions=questions)


def load_locomo_data(data: Any) -> list[Conversation]:
    """The conversations of parsed LOCOMO JSON (a list of conversations)."""
    if not isinstance(data, list):
        raise ValueError("LOCOMO data must be a JSON list of conversations")
    return [_locomo_conversation(record) for record in data]


def load_locomo(path: StrPath) -> list[Conversation]:
    """Load a LOCOMO file (``locomo10.json`` format); see :mod:`evals.datasets`."""
    return load_locomo_data(read_json(path))


# --------------------------------------------------------------------- LongMemEval
