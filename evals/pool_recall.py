"""``python -m evals.pool_recall``: how much gold evidence reaches the episodic pool.

Reads an eval output folder whose LOCOMO conversations are ingested (``--out`` of
``python -m evals.locomo``; measure on a copy: as in the harness, one maintenance step
runs first and the access counts the questions note are written after the last one),
asks every question again through ``chat`` (offline, no interactive update) and, for
the episodic
:class:`~mirix_py._chat.episodes.CandidatePool` fine retrieval ranked, counts the
question's gold evidence turns that are

- in the pool at all (candidate recall: what no re-ranking can go beyond), and
- in the best ``--top`` rows of the pool's own ranking (the question's queries,
  :func:`mirix_py._chat.scoring.rank_pool`), i.e. near enough to reach the context.

A turn is in the pool when a pooled episodic memory names it among its
``source_ids``. Shares are over evidence turns, per category and pooled, beside the
mean pool size, answer coverage at the budget and the retrieval p50.
``--retrieval KEY=VALUE`` overrides a ``retrieval`` setting (a switch to measure);
``--dump`` writes one JSON row per question (with each gold turn's rank in the pool).
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evals.datasets.locomo import load_locomo
from evals.metrics import answer_coverage, visible_context
from evals.rerun_options import (
    BUDGET,
    add_rerun_options,
    asked_questions,
    open_rerun,
    rerun_inputs,
)
from evals.runner import settle
from evals.systems import question_anchor
from mirix_py._chat.episodes import CachedPool
from mirix_py._chat.retrieval import Retriever
from mirix_py._chat.scoring import IndexQuery, rank_pool
from mirix_py._memory import MemoryType

CATEGORY = {"1": "multi-hop", "2": "temporal", "3": "open-domain", "4": "single-hop"}


class _Spy:
    """Keeps the last episodic pool fine retrieval ranked (and its queries)."""

    def __init__(self) -> None:
        self.last: tuple[CachedPool, list[IndexQuery], Any, Retriever] | None = None
        self._original = Retriever._pooled

    def install(self) -> None:
        spy = self

        def pooled(self: Retriever, **kw: Any) -> tuple[CachedPool, list[IndexQuery]]:
            cached, queries = spy._original(self, **kw)
            if kw["memory_type"] is MemoryType.EPISODIC:
                spy.last = (cached, queries, kw["cues"], self)
            return cached, queries

        Retriever._pooled = pooled  # type: ignore[method-assign]

    def remove(self) -> None:
        Retriever._pooled = self._original  # type: ignore[method-assign]


def _value(raw: str) -> Any:
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return raw


def measure(
    out: Path,
    data: str,
    conversations: Sequence[int],
    *,
    top: int,
    overrides: dict[str, Any],
    dump: Path | None,
) -> str:
    """Run the measurement (see the module docstring); the report as text."""
    system = open_rerun(out, overrides)
    convs = load_locomo(data)
    spy = _Spy()
    spy.install()
    latency: list[float] = []
    rows: list[dict[str, Any]] = []
    settle(system)
    try:
        for conv, user, q in asked_questions(convs, conversations):
            spy.last = None
            anchor = question_anchor(conv, q)
            r = system.chat(q.question, user_id=user, interactive_update=False, now=anchor)
            latency.append(r.latency.retrieval_ms)
            visible = visible_context(r.context, BUDGET)
            cov = answer_coverage(q.answer, visible, category=q.category)
            rank: dict[str, int] = {}  # a turn's best row in the pool's ranking
            size = 0
            if spy.last is not None:
                cached, queries, cues, retriever = spy.last
                size = len(cached.pool)
                everything = rank_pool(
                    cached.pool, queries, cues=cues, fusion=retriever.fusion, limit=size
                )
                for position, hit in enumerate(everything, start=1):
                    for source in hit.record.get("source_ids") or ():
                        rank.setdefault(source, position)
            gold = list(dict.fromkeys(q.evidence))
            rows.append(
                {
                    "qid": q.id,
                    "cat": q.category,
                    "gold": gold,
                    "pool": [g for g in gold if g in rank],
                    "top": [g for g in gold if rank.get(g, top + 1) <= top],
                    "rank": [rank.get(g) for g in gold],
                    "size": size,
                    "cov": cov,
                }
            )
    finally:
        spy.remove()
        system.close()
    if dump is not None:
        dump.write_text("\n".join(json.dumps(row) for row in rows) + "\n")
    latency.sort()
    p50 = latency[len(latency) // 2] if latency else 0.0
    return f"{summarise(rows, top)}\nretrieval_ms p50 {p50}"


def summarise(rows: Sequence[dict[str, Any]], top: int) -> str:
    """The table of a measurement's rows (one per question: ``cat``, ``gold``, the gold
    turns in the ``pool`` and in its ``top`` rows, the pool's ``size``, ``cov``): per
    category and pooled, the share of evidence turns in the pool and in its top rows
    and the mean answer coverage."""
    gold_n: dict[str, int] = defaultdict(int)
    in_pool: dict[str, int] = defaultdict(int)
    in_top: dict[str, int] = defaultdict(int)
    coverage: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        for key in (row["cat"], "all"):
            gold_n[key] += len(row["gold"])
            in_pool[key] += len(row["pool"])
            in_top[key] += len(row["top"])
            if row["cov"] is not None:
                coverage[key].append(row["cov"])
    sizes = [row["size"] for row in rows]
    lines = [f"questions {len(rows)}  mean episodic pool {sum(sizes) / max(1, len(sizes)):.1f}"]
    lines.append(f"{'category':12s} {'turns':>6s} {'pool':>6s} {f'top{top}':>6s} {'cov':>6s}")
    for key in [*sorted(k for k in gold_n if k != "all"), "all"]:
        covs = coverage[key]
        turns = gold_n[key] or 1
        lines.append(
            f"{CATEGORY.get(key, key):12s} {gold_n[key]:6d} {in_pool[key] / turns:6.3f}"
            f" {in_top[key] / turns:6.3f} {sum(covs) / max(1, len(covs)):6.3f}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse options, measure, print the report."""
    p = argparse.ArgumentParser(prog="python -m evals.pool_recall", description=__doc__)
    add_rerun_options(p)
    p.add_argument("--top", type=int, default=50, help="rows of the pool's ranking counted as near")
    p.add_argument(
        "--retrieval", action="append", default=[], metavar="KEY=VALUE", help="config override"
    )
    p.add_argument("--dump", default=None, help="write one JSON row per question here")
    args = p.parse_args(argv)
    out, data, wanted = rerun_inputs(p, args)
    overrides = {k: _value(v) for k, _, v in (item.partition("=") for item in args.retrieval)}
    dump = Path(args.dump) if args.dump else None
    print(measure(out, data, wanted, top=args.top, overrides=overrides, dump=dump))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
