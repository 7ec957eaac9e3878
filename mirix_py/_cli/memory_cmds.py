"""``add``, ``search``, ``list``, ``forget``, ``history`` and ``demo`` commands."""

from __future__ import annotations

import argparse
import sys
import tempfile
from typing import Any

from mirix_py._cli.common import (
    add_common,
    confirm,
    emit,
    non_negative_int,
    open_system,
    positive_int,
)
from mirix_py.errors import InvalidArgument, RecordNotFound


def register(sub: Any) -> None:
    """Add this module's sub-commands."""
    p = sub.add_parser("add", help="remember a text")
    add_common(p)
    p.add_argument("text", nargs="+", help="what to remember")
    p.set_defaults(func=_add)

    p = sub.add_parser("search", help="search a user's memories")
    add_common(p)
    p.add_argument("query", nargs="+")
    p.add_argument("--type", action="append", dest="types", help="memory type (repeatable)")
    p.add_argument("--limit", type=positive_int, default=10)
    p.set_defaults(func=_search)

    p = sub.add_parser("list", help="list a user's memories")
    add_common(p)
    p.add_argument("--type", dest="memory_type", default=None)
    p.add_argument("--limit", type=positive_int, default=50)
    p.add_argument("--offset", type=non_negative_int, default=0)
    p.set_defaults(func=_list)

    p = sub.add_parser("forget", help="forget one memory, or everything about a user")
    add_common(p)
    p.add_argument("memory_id", nargs="?", help="the memory id to forget")
    p.add_argument("--all", action="store_true", help="forget every memory of the user")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation (--all)")
    p.add_argument(
        "--now",
        action="store_true",
        help="purge the forgotten bytes from disk now (default: by maintenance within "
        "maintenance.purge_delay_seconds)",
    )
    p.set_defaults(func=_forget)

    p = sub.add_parser("history", help="show every change to one memory")
    add_common(p)
    p.add_argument("memory_id")
    p.set_defaults(func=_history)

    p = sub.add_parser("demo", help="a real round-trip on the configured (or a temp) database")
    add_common(p, user=False)
    p.add_argument("--temp", action="store_true", help="use a throw-away database folder")
    p.set_defaults(func=_demo)


def _text(words: list[str], field: str) -> str:
    text = " ".join(words).strip()
    if not text:
        raise InvalidArgument(f"{field} is empty; give some text, e.g. mirix-py {field} ...")
    return text


def _add(args: argparse.Namespace) -> int:
    text = _text(args.text, "add")
    system = open_system(args)
    receipt = system.add(text, user_id=args.user)
    lines = [f"{a.action} {a.memory_type.value} {a.memory_id}  {a.reason}" for a in receipt.actions]
    emit(args, receipt.model_dump(mode="json"), "\n".join(lines) or "nothing stored")
    return 0


def _search(args: argparse.Namespace) -> int:
    query = " ".join(args.query).strip()
    if not query:
        raise InvalidArgument(
            "search query is empty; give words to search for, "
            "or list everything with: mirix-py list --user " + args.user
        )
    system = open_system(args)
    hits = system.search(query, user_id=args.user, memory_types=args.types, limit=args.limit)
    lines = [
        f"{h.score.score:.3f}  {h.record.memory_type.value:<15} {h.record.id}  {h.record.render()}"
        for h in hits
    ]
    data = [
        {
            "score": h.score.model_dump(),
            "record": h.record.model_dump(mode="json", exclude={"embedding"}),
        }
        for h in hits
    ]
    emit(args, data, "\n".join(lines) or "no results")
    return 0


def _list(args: argparse.Namespace) -> int:
    system = open_system(args)
    records = system.get_all(
        user_id=args.user, memory_type=args.memory_type, limit=args.limit, offset=args.offset
    )
    lines = [f"{r.memory_type.value:<15} {r.id}  {r.render()}" for r in records]
    data = [r.model_dump(mode="json", exclude={"embedding"}) for r in records]
    emit(args, data, "\n".join(lines) or "no memories")
    return 0


def _forget(args: argparse.Namespace) -> int:
    if args.all == bool(args.memory_id):
        raise InvalidArgument("forget needs a memory id or --all (not both)")
    question = f"forget every memory of user {args.user!r}? This cannot be undone."
    if args.all and not args.yes and not confirm(question):
        print("not confirmed; nothing forgotten (pass --yes to skip the question)", file=sys.stderr)
        return 1
    with open_system(args) as system:
        if args.all:
            receipt = system.delete_all(user_id=args.user, purge=args.now)
        else:
            system.get(args.memory_id, user_id=args.user)  # an unknown id is an error
            receipt = system.delete(args.memory_id, user_id=args.user, purge=args.now)
    when = (
        f"purged from disk at {receipt.purged_at:%Y-%m-%d %H:%M:%S}Z"
        if receipt.purged_at
        else f"purge due by {receipt.purge_due_by:%Y-%m-%d %H:%M:%S}Z (done by the "
        "maintenance of `mirix-py serve` or `mirix-py maintain`)"
    )
    emit(
        args,
        receipt.model_dump(mode="json"),
        f"forgot {receipt.total} memories of {receipt.user_id}: {receipt.removed}; {when}",
    )
    return 0


def _history(args: argparse.Namespace) -> int:
    system = open_system(args)
    events = system.history(args.memory_id, user_id=args.user)
    if not events:
        raise RecordNotFound(
            f"no memory {args.memory_id!r} for user {args.user!r}; "
            f"find ids with: mirix-py list --user {args.user}"
        )
    lines = [f"{e.at.isoformat()}  {e.event:<9} by {e.actor}  {e.reason}" for e in events]
    emit(args, [e.model_dump(mode="json") for e in events], "\n".join(lines) or "no history")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from mirix_py._config import load_config
    from mirix_py._logging import configure_logging
    from mirix_py._system import MemorySystem

    overrides: dict[str, Any] = {}
    tmp = tempfile.mkdtemp(prefix="mirix-demo-") if args.temp else None
    if tmp:
        overrides["home"] = tmp
    config = load_config(args.config, **overrides)
    configure_logging(config.logging)
    system = MemorySystem(config)
    user = "demo-user"
    conversation = [
        {"role": "user", "name": "Alice", "content": "I adopted a beagle named Biscuit last week."},
        {"role": "assistant", "content": "Congratulations! How is Biscuit settling in?"},
        {
            "role": "user",
            "name": "Alice",
            "content": "Great. I work as a nurse in Lisbon, so my "
            "neighbour walks him on my night shifts.",
        },
    ]
    print(f"database: {config.storage.uri}")
    receipt = system.add(conversation, user_id=user)
    print(f"add: {receipt.counts()} in {receipt.ms:.0f} ms")
    for question in ("What is the name of Alice's dog?", "Where does Alice work?"):
        hits = system.search(question, user_id=user, limit=3)
        print(f"search: {question}")
        for h in hits:
            print(f"  {h.score.score:.3f}  [{h.record.memory_type.value}] {h.record.render()}")
    for question in ("When did Alice adopt her beagle?", "What is Alice's favourite film?"):
        answer = system.chat(question, user_id=user, reveal_route="cli")
        cited = ", ".join(c.memory_type.value for c in answer.citations) or "nothing"
        print(f"chat: {question} -> {answer.text}  (cites {cited})")
    system.delete_all(user_id=user)
    print(f"forgot {user}; remaining memories: {len(system.get_all(user_id=user))}")
    return 0
