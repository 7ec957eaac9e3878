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
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from evals.datasets.jsonl import load_jsonl, load_jsonl_text
from evals.datasets.locomo import (
    LOCOMO_ABSTENTION_ANSWER,
    load_locomo,
    load_locomo_data,
    parse_locomo_datetime,
)
from evals.datasets.longmemeval import (
    load_longmemeval,
    load_longmemeval_data,
    parse_longmemeval_datetime,
)
from evals.datasets.model import Conversation, Question, Session, StrPath, Turn

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

DATASET_FORMATS: tuple[str, ...] = ("locomo", "longmemeval", "jsonl")
"""Values accepted by :func:`load_dataset`'s ``fmt``."""


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
        return load_locomo_data(data)
    if kind == "longmemeval":
        return load_longmemeval_data(data)
    if kind == "jsonl":
        return load_jsonl_text(text, str(path))
    raise ValueError(f"{path}: cannot tell the dataset format; pass fmt= one of {DATASET_FORMATS}")
