"""The consolidation graph: reflect → clean up → retain → bound core → report.

::

    START → reflect → cleanup → retention → core → report → END

* **reflect** reads the user's episodes and writes derived knowledge: the
  reflection agent's tool calls in LLM mode (falling back to the offline
  miners if the model fails), the offline miners otherwise;
* **cleanup** resolves contradictions and merges near-duplicates per type;
* **retention** archives over-cap records into summaries;
* **core** moves lines out of core blocks past their high-water mark;
* **report** assembles the :class:`ConsolidationReport`.

A step that fails is reported (``failures``) and the next steps still run;
no step deletes anything. The state holds only JSON-ready values (any
checkpointer works); the store and model come from the :class:`MemoryContext`.
"""

from __future__ import annotations

import operator
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any

import structlog
from typing_extensions import TypedDict  # pydantic needs it on Python < 3.12 (schemas)

from mirix_py._agents import AgentSpec
from mirix_py._consolidation.cleanup import clean_up
from mirix_py._consolidation.core_bound import bound_core
from mirix_py._consolidation.derived import (
    Derivation,
    from_pattern,
    from_routine,
    from_thread,
    write_derivations,
)
from mirix_py._consolidation.miners import mine_patterns, mine_routines
from mirix_py._consolidation.models import ConsolidationAction, ConsolidationReport
from mirix_py._consolidation.reflection import reflect_with_llm
from mirix_py._consolidation.retention import ARCHIVE_KIND, apply_retention
from mirix_py._consolidation.scoring import is_active
from mirix_py._consolidation.threads import mine_threads
from mirix_py._context import MemoryContext
from mirix_py._ids import validate_user_id
from mirix_py._log_scrub import scrub_detail
from mirix_py._managers.usage import UsageCounter
from mirix_py._memory import CoreMemory, EpisodicMemory, MemoryRecord, MemoryType
from mirix_py._memory.base import as_utc
from mirix_py._store.base import SCAN_ALL
from mirix_py.errors import ExtractionError, failure_line

log = structlog.get_logger(__name__)


def _merge(left: dict[str, float] | None, right: dict[str, float] | None) -> dict[str, float]:
    return {**(left or {}), **(right or {})}


class ConsolidationInput(TypedDict, total=False):
    """What the graph reads: ``user_id``, and optionally ``run_id`` and ``now`` (ISO)."""

    user_id: str
    run_id: str
    now: str | None


class ConsolidationOutput(TypedDict, total=False):
    """What the graph returns: the report as a JSON-ready dict."""

    report: dict[str, Any]


class ConsolidationState(ConsolidationInput, total=False):
    """The whole state (plain values only)."""

    started: float
    mode: str
    active_before: dict[str, int]
    actions: Annotated[list[dict[str, Any]], operator.add]
    failures: Annotated[list[str], operator.add]
    timings: Annotated[dict[str, float], _merge]
    llm_calls: Annotated[int, operator.add]
    llm_tokens: Annotated[int, operator.add]
    report: dict[str, Any]


def is_raw_episode(record: MemoryRecord) -> bool:
    """An episode as it was logged: not an archive summary, not derived, and either
    current or archived (not superseded by a correction)."""
    return (
        isinstance(record, EpisodicMemory)
        and record.event_type != ARCHIVE_KIND
        and record.origin != "derived"
        and (record.is_current or record.status == "archived")
    )


def active_counts(ctx: MemoryContext, user_id: str) -> dict[str, int]:
    """Active (current, not archive-summary) records per enabled type."""
    return {
        t.value: sum(
            is_active(r)
            for r in ctx.store.list_records(user_id=user_id, memory_type=t, limit=SCAN_ALL)
        )
        for t in ctx.config.memory.enabled
    }


class Consolidator:
    """The graph's nodes, sharing one :class:`MemoryContext` (and the agent, in LLM mode)."""

    def __init__(self, ctx: MemoryContext, agent: AgentSpec | None) -> None:
        self.ctx = ctx
        self.agent = agent

    @staticmethod
    def _now(state: ConsolidationState) -> datetime:
        raw = state.get("now")
        return as_utc(datetime.fromisoformat(raw)) if raw else datetime.now(UTC)

    def _step(
        self,
        name: str,
        state: ConsolidationState,
        work: Callable[[str], list[ConsolidationAction]],
    ) -> dict[str, Any]:
        started = time.perf_counter()
        user_id = state["user_id"]
        failures: list[str] = []
        try:
            actions = work(user_id)
        except Exception as exc:
            actions = []
            failures.append(failure_line(name, exc))
            log.error("consolidation.step_failed", user_id=user_id, step=name, error=failures[-1])
            log.debug(
                "consolidation.step_failed_detail",
                user_id=user_id,
                step=name,
                error_type=type(exc).__name__,
                detail=scrub_detail(str(exc)),
            )
        ms = round((time.perf_counter() - started) * 1000, 1)
        return {
            "actions": [a.model_dump(mode="json") for a in actions],
            "failures": failures,
            "timings": {name: ms},
        }

    # ------------------------------------------------------------------ nodes

    def begin(self, state: ConsolidationState) -> dict[str, Any]:
        """Validate the input and count what is active before the run."""
        user_id = validate_user_id(state.get("user_id"))
        return {
            "user_id": user_id,
            "run_id": state.get("run_id") or uuid.uuid4().hex,
            "started": time.perf_counter(),
            "active_before": active_counts(self.ctx, user_id),
        }

    def reflect(self, state: ConsolidationState) -> dict[str, Any]:
        """Derive knowledge from episodes (LLM agent, or the offline miners)."""
        cfg = self.ctx.config.retention
        if not cfg.reflect or not self.ctx.config.is_enabled(MemoryType.EPISODIC):
            return {"mode": "off"}
        started = time.perf_counter()
        user_id = state["user_id"]
        counter = UsageCounter()
        failures: list[str] = []
        mode = "offline"
        episodes = [
            r
            for r in self.ctx.store.list_records(
                user_id=user_id,
                memory_type=MemoryType.EPISODIC,
                limit=SCAN_ALL,
                include_superseded=True,
            )
            if isinstance(r, EpisodicMemory) and is_raw_episode(r)
        ]
        derivations: list[Derivation] = []
        if episodes and self.agent is not None and self.ctx.chat_model is not None:
            try:
                derivations = self._llm(user_id, episodes, counter)
                mode = "llm"
            except ExtractionError as exc:
                failures.append(failure_line("reflect", exc, default_code="model_error"))
                mode = "fallback"
                log.warning(
                    "consolidation.reflection_fallback", user_id=user_id, error=failures[-1]
                )
                log.debug("consolidation.reflection_detail", detail=scrub_detail(str(exc)))
        if mode != "llm":
            patterns = mine_patterns(episodes, min_sessions=cfg.min_sessions)
            derivations = [from_pattern(p) for p in patterns]
            derivations += [
                from_routine(r) for r in mine_routines(patterns, min_sessions=cfg.min_sessions)
            ]
            derivations += [
                from_thread(t) for t in mine_threads(episodes, min_sessions=cfg.min_sessions)
            ]
        result = self._step(
            "reflect",
            state,
            lambda uid: write_derivations(self.ctx, user_id=uid, derivations=derivations),
        )
        ms = round((time.perf_counter() - started) * 1000, 1)
        log.info(
            "consolidation.reflected",
            user_id=user_id,
            memory_type=MemoryType.EPISODIC.value,
            mode=mode,
            episodes=len(episodes),
            derived=len(derivations),
            llm_calls=counter.calls,
            ms=ms,
        )
        return {
            **result,
            "failures": failures + result["failures"],
            "timings": {"reflect": ms},
            "mode": mode,
            "llm_calls": counter.calls,
            "llm_tokens": counter.tokens,
        }

    def _llm(
        self, user_id: str, episodes: list[EpisodicMemory], counter: UsageCounter
    ) -> list[Derivation]:
        assert self.agent is not None
        recent = sorted(
            (e for e in episodes if e.is_current),
            key=lambda e: (e.when, e.sequence or 0, e.id),
        )[-self.ctx.config.retention.reflect_max_episodes :]
        if not recent:
            return []
        existing: list[MemoryRecord] = []
        for mtype in (MemoryType.SEMANTIC, MemoryType.PROCEDURAL):
            if self.ctx.config.is_enabled(mtype):
                existing += [
                    r
                    for r in self.ctx.store.list_records(
                        user_id=user_id, memory_type=mtype, limit=SCAN_ALL
                    )
                    if r.origin == "derived" and r.status != "archived"
                ]
        core: list[CoreMemory] = []
        if self.ctx.config.is_enabled(MemoryType.CORE):
            core = [
                r
                for r in self.ctx.store.list_records(
                    user_id=user_id, memory_type=MemoryType.CORE, limit=10
                )
                if isinstance(r, CoreMemory)
            ]
        return reflect_with_llm(
            self.ctx,
            self.agent,
            user_id=user_id,
            episodes=recent,
            existing=existing,
            core=core,
            counter=counter,
        )

    def cleanup(self, state: ConsolidationState) -> dict[str, Any]:
        """Contradictions supersede, near-duplicates merge."""
        if not self.ctx.config.retention.cleanup:
            return {}
        return self._step("cleanup", state, lambda uid: clean_up(self.ctx, user_id=uid))

    def retention(self, state: ConsolidationState) -> dict[str, Any]:
        """Archive over-cap records into summaries."""
        now = self._now(state)
        return self._step(
            "retention", state, lambda uid: apply_retention(self.ctx, user_id=uid, now=now)
        )

    def core(self, state: ConsolidationState) -> dict[str, Any]:
        """Keep core blocks under their high-water mark."""
        return self._step("core", state, lambda uid: bound_core(self.ctx, user_id=uid))

    def report(self, state: ConsolidationState) -> dict[str, Any]:
        """Assemble the report. Compaction is left to the maintenance step, which the
        caller feeds with the run's write count (a full-table ``optimize`` here would
        rewrite every user's rows and undo the bounded fragment layout)."""
        user_id = state["user_id"]
        ms = (time.perf_counter() - state.get("started", time.perf_counter())) * 1000
        report = ConsolidationReport(
            user_id=user_id,
            run_id=state.get("run_id", ""),
            mode=state.get("mode", "offline"),  # type: ignore[arg-type]
            actions=[ConsolidationAction.model_validate(a) for a in state.get("actions") or []],
            failures=list(state.get("failures") or []),
            active_before=dict(state.get("active_before") or {}),
            active_after=active_counts(self.ctx, user_id),
            llm_calls=int(state.get("llm_calls") or 0),
            llm_tokens=int(state.get("llm_tokens") or 0),
            steps_ms=dict(state.get("timings") or {}),
            ms=round(ms, 1),
        )
        log.info(
            "consolidation.done",
            user_id=user_id,
            run_id=report.run_id,
            mode=report.mode,
            counts=report.counts(),
            failures=len(report.failures),
            ms=report.ms,
        )
        return {"report": report.model_dump(mode="json")}


def consolidation_input(user_id: str, *, now: datetime | None = None) -> dict[str, Any]:
    """The graph input for one run."""
    return {
        "user_id": user_id,
        "run_id": uuid.uuid4().hex,
        "now": as_utc(now).isoformat() if now else None,
    }


__all__ = [
    "ConsolidationInput",
    "ConsolidationOutput",
    "ConsolidationState",
    "consolidation_input",
]
