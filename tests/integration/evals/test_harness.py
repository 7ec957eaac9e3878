"""A tiny end-to-end harness run on a slice of one LOCOMO conversation (offline)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from langchain_core.language_models import FakeListChatModel
from pydantic import Field

from evals.answering import ContextAnswerer
from evals.datasets import load_dataset
from evals.runner import RunOptions, context_path, parse_categories, run

LOCOMO = (
    Path(__file__).resolve().parents[3].parent / "shared" / "data" / "locomo" / "locomo_dev.json"
)
SYNTH = Path(__file__).resolve().parents[2] / "data" / "longmemeval_synthetic.json"


SLICE = Path(__file__).resolve().parents[2] / "data" / "locomo_slice.json"


def _slice(tmp_path: Path) -> Path:
    """The first three sessions of conv-26 and the questions whose evidence lies in them."""
    if not LOCOMO.is_file():
        return SLICE  # the same slice, committed (tests/data/README.md)
    data = json.loads(LOCOMO.read_text())
    conv = data[0]
    keep = {f"session_{i}" for i in (1, 2, 3)}
    conversation = {
        k: v
        for k, v in conv["conversation"].items()
        if not k.startswith("session_") or k.removesuffix("_date_time") in keep
    }
    turn_ids = {t["dia_id"] for s in keep for t in conversation[s]}
    qa = [q for q in conv["qa"] if q["evidence"] and set(q["evidence"]) <= turn_ids]
    path = tmp_path / "slice.json"
    path.write_text(json.dumps([{**conv, "conversation": conversation, "qa": qa}]))
    return path


def test_committed_slice_matches_the_dev_file(tmp_path: Path) -> None:
    if not LOCOMO.is_file():
        pytest.skip("LOCOMO dev file not present; the committed slice is used as is")
    made = json.loads(_slice(tmp_path).read_text())[0]
    committed = json.loads(SLICE.read_text())[0]
    for key in ("sample_id", "conversation", "qa"):
        assert made[key] == committed[key], key


def test_tiny_locomo_run_writes_every_output(tmp_path: Path) -> None:
    data = _slice(tmp_path)
    out = tmp_path / "out"
    options = RunOptions(data=data, out=out, categories=["1", "2", "3", "4"], progress=False)
    summary = run(options)
    for name in ("results.jsonl", "summary.json", "report.md", "report.png"):
        assert (out / name).is_file(), name
    systems = summary["systems"]
    assert set(systems) == {"mirix-py", "bm25", "dense", "hybrid", "full-context"}
    for block in systems.values():
        overall = block["overall"]
        assert overall["n"] > 5
        assert 0.0 <= overall["f1"] <= 1.0
        assert overall["evidence_recall"] is not None and 0.0 <= overall["evidence_recall"] <= 1.0
        assert 0.0 <= overall["answer_coverage"] <= 1.0
        assert overall["full_coverage"] <= overall["answer_coverage"]
        assert 0.0 <= overall["evidence_recall_cited"] <= 1.0
        assert set(block["latency_ms"]) == {
            "retrieval_p50",
            "retrieval_p95",
            "answer_p50",
            "answer_p95",
        }
    # the full-context row sees every turn: evidence is all there
    assert systems["full-context"]["overall"]["evidence_recall"] == 1.0
    assert "Answer coverage by category" in (out / "report.md").read_text()
    # Retrieval over three sessions finds most evidence within the budget.
    assert systems["mirix-py"]["overall"]["evidence_recall"] > 0.5
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert len(rows) == 5 * systems["mirix-py"]["overall"]["n"]
    # Deterministic: a resumed rerun over the same database gives identical scores.
    again = run(
        RunOptions(data=data, out=out, categories=["1", "2", "3", "4"], progress=False, resume=True)
    )
    for name in systems:
        assert again["systems"][name]["overall"]["f1"] == systems[name]["overall"]["f1"]
        assert (
            again["systems"][name]["overall"]["evidence_recall"]
            == systems[name]["overall"]["evidence_recall"]
        )
    # Re-asking chosen questions against the ingested databases, with their contexts.
    chosen = [rows[0]["question_id"], rows[-1]["question_id"]]
    again = run(
        RunOptions(
            data=data,
            out=out,
            categories=["1", "2", "3", "4"],
            progress=False,
            resume=True,
            baselines=["bm25"],
            question_ids=chosen,
            dump_contexts=True,
        )
    )
    assert again["data"]["questions"] == len(set(chosen))
    asked = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    by_id = {(r["system"], r["question_id"]): r for r in rows}
    for row in asked:
        assert row["answer"] == by_id[row["system"], row["question_id"]]["answer"]
    for qid in set(chosen):
        dumped = json.loads(context_path(out / "contexts", qid).read_text())
        assert dumped["id"] == qid and set(dumped["systems"]) == {"mirix-py", "bm25"}
        mine = dumped["systems"]["mirix-py"]
        assert mine["answer"] == by_id["mirix-py", qid]["answer"] and mine["context"]


def test_longmemeval_synthetic_run(tmp_path: Path) -> None:
    summary = run(
        RunOptions(
            data=SYNTH, out=tmp_path / "lme", fmt="longmemeval", progress=False, baselines=["bm25"]
        )
    )
    mirix = summary["systems"]["mirix-py"]
    types = {q.category for c in load_dataset(SYNTH, "longmemeval") for q in c.questions}
    assert set(mirix["by_category"]) == types
    assert mirix["overall"]["n"] == len(load_dataset(SYNTH, "longmemeval"))


def test_assistant_memory_slice_reports_types_correctness_and_secrets(tmp_path: Path) -> None:
    """Two conversations of the hand-written set through ``python -m evals.jsonl``'s run."""
    from evals.jsonl import ASSISTANT_MEMORY

    conversations = load_dataset(ASSISTANT_MEMORY)[:2]
    summary = run(
        RunOptions(
            data=ASSISTANT_MEMORY,
            out=tmp_path / "am",
            fmt="jsonl",
            conversations=[c.id for c in conversations],
            baselines=["bm25", "full-context"],
            progress=False,
        )
    )
    types = {q.category for c in conversations for q in c.questions}
    mirix = summary["systems"]["mirix-py"]
    assert set(mirix["by_category"]) == types
    assert mirix["overall"]["n"] == sum(len(c.questions) for c in conversations)
    assert 0.0 <= mirix["overall"]["correct"] <= 1.0
    # abstention questions have no gold to cover
    assert mirix["by_category"]["abstention"]["coverage_n"] == 0
    secrets = summary["secrets"]
    assert secrets["declared"] == len({s for c in conversations for s in c.secrets})
    assert set(secrets) == {"declared", "on_disk", "in_records", "in_answers"}
    # raw-turn baselines keep secrets in clear: bm25 answers the reveal questions
    bm25 = summary["systems"]["bm25"]["by_category"]["secret"]
    assert bm25["answer_coverage"] is not None


def test_parse_categories() -> None:
    assert parse_categories("1-4") == ["1", "2", "3", "4"]
    assert parse_categories("1,5") == ["1", "5"]
    assert parse_categories("multi-session,temporal-reasoning") == [
        "multi-session",
        "temporal-reasoning",
    ]


class _RecordingModel(FakeListChatModel):
    """A fake answer model that remembers every prompt it was given."""

    prompts: list[str] = Field(default_factory=list)

    def _call(self, messages: Any, stop: Any = None, run_manager: Any = None, **kw: Any) -> str:
        self.prompts.append(str(messages[-1].content))
        return super()._call(messages, stop, run_manager, **kw)


def test_answer_model_changes_only_the_answering_step_of_every_system(tmp_path: Path) -> None:
    lines = [
        {
            "type": "turn",
            "conversation": "c1",
            "id": "t1",
            "speaker": "Ann",
            "text": "We moved from Oslo to Lisbon last week.",
            "session": "s1",
            "timestamp": "2026-01-02T10:00:00Z",
        },
        {
            "type": "turn",
            "conversation": "c1",
            "id": "t2",
            "speaker": "Bot",
            "role": "assistant",
            "text": "Welcome to Lisbon!",
            "session": "s1",
            "timestamp": "2026-01-02T10:01:00Z",
        },
        {
            "type": "question",
            "conversation": "c1",
            "id": "q1",
            "question": "Where does Ann live?",
            "answer": "Lisbon",
            "category": "knowledge-update",
            "evidence": ["t1"],
        },
    ]
    data = tmp_path / "d.jsonl"
    data.write_text("".join(json.dumps(line) + "\n" for line in lines))
    model = _RecordingModel(responses=["Lisbon"])
    summary = run(
        RunOptions(
            data=data,
            out=tmp_path / "out",
            fmt="jsonl",
            baselines=["bm25", "full-context"],
            progress=False,
            answerer=ContextAnswerer(model),
        )
    )
    systems = summary["systems"]
    for block in systems.values():
        assert block["overall"]["correct"] == 1.0
        assert block["llm_calls_per_question"] == 1.0
    # one answering call per system and question; the write path stayed offline
    assert len(model.prompts) == 3
    assert systems["mirix-py"]["llm_calls_per_session"] == 0.0
    assert summary["manager_model"] is None
    # each system's own rendered context went to the same prompt
    assert all("<context>" in p and "Question: Where does Ann live?" in p for p in model.prompts)
    assert all("Lisbon" in p for p in model.prompts)


def test_resume_skips_finished_conversations_and_redoes_a_cut_off_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from evals.ingest_markers import MARKER_FOLDER
    from evals.systems import MirixQA

    out = tmp_path / "lme"
    options: dict[str, Any] = {
        "data": SYNTH,
        "out": out,
        "fmt": "longmemeval",
        "progress": False,
        "baselines": [],
        "conversations": ["0", "1"],
        "limit_questions": 1,
    }
    first = run(RunOptions(**options))
    markers = sorted((out / MARKER_FOLDER).glob("*.json"))
    assert len(markers) == 2
    ingested: list[str] = []
    real = MirixQA.ingest

    def counting(self: MirixQA, conversation: Any) -> Any:
        ingested.append(conversation.id)
        return real(self, conversation)

    monkeypatch.setattr(MirixQA, "ingest", counting)
    again = run(RunOptions(**options, resume=True))
    assert ingested == []  # both finished: nothing is ingested again
    mirix, before = again["systems"]["mirix-py"], first["systems"]["mirix-py"]
    assert mirix["ingest_turns_per_s"] == before["ingest_turns_per_s"]
    assert mirix["memory_count"] == before["memory_count"]

    markers[0].unlink()  # as if the run had stopped during this conversation's ingestion
    third = run(RunOptions(**options, resume=True))
    assert len(ingested) == 1  # only the conversation without a marker
    assert third["systems"]["mirix-py"]["memory_count"] == before["memory_count"]  # no duplicates


def test_questions_read_a_settled_database_with_access_writes_held(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Maintenance starts during ingest (after every write here) and access counts would
    flush every 10 ms: while the questions are asked no worker runs and no count is
    written, so a rerun reads the same database (they are written at the end)."""
    from evals.systems import MirixQA

    seen: list[tuple[bool, int]] = []
    answer = MirixQA.answer

    def watched(self: MirixQA, conversation: Any, question: Any) -> Any:
        store = self.system.store
        seen.append((self.system.maintenance.background, store.pending_accesses))
        reply = answer(self, conversation, question)
        time.sleep(0.03)  # past the flush interval: a count written now would show
        return reply

    monkeypatch.setattr(MirixQA, "answer", watched)
    out = tmp_path / "out"
    run(
        RunOptions(
            data=_slice(tmp_path),
            out=out,
            categories=["1", "2", "4"],
            baselines=["bm25"],
            progress=False,
            config_overrides={
                "maintenance": {"every_n_commits": 1, "every_n_writes": 1},
                "storage": {"access_flush_seconds": 0.01},
            },
        )
    )
    assert len(seen) > 5
    assert (out / "db").is_dir()  # a storage override keeps the run's own database folder
    assert not any(background for background, _ in seen)
    pending = [count for _, count in seen]
    assert pending[-1] > 0 and pending == sorted(pending)  # counted, none written yet


def test_settle_stops_the_worker_and_runs_a_step_inline(tmp_path: Path) -> None:
    from evals.runner import settle
    from mirix_py import MemorySystem, load_config

    config = load_config(
        "locomo",
        home=str(tmp_path),
        storage={"uri": str(tmp_path / "db")},
        maintenance={"every_n_commits": 1, "retention_seconds": 0},
    )
    with MemorySystem(config) as memory:
        memory.add([{"role": "user", "content": "I repaint old bikes on Sundays."}], user_id="u1")
        assert memory.maintenance.background
        receipt = settle(memory)
        assert receipt.ran
        assert not memory.maintenance.background
