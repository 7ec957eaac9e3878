"""``python -m evals.context_audit``: what fills the context budget, stage by stage.

Reads an eval output folder whose LOCOMO conversations are ingested (``--out`` of
``python -m evals.locomo``), asks every question again through ``chat`` (offline,
no interactive update) and sorts the characters of the context's items by the stage
that put each item there:

- ``neighbour``, ``fill``, ``entity``: the item's retrieval stage;
- otherwise by its score parts: ``prior`` (the session prior is at least the item's
  own base score), ``nbr-smooth`` (neighbour smoothing is), ``name-fts`` (a full-text
  match but no content word of the question besides people's names), ``dense``.
  ``name-fts`` says which words matched, not what ranked the item: on LOCOMO dev
  conversations 0–2 those items' dense similarity to the question was that of the
  ``dense`` items (mean cosine 0.51 against 0.52), and the answer turns among them
  seldom repeat the question's words.

An item is *zero-content* when its text shares no stemmed content word of the
question (people's names left out) and holds no span of the kind the question asks
for (:func:`mirix_py._chat.spans.typed_span`; a time expression for "when"). The
report prints each stage's share of the context's characters, its zero-content
share, the visible context's characters by part (core, headers, reference numbers,
speakers, dates, annotations, each section's text: :mod:`evals.context_split`),
answer coverage per category and the retrieval p50. ``--dump`` writes every
question's ranked items (in context or not, gold tokens they carry) as JSON.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evals.context_split import split_chars
from evals.datasets.locomo import load_locomo
from evals.metrics import answer_coverage, coverage_gold, tokenize_answer, visible_context
from evals.rerun_options import (
    BUDGET,
    add_rerun_options,
    asked_questions,
    open_rerun,
    rerun_inputs,
)
from evals.systems import question_anchor
from mirix_py._chat.cues import content_stems, has_time_expression, read_question, words
from mirix_py._chat.models import RetrievedMemory
from mirix_py._chat.spans import answer_kind, typed_span


def _cause(m: RetrievedMemory, has_question_word: bool) -> str:
    if m.stage in ("neighbour", "fill", "entity", "history"):
        return m.stage
    s = m.score
    base = s.score - (s.prior or 0) - (s.neighbour or 0) - (s.cue or 0)
    if (s.prior or 0) >= base:
        return "prior"
    if (s.neighbour or 0) >= base:
        return "nbr-smooth"
    if (s.fts or 0) > 0 and not has_question_word:
        return "name-fts"
    return "dense"


def audit(out: Path, data: str, conversations: Sequence[int], dump: Path | None) -> str:
    """Run the audit (see the module docstring); the report as text."""
    system = open_rerun(out)
    convs = load_locomo(data)
    chars: Counter[str] = Counter()
    zero: Counter[str] = Counter()
    parts: Counter[str] = Counter()
    coverage: dict[str, list[float]] = defaultdict(list)
    latency: list[float] = []
    rows: list[dict[str, Any]] = []
    asked = 0
    for conv, user, q in asked_questions(convs, conversations):
        cues = read_question(q.question)
        people = {w for n in cues.names for w in words(n)}
        topic = set(cues.stems) - set(content_stems(" ".join(people)))
        kind = answer_kind(q.question)
        r = system.chat(
            q.question, user_id=user, interactive_update=False, now=question_anchor(conv, q)
        )
        asked += 1
        latency.append(r.latency.retrieval_ms)
        visible = visible_context(r.context, BUDGET)
        parts.update(split_chars(visible))
        cov = answer_coverage(q.answer, visible, category=q.category)
        if cov is not None:
            coverage[str(q.category)].append(cov)
        gold = set(tokenize_answer(coverage_gold(q.answer, q.category)))
        items: list[dict[str, Any]] = []
        for m in r.retrieved:
            text = m.text.split(":", 1)[-1] if m.memory_type.value == "episodic" else m.text
            on_topic = bool(set(content_stems(text)) & topic)
            items.append(
                {
                    "in": m.in_context,
                    "n": len(m.text),
                    "stage": m.stage,
                    "type": m.memory_type.value,
                    "q": on_topic,
                    "gold": sorted(gold & set(tokenize_answer(text))),
                    "s": m.score.model_dump(),
                    "text": m.text,
                }
            )
            if not m.in_context:
                continue
            span = kind is not None and typed_span(kind, text, q.question) is not None
            span = span or (cues.is_when and has_time_expression(text))
            cause = _cause(m, on_topic)
            chars[cause] += len(m.text)
            if not on_topic and not span:
                zero[cause] += len(m.text)
        rows.append({"qid": q.id, "cat": str(q.category), "cov": cov, "items": items})
    if dump is not None:
        dump.write_text(json.dumps(rows, default=str))
    total = sum(chars.values()) or 1
    lines = [f"questions {asked}  context chars {total}"]
    lines.append(f"zero-content share of context chars: {sum(zero.values()) / total:.3f}")
    for cause in sorted(chars, key=lambda k: -chars[k]):
        lines.append(
            f"  {cause:11s} chars {chars[cause] / total:.3f}  zero {zero[cause] / total:.3f}"
            f"  (zero within stage {zero[cause] / chars[cause]:.2f})"
        )
    shown = sum(parts.values()) or 1
    split = "  ".join(f"{k} {v / shown:.3f}" for k, v in parts.most_common())
    lines.append(f"rendering split of the visible context: {split}")
    pooled = [c for v in coverage.values() for c in v]
    per = {k: round(sum(v) / len(v), 3) for k, v in sorted(coverage.items())}
    lines.append(f"coverage {per} pooled {sum(pooled) / max(1, len(pooled)):.3f}")
    latency.sort()
    lines.append(f"retrieval_ms p50 {latency[len(latency) // 2] if latency else 0.0}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse options, run the audit, print the report."""
    p = argparse.ArgumentParser(prog="python -m evals.context_audit", description=__doc__)
    add_rerun_options(p)
    p.add_argument("--dump", default=None, help="write every question's ranked items here")
    args = p.parse_args(argv)
    out, data, wanted = rerun_inputs(p, args)
    dump = Path(args.dump) if args.dump else None
    print(audit(out, data, wanted, dump))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
