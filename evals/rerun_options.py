"""Command-line options shared by the tools that ask a finished LOCOMO run again.

``evals.context_audit``, ``evals.coverage_gaps`` and ``evals.pool_recall`` each read an
eval output folder with ingested conversations, a LOCOMO file and a choice of
conversations; this module declares those options once, resolves them and opens the
folder's memory system the same way for each tool: read-only (chats count no accesses, so
the folder stays as the eval left it) at the harness's 1,000-token budget.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from evals.datasets.model import Conversation, Question
from evals.locomo import default_data
from evals.systems import EvalUser
from mirix_py import MemorySystem
from mirix_py._config import load_config

BUDGET = 1000


def add_rerun_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--out``, ``--data`` and ``--conversations`` to ``parser``."""
    parser.add_argument(
        "--out", required=True, help="an eval output folder with ingested conversations"
    )
    parser.add_argument("--data", default=None, help="LOCOMO file (default: the dev file found)")
    parser.add_argument("--conversations", default="0,1,2", help="comma-separated indices")


def rerun_inputs(
    parser: argparse.ArgumentParser, args: argparse.Namespace
) -> tuple[Path, str, list[int]]:
    """The run folder, the LOCOMO file and the conversation indices the options name;
    exits through ``parser.error`` when no LOCOMO file is given or found."""
    data = args.data or default_data()
    if data is None:
        parser.error("no LOCOMO file found: pass --data")
    wanted = [int(x) for x in args.conversations.split(",") if x.strip()]
    return Path(args.out), str(data), wanted


def open_rerun(out: Path, retrieval: dict[str, Any] | None = None) -> MemorySystem:
    """The memory system of the eval folder ``out``, configured as the LOCOMO harness
    answers (``retrieval`` overrides added), whose chats write nothing: no write-back and
    no access counts."""
    config = load_config(
        "locomo",
        home=str(out),
        storage={"uri": str(out / "db")},
        retrieval={"budget_tokens": BUDGET, **(retrieval or {})},
        chat={"interactive_update": False, "count_accesses": False},
    )
    return MemorySystem(config)


def asked_questions(
    convs: Sequence[Conversation], indices: Sequence[int]
) -> Iterator[tuple[Conversation, str, Question]]:
    """``(conversation, eval user id, question)`` for every question the harness scores
    (abstention questions left out) of the conversations at ``indices``, in order."""
    for index in indices:
        conv = convs[index]
        user = EvalUser(conv, "eval").user_id
        for q in conv.questions:
            if not q.is_abstention:
                yield conv, user, q
