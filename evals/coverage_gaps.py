"""``python -m evals.coverage_gaps``: where the gold words a context misses are.

Reads an eval output folder whose LOCOMO conversations are ingested (``--out`` of
``python -m evals.locomo``), asks the chosen categories' questions again through
``chat`` (offline, no interactive update; the access counts the questions note are
dropped, so the folder reads the same afterwards) and, for every question whose
visible context does not cover the gold answer, sorts each missing gold token
(LOCOMO's normalisation, stemmed: :func:`evals.metrics.tokenize_answer`) into the
first class that holds it:

- ``b-cut``: a turn that a shown event cites says it, but the event's shown text
  does not (excerpting, :mod:`mirix_py._chat.excerpt`, or condensing,
  :mod:`mirix_py._chat.budget`, left it out), or a shown memory lies past the budget;
- ``b-fact``: a turn that a shown *fact* cites says it (the fact keeps a clause of
  the turn; the turn itself is not shown);
- ``a-evid``: a retrieved memory that is not shown, citing one of the question's gold
  evidence turns, says it (ranked too low for the budget);
- ``a-other``: some other retrieved memory that is not shown says it (often a common
  word said in passing: weaker evidence that showing it would answer);
- ``c``: some turn of the conversation says it, no retrieved memory does;
- ``d``: no turn says it (the ceiling's miss: the gold paraphrases the conversation).

Each class is scored as the coverage its tokens would add (summed over questions,
divided by the number of questions). For ``a-evid`` tokens the report gives where
their best carrier ranked (1-based, by final score) and how many memories were shown.
It also prints what the ranked list is worth by rank: per ten ranks, the gold tokens
that a memory says first (no better-ranked memory says them) per 1,000 characters of
memory text, and the share of those memories shown: whether room taken from the
head and given to the tail could win. ``--dump`` writes every uncovered question's
classes, missing tokens and carriers as JSON.

Measured on main 8623149 (all 7 LOCOMO dev conversations, a copy of the round's base
ingest; 2026-12-02):

======== ============ ==============
class    multi-hop    open-domain
======== ============ ==============
covered  0.705        0.356
b-cut    0.001        0.001
b-fact   0.006        0.005
a-evid   0.055        0.001
a-other  0.039        0.092
c        0.106        0.158
d        0.089        0.387
======== ============ ==============

What the shown context cuts (``b``) is under 0.01 in every category: turns are seldom
long enough to be excerpted. Multi-hop's ``a-evid`` carriers rank at p25/p50/p75
44/59/76 with 31 memories shown (p50), and they are weak by every signal the pool has
(median dense rank 58 and fusion rank 53 of about 110). Open-domain's ``a-other``
tokens are mostly function words ("no", "or", "she", "as"). Gold tokens said first per
1,000 characters, multi-hop, by ten ranks from the top: 1.86, 0.49, 0.21, 0.13, 0.08,
0.08, 0.06 (open-domain 1.19, 0.38, 0.15, 0.11, 0.12, 0.12, 0.04); the shown share
falls from 0.76 at ranks 21–30 to 0.33 at 31–40. The ranking is informative down to
where the budget cuts it, and the tail is worth little per character: the gap lies in
what retrieval finds (``c``) and in the ceiling (``d``). Pooled coverage here 0.834,
as in the eval's own run; one open-domain question's context differs from the run's
(open-domain 0.354 there), probably through the access counts the run wrote after its
last question, which the copy holds.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.datasets.locomo import load_locomo
from evals.datasets.model import Conversation, Question
from evals.metrics import coverage_gold, tokenize_answer, visible_context
from evals.rerun_options import BUDGET, add_rerun_options, open_rerun, rerun_inputs
from evals.systems import EvalUser, question_anchor
from mirix_py import MemorySystem
from mirix_py._chat.models import RetrievedMemory

CLASSES = ("b-cut", "b-fact", "a-evid", "a-other", "c", "d")
RANK_BUCKET = 10
RANK_BUCKETS = 8


def _tokens(text: str) -> set[str]:
    return set(tokenize_answer(text))


def _union(sets: Iterable[set[str]]) -> set[str]:
    out: set[str] = set()
    for s in sets:
        out |= s
    return out


def classify(
    q: Question,
    context: str,
    retrieved: Sequence[RetrievedMemory],
    turns: dict[str, set[str]],
) -> dict[str, Any] | None:
    """The classes of the gold tokens ``context`` misses (see the module docstring);
    ``turns`` maps each turn id of the conversation to its tokens. None when the
    question is fully covered or its gold has no tokens."""
    gold = tokenize_answer(coverage_gold(q.answer, q.category))
    seen = _tokens(visible_context(context, BUDGET))
    missing = [t for t in gold if t not in seen]
    if not gold or not missing:
        return None
    shown = [m for m in retrieved if m.in_context]
    hidden = [m for m in retrieved if not m.in_context]
    evidence = set(q.evidence)
    events = [m for m in shown if m.memory_type.value == "episodic"]
    cut = _union(turns.get(s, set()) for m in events for s in m.source_ids)
    cut |= _union(_tokens(m.text) for m in shown)  # shown past the budget
    fact = _union(turns.get(s, set()) for m in shown for s in m.source_ids)
    evid = [m for m in hidden if evidence & set(m.source_ids)]
    evid_tokens = _union(_tokens(m.text) for m in evid)
    other = _union(_tokens(m.text) for m in hidden)
    said = _union(turns.values())
    classes: list[str] = []
    carriers: list[dict[str, Any]] = []
    for token in missing:
        if token in cut:
            classes.append("b-cut")
        elif token in fact:
            classes.append("b-fact")
        elif token in evid_tokens:
            classes.append("a-evid")
            best = next(m for m in evid if token in _tokens(m.text))
            carriers.append(
                {
                    "token": token,
                    "rank": best.rank,
                    "type": best.memory_type.value,
                    "score": round(best.score.score, 4),
                    "text": best.text[:300],
                }
            )
        elif token in other:
            classes.append("a-other")
        elif token in said:
            classes.append("c")
        else:
            classes.append("d")
    return {
        "qid": q.id,
        "cat": str(q.category),
        "question": q.question,
        "gold": coverage_gold(q.answer, q.category),
        "cov": 1 - len(missing) / len(gold),
        "gold_n": len(gold),
        "missing": missing,
        "classes": classes,
        "carriers": carriers,
        "shown": len(shown),
    }


def first_said(gold: Sequence[str], retrieved: Sequence[RetrievedMemory]) -> list[int]:
    """For each memory of ``retrieved`` (in rank order), how many distinct ``gold``
    tokens it says that no better-ranked memory says."""
    seen: set[str] = set()
    out: list[int] = []
    wanted = set(gold)
    for m in sorted(retrieved, key=lambda m: m.rank):
        new = (_tokens(m.text) & wanted) - seen
        out.append(len(new))
        seen |= new
    return out


@dataclass
class Tally:
    """What the questions asked so far add up to, per category."""

    asked: Counter[str] = field(default_factory=Counter)
    covered: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    rows: list[dict[str, Any]] = field(default_factory=list)
    by_rank: dict[tuple[str, int], list[int]] = field(default_factory=dict)
    """(category, bucket) → [gold tokens said first, characters, memories, shown]."""

    def add(
        self,
        q: Question,
        context: str,
        retrieved: Sequence[RetrievedMemory],
        turns: dict[str, set[str]],
    ) -> None:
        """Count one asked question."""
        cat = str(q.category)
        self.asked[cat] += 1
        row = classify(q, context, retrieved, turns)
        self.covered[cat] += 1.0 if row is None else row["cov"]
        if row is not None:
            self.rows.append(row)
        gold = tokenize_answer(coverage_gold(q.answer, q.category))
        ordered = sorted(retrieved, key=lambda m: m.rank)
        for m, new in zip(ordered, first_said(gold, ordered), strict=True):
            bucket = (m.rank - 1) // RANK_BUCKET
            if bucket >= RANK_BUCKETS:
                continue
            cell = self.by_rank.setdefault((cat, bucket), [0, 0, 0, 0])
            cell[0] += new
            cell[1] += len(m.text)
            cell[2] += 1
            cell[3] += int(m.in_context)


def gaps(
    out: Path, data: str, conversations: Sequence[int], categories: set[str]
) -> tuple[str, list[dict[str, Any]]]:
    """Ask and classify (see the module docstring); the report and the rows."""
    system = open_rerun(out)
    convs = load_locomo(data)
    tally = Tally()
    for index in conversations:
        _ask(system, convs[index], categories, tally)
    return _report(tally), tally.rows


def _ask(system: MemorySystem, conv: Conversation, categories: set[str], tally: Tally) -> None:
    turns = {t.id: _tokens(t.text) for t in conv.turns()}
    user = EvalUser(conv, "eval").user_id
    for q in conv.questions:
        if q.is_abstention or str(q.category) not in categories:
            continue
        if not tokenize_answer(coverage_gold(q.answer, q.category)):
            continue
        r = system.chat(
            q.question, user_id=user, interactive_update=False, now=question_anchor(conv, q)
        )
        tally.add(q, r.context, r.retrieved, turns)


def _report(tally: Tally) -> str:
    total = sum(tally.asked.values()) or 1
    lines = [f"pooled coverage {sum(tally.covered.values()) / total:.4f} over {total} questions"]
    for cat in sorted(tally.asked):
        n = tally.asked[cat]
        mine = [r for r in tally.rows if r["cat"] == cat]
        gain: Counter[str] = Counter()
        tokens: Counter[str] = Counter()
        nearest: Counter[str] = Counter()
        for r in mine:
            for c in r["classes"]:
                gain[c] += 1 / r["gold_n"]
                tokens[c] += 1
            nearest[min(r["classes"], key=CLASSES.index)] += 1
        lines.append(
            f"category {cat}: {n} questions, coverage {tally.covered[cat] / n:.4f}, "
            f"{len(mine)} not fully covered"
        )
        for c in CLASSES:
            lines.append(
                f"  {c:8s} coverage {gain[c] / n:.3f}  tokens {tokens[c]:4d}  "
                f"questions whose nearest class it is {nearest[c]:3d}"
            )
        ranks = sorted(c["rank"] for r in mine for c in r["carriers"])
        shown = sorted(r["shown"] for r in mine if r["carriers"])
        if ranks:
            lines.append(
                f"  a-evid carriers: rank p25/p50/p75 {ranks[len(ranks) // 4]}/"
                f"{ranks[len(ranks) // 2]}/{ranks[3 * len(ranks) // 4]}, "
                f"shown p50 {shown[len(shown) // 2]}"
            )
        for bucket in range(RANK_BUCKETS):
            said, chars, count, inside = tally.by_rank.get((cat, bucket), [0, 0, 0, 0])
            if not count:
                continue
            lo = bucket * RANK_BUCKET + 1
            lines.append(
                f"  ranks {lo:3d}-{lo + RANK_BUCKET - 1:3d}: gold said first per 1000 chars "
                f"{1000 * said / max(1, chars):.3f}, shown {inside / count:.2f}"
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse options, classify, print the report."""
    p = argparse.ArgumentParser(prog="python -m evals.coverage_gaps", description=__doc__)
    add_rerun_options(p)
    p.add_argument("--categories", default="1,3", help="comma-separated LOCOMO categories")
    p.add_argument("--dump", default=None, help="write every uncovered question's classes here")
    args = p.parse_args(argv)
    out, data, wanted = rerun_inputs(p, args)
    cats = {c.strip() for c in args.categories.split(",") if c.strip()}
    report, rows = gaps(out, data, wanted, cats)
    if args.dump:
        Path(args.dump).write_text(json.dumps(rows, indent=1, default=str))
    print(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
