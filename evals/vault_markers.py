"""``python -m evals.vault_markers``: what the redactor marks that no declared secret explains.

The harness counts declared secrets left in clear (:mod:`evals.secrets`); this counts the
other side, false positives, for any dataset :func:`evals.datasets.load_dataset` reads:

- **turns** — every sensitive span :func:`mirix_py._memory.secrets.find_sensitive` finds
  in the dataset's turns. A span is *explained* when it and a declared secret of its
  conversation contain one another (spaces, dashes and dots ignored).
- **rows** (``--db``, the ``db`` folder of an eval output) — rows of the memory tables
  (the history table left out) whose text carries a vault placeholder, and every vault
  row. A row is explained when one of its source turns holds a declared secret.

LOCOMO declares no secrets, so every span or row there is unexplained: a false positive,
or a real phone number, e-mail or address the dataset does not declare.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from evals.datasets import load_dataset
from evals.datasets.model import Conversation
from mirix_py._memory.secrets import find_sensitive

_MARK = re.compile(r"\[(?:stored in vault|redacted)(?::[^\]\n]{0,80})?\]")
_SEPARATORS = re.compile(r"[\s\-.]")


def _compact(value: str) -> str:
    return _SEPARATORS.sub("", value).lower()


@dataclass
class MarkerCount:
    """Marks found, how many a declared secret explains, and the unexplained ones."""

    found: int = 0
    explained: int = 0
    unexplained: list[str] = field(default_factory=list)


def turn_spans(conversations: Sequence[Conversation]) -> MarkerCount:
    """The sensitive spans found in every turn, against the declared secrets."""
    out = MarkerCount()
    for conv in conversations:
        declared = [_compact(s) for s in conv.secrets]
        for session in conv.sessions:
            for turn in session.turns:
                for span in find_sensitive(turn.text):
                    value = _compact(span.value(turn.text))
                    out.found += 1
                    if any(d in value or value in d for d in declared if d and value):
                        out.explained += 1
                    else:
                        out.unexplained.append(f"{turn.id}: {span.label}: {span.value(turn.text)}")
    return out


def marked_rows(db: Path, conversations: Sequence[Conversation]) -> MarkerCount:
    """Rows with a vault placeholder (and vault rows) in an ingested ``db`` folder."""
    import lancedb

    holds_secret = {
        turn.id
        for conv in conversations
        for session in conv.sessions
        for turn in session.turns
        if any(_compact(s) in _compact(turn.text) for s in conv.secrets)
    }
    out = MarkerCount()
    conn = lancedb.connect(str(db))
    names: list[str] = list(getattr(conn.list_tables(), "tables", []))
    for name in names:
        if name == "history":
            continue
        rows = conn.open_table(name).to_arrow().select(["text", "source_ids"]).to_pylist()
        for row in rows:
            text = row["text"] or ""
            if name != "knowledge_vault" and not _MARK.search(text):
                continue
            out.found += 1
            if holds_secret.intersection(row["source_ids"] or []):
                out.explained += 1
            else:
                out.unexplained.append(f"{name}: {text[:160]!r}")
    return out


def _print(title: str, count: MarkerCount) -> None:
    print(
        f"{title}: marked {count.found}, explained {count.explained}, "
        f"unexplained {len(count.unexplained)}"
    )
    for line in count.unexplained:
        print(f"    {line}")


def main(argv: Sequence[str] | None = None) -> int:
    """Print both counts for ``--data`` (and ``--db`` when given)."""
    parser = argparse.ArgumentParser(prog="python -m evals.vault_markers", description=__doc__)
    parser.add_argument("--data", required=True, help="dataset file (LOCOMO, LongMemEval, JSONL)")
    parser.add_argument("--db", type=Path, help="an eval output's db folder, ingested")
    args = parser.parse_args(argv)
    conversations = load_dataset(args.data)
    _print(f"turns of {args.data}", turn_spans(conversations))
    if args.db is not None:
        _print(f"rows of {args.db}", marked_rows(args.db, conversations))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
