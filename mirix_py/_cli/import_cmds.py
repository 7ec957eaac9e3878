"""``import`` and ``export`` commands. The accepted formats are in ``docs/formats.md``.

``import`` reads a whole file, checks every line, and only then writes (a bad
line stops the import before anything is stored, and the error names its line
number). Messages without an ``id`` get a stable content-derived one, and
messages whose id is already a source of the user's memories are skipped, so
running the same import twice adds nothing, and an interrupted import resumes
where it stopped.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import re
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from mirix_py._cli.common import add_common, emit, open_system, positive_int
from mirix_py._text import UPPER
from mirix_py.errors import InvalidArgument

if TYPE_CHECKING:
    from mirix_py._system import MemorySystem

_SPEAKER = re.compile(rf"^({UPPER}[\w .'’-]{{0,40}}):\s+(\S.*)$")
_MESSAGE_KEYS = ("role", "content", "name", "timestamp", "id")


def register(sub: Any) -> None:
    """Add this module's sub-commands."""
    p = sub.add_parser(
        "import",
        help="add a text or JSONL conversation, or an export, to memory",
        description="Formats: docs/formats.md. All lines are checked before anything is "
        "written; a re-run adds nothing.",
    )
    add_common(p)
    p.add_argument("file", help="a .txt or .jsonl file ('-' for stdin)")
    p.add_argument("--format", choices=["auto", "text", "jsonl"], default="auto")
    p.add_argument("--batch", type=positive_int, default=20, help="messages per add() call")
    p.add_argument(
        "--new-ids",
        action="store_true",
        help="give imported memory rows new ids (stable: importing twice does not duplicate)",
    )
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


# ------------------------------------------------------------------- parsing


@dataclass
class ImportPlan:
    """A whole file, checked: conversation batches (one per session) and memory rows."""

    sessions: list[list[dict[str, Any]]] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    lines: int = 0

    @property
    def messages(self) -> int:
        """How many conversation messages the file holds."""
        return sum(len(s) for s in self.sessions)


def _open(path: str) -> AbstractContextManager[TextIO]:
    if path == "-":
        return nullcontext(sys.stdin)
    try:
        return Path(path).open(encoding="utf-8")
    except OSError as exc:
        raise InvalidArgument(
            f"import file {path!r}: {exc.strerror or exc}; give an existing .txt or .jsonl file"
        ) from None


def _jsonl(handle: TextIO) -> Iterator[tuple[int, dict[str, Any]]]:
    for line_no, line in enumerate(handle, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as exc:
            raise InvalidArgument(f"line {line_no}: not JSON ({exc})") from None
        if not isinstance(obj, dict):
            raise InvalidArgument(f"line {line_no}: expected a JSON object, got {line[:60]!r}")
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


def _as_message(obj: dict[str, Any], line_no: int) -> dict[str, Any]:
    """A conversation line (message or harness turn) as a checked message dict."""
    from pydantic import ValidationError as PydanticValidationError

    from mirix_py._messages import Message

    if obj.get("type") == "turn":
        obj = {
            "role": obj.get("role", "user"),
            "name": obj.get("speaker"),
            "content": obj.get("text"),
            "timestamp": obj.get("timestamp"),
            "id": obj.get("id"),
            "session": obj.get("session"),
        }
    if obj.get("content") is None:
        raise InvalidArgument(
            f"line {line_no}: a message needs 'content' (a harness turn needs 'text'); "
            "see docs/formats.md"
        )
    data = {k: obj[k] for k in _MESSAGE_KEYS if obj.get(k) is not None}
    try:
        Message.model_validate(data)
    except PydanticValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "message"
        raise InvalidArgument(
            f"line {line_no}: {where} = {err.get('input')!r:.80}: "
            f"{err['msg'].removeprefix('Value error, ')}"
        ) from None
    except InvalidArgument as exc:
        raise InvalidArgument(f"line {line_no}: {exc}") from None
    return data


def _check_row(obj: dict[str, Any], line_no: int) -> None:
    """An export row: a known memory type and a record that validates."""
    from pydantic import ValidationError as PydanticValidationError

    from mirix_py._memory import MemoryType, record_class

    try:
        mtype = MemoryType(str(obj.get("memory_type")))
    except ValueError:
        valid = ", ".join(t.value for t in MemoryType)
        raise InvalidArgument(
            f"line {line_no}: memory_type = {obj.get('memory_type')!r}; valid: {valid}"
        ) from None
    record = obj.get("record")
    if not isinstance(record, dict) or not record.get("id"):
        raise InvalidArgument(f"line {line_no}: a memory row needs a 'record' object with an id")
    try:
        record_class(mtype).model_validate({**record, "user_id": "import-check"})
    except PydanticValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise InvalidArgument(
            f"line {line_no}: record.{where} = {err.get('input')!r:.80}: {err['msg']}"
        ) from None


def stable_message_id(user_id: str, message: dict[str, Any], occurrence: int) -> str:
    """A content-derived id for an imported message without one.

    The same line in the same user's import gets the same id on every run
    (``occurrence`` tells identical lines apart), so re-imports are recognised.
    """
    parts = [user_id, str(occurrence)] + [str(message.get(k) or "") for k in _MESSAGE_KEYS[:4]]
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "replace")).hexdigest()
    return f"imp-{digest[:20]}"


def read_import(handle: TextIO, *, fmt: str, user_id: str) -> ImportPlan:
    """Parse and check a whole file (raising on the first bad line) into an :class:`ImportPlan`."""
    plan = ImportPlan()
    seen: dict[tuple[str, ...], int] = {}
    session: Any = None
    source = _jsonl(handle) if fmt == "jsonl" else _text(handle)
    for line_no, obj in source:
        plan.lines = line_no
        if obj.get("kind") == "memory":
            _check_row(obj, line_no)
            plan.rows.append(obj)
            continue
        if obj.get("type") == "question":
            continue
        message = _as_message(obj, line_no)
        if "id" not in message:
            key = tuple(str(message.get(k) or "") for k in _MESSAGE_KEYS[:4])
            seen[key] = seen.get(key, 0) + 1
            message["id"] = stable_message_id(user_id, message, seen[key])
        new_session = obj.get("session")
        if not plan.sessions or new_session != session:
            plan.sessions.append([])
        session = new_session
        plan.sessions[-1].append(message)
    return plan


# -------------------------------------------------------------------- writing


def _already_imported(system: MemorySystem, user_id: str, ids: list[str]) -> set[str]:
    """Which of ``ids`` already are sources of ``user_id``'s memories."""
    found: set[str] = set()
    for mtype in system.config.memory.enabled:
        for start in range(0, len(ids), 200):
            chunk = ids[start : start + 200]
            records = system.store.list_records(
                user_id=user_id,
                memory_type=mtype,
                limit=10_000,
                include_superseded=True,
                where_source_ids=chunk,
            )
            found.update(s for r in records for s in r.source_ids if s in chunk)
    return found


def _import(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    fmt = args.format
    if fmt == "auto":
        fmt = "jsonl" if args.file.endswith((".jsonl", ".json")) else "text"
    with _open(args.file) as handle:
        plan = read_import(handle, fmt=fmt, user_id=args.user)
    with open_system(args) as system:
        done = _already_imported(system, args.user, [m["id"] for s in plan.sessions for m in s])
        written = skipped = 0
        with tqdm(
            total=plan.messages, desc="import", unit="msg", file=sys.stderr, disable=None
        ) as progress:
            for session in plan.sessions:
                todo = [m for m in session if m["id"] not in done]
                skipped += len(session) - len(todo)
                progress.update(len(session) - len(todo))
                for start in range(0, len(todo), args.batch):
                    batch = todo[start : start + args.batch]
                    written += len(system.add(batch, user_id=args.user).ids())
                    progress.update(len(batch))
        imported = 0
        if plan.rows:
            receipt = system.import_records(plan.rows, user_id=args.user, new_ids=args.new_ids)
            imported = len(receipt.ids())
    emit(
        args,
        {
            "user_id": args.user,
            "messages": plan.messages,
            "messages_skipped": skipped,
            "memories_from_messages": written,
            "memories_imported": imported,
        },
        f"imported for {args.user}: {written} memories from {plan.messages - skipped} new "
        f"messages ({skipped} already imported), {imported} memory rows",
    )
    return 0


def _export(args: argparse.Namespace) -> int:
    system = open_system(args)
    count = 0
    try:
        rows = system.iter_export_records(user_id=args.user, include_secrets=args.include_secrets)
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
    finally:
        system.close()
    if args.file != "-":
        print(f"exported {count} memories of {args.user} to {args.file}", file=sys.stderr)
    return 0
