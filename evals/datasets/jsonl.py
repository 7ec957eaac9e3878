"""The generic JSONL loader (format: see :mod:`evals.datasets`)."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from evals.datasets.model import (
    Conversation,
    Question,
    Session,
    StrPath,
    Turn,
    as_utc,
    unique,
)

logger = logging.getLogger(__name__)


class _TurnRecord(BaseModel):
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)

    type: Literal["turn"]
    conversation: str
    id: str
    speaker: str
    role: str = "user"
    text: str
    timestamp: datetime | None = None
    session: str = "default"


class _QuestionRecord(BaseModel):
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)

    type: Literal["question"]
    conversation: str
    id: str
    question: str
    answer: str
    category: str = "uncategorized"
    evidence: list[str] = Field(default_factory=list)
    question_date: datetime | None = None
    is_abstention: bool = False
    aliases: list[str] = Field(default_factory=list)
    reveal: bool = False


class _SecretRecord(BaseModel):
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)

    type: Literal["secret"]
    conversation: str
    value: str = Field(min_length=1)
    turn: str | None = None


_Record = _TurnRecord | _QuestionRecord | _SecretRecord
_RECORD: TypeAdapter[_Record] = TypeAdapter(Annotated[_Record, Field(discriminator="type")])


def _jsonl_error(source: str, line: int, field: str, message: str) -> ValueError:
    return ValueError(f"{source}: line {line}: field {field!r}: {message}")


def _validation_error(source: str, line: int, exc: ValidationError) -> ValueError:
    error = exc.errors()[0]
    loc = [str(part) for part in error["loc"]]
    if loc and loc[0] in ("turn", "question", "secret"):  # discriminator tag prefix
        loc = loc[1:]
    if error["type"].startswith("union_tag"):
        loc = ["type"]
    field = ".".join(loc) or "type"
    return _jsonl_error(source, line, field, error["msg"])


def _parse_jsonl_lines(lines: Sequence[str], source: str) -> list[tuple[int, _Record]]:
    records: list[tuple[int, _Record]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{source}: line {number}: invalid JSON: {exc.msg}") from None
        if not isinstance(obj, dict):
            raise ValueError(f"{source}: line {number}: expected a JSON object")
        try:
            records.append((number, _RECORD.validate_python(obj)))
        except ValidationError as exc:
            raise _validation_error(source, number, exc) from None
    return records


def _build_jsonl_conversations(
    records: Sequence[tuple[int, _Record]], source: str
) -> list[Conversation]:
    # conversation -> session -> turns, all in order of first appearance
    layout: dict[str, dict[str, list[Turn]]] = {}
    speakers: dict[str, dict[str, None]] = {}
    turn_ids: dict[str, set[str]] = {}
    for number, record in records:
        if not isinstance(record, _TurnRecord):
            continue
        ids = turn_ids.setdefault(record.conversation, set())
        if record.id in ids:
            raise _jsonl_error(
                source, number, "id", f"duplicate turn id {record.id!r} in {record.conversation!r}"
            )
        ids.add(record.id)
        timestamp = None if record.timestamp is None else as_utc(record.timestamp)
        turn = Turn(
            id=record.id,
            speaker=record.speaker,
            text=record.text,
            timestamp=timestamp,
            session_id=record.session,
            role=record.role,
        )
        layout.setdefault(record.conversation, {}).setdefault(record.session, []).append(turn)
        speakers.setdefault(record.conversation, {})[record.speaker] = None

    session_of_turn = {
        (conversation, turn.id): session_id
        for conversation, sessions in layout.items()
        for session_id, turns in sessions.items()
        for turn in turns
    }
    questions: dict[str, list[Question]] = {conversation: [] for conversation in layout}
    question_ids: set[str] = set()
    for number, record in records:
        if not isinstance(record, _QuestionRecord):
            continue
        if record.conversation not in layout:
            raise _jsonl_error(
                source, number, "conversation", f"no turns for conversation {record.conversation!r}"
            )
        if record.id in question_ids:
            raise _jsonl_error(source, number, "id", f"duplicate question id {record.id!r}")
        question_ids.add(record.id)
        missing = [ev for ev in record.evidence if (record.conversation, ev) not in session_of_turn]
        if missing:
            raise _jsonl_error(
                source,
                number,
                "evidence",
                f"unknown turn ids {missing} in conversation {record.conversation!r}",
            )
        evidence = unique(record.evidence)
        question_date = None if record.question_date is None else as_utc(record.question_date)
        questions[record.conversation].append(
            Question(
                id=record.id,
                question=record.question,
                answer=record.answer,
                category=record.category,
                evidence=evidence,
                question_date=question_date,
                is_abstention=record.is_abstention,
                evidence_sessions=unique(
                    [session_of_turn[(record.conversation, ev)] for ev in evidence]
                ),
                aliases=tuple(record.aliases),
                reveal=record.reveal,
            )
        )

    secrets: dict[str, list[str]] = {conversation: [] for conversation in layout}
    for number, record in records:
        if not isinstance(record, _SecretRecord):
            continue
        if record.conversation not in layout:
            raise _jsonl_error(
                source, number, "conversation", f"no turns for conversation {record.conversation!r}"
            )
        if record.turn is not None and (record.conversation, record.turn) not in session_of_turn:
            raise _jsonl_error(
                source,
                number,
                "turn",
                f"unknown turn id {record.turn!r} in {record.conversation!r}",
            )
        secrets[record.conversation].append(record.value)

    conversations: list[Conversation] = []
    for conversation, sessions in layout.items():
        built = []
        for session_id, turns in sessions.items():
            stamps = [turn.timestamp for turn in turns if turn.timestamp is not None]
            built.append(Session(id=session_id, timestamp=min(stamps, default=None), turns=turns))
        conversations.append(
            Conversation(
                id=conversation,
                speakers=tuple(speakers[conversation]),
                sessions=built,
                questions=questions[conversation],
                secrets=unique(secrets[conversation]),
            )
        )
    return conversations


def load_jsonl_text(text: str, source: str) -> list[Conversation]:
    """The conversations of JSONL ``text`` (``source`` names it in errors)."""
    return _build_jsonl_conversations(_parse_jsonl_lines(text.splitlines(), source), source)


def load_jsonl(path: StrPath) -> list[Conversation]:
    """Load the generic JSONL format described in :mod:`evals.datasets`.

    Raises ValueError naming the line number and field for any invalid line.
    """
    return load_jsonl_text(Path(path).read_text(encoding="utf-8"), str(path))


# -------------------------------------------------------------------------- dispatch
