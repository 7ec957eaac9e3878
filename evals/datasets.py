"""Benchmark loaders: LOCOMO, LongMemEval and a generic JSONL format, as one data model.

Every loader returns ``list[Conversation]``. A :class:`Conversation` is a list of
:class:`Session` values (chronological), each holding :class:`Turn` values, plus the
:class:`Question` values asked about it. All datetimes are timezone-aware UTC.

LOCOMO (:func:`load_locomo`)
    The ``locomo10.json`` list. Sessions are ``session_<n>`` in numeric order, stamped
    with ``session_<n>_date_time``; turn ids are the ``dia_id`` values; both speakers
    are people, so every turn has role ``"user"`` and the name in ``speaker``. Image
    turns carry their BLIP caption in the text. Question ids are
    ``"<sample_id>:q<index>"``; categories are the official numbers as strings (see
    :mod:`evals.metrics`). Category 5 (adversarial) questions get the gold answer
    :data:`LOCOMO_ABSTENTION_ANSWER`, because the official scorer only checks that the
    prediction says the information is not mentioned; the distractor answer is kept
    in ``Question.adversarial_answer``. Evidence is parsed leniently and ids naming no
    turn of the conversation are dropped.

LongMemEval (:func:`load_longmemeval`)
    The ``longmemeval_*.json`` list. Each item becomes its own conversation (id =
    ``question_id``) with one question; sessions are sorted by ``haystack_dates``; turn
    ids are ``"<session_id>:<turn number>"`` (1-based, as in LongMemEval's own
    retrieval code); evidence is the turns flagged ``has_answer``; the category is the
    ``question_type``; ids ending in ``_abs`` are abstention questions.

Generic JSONL (:func:`load_jsonl`)
    For users' own data. One JSON object per line (blank lines are ignored); three
    kinds::

        {"type": "turn", "conversation": "c1", "id": "t1", "speaker": "Ann",
         "role": "user", "text": "I moved to Lisbon last week.",
         "timestamp": "2024-01-02T10:00:00Z", "session": "s1"}
        {"type": "question", "conversation": "c1", "id": "q1",
         "question": "Where does Ann live?", "answer": "Lisbon",
         "category": "single-hop", "evidence": ["t1"],
         "question_date": "2024-02-01T09:00:00Z", "is_abstention": false,
         "aliases": ["Lisboa"], "reveal": false}
        {"type": "secret", "conversation": "c1", "value": "hunter2", "turn": "t7"}

    Turn fields: ``conversation``, ``id``, ``speaker`` and ``text`` are required;
    ``role`` defaults to ``"user"``, ``session`` to ``"default"``, ``timestamp`` to
    none. Question fields: ``conversation``, ``id``, ``question`` and ``answer`` are
    required (numbers are accepted and turned into strings); ``category`` (the
    question type the report groups by) defaults to ``"uncategorized"``,
    ``evidence`` to ``[]``, ``question_date`` to none, ``is_abstention`` to false
    (an abstention question is answered correctly only by declining), ``aliases``
    (other accepted forms of the answer) to ``[]`` and ``reveal`` (asked with the
    owner's explicit reveal flag) to false. Secret lines name a sensitive value said
    in a conversation (``turn``, optional, is the turn that says it); the harness
    counts how many of them it finds in clear in mirix-py's data folder and in
    answers given without a reveal. Timestamps are ISO 8601; those without a UTC offset
    are taken as UTC. Unknown fields are errors. Turn ids must be unique within a
    conversation, question ids within the file; evidence must name turns of the same
    conversation, and a question's conversation must have turns. Conversations and
    sessions keep the order in which they first appear, turns keep file order (so
    write the file chronologically); a session's timestamp is its earliest turn's.
    Any violation raises ValueError naming the line number and the field.

:func:`load_dataset` picks the loader from ``fmt`` or by sniffing the file.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from dateutil import parser as dateutil_parser  # type: ignore[import-untyped, unused-ignore]
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from evals.metrics import parse_evidence_ids

__all__ = [
    "DATASET_FORMATS",
    "LOCOMO_ABSTENTION_ANSWER",
    "Conversation",
    "Question",
    "Session",
    "Turn",
    "load_dataset",
    "load_jsonl",
    "load_locomo",
    "load_longmemeval",
    "parse_locomo_datetime",
    "parse_longmemeval_datetime",
]

logger = logging.getLogger(__name__)

StrPath = str | os.PathLike[str]

DATASET_FORMATS: tuple[str, ...] = ("locomo", "longmemeval", "jsonl")
"""Values accepted by :func:`load_dataset`'s ``fmt``."""

LOCOMO_ABSTENTION_ANSWER = "Not mentioned in the conversation"
"""Gold answer given to LOCOMO category-5 (adversarial) questions."""


# ----------------------------------------------------------------------- data model


@dataclass(frozen=True, slots=True)
class Turn:
    """One utterance. ``role`` is ``"user"`` or ``"assistant"``; ``speaker`` is a name."""

    id: str
    speaker: str
    text: str
    timestamp: datetime | None
    session_id: str
    role: str


@dataclass(frozen=True, slots=True)
class Session:
    """A contiguous exchange of turns, stamped with its (UTC) start time if known."""

    id: str
    timestamp: datetime | None
    turns: list[Turn]


@dataclass(frozen=True, slots=True)
class Question:
    """A benchmark question with its gold answer and the ids of its evidence turns.

    ``evidence_sessions`` lists the sessions that hold the evidence (LongMemEval's
    ``answer_session_ids``; derived from the evidence turns elsewhere).
    ``adversarial_answer`` is LOCOMO's distractor answer for category 5.
    ``aliases`` are other accepted forms of the gold answer (the correctness score
    accepts any; answer coverage reads ``answer`` only). ``reveal`` marks a question
    the owner asks with the explicit reveal flag (a secret's value is expected).
    """

    id: str
    question: str
    answer: str
    category: str
    evidence: tuple[str, ...]
    question_date: datetime | None
    is_abstention: bool
    evidence_sessions: tuple[str, ...] = ()
    adversarial_answer: str | None = None
    aliases: tuple[str, ...] = ()
    reveal: bool = False


@dataclass(frozen=True, slots=True)
class Conversation:
    """A conversation history (chronological sessions) and the questions asked about it.

    ``secrets`` are values said in the conversation that must never be stored or
    answered in clear without an explicit reveal (the harness scans for them).
    """

    id: str
    speakers: tuple[str, ...]
    sessions: list[Session]
    questions: list[Question]
    secrets: tuple[str, ...] = ()

    def turns(self) -> Iterator[Turn]:
        """Iterate over all turns, session by session."""
        for session in self.sessions:
            yield from session.turns

    def turn_ids(self) -> set[str]:
        """The ids of all turns of the conversation."""
        return {turn.id for turn in self.turns()}


# ------------------------------------------------------------------------- helpers


def _as_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _read_json(path: StrPath) -> Any:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def _unique(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


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
    return _as_utc(parsed)


_WEEKDAY = re.compile(r"\s*\([A-Za-z]+\)\s*")


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
        return _as_utc(dateutil_parser.parse(cleaned))
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"cannot parse LongMemEval date/time {text!r}") from exc


# -------------------------------------------------------------------------- LOCOMO

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
                evidence_sessions=_unique([session_of_turn[ev] for ev in evidence]),
                adversarial_answer=None if adversarial is None else str(adversarial),
            )
        )
    if dropped:
        logger.debug("%s: dropped %d evidence ids that name no turn", sample_id, dropped)
    return Conversation(id=sample_id, speakers=speakers, sessions=sessions, questions=questions)


def _load_locomo_data(data: Any) -> list[Conversation]:
    if not isinstance(data, list):
        raise ValueError("LOCOMO data must be a JSON list of conversations")
    return [_locomo_conversation(record) for record in data]


def load_locomo(path: StrPath) -> list[Conversation]:
    """Load a LOCOMO file (``locomo10.json`` format); see the module docstring."""
    return _load_locomo_data(_read_json(path))


# --------------------------------------------------------------------- LongMemEval


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
        evidence_sessions=_unique(answer_sessions),
    )
    return Conversation(
        id=question_id, speakers=("user", "assistant"), sessions=sessions, questions=[question]
    )


def _load_longmemeval_data(data: Any) -> list[Conversation]:
    if not isinstance(data, list):
        raise ValueError("LongMemEval data must be a JSON list of questions")
    return [_longmemeval_conversation(item) for item in data]


def load_longmemeval(path: StrPath) -> list[Conversation]:
    """Load a LongMemEval file (``longmemeval_s/m/oracle`` format); see the module docstring."""
    return _load_longmemeval_data(_read_json(path))


# --------------------------------------------------------------------------- JSONL


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
        timestamp = None if record.timestamp is None else _as_utc(record.timestamp)
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
        evidence = _unique(record.evidence)
        question_date = None if record.question_date is None else _as_utc(record.question_date)
        questions[record.conversation].append(
            Question(
                id=record.id,
                question=record.question,
                answer=record.answer,
                category=record.category,
                evidence=evidence,
                question_date=question_date,
                is_abstention=record.is_abstention,
                evidence_sessions=_unique(
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
                secrets=_unique(secrets[conversation]),
            )
        )
    return conversations


def _load_jsonl_text(text: str, source: str) -> list[Conversation]:
    return _build_jsonl_conversations(_parse_jsonl_lines(text.splitlines(), source), source)


def load_jsonl(path: StrPath) -> list[Conversation]:
    """Load the generic JSONL format described in the module docstring.

    Raises ValueError naming the line number and field for any invalid line.
    """
    return _load_jsonl_text(Path(path).read_text(encoding="utf-8"), str(path))


# -------------------------------------------------------------------------- dispatch


def _sniff_json(data: Any) -> str | None:
    if isinstance(data, list) and data and isinstance(data[0], Mapping):
        if "qa" in data[0]:
            return "locomo"
        if "haystack_sessions" in data[0]:
            return "longmemeval"
    if isinstance(data, Mapping) and "type" in data:  # a one-line JSONL file
        return "jsonl"
    return None


def load_dataset(path: StrPath, fmt: str | None = None) -> list[Conversation]:
    """Load a benchmark file, choosing the loader from ``fmt`` or by sniffing.

    ``fmt`` is one of :data:`DATASET_FORMATS`. Without it, a ``.jsonl`` file is read
    as JSONL; otherwise the JSON is inspected: a list whose first element has ``qa``
    is LOCOMO, one whose first element has ``haystack_sessions`` is LongMemEval, and
    text that is a sequence of JSON objects with a ``type`` is JSONL. Raises
    ValueError for an unknown ``fmt`` or an unrecognised file.
    """
    if fmt is not None:
        if fmt == "locomo":
            return load_locomo(path)
        if fmt == "longmemeval":
            return load_longmemeval(path)
        if fmt == "jsonl":
            return load_jsonl(path)
        raise ValueError(f"unknown dataset format {fmt!r}; expected one of {DATASET_FORMATS}")

    if Path(path).suffix.lower() == ".jsonl":
        return load_jsonl(path)
    text = Path(path).read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        first = next((line for line in text.splitlines() if line.strip()), "")
        try:
            data = json.loads(first)
        except json.JSONDecodeError:
            raise ValueError(f"{path}: not JSON or JSONL") from None
    kind = _sniff_json(data)
    if kind == "locomo":
        return _load_locomo_data(data)
    if kind == "longmemeval":
        return _load_longmemeval_data(data)
    if kind == "jsonl":
        return _load_jsonl_text(text, str(path))
    raise ValueError(f"{path}: cannot tell the dataset format; pass fmt= one of {DATASET_FORMATS}")
