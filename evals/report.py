"""Aggregating per-question results into ``summary.json``, ``report.md`` and ``report.png``."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from evals.metrics import locomo_category_name, percentile


@dataclass
class QuestionResult:
    """One system's outcome on one question (one row of ``results.jsonl``)."""

    system: str
    conversation: str
    question_id: str
    category: str
    question: str
    gold: str
    answer: str
    f1: float
    bleu1: float
    evidence_recall: float | None
    evidence_recall_cited: float | None
    recall_at_5: float | None
    recall_at_10: float | None
    judge: float | None
    retrieval_ms: float
    answer_ms: float
    context_tokens: int
    llm_calls: int
    llm_tokens: int
    answer_coverage: float | None = None
    correct: bool = False
    abstention: bool = False
    leaked_secrets: list[str] = field(default_factory=list)
    cited_source_ids: list[str] = field(default_factory=list)
    retrieved_source_ids: list[list[str]] = field(default_factory=list)


@dataclass
class SystemStats:
    """Per-system numbers that are not per question."""

    ingest_turns: int = 0
    ingest_seconds: float = 0.0
    ingest_llm_calls: int = 0
    ingest_llm_tokens: int = 0
    ingest_sessions: int = 0
    memory_count: int | None = None
    db_bytes: int | None = None

    @property
    def turns_per_s(self) -> float | None:
        """Ingestion speed, or None when nothing was ingested in this run."""
        if self.ingest_turns == 0 or self.ingest_seconds <= 0:
            return None
        return self.ingest_turns / self.ingest_seconds


def _mean(values: Iterable[float | None]) -> float | None:
    kept = [v for v in values if v is not None]
    return sum(kept) / len(kept) if kept else None


def _block(rows: Sequence[QuestionResult]) -> dict[str, Any]:
    coverage = [r.answer_coverage for r in rows if r.answer_coverage is not None]
    return {
        "n": len(rows),
        "answer_coverage": _mean(coverage),
        "full_coverage": _mean(1.0 if c >= 1.0 else 0.0 for c in coverage),
        "coverage_n": len(coverage),
        "correct": _mean(1.0 if r.correct else 0.0 for r in rows),
        "f1": _mean(r.f1 for r in rows) or 0.0,
        "bleu1": _mean(r.bleu1 for r in rows) or 0.0,
        "evidence_recall": _mean(r.evidence_recall for r in rows),
        "evidence_recall_cited": _mean(r.evidence_recall_cited for r in rows),
        "evidence_n": sum(1 for r in rows if r.evidence_recall is not None),
        "recall_at_5": _mean(r.recall_at_5 for r in rows),
        "recall_at_10": _mean(r.recall_at_10 for r in rows),
        "judge": _mean(r.judge for r in rows),
    }


def summarize_system(
    rows: Sequence[QuestionResult], stats: SystemStats, categories: Sequence[str]
) -> dict[str, Any]:
    """The ``summary.json`` block of one system (keys pinned by the harness issue)."""
    pooled = [r for r in rows if r.category in categories]
    by_category = {
        c: _block([r for r in rows if r.category == c])
        for c in categories
        if any(r.category == c for r in rows)
    }
    retrieval = [r.retrieval_ms for r in rows] or [0.0]
    answer = [r.answer_ms for r in rows] or [0.0]
    sessions = max(stats.ingest_sessions, 1)
    return {
        "overall": _block(pooled),
        "by_category": by_category,
        "latency_ms": {
            "retrieval_p50": percentile(retrieval, 50),
            "retrieval_p95": percentile(retrieval, 95),
            "answer_p50": percentile(answer, 50),
            "answer_p95": percentile(answer, 95),
        },
        "context_tokens_mean": _mean(float(r.context_tokens) for r in rows) or 0.0,
        "ingest_turns_per_s": stats.turns_per_s,
        "llm_calls_per_question": _mean(float(r.llm_calls) for r in rows) or 0.0,
        "llm_tokens_per_question": _mean(float(r.llm_tokens) for r in rows) or 0.0,
        "llm_calls_per_session": stats.ingest_llm_calls / sessions,
        "llm_tokens_per_session": stats.ingest_llm_tokens / sessions,
        "memory_count": stats.memory_count,
        "db_bytes": stats.db_bytes,
    }


def write_results(path: Path, rows: Iterable[QuestionResult]) -> None:
    """``results.jsonl``: one row per system × question."""
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(asdict(row), ensure_ascii=False) + "\n")


def _fmt(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _category_label(category: str) -> str:
    try:
        return f"{category} {locomo_category_name(category)}"
    except ValueError:
        return category


def _by_category_table(
    systems: dict[str, Any], cats: Sequence[str], metric: str, title: str
) -> list[str]:
    lines = ["", f"## {title} by category", ""]
    lines.append("| system | " + " | ".join(_category_label(c) for c in cats) + " |")
    lines.append("|---" * (len(cats) + 1) + "|")
    for name, block in systems.items():
        cells = [_fmt(block["by_category"].get(c, {}).get(metric)) for c in cats]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def _haystack_note(data: dict[str, Any]) -> str:
    """ ", each padded with N distractor sessions (seed S), T turns" for a --haystack run."""
    sessions = data.get("haystack_sessions") or 0
    if not sessions:
        return ""
    return (
        f", each padded with {sessions} sessions of the others (seed "
        f"{data.get('haystack_seed', 0)}), {data.get('turns', '?')} turns in all"
    )


def render_markdown(summary: dict[str, Any], command: str) -> str:
    """``report.md``: answer coverage first, then correctness, F1, evidence recall, cost."""
    systems: dict[str, Any] = summary["systems"]
    cats: list[str] = summary["data"]["categories"]
    lines = [
        "# Long-conversation QA report",
        "",
        f"Command: `{command}`",
        "",
        f"Data: `{summary['data']['path']}` ({len(summary['data']['conversations'])} "
        f"conversations{_haystack_note(summary['data'])}); categories {', '.join(cats)}; "
        "context budget "
        f"{summary['budget_tokens']} tokens (chars/4; the full-context row has no budget). "
        f"Answers: {summary.get('answer_model') or 'offline'}; memory managers: "
        f"{summary.get('manager_model') or 'offline'}.",
        "",
        "**Answer coverage** (the headline): the share of the gold answer's normalised "
        "tokens present in the context the answerer is shown, within the budget; "
        "*full* is the share of questions whose answer is fully covered. *Correct*: the "
        "normalised gold is contained in the answer (abstention questions: the answer "
        "abstains). *Evidence recall* credits a gold turn only when the rendered text "
        "that cites it carries at least half of its content words (or 20 of them); "
        "*cited* is the older rule that credits every cited source id.",
        "",
        "## Overall (pooled over the chosen categories)",
        "",
        "| system | n | answer coverage | full coverage | correct | F1 | BLEU-1 | "
        "evidence recall | (cited) | recall@10 | judge |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, block in systems.items():
        o = block["overall"]
        lines.append(
            f"| {name} | {o['n']} | **{_fmt(o.get('answer_coverage'))}** | "
            f"{_fmt(o.get('full_coverage'))} | {_fmt(o.get('correct'))} | {_fmt(o['f1'])} | "
            f"{_fmt(o['bleu1'])} | {_fmt(o['evidence_recall'])} | "
            f"{_fmt(o.get('evidence_recall_cited'))} | {_fmt(o['recall_at_10'])} | "
            f"{_fmt(o['judge'])} |"
        )
    for metric, title in (
        ("answer_coverage", "Answer coverage"),
        ("full_coverage", "Full answer coverage (share of questions)"),
        ("correct", "Correct (gold contained in the answer)"),
        ("f1", "F1"),
        ("evidence_recall", "Evidence recall (rendered text) at the budget"),
        ("evidence_recall_cited", "Evidence recall (cited source ids, older rule)"),
    ):
        lines += _by_category_table(systems, cats, metric, title)
    secrets = summary.get("secrets")
    if secrets:
        lines += [
            "",
            "## Secrets (mirix-py)",
            "",
            f"{secrets['declared']} declared secrets; in clear on disk (byte scan of the data "
            f"folder): {len(secrets['on_disk'])}; in stored rows: {len(secrets['in_records'])}; "
            f"in answers given without a reveal: {len(secrets['in_answers'])}.",
        ]
    lines += [
        "",
        "## Speed and cost",
        "",
        "| system | retrieval p50/p95 ms | answer p50/p95 ms | context tokens | "
        "ingest turns/s | LLM calls/question | memories | DB bytes |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, block in systems.items():
        lat = block["latency_ms"]
        lines.append(
            f"| {name} | {lat['retrieval_p50']:.1f} / {lat['retrieval_p95']:.1f} | "
            f"{lat['answer_p50']:.1f} / {lat['answer_p95']:.1f} | "
            f"{block['context_tokens_mean']:.0f} | {_fmt(block['ingest_turns_per_s'], 1)} | "
            f"{block['llm_calls_per_question']:.2f} | {block['memory_count'] or '–'} | "
            f"{block['db_bytes'] or '–'} |"
        )
    lines += [
        "",
        "Category names follow LOCOMO's official code (1 multi-hop, 2 temporal, 3 open-domain,",
        "4 single-hop, 5 adversarial); the mem0 lineage of harnesses swaps some of these labels.",
        "",
    ]
    return "\n".join(lines)


def render_plot(summary: dict[str, Any], path: Path) -> bool:
    """``report.png``: grouped bars (systems × categories): answer coverage (the
    headline), evidence recall (rendered text), and F1 for LOCOMO's numbered
    categories or the correct share for other question types.

    Returns False (and writes nothing) when matplotlib is not installed.
    """
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    systems: dict[str, Any] = summary["systems"]
    cats: list[str] = [*summary["data"]["categories"], "overall"]
    fig, axes = plt.subplots(1, 3, figsize=(17, 4.5))
    width = 0.8 / max(len(systems), 1)
    budget = summary["budget_tokens"]
    locomo = all(c.isdigit() for c in summary["data"]["categories"])
    third = (axes[2], "f1", "F1") if locomo else (axes[2], "correct", "Correct (gold in answer)")
    for ax, metric, title in (
        (axes[0], "answer_coverage", f"Answer coverage @ {budget} tokens"),
        (axes[1], "evidence_recall", f"Evidence recall (rendered) @ {budget} tokens"),
        third,
    ):
        for i, (name, block) in enumerate(systems.items()):
            values = [
                (block["overall"] if c == "overall" else block["by_category"].get(c, {})).get(
                    metric
                )
                or 0.0
                for c in cats
            ]
            ax.bar([x + i * width for x in range(len(cats))], values, width, label=name)
        ax.set_xticks([x + width * (len(systems) - 1) / 2 for x in range(len(cats))])
        ax.set_xticklabels(
            [_category_label(c) if c != "overall" else c for c in cats],
            fontsize=7,
            rotation=30,
            ha="right",
        )
        ax.set_ylim(0, 1)
        ax.set_title(title)
        ax.grid(axis="y", alpha=0.3)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", ncol=max(len(systems), 1), fontsize=8)
    fig.tight_layout(rect=(0, 0, 1, 0.92))
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True
