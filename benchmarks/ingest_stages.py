"""Where one ``add`` spends its time: per-stage counts and seconds on any eval dataset.

Run: ``python -m benchmarks.ingest_stages --data D/assistant_memory_anon.jsonl
[--conversations 3] [--dump records.jsonl]``

Each session of the first ``--conversations`` conversations is one
``MemorySystem.add`` (offline, the ``locomo`` config, as the eval harness does).
Counted per add: LanceDB commits per table (``add``, ``merge_insert``, ``update``,
``delete``), ONNX calls and the texts they embedded (in ``retrieve`` or in the
managers' fan-out), store calls and the graph nodes' seconds. Threads overlap,
so seconds of different rows do not add up to the wall time. ``--dump`` writes
the stored records (type, text, source ids, validity) sorted, to compare the
records of two code versions (a core block's ``valid_from`` is its write time).

Measured (2 cores, load ~2, the anonymous set built with ``--haystack 6
--lme-questions 3``, 13 conversations, 724 turns in 169 adds, ~38 turns/s): the
ONNX embedder is ~57% of the wall time (643 texts, 496 calls of mostly one text;
batch-1 calls cost the same as length buckets or batch 64 here, and padding does
not change a vector); per add 3.4 LanceDB commits (1.7 table writes, 1.7
history appends), 3.5 id scans (~13 ms each) and 0.8 vector searches.
"""

from __future__ import annotations

import argparse
import inspect
import json
import shlex
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

_lock = threading.Lock()
_seconds: dict[str, list[float]] = defaultdict(list)
_texts: Counter[str] = Counter()


def _note(key: str, seconds: float) -> None:
    with _lock:
        _seconds[key].append(seconds)


def _timed(cls: Any, name: str, key: Callable[[Any], str]) -> None:
    original = getattr(cls, name)

    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            _note(key(self), time.perf_counter() - started)

    setattr(cls, name, wrapper)


def _instrument() -> None:
    import lancedb.table
    from lancedb.merge import LanceMergeInsertBuilder

    from mirix_py._embeddings import OnnxMiniLMEmbeddings
    from mirix_py._managers.meta import MetaManager
    from mirix_py._managers.specialist import SpecialistManager
    from mirix_py._store.lancedb_store import LanceDBStore

    def fixed(key: str) -> Callable[[Any], str]:
        return lambda _: key

    def commit(kind: str) -> Callable[[Any], str]:
        return lambda table: f"commit.{kind}.{table.name}"

    for name in ("add", "update", "delete"):
        _timed(lancedb.table.LanceTable, name, commit(name))
    _timed(LanceMergeInsertBuilder, "execute", lambda b: f"commit.merge.{b._table.name}")
    for name in ("normalize", "retrieve", "route", "join"):
        _timed(MetaManager, name, fixed(f"node.{name}"))
    _timed(SpecialistManager, "__call__", lambda m: f"node.{m.memory_type.value}")
    for name in ("upsert", "supersede", "get_many", "search", "_scan"):
        _timed(LanceDBStore, name, fixed(f"store.{name}"))
    encode = OnnxMiniLMEmbeddings._encode

    def counted(self: OnnxMiniLMEmbeddings, texts: list[str]) -> Any:
        where = "retrieve" if any(f.function == "_retrieve" for f in inspect.stack(0)) else "fanout"
        started = time.perf_counter()
        try:
            return encode(self, texts)
        finally:
            _note(f"onnx.{where}", time.perf_counter() - started)
            with _lock:
                _texts[where] += len(texts)

    OnnxMiniLMEmbeddings._encode = counted  # type: ignore[method-assign]


def _dump(system: Any, path: Path) -> int:
    rows = []
    for name, table in system.store._tables.items():
        for row in table.to_arrow().to_pylist():
            kept = {k: str(row.get(k)) for k in ("user_id", "text", "source_ids", "valid_from")}
            rows.append(json.dumps({"table": name, **kept}, sort_keys=True))
    path.write_text("\n".join(sorted(rows)) + "\n", encoding="utf-8")
    return len(rows)


def main(argv: Sequence[str] | None = None) -> int:
    """Ingest, then print the per-stage table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="an eval dataset (JSONL, LOCOMO, ...)")
    parser.add_argument("--conversations", type=int, default=3)
    parser.add_argument("--dump", type=Path, help="write the stored records here")
    options = parser.parse_args(argv)
    _instrument()
    from evals.datasets import load_dataset
    from evals.systems import _messages
    from mirix_py._config import load_config
    from mirix_py._system import MemorySystem

    conversations = load_dataset(options.data)[: options.conversations]
    with tempfile.TemporaryDirectory() as home:
        config = load_config(
            "locomo",
            home=home,
            storage={"uri": str(Path(home) / "db")},
            chat={"interactive_update": False},
        )
        system = MemorySystem(config)
        turns = adds = 0
        started = time.perf_counter()
        for index, conversation in enumerate(conversations):
            for number, session in enumerate(conversation.sessions):
                messages = _messages(conversation, number)
                if messages:
                    system.add(messages, user_id=f"user-{index}", occurred_at=session.timestamp)
                    turns, adds = turns + len(messages), adds + 1
        wall = time.perf_counter() - started
        print(f"$ python -m benchmarks.ingest_stages {shlex.join(sys.argv[1:])}")
        print(f"{turns} turns in {adds} adds: {wall:.2f} s, {turns / wall:.1f} turns/s")
        print(f"{'stage':34s} {'calls':>6s} {'per add':>8s} {'seconds':>8s}")
        for key in sorted(_seconds):
            calls = _seconds[key]
            print(f"{key:34s} {len(calls):6d} {len(calls) / adds:8.2f} {sum(calls):8.2f}")
        for where, count in sorted(_texts.items()):
            print(f"texts embedded in {where}: {count}")
        if options.dump:
            print(f"{_dump(system, options.dump)} records written to {options.dump}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
