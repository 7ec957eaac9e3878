"""``consolidate`` and ``explain`` commands."""

from __future__ import annotations

import argparse
from typing import Any

from mirix_py._cli.common import add_common, emit, open_system


def register(sub: Any) -> None:
    """Add this module's sub-commands."""
    p = sub.add_parser(
        "consolidate",
        help="derive knowledge from episodes, clean up conflicts, archive over-cap memories",
    )
    add_common(p)
    p.add_argument("--verbose", action="store_true", help="list every action, not only counts")
    p.set_defaults(func=_consolidate)

    p = sub.add_parser("explain", help="a memory's retention score and why it was archived")
    add_common(p)
    p.add_argument("memory_id")
    p.set_defaults(func=_explain)


def _consolidate(args: argparse.Namespace) -> int:
    with open_system(args) as system:
        report = system.consolidate(user_id=args.user)
    text = report.render()
    if args.verbose:
        lines = [
            f"  {a.step:<9} {a.action:<10} {a.memory_type.value:<10} {a.memory_id or '-'}  "
            f"{a.reason}"
            for a in report.actions
        ]
        text = "\n".join([text, *lines])
    emit(args, report.model_dump(mode="json"), text)
    return 0 if report.ok else 1


def _explain(args: argparse.Namespace) -> int:
    with open_system(args) as system:
        explanation = system.explain(args.memory_id, user_id=args.user)
    emit(args, explanation.model_dump(mode="json"), explanation.render())
    return 0
