"""Chat latency as one user's history grows: 1k, 10k, 100k episodic turns.

Run: ``python -m benchmarks.read_scale [--sizes 1000 10000 100000] [--questions 40]
[--loops 20] [--ann-from 50000] [--batch 5000] [--layout FRAGMENT_ROWS,SEGMENT_ROWS]``

One user's history is bulk-loaded through the store (``store.upsert``): sessions
of 20 turns between two speakers, varied synthetic text built from a vocabulary
(every turn different), embedded by the real offline model. Embedding 100k
sentences takes half an hour on 2 cores, so only the first ``--embed`` distinct
turns are embedded and later turns reuse those vectors, slightly perturbed (the
text of every row stays different, and no two rows share a vector). After each
load the maintenance step runs (``system.maintain()``: compaction, index upkeep;
from ``--ann-from`` rows, its ``maintenance.ann_min_rows``, the ANN index of the
config's ``maintenance.ann_index`` type, used by search only when its measured
recall@10 reaches ``maintenance.ann_min_recall``; the choice is printed). Then,
offline:

- **warm chat**: ``--questions`` questions (after three warm-ups), p50/p95;
- **the agent loop**: ``--loops`` times, ``add`` one turn then ``chat``: the chat's
  time right after the add, and the loop's (add + chat) p50.

Targets (issue 11): warm p95 at 100k <= 2x warm p95 at 1k; chat right after an
add <= 1.5x warm chat; loop p50 <= 150 ms at 100k.
"""

from __future__ import annotations

import argparse
import logging
import random
import shlex
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import structlog

from mirix_py._config import load_config
from mirix_py._memory import EpisodicMemory
from mirix_py._system import MemorySystem

USER = "bench-user"
SPEAKERS = ("Maria", "Tomas")
PEOPLE = "Ana Ben Chloe Dario Elena Farid Greta Hugo Ines Jonas Kira Leo Mila Nico Olga".split()
ACTIVITIES = (
    "went hiking|baked sourdough bread|started pottery classes|ran a half marathon|"
    "painted a watercolor|adopted a rescue dog|visited the science museum|planted tomatoes|"
    "joined a book club|learned to play the violin|fixed an old bicycle|went camping|"
    "tried a new ramen place|volunteered at the shelter|watched a jazz concert|"
    "took a photography workshop|moved into a new flat|started a new job|went kayaking|"
    "built a bookshelf|cooked a curry for friends|read a mystery novel|went to a wedding"
).split("|")
PLACES = (
    "near the lake|in the old town|at the community center|by the river|in the mountains|"
    "at the beach|downtown|at my cousin's farm|in Lisbon|in Kyoto|at the park|in the library|"
    "at the stadium|in the garden|at the market|on the island|at the university"
).split("|")
FEELINGS = (
    "it was exhausting but fun|I felt really proud|honestly it was a bit scary|"
    "we laughed the whole time|I want to do it again soon|it rained the entire day|"
    "the views were amazing|I learned a lot|it cost more than expected|my knees still hurt"
).split("|")
WHEN = (
    "yesterday|last weekend|on Tuesday|two weeks ago|this morning|last month|in May|"
    "over the holidays|after work|on my birthday"
).split("|")
QUESTIONS = [
    "When did {p} go hiking near the lake?",
    "What did {p} do in the mountains?",
    "Where did {s} take the photography workshop?",
    "How did {s} feel about the half marathon?",
    "Who joined the book club with {s}?",
    "What did {s} cook for friends last weekend?",
    "When did {s} start pottery classes?",
    "What happened at the community center?",
]


def turn_text(rng: random.Random, n: int) -> str:
    """One varied synthetic turn (``n`` makes it unique)."""
    return (
        f"{rng.choice(WHEN).capitalize()} {rng.choice(PEOPLE)} and I {rng.choice(ACTIVITIES)} "
        f"{rng.choice(PLACES)}, {rng.choice(FEELINGS)}. That was day {n} of my notes."
    )


def vector_of(vectors: list[list[float]], n: int) -> list[float]:
    """Turn ``n``'s vector: an embedded turn's, slightly perturbed past the first copy so
    that no two rows share a vector (exact duplicates make recall@10 against flat
    search meaningless, and the maintenance step would rightly refuse the ANN index)."""
    base = np.asarray(vectors[n % len(vectors)], dtype=np.float32)
    if n < len(vectors):
        return [float(x) for x in base]
    noise = np.random.default_rng(n).normal(0.0, 0.02, base.shape).astype(np.float32)
    moved = base + noise
    return [float(x) for x in moved / np.linalg.norm(moved)]


def load(
    system: MemorySystem,
    start: int,
    stop: int,
    vectors: list[list[float]],
    rng: Any,
    *,
    batch_rows: int = 5000,
) -> None:
    """Store turns ``start`` … ``stop - 1`` of the user (sessions of 20 turns), in
    upserts of ``batch_rows`` rows (each leaves one fragment until compaction merges
    small ones; compaction never splits one larger than ``maintenance.fragment_rows``)."""
    base = datetime(2020, 1, 1, tzinfo=UTC)
    batch: list[EpisodicMemory] = []
    for n in range(start, stop):
        session, seq = divmod(n, 20)
        text = turn_text(rng, n)
        batch.append(
            EpisodicMemory(
                id=f"ep-{n:07d}",
                user_id=USER,
                actor=SPEAKERS[seq % 2],
                summary=text,
                session_id=f"s-{session:06d}",
                sequence=seq,
                occurred_at=base + timedelta(days=session, minutes=seq),
                source_ids=[f"m-{n}"],
                origin="raw",
                embedding=vector_of(vectors, n),
            )
        )
        if len(batch) == batch_rows:
            system.store.upsert(batch, actor="bench")
            batch = []
    if batch:
        system.store.upsert(batch, actor="bench")


def maintain(system: MemorySystem, rows: int, ann_from: int) -> str:
    """The maintenance step: compaction and index upkeep; past ``ann_from`` rows (the
    config's ``maintenance.ann_min_rows``) it builds the ANN index and measures its
    recall, and search uses the index only if the recall is enough (as in production:
    an index built beside the maintenance step would never be used)."""
    started = time.perf_counter()
    receipt = system.maintain()
    note = f"maintenance {time.perf_counter() - started:.1f} s"
    for table in receipt.tables:
        if table.ann is not None:
            choice = table.ann
            used = "used" if choice.accepted else "NOT used (search stays flat)"
            note += (
                f"; ANN {choice.index_type} on {table.table}: recall@10 {choice.recall:.3f}, "
                f"built in {choice.build_seconds:.0f} s, {used}"
            )
    return note


def pct(values: list[float], p: float) -> float:
    """The ``p``-th percentile (nearest rank on the sorted values)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))]


def measure(system: MemorySystem, rng: random.Random, questions: int, loops: int) -> dict[str, Any]:
    """Warm chat latency, chat right after an add, and the add-then-chat loop."""

    def ask() -> float:
        q = rng.choice(QUESTIONS).format(p=rng.choice(PEOPLE), s=rng.choice(SPEAKERS))
        started = time.perf_counter()
        system.chat(q, user_id=USER, interactive_update=False)
        return (time.perf_counter() - started) * 1000

    for _ in range(3):
        ask()
    warm = [ask() for _ in range(questions)]
    after_add: list[float] = []
    adds: list[float] = []
    loop: list[float] = []
    for i in range(loops):
        started = time.perf_counter()
        system.add(
            [{"role": "user", "name": SPEAKERS[0], "content": turn_text(rng, 10_000_000 + i)}],
            user_id=USER,
        )
        added = (time.perf_counter() - started) * 1000
        chat = ask()
        adds.append(added)
        after_add.append(chat)
        loop.append(added + chat)
    return {
        "warm_p50": statistics.median(warm),
        "warm_p95": pct(warm, 95),
        "after_add_p50": statistics.median(after_add),
        "after_add_p95": pct(after_add, 95),
        "add_p50": statistics.median(adds),
        "loop_p50": statistics.median(loop),
    }


def main(argv: list[str] | None = None) -> int:
    """Grow one user's history through the sizes and print the latencies."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--questions", type=int, default=40)
    parser.add_argument("--loops", type=int, default=20)
    parser.add_argument("--embed", type=int, default=10_000, help="distinct embedded turns")
    parser.add_argument("--ann-from", type=int, default=50_000, help="0: never")
    parser.add_argument("--home", default=None)
    parser.add_argument("--batch", type=int, default=5000, help="rows per bulk upsert")
    parser.add_argument(
        "--layout",
        default="",
        help="maintenance FRAGMENT_ROWS,SEGMENT_ROWS (default: the config's)",
    )
    args = parser.parse_args(argv)
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    home = args.home or tempfile.mkdtemp(prefix="mirix-read-scale-")
    layout: dict[str, int] = {}
    if args.layout:
        fragment_rows, segment_rows = (int(v) for v in args.layout.split(","))
        layout = {"fragment_rows": fragment_rows, "index_segment_rows": segment_rows}
    config = load_config(
        "default",
        home=home,
        chat={"interactive_update": False},
        maintenance={"ann_min_rows": args.ann_from or 10**12, "background": False, **layout},
    )
    system = MemorySystem(config)
    rng = random.Random(11)
    started = time.perf_counter()
    distinct = min(args.embed, max(args.sizes))
    texts = [turn_text(random.Random(n), n) for n in range(distinct)]
    vectors = system.context.embeddings.embed_documents(texts)
    print("$ python -m benchmarks.read_scale " + shlex.join(argv or sys.argv[1:]))
    print(f"embedded {distinct} distinct turns in {time.perf_counter() - started:.0f} s")
    rows: dict[int, dict[str, Any]] = {}
    have = 0
    for size in sorted(args.sizes):
        started = time.perf_counter()
        load(system, have, size, vectors, rng, batch_rows=args.batch)
        have = size
        note = maintain(system, size, args.ann_from)
        print(f"{size} turns: loaded in {time.perf_counter() - started:.0f} s ({note})")
        rows[size] = measure(system, rng, args.questions, args.loops)
        r = rows[size]
        print(
            f"  warm chat p50 {r['warm_p50']:.0f} ms p95 {r['warm_p95']:.0f} ms | right after add "
            f"p50 {r['after_add_p50']:.0f} ms p95 {r['after_add_p95']:.0f} ms | add p50 "
            f"{r['add_p50']:.0f} ms | add+chat loop p50 {r['loop_p50']:.0f} ms",
            flush=True,
        )
    system.close()
    small, large = rows[min(rows)], rows[max(rows)]
    print(
        f"warm p95 {max(rows)} / {min(rows)}: {large['warm_p95'] / small['warm_p95']:.2f}x "
        "(target <= 2)"
    )
    for size, r in rows.items():
        print(
            f"{size}: after-add p50 / warm p50 {r['after_add_p50'] / r['warm_p50']:.2f}x "
            f"(target <= 1.5); loop p50 {r['loop_p50']:.0f} ms (target <= 150 at 100k)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
