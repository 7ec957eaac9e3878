"""``chat`` and ``stats`` commands (``import``/``export`` are in ``import_cmds``)."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any

from mirix_py._cli.common import add_common, emit, open_system, parse_as_of, positive_int

if TYPE_CHECKING:
    from mirix_py._chat.models import Answer
    from mirix_py._system import MemorySystem


def register(sub: Any) -> None:
    """Add this module's sub-commands."""
    p = sub.add_parser("chat", help="ask a question (or chat interactively) from memory")
    add_common(p)
    p.add_argument("question", nargs="*", help="the question; omit for an interactive prompt")
    p.add_argument("--reveal", action="store_true", help="let vault values into the answer")
    p.add_argument(
        "--as-of",
        default=None,
        help="answer from the memories valid then: an ISO date or time, or a relative "
        "expression (yesterday, last Friday, two weeks ago)",
    )
    p.add_argument(
        "--budget", type=positive_int, default=None, help="context budget in tokens (e.g. 1000)"
    )
    update = p.add_mutually_exclusive_group()
    update.add_argument(
        "--update",
        dest="update",
        action="store_true",
        default=None,
        help="send the exchange back to memory",
    )
    update.add_argument(
        "--no-update", dest="update", action="store_false", help="do not store the exchange"
    )
    p.add_argument("--show-context", action="store_true", help="print the rendered context")
    p.set_defaults(func=_chat)

    p = sub.add_parser("stats", help="memory counts per type")
    add_common(p, user=False)
    p.add_argument("--user", default=None, help="one user (default: all users)")
    p.set_defaults(func=_stats)


# --------------------------------------------------------------------- chat


def _render(answer: Answer, *, show_context: bool) -> str:
    lines = [answer.text]
    for c in answer.citations:
        date = c.date.date().isoformat() if c.date else "undated"
        lines.append(f"  [{c.ref}] {c.memory_type.value} {c.memory_id} ({date}) {c.text[:100]}")
    lines.append(
        f"  ({answer.latency.total_ms:.0f} ms, {answer.context_tokens} context tokens, "
        f"stores: {', '.join(t.value for t in answer.trace.stores) or 'none'})"
    )
    if show_context:
        lines.extend(["", answer.context])
    return "\n".join(lines)


def _ask(
    system: MemorySystem, args: argparse.Namespace, question: str, as_of: datetime | None
) -> Answer:
    return system.chat(
        question,
        user_id=args.user,
        as_of=as_of,
        reveal_secrets=args.reveal,
        interactive_update=args.update,
        budget_tokens=args.budget,
        reveal_route="cli",
    )


def _chat(args: argparse.Namespace) -> int:
    as_of = parse_as_of(args.as_of) if args.as_of else None
    system = open_system(args)
    if args.question:
        answer = _ask(system, args, " ".join(args.question), as_of)
        emit(args, answer.model_dump(mode="json"), _render(answer, show_context=args.show_context))
        return 0
    interactive = sys.stdin.isatty()
    while True:
        if interactive:
            print("you> ", end="", flush=True)
        line = sys.stdin.readline()
        if not line:
            break
        question = line.strip()
        if question.lower() in ("exit", "quit", ":q"):
            break
        if not question:
            continue
        answer = _ask(system, args, question, as_of)
        emit(args, answer.model_dump(mode="json"), _render(answer, show_context=args.show_context))
    return 0


# -------------------------------------------------------------------- stats


def _stats(args: argparse.Namespace) -> int:
    system = open_system(args)
    data = system.stats(user_id=args.user)
    lines = [f"{'user' if args.user else 'all users'}: {args.user or ''}".rstrip(": ")]
    lines.extend(f"  {name:<16} {count}" for name, count in data["memories"].items())
    lines.append(f"  {'total':<16} {data['total']}")
    if data["history"] is not None:
        lines.append(f"  {'history events':<16} {data['history']}")
    emit(args, data, "\n".join(lines))
    return 0
