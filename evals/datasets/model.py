"""The one data model every loader returns (see :mod:`evals.datasets`)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

StrPath = str | os.PathLike[str]


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


def as_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def read_json(path: StrPath) -> Any:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def unique(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))
