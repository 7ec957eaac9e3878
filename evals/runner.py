"""One harness run: ingest, ask, score, compare with baselines, write the report.

Shared by ``python -m evals.locomo``, ``python -m evals.longmemeval`` and
``python -m evals.jsonl`` (and ``mirix-py eval …``): all parse the same options
(:func:`build_parser`) and call :func:`run`. The offline run is deterministic: a
rerun gives identical numbers (latencies aside). Two things a library does in the
background would make it depend on timing, so the harness pins them: once every
conversation is in, background maintenance stops and one maintenance step runs inline
(:func:`settle`), and the access counts the questions note are written after the last
question, not whenever the buffer's timer fires (an UPDATE moves rows, and the order
of equal-scored rows and the full-text index's coverage with them).

Models: ``--answer-model`` replaces only the answering step, for mirix-py and
every baseline alike (each system's rendered context goes to the same prompt,
:mod:`evals.answering`); ``--manager-model`` (or the config's ``llm.model``) runs
mirix-py's write path — the memory managers — in LLM mode. mirix-py's read path
(retrieval, target selection, context) stays offline in the harness either way.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shlex
import shutil
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings
from tqdm import tqdm

from evals.answering import ContextAnswerer, resolve_model
from evals.datasets import Conversation, Question, load_dataset
from evals.datasets.haystack import pad_with_haystack
from evals.ingest_markers import MARKER_FOLDER, IngestMarkers
from evals.judge import Judge
from evals.metrics import (
    RetrievedItem,
    answer_correct,
    answer_coverage,
    bleu1,
    evidence_recall,
    locomo_score,
    recall_at_k,
    rendered_evidence_recall,
    visible_context,
)
from evals.report import (
    QuestionResult,
    SystemStats,
    render_markdown,
    render_plot,
    summarize_system,
    write_results,
)
from evals.secrets import SecretScan, scan_answers, scan_folder, scan_records
from evals.systems import (
    FullContextQA,
    IngestStats,
    MirixQA,
    QASystem,
    SystemAnswer,
    TurnRetrievalQA,
)
from mirix_py._config import MirixConfig, load_config
from mirix_py._embeddings import CachedEmbeddings, make_embeddings
from mirix_py._logging import configure_logging
from mirix_py._store.maintenance import MaintenanceReceipt
from mirix_py._system import MemorySystem

BASELINES = ("bm25", "dense", "hybrid", "full-context")
_MODES = {"bm25": "fts", "dense": "vector", "hybrid": "hybrid"}


@dataclass
class RunOptions:
    """Everything one run needs (parsed from the command line)."""

    data: Path
    out: Path
    fmt: str | None = None
    config: str | None = None
    conversations: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    baselines: list[str] = field(default_factory=lambda: list(BASELINES))
    budget_tokens: int = 1000
    answer_model: str | None = None
    manager_model: str | None = None
    judge_model: str | None = None
    resume: bool = False
    limit_questions: int | None = None
    question_ids: list[str] = field(default_factory=list)
    dump_contexts: bool = False
    progress: bool = True
    command: str = ""
    system_name: str = "mirix-py"
    consolidate: bool = False
    config_overrides: dict[str, Any] = field(default_factory=dict)
    answerer: ContextAnswerer | None = None  # programmatic use: overrides answer_model
    haystack: int = 0
    haystack_seed: int = 0


def build_parser(
    prog: str, *, default_data: str | None, default_categories: str
) -> argparse.ArgumentParser:
    """The harness options (identical for every dataset)."""
    p = argparse.ArgumentParser(prog=prog, description=__doc__)
    p.add_argument(
        "--data", default=default_data, help="dataset file (LOCOMO, LongMemEval or JSONL)"
    )
    p.add_argument("--format", dest="fmt", choices=["locomo", "longmemeval", "jsonl"], default=None)
    p.add_argument("--config", default=None, help="mirix-py config name or path (default: locomo)")
    p.add_argument("--out", default="eval-out", help="output folder (reports and databases)")
    p.add_argument("--conversations", default="", help="comma-separated ids or indices")
    p.add_argument(
        "--categories", default=default_categories, help="e.g. 1-4, or 1,2,5, or question types"
    )
    p.add_argument("--baselines", default=",".join(BASELINES), help=f"any of {','.join(BASELINES)}")
    p.add_argument("--budget-tokens", type=int, default=1000)
    p.add_argument(
        "--answer-model",
        default=None,
        help="provider:model for the answering step of every system; absent = offline answers",
    )
    p.add_argument(
        "--manager-model",
        default=None,
        help="provider:model for mirix-py's memory managers (LLM write path); "
        "absent = the config's llm.model, else offline",
    )
    p.add_argument("--judge-model", default=None, help="provider:model; absent = no judge")
    p.add_argument(
        "--resume",
        action="store_true",
        help="reuse the ingested databases in --out; conversations whose ingestion "
        "finished are not ingested again",
    )
    p.add_argument("--limit-questions", type=int, default=None, help="cap questions (smoke runs)")
    p.add_argument(
        "--questions",
        default="",
        help="comma-separated question ids: ask only these (with --resume: re-ask them "
        "against the ingested databases, e.g. after a read-path change)",
    )
    p.add_argument(
        "--dump-contexts",
        action="store_true",
        help="write each question's answers and rendered contexts, per system, to "
        "--out/contexts/<question id>.json",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    p.add_argument(
        "--consolidate",
        action="store_true",
        help="consolidate each conversation's memory after ingesting it (mirix-py+consolidation)",
    )
    p.add_argument(
        "--haystack",
        type=int,
        default=0,
        metavar="N",
        help="pad each conversation with N sessions of the file's other conversations "
        "(LongMemEval-style distractors; see evals.datasets.haystack)",
    )
    p.add_argument("--haystack-seed", type=int, default=0, help="seed of the --haystack draw")
    return p


def parse_categories(spec: str) -> list[str]:
    """``"1-4"`` → ``["1","2","3","4"]``; ``"1,3"``; names are kept as given."""
    out: list[str] = []
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        lo, sep, hi = part.partition("-")
        if sep and lo.isdigit() and hi.isdigit():
            out += [str(i) for i in range(int(lo), int(hi) + 1)]
        else:
            out.append(part)
    return out


def options_from_args(args: argparse.Namespace, argv: Sequence[str], prog: str) -> RunOptions:
    """Turn parsed arguments into :class:`RunOptions`."""
    if not args.data:
        raise SystemExit(f"{prog}: --data is required (no default dataset found)")
    baselines = [b.strip() for b in args.baselines.split(",") if b.strip()]
    unknown = sorted(set(baselines) - set(BASELINES))
    if unknown:
        raise SystemExit(f"{prog}: unknown baselines {unknown}; choose from {', '.join(BASELINES)}")
    return RunOptions(
        data=Path(args.data),
        out=Path(args.out),
        fmt=args.fmt,
        config=args.config,
        conversations=[c.strip() for c in args.conversations.split(",") if c.strip()],
        categories=parse_categories(args.categories),
        baselines=baselines,
        budget_tokens=args.budget_tokens,
        answer_model=args.answer_model,
        manager_model=args.manager_model,
        judge_model=args.judge_model,
        resume=args.resume,
        limit_questions=args.limit_questions,
        question_ids=[q.strip() for q in args.questions.split(",") if q.strip()],
        dump_contexts=args.dump_contexts,
        progress=not args.no_progress,
        command=f"python -m {prog} " + shlex.join(argv),
        consolidate=args.consolidate,
        system_name="mirix-py+consolidation" if args.consolidate else "mirix-py",
        haystack=args.haystack,
        haystack_seed=args.haystack_seed,
    )


def select_conversations(
    conversations: list[Conversation], wanted: Sequence[str]
) -> list[Conversation]:
    """Conversations by id or list index (all when ``wanted`` is empty)."""
    if not wanted:
        return conversations
    by_id = {c.id: c for c in conversations}
    chosen: list[Conversation] = []
    for item in wanted:
        if item in by_id:
            chosen.append(by_id[item])
        elif item.isdigit() and int(item) < len(conversations):
            chosen.append(conversations[int(item)])
        else:
            raise SystemExit(f"unknown conversation {item!r}; ids: {', '.join(by_id)}")
    return chosen


def _config(options: RunOptions) -> tuple[MirixConfig, str | None]:
    """The offline config the systems share, and the manager model (if any)."""
    overrides: dict[str, Any] = {
        "home": str(options.out),
        "storage": {"uri": str(options.out / "db")},
        "retrieval": {"budget_tokens": options.budget_tokens},
        "chat": {"interactive_update": False},
    }
    for section, value in options.config_overrides.items():  # a section's keys join the run's
        both = isinstance(value, dict) and isinstance(overrides.get(section), dict)
        overrides[section] = {**overrides[section], **value} if both else value
    config = load_config(options.config or "locomo", **overrides)
    manager = options.manager_model or config.llm.model
    if config.llm.model is not None:
        config = config.model_copy(update={"llm": config.llm.model_copy(update={"model": None})})
    return config, manager


def _folder_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


def _systems(
    options: RunOptions, config: MirixConfig, manager_model: str | None
) -> tuple[MirixQA, list[QASystem]]:
    embeddings = make_embeddings(
        config.embeddings.provider,
        batch_size=config.embeddings.batch_size,
        cache_size=config.embeddings.cache_size,
    )
    answerer = options.answerer
    if answerer is None and options.answer_model:
        answerer = ContextAnswerer.from_spec(options.answer_model)
    if manager_model:
        writer = MemorySystem(
            config,
            embeddings=embeddings,
            chat_model=resolve_model(manager_model, "--manager-model"),
        )
        reader = MemorySystem(config, embeddings=embeddings, store=writer.store)
    else:
        writer = reader = MemorySystem(config, embeddings=embeddings)
    mirix = MirixQA(writer, name=options.system_name, reader=reader, answerer=answerer)
    systems: list[QASystem] = [mirix]
    turn_store = None
    for name in options.baselines:
        if turn_store is None:
            turn_store = TurnRetrievalQA.open_store(
                options.out / "baseline-db", _own_cache(embeddings, config)
            )
        if name in _MODES:
            systems.append(
                TurnRetrievalQA(
                    mode=_MODES[name],  # type: ignore[arg-type]
                    name=name,
                    store=turn_store,
                    config=config,
                    budget_tokens=options.budget_tokens,
                    answerer=answerer,
                )
            )
        elif name == "full-context":
            systems.append(FullContextQA(store=turn_store, config=config, answerer=answerer))
    return mirix, systems


def _own_cache(embeddings: Embeddings, config: MirixConfig) -> Embeddings:
    """The same embedding model behind a cache of its own: the baselines then embed
    what mirix-py already embedded at full cost, so ingest speeds compare fairly."""
    if isinstance(embeddings, CachedEmbeddings):
        return CachedEmbeddings(embeddings.inner, size=config.embeddings.cache_size)
    return embeddings


def _questions(conv: Conversation, options: RunOptions) -> list[Question]:
    qs = [q for q in conv.questions if not options.categories or q.category in options.categories]
    if options.question_ids:
        qs = [q for q in qs if q.id in options.question_ids]
    return qs


def context_path(folder: Path, question_id: str) -> Path:
    """Where ``--dump-contexts`` writes a question's file (characters other than letters,
    digits and ``-_.`` become ``_``)."""
    name = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in question_id)
    return folder / f"{name}.json"


def _dump_context(folder: Path, q: Question, replies: dict[str, SystemAnswer], budget: int) -> None:
    """One question's gold, and each system's answer and visible context, as JSON."""
    folder.mkdir(parents=True, exist_ok=True)
    record = {
        "id": q.id,
        "category": q.category,
        "question": q.question,
        "gold": q.answer,
        "systems": {
            name: {
                "answer": a.text,
                "context": visible_context(a.context, budget if a.budgeted else None),
            }
            for name, a in replies.items()
        },
    }
    context_path(folder, q.id).write_text(
        json.dumps(record, indent=1, ensure_ascii=False), encoding="utf-8"
    )


def _score(
    system: str,
    conv: Conversation,
    q: Question,
    answer: SystemAnswer,
    budget: int,
    judge: Judge | None,
    turn_texts: dict[str, str],
) -> QuestionResult:
    gold = list(q.evidence)
    visible = visible_context(answer.context, budget if answer.budgeted else None)
    shown: list[RetrievedItem] = [i for i in answer.context_items if i.text in visible]
    coverage = None if q.is_abstention else answer_coverage(q.answer, visible, category=q.category)
    return QuestionResult(
        system=system,
        conversation=conv.id,
        question_id=q.id,
        category=q.category,
        question=q.question,
        gold=q.answer,
        answer=answer.text,
        f1=_f1(answer.text, q),
        bleu1=bleu1(answer.text, q.answer),
        evidence_recall=rendered_evidence_recall(gold, turn_texts, shown),
        evidence_recall_cited=(
            evidence_recall(gold, answer.items, budget)
            if answer.budgeted
            else rendered_evidence_recall(gold, turn_texts, shown)
        ),
        recall_at_5=recall_at_k(gold, answer.items, 5),
        recall_at_10=recall_at_k(gold, answer.items, 10),
        judge=judge.grade(q.question, q.answer, answer.text) if judge else None,
        retrieval_ms=answer.retrieval_ms,
        answer_ms=answer.total_ms,
        context_tokens=answer.context_tokens,
        llm_calls=answer.llm_calls,
        llm_tokens=answer.llm_tokens,
        answer_coverage=coverage,
        correct=answer_correct(
            answer.text, q.answer, is_abstention=q.is_abstention, aliases=q.aliases
        ),
        abstention=q.is_abstention,
        leaked_secrets=[] if q.reveal else scan_answers([answer.text], conv.secrets),
        cited_source_ids=answer.cited_source_ids,
        retrieved_source_ids=[list(i.source_ids) for i in answer.items[:10]],
    )


def _f1(prediction: str, q: Question) -> float:
    if q.category.isdigit() and 1 <= int(q.category) <= 5:
        return locomo_score(prediction, q.answer, q.category)
    if q.is_abstention:
        return locomo_score(prediction, q.answer, 5)
    return locomo_score(prediction, q.answer, 4)


def settle(system: MemorySystem) -> MaintenanceReceipt:
    """Stop ``system``'s background maintenance (waiting for a running step) and run one
    step inline: the questions then read one settled database, whatever the worker had
    done by the time ingest ended."""
    system.maintenance.close()
    return system.maintain()


@contextlib.contextmanager
def held_accesses(system: MemorySystem) -> Iterator[None]:
    """While the block runs, the access counts that chat notes are not written in the
    background; they are written when it ends."""
    hold = getattr(system.store, "hold_access_flushes", None)
    if hold is None:
        yield
        return
    with hold():
        yield
    system.store.flush_accesses()


def run(options: RunOptions) -> dict[str, Any]:
    """Run the harness; write results.jsonl, summary.json, report.md and report.png."""
    config, manager_model = _config(options)
    configure_logging(config.logging)
    options.out.mkdir(parents=True, exist_ok=True)
    markers = IngestMarkers(options.out / MARKER_FOLDER)
    if not options.resume:
        for folder in ("db", "baseline-db"):
            shutil.rmtree(options.out / folder, ignore_errors=True)
        markers.clear()
    loaded = pad_with_haystack(
        load_dataset(options.data, options.fmt), options.haystack, seed=options.haystack_seed
    )
    conversations = select_conversations(loaded, options.conversations)
    mirix, systems = _systems(options, config, manager_model)
    judge = Judge.from_model(options.judge_model) if options.judge_model else None
    stats = {s.name: SystemStats() for s in systems}
    bar = not options.progress
    for system in systems:
        for conv in tqdm(conversations, desc=f"ingest {system.name}", disable=bar, unit="conv"):
            got = _ingest(system, conv, mirix, markers, options)
            s = stats[system.name]
            s.ingest_turns += got.turns
            s.ingest_seconds += got.seconds
            s.ingest_sessions += got.sessions
            s.ingest_llm_calls += got.llm_calls
            s.ingest_llm_tokens += got.llm_tokens
    plan = [(conv, q) for conv in conversations for q in _questions(conv, options)]
    if options.limit_questions is not None:
        plan = plan[: options.limit_questions]
    secrets = _scan_secrets(mirix, conversations, options.out / "db")
    texts = {c.id: {t.id: t.text for t in c.turns()} for c in conversations}
    rows: list[QuestionResult] = []
    settle(mirix.system)
    with held_accesses(mirix.system):
        for conv, q in tqdm(plan, desc="questions", disable=bar, unit="q"):
            replies: dict[str, SystemAnswer] = {}
            for system in systems:
                reply = replies[system.name] = system.answer(conv, q)
                rows.append(
                    _score(
                        system.name, conv, q, reply, options.budget_tokens, judge, texts[conv.id]
                    )
                )
            if options.dump_contexts:
                _dump_context(options.out / "contexts", q, replies, options.budget_tokens)
    if secrets is not None:
        secrets.in_answers = sorted(
            {s for r in rows if r.system == mirix.name for s in r.leaked_secrets}
        )
    stats[mirix.name].memory_count = sum(
        mirix.system.store.count(user_id=mirix.user(c)) for c in conversations
    )
    stats[mirix.name].db_bytes = _folder_bytes(options.out / "db")
    categories = options.categories or sorted({q.category for _, q in plan})
    summary = {
        "systems": {
            s.name: summarize_system(
                [r for r in rows if r.system == s.name], stats[s.name], categories
            )
            for s in systems
        },
        "budget_tokens": options.budget_tokens,
        "data": {
            "path": str(options.data),
            "conversations": [c.id for c in conversations],
            "categories": categories,
            "questions": len(plan),
            "haystack_sessions": options.haystack,
            "haystack_seed": options.haystack_seed,
            "turns": sum(1 for c in conversations for _ in c.turns()),
        },
        "secrets": None if secrets is None else secrets.as_dict(),
        "config": json.loads(config.model_dump_json()),
        "answer_model": options.answer_model,
        "manager_model": manager_model,
        "judge_model": options.judge_model,
        "command": options.command,
    }
    write_results(options.out / "results.jsonl", rows)
    (options.out / "summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    (options.out / "report.md").write_text(
        render_markdown(summary, options.command), encoding="utf-8"
    )
    render_plot(summary, options.out / "report.png")
    mirix.system.close()
    return summary


def _ingest(
    system: QASystem,
    conv: Conversation,
    mirix: MirixQA,
    markers: IngestMarkers,
    options: RunOptions,
) -> IngestStats:
    """Ingest one conversation; mirix-py skips one a resumed run already finished."""
    if system is not mirix:
        return system.ingest(conv)
    done = markers.get(conv.id)
    if done is not None:
        return done
    user_id = mirix.user(conv)
    if options.resume and mirix.system.store.count(user_id=user_id):
        mirix.system.delete_all(user_id=user_id)  # cut off half-way last time: start over
    got = system.ingest(conv)
    if options.consolidate:
        started = time.perf_counter()
        mirix.system.consolidate(user_id=user_id)
        got.seconds += time.perf_counter() - started
    markers.put(conv.id, got)
    return got


def _scan_secrets(
    mirix: MirixQA, conversations: Sequence[Conversation], folder: Path
) -> SecretScan | None:
    """Look for the datasets' declared secrets in clear in mirix-py's data folder and rows."""
    values = sorted({s for c in conversations for s in c.secrets})
    if not values:
        return None
    records = [
        record
        for c in conversations
        for mtype in mirix.system.config.memory.enabled
        for record in mirix.system.store.list_records(
            user_id=mirix.user(c), memory_type=mtype, limit=100_000, include_superseded=True
        )
    ]
    return SecretScan(
        declared=len(values),
        on_disk=scan_folder(folder, values),
        in_records=scan_records(records, values),
    )


def print_overview(summary: dict[str, Any], out: Path, stream: Any = sys.stdout) -> None:
    """A few lines for the terminal: pooled numbers per system and where the report is."""
    print(summary.get("command", ""), file=stream)
    for name, block in summary["systems"].items():
        o = block["overall"]

        def fmt(key: str, o: dict[str, Any] = o) -> str:
            return "–" if o.get(key) is None else f"{o[key]:.3f}"

        print(
            f"{name:<24} n={o['n']:<5} coverage={fmt('answer_coverage')} "
            f"full={fmt('full_coverage')} correct={fmt('correct')} F1={fmt('f1')} "
            f"evidence_recall={fmt('evidence_recall')} (cited {fmt('evidence_recall_cited')}) "
            f"answer_p95={block['latency_ms']['answer_p95']:.1f}ms",
            file=stream,
        )
    if summary.get("secrets"):
        sec = summary["secrets"]
        print(
            f"secrets in clear (mirix-py): {len(sec['on_disk'])} of {sec['declared']} on disk, "
            f"{len(sec['in_records'])} in stored rows, {len(sec['in_answers'])} in answers "
            "without a reveal",
            file=stream,
        )
    print(f"report: {out / 'report.md'}", file=stream)
