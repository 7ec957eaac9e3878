"""The anonymous, second-person variant of a named assistant-memory set.

LongMemEval-like data has no names: the speakers are ``user`` and ``assistant`` and
questions are asked in the second person ("Where do I live now?", "What did you
recommend …?"). The project's own set names the user ("Which city does Priya live
in now?"), so it cannot show what goes wrong when nothing is keyed on a name.
:func:`build_anonymous` turns a named set into that setting:

* every turn's speaker becomes its role (``user`` or ``assistant``); turn text,
  ids, times, evidence, gold answers and secrets are unchanged;
* each question is replaced by its hand-written second-person wording (a JSONL file
  of ``{"id": ..., "question": ...}`` lines; every question must have one);
* optionally each conversation is padded with sessions drawn from a pool of generic
  distractor sessions (``evals/data/generic_sessions.jsonl``: everyday help with no
  personal facts), placed as :func:`evals.datasets.haystack.pad_from_pool` does.

The result is written as generic JSONL and, for a slice of questions, as
LongMemEval JSON (one item per question, the whole padded conversation as its
haystack), so both harness front ends run on it::

    python -m evals.datasets.anonymous --out anon-data --haystack 16
    python -m evals.jsonl --data anon-data/assistant_memory_anon.jsonl --out anon-out
    python -m evals.longmemeval --data anon-data/assistant_memory_anon_lme.json --out lme-out
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from evals.datasets.haystack import pad_from_pool
from evals.datasets.jsonl import load_jsonl
from evals.datasets.model import Conversation, Session, StrPath, Turn

DATA = Path(__file__).resolve().parent.parent / "data"
NAMED = DATA / "assistant_memory.jsonl"
SECOND_PERSON = DATA / "assistant_memory_second_person.jsonl"
GENERIC_SESSIONS = DATA / "generic_sessions.jsonl"
TEMPORAL_UPDATES = DATA / "temporal_updates.jsonl"
"""A hand-written set already in the second person (``--named`` it with ``--as-asked``)."""

JSONL_NAME = "assistant_memory_anon.jsonl"
LONGMEMEVAL_NAME = "assistant_memory_anon_lme.json"


def load_second_person(path: StrPath) -> dict[str, str]:
    """Question id -> second-person wording, from ``{"id", "question"}`` JSONL lines."""
    wording: dict[str, str] = {}
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        if not isinstance(row, dict) or not row.get("id") or not row.get("question"):
            raise ValueError(f"{path}: line {number}: expected an object with id and question")
        wording[str(row["id"])] = str(row["question"])
    return wording


def load_pool(path: StrPath) -> list[Session]:
    """All sessions of a generic JSONL file (its conversations pooled)."""
    return [session for conv in load_jsonl(path) for session in conv.sessions]


def _role_speaker(turn: Turn) -> Turn:
    return replace(turn, speaker="assistant" if turn.role == "assistant" else "user")


def anonymise(
    conversations: Sequence[Conversation], second_person: Mapping[str, str]
) -> list[Conversation]:
    """Speakers replaced by their roles, questions by their second-person wording.

    Raises ValueError naming the first question that has no wording.
    """
    result: list[Conversation] = []
    for conv in conversations:
        missing = [q.id for q in conv.questions if q.id not in second_person]
        if missing:
            raise ValueError(f"no second-person wording for question {missing[0]!r}")
        sessions = [
            replace(session, turns=[_role_speaker(turn) for turn in session.turns])
            for session in conv.sessions
        ]
        questions = [replace(q, question=second_person[q.id]) for q in conv.questions]
        roles = dict.fromkeys(turn.speaker for s in sessions for turn in s.turns)
        result.append(replace(conv, sessions=sessions, questions=questions, speakers=tuple(roles)))
    return result


def build_anonymous(
    named: StrPath = NAMED,
    second_person: StrPath | None = SECOND_PERSON,
    pool: StrPath | None = GENERIC_SESSIONS,
    *,
    haystack: int = 0,
    seed: int = 0,
    keep_names: bool = False,
) -> list[Conversation]:
    """The anonymous variant of ``named``, padded with ``haystack`` sessions of ``pool``.

    ``keep_names`` skips the anonymising (names and third-person questions stay) so
    the named set can be measured with the same distractors. ``second_person=None``
    keeps the questions as asked: for a set already written in the second person
    (``evals/data/temporal_updates.jsonl``).
    """
    conversations = load_jsonl(named)
    if not keep_names:
        wording = (
            {q.id: q.question for conv in conversations for q in conv.questions}
            if second_person is None
            else load_second_person(second_person)
        )
        conversations = anonymise(conversations, wording)
    if pool is None or haystack <= 0:
        return conversations
    return pad_from_pool(conversations, load_pool(pool), haystack, seed=seed)


# ------------------------------------------------------------------------- writers


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.strftime("%Y-%m-%dT%H:%M:%SZ")


def jsonl_lines(conversations: Iterable[Conversation]) -> list[dict[str, Any]]:
    """The generic JSONL records (turns, questions, secrets) of ``conversations``."""
    rows: list[dict[str, Any]] = []
    for conv in conversations:
        for session in conv.sessions:
            for turn in session.turns:
                rows.append(
                    {
                        "type": "turn",
                        "conversation": conv.id,
                        "id": turn.id,
                        "speaker": turn.speaker,
                        "role": turn.role,
                        "text": turn.text,
                        "timestamp": _iso(turn.timestamp),
                        "session": session.id,
                    }
                )
        for q in conv.questions:
            rows.append(
                {
                    "type": "question",
                    "conversation": conv.id,
                    "id": q.id,
                    "question": q.question,
                    "answer": q.answer,
                    "category": q.category,
                    "evidence": list(q.evidence),
                    "question_date": _iso(q.question_date),
                    "is_abstention": q.is_abstention,
                    "aliases": list(q.aliases),
                    "reveal": q.reveal,
                }
            )
        rows += [{"type": "secret", "conversation": conv.id, "value": v} for v in conv.secrets]
    return rows


def write_jsonl(conversations: Iterable[Conversation], path: StrPath) -> Path:
    """Write ``conversations`` in the generic JSONL format; returns the path."""
    out = Path(path)
    with out.open("w", encoding="utf-8") as handle:
        for row in jsonl_lines(conversations):
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return out


def _lme_date(value: datetime | None) -> str | None:
    return None if value is None else value.strftime("%Y/%m/%d (%a) %H:%M")


def longmemeval_items(
    conversations: Iterable[Conversation], questions_per_conversation: int
) -> list[dict[str, Any]]:
    """LongMemEval items for the first ``questions_per_conversation`` questions of each.

    Each item's haystack is the whole conversation; evidence turns are flagged
    ``has_answer``; abstention question ids end in ``_abs`` (LongMemEval's marker).
    Questions asked with a reveal are left out: the format has no reveal flag.
    LongMemEval stamps sessions, not turns, so turn times become their session's.
    """
    items: list[dict[str, Any]] = []
    for conv in conversations:
        asked = [q for q in conv.questions if not q.reveal][:questions_per_conversation]
        for q in asked:
            evidence = set(q.evidence)
            items.append(
                {
                    "question_id": q.id + ("_abs" if q.is_abstention else ""),
                    "question_type": q.category,
                    "question": q.question,
                    "answer": q.answer,
                    "question_date": _lme_date(q.question_date),
                    "haystack_session_ids": [s.id for s in conv.sessions],
                    "haystack_dates": [_lme_date(s.timestamp) for s in conv.sessions],
                    "haystack_sessions": [
                        [
                            {
                                "role": turn.role,
                                "content": turn.text,
                                **({"has_answer": True} if turn.id in evidence else {}),
                            }
                            for turn in s.turns
                        ]
                        for s in conv.sessions
                    ],
                    "answer_session_ids": list(q.evidence_sessions),
                }
            )
    return items


def write_longmemeval(
    conversations: Iterable[Conversation], path: StrPath, questions_per_conversation: int
) -> Path:
    """Write :func:`longmemeval_items` as a LongMemEval JSON file; returns the path."""
    out = Path(path)
    items = longmemeval_items(conversations, questions_per_conversation)
    out.write_text(json.dumps(items, ensure_ascii=False, indent=1), encoding="utf-8")
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m evals.datasets.anonymous``: write the anonymous variant's files."""
    p = argparse.ArgumentParser(prog="evals.datasets.anonymous", description=__doc__)
    p.add_argument("--out", required=True, help="folder for the JSONL and LongMemEval files")
    p.add_argument("--named", default=str(NAMED), help="the named set (generic JSONL)")
    p.add_argument("--second-person", default=str(SECOND_PERSON))
    p.add_argument(
        "--as-asked",
        action="store_true",
        help="the set's questions are already in the second person (no wording file)",
    )
    p.add_argument(
        "--stem",
        default=Path(JSONL_NAME).stem,
        help="output file names: STEM.jsonl and STEM_lme.json",
    )
    p.add_argument("--pool", default=str(GENERIC_SESSIONS), help="distractor sessions (JSONL)")
    p.add_argument("--haystack", type=int, default=0, help="distractor sessions per conversation")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--keep-names", action="store_true", help="pad only (the named control set)")
    p.add_argument(
        "--lme-questions",
        type=int,
        default=3,
        help="questions per conversation in the LongMemEval slice (0 = none)",
    )
    args = p.parse_args(argv)
    conversations = build_anonymous(
        args.named,
        None if args.as_asked else args.second_person,
        args.pool,
        haystack=args.haystack,
        seed=args.seed,
        keep_names=args.keep_names,
    )
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    print(write_jsonl(conversations, out / f"{args.stem}.jsonl"))
    if args.lme_questions > 0:
        lme = out / f"{args.stem}_lme.json"
        print(write_longmemeval(conversations, lme, args.lme_questions))
    return 0


if __name__ == "__main__":
    sys.exit(main())
