"""``chat``, ``import``, ``export`` and ``stats`` commands.

``import`` reads a text file (one message per line; ``Name: text`` lines keep the
speaker) or JSONL: conversation messages (``{"role", "content", "name"?,
"timestamp"?, "id"?, "session"?}``), the evaluation harness's ``{"type": "turn"}``
lines, or memory rows written by ``export`` (which round-trip exactly).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from tqdm import tqdm

from mirix_py.chat import Answer
from mirix_py.cli.common import add_common, emit, open_system
from mirix_py.errors import ValidationError
from mirix_py.system import MemorySystem

_SPEAKER = re.compile(r"^([A-Z][\w .'’-]{0,40}):\s+(\S.*)$")


def register(sub: Any) -> None:
    """Add this module's sub-commands."""
    p = sub.add_parser("chat", help="ask a question (or chat interactively) from memory")
    add_common(p)
    p.add_argument("question", nargs="*", help="the question; omit for an interactive prompt")
    p.add_argument("--reveal", action="store_true", help="let vault values into the answer")
    p.add_argument("--as-of", default=None, help="answer from memories valid at this ISO time")
    p.add_argument("--budget", type=int, default=None, help="context budget in tokens")
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

    p = sub.add_parser("import", help="add a text or JSONL conversation, or an export, to memory")
    add_common(p)
    p.add_argument("file", help="a .txt or .jsonl file ('-' for stdin)")
    p.add_argument("--format", choices=["auto", "text", "jsonl"], default="auto")
    p.add_argument("--batch", type=int, default=20, help="messages per add() call")
    p.add_argument("--new-ids", action="store_true", help="give imported memory rows new ids")
    p.set_defaults(func=_import)

    p = sub.add_parser("export", help="write a user's memories as JSONL (re-importable)")
    add_common(p)
    p.add_argument("file", nargs="?", default="-", help="output file (default: stdout)")
    p.add_argument(
        "--include-secrets",
        action="store_true",
        help="also export knowledge-vault items, values in clear",
    )
    p.set_defaults(func=_export)

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


def _ask(system: MemorySystem, args: argparse.Namespace, question: str) -> Answer:
    as_of = datetime.fromisoformat(args.as_of) if args.as_of else None
    return system.chat(
        question,
        user_id=args.user,
        as_of=as_of,
        reveal_secrets=args.reveal,
        interactive_update=args.update,
        budget_tokens=args.budget,
    )


def _chat(args: argparse.Namespace) -> int:
    system = open_system(args)
    if args.question:
        answer = _ask(system, args, " ".join(args.question))
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
        answer = _ask(system, args, question)
        emit(args, answer.model_dump(mode="json"), _render(answer, show_context=args.show_context))
    return 0


# ------------------------------------------------------------------- import


def _open(path: str) -> AbstractContextManager[TextIO]:
    if path == "-":
        return nullcontext(sys.stdin)
    return Path(path).open(encoding="utf-8")


def _message(obj: dict[str, Any], line_no: int) -> dict[str, Any]:
    if obj.get("type") == "turn":
        obj = {
            "role": obj.get("role", "user"),
            "name": obj.get("speaker"),
            "content": obj.get("text", ""),
            "timestamp": obj.get("timestamp"),
            "id": obj.get("id"),
            "session": obj.get("session"),
        }
    if "content" not in obj:
        raise ValidationError(f"line {line_no}: a message needs 'content' (or use an export row)")
    return {k: obj[k] for k in ("role", "content", "name", "timestamp", "id") if obj.get(k)}


def _jsonl(handle: TextIO) -> Iterator[tuple[int, dict[str, Any]]]:
    for line_no, line in enumerate(handle, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as exc:
            raise ValidationError(f"line {line_no}: not JSON ({exc})") from None
        if not isinstance(obj, dict):
            raise ValidationError(f"line {line_no}: expected a JSON object")
        yield line_no, obj


def _text(handle: TextIO) -> Iterator[tuple[int, dict[str, Any]]]:
    for line_no, line in enumerate(handle, 1):
        text = line.strip()
        if not text:
            continue
        match = _SPEAKER.match(text)
        if match:
            yield (
                line_no,
                {"role": "user", "name": match.group(1).strip(), "content": match.group(2)},
            )
        else:
            yield line_no, {"role": "user", "content": text}


def _import(args: argparse.Namespace) -> int:
    fmt = args.format
    if fmt == "auto":
        fmt = "jsonl" if args.file.endswith((".jsonl", ".json")) else "text"
    system = open_system(args)
    rows: list[dict[str, Any]] = []
    batch: list[dict[str, Any]] = []
    session: Any = None
    added = 0
    with _open(args.file) as handle:
        source = _jsonl(handle) if fmt == "jsonl" else _text(handle)
        progress = tqdm(source, desc="import", unit="line", file=sys.stderr, disable=None)
        for line_no, obj in progress:
            if obj.get("kind") == "memory":
                rows.append(obj)
                continue
            if obj.get("type") == "question":
                continue
            new_session = obj.get("session")
            if batch and (len(batch) >= args.batch or new_session != session):
                added += len(system.add(batch, user_id=args.user).ids())
                batch = []
            session = new_session
            batch.append(_message(obj, line_no))
        if batch:
            added += len(system.add(batch, user_id=args.user).ids())
    imported = 0
    if rows:
        imported = len(system.import_records(rows, user_id=args.user, new_ids=args.new_ids).ids())
    emit(
        args,
        {"user_id": args.user, "memories_from_messages": added, "memories_imported": imported},
        f"imported for {args.user}: {added} memories from messages, {imported} memory rows",
    )
    return 0


# ------------------------------------------------------------ export, stats


def _export(args: argparse.Namespace) -> int:
    system = open_system(args)
    rows = system.iter_export_records(user_id=args.user, include_secrets=args.include_secrets)
    count = 0
    # Streamed: one page of records in memory at a time.
    with contextlib.ExitStack() as stack:
        out = (
            sys.stdout
            if args.file == "-"
            else stack.enter_context(Path(args.file).open("w", encoding="utf-8"))
        )
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    if args.file != "-":
        print(f"exported {count} memories of {args.user} to {args.file}", file=sys.stderr)
    return 0


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
