"""The one specialist-manager node every memory type plugs into.

A manager receives the batch's turns and the related memories of its type,
decides what to write (offline rules, one LLM call with its tools, or the
meta manager's single-pass proposals) and applies the plan to its own table.
It never raises. When the model's reply stays unusable or the provider keeps
failing (within the retry bounds), the memory type's offline extractor runs
instead and the receipt names that fallback; a failed write becomes an entry in
the receipt (the join step keeps the raw input if the turn log is missing), and
the other managers' writes stand.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import structlog

from mirix_py._agents import AgentSpec, manager_agent_name
from mirix_py._context import MemoryContext
from mirix_py._dates import dated_with_weekday, short_date
from mirix_py._managers.aliases import NO_ALIASES, Aliases
from mirix_py._managers.apply import Applier, Plan
from mirix_py._managers.core_apply import apply_core
from mirix_py._managers.llm_loop import ModelGate, call_with_tools, human_message
from mirix_py._managers.state import ManagerInput
from mirix_py._managers.tools import build_record, manager_tools, plan_from_calls
from mirix_py._managers.usage import UsageCounter
from mirix_py._managers.vectors import VectorCache
from mirix_py._memory import RECORD_TYPES, core, episodic, knowledge_vault
from mirix_py._memory.base import MemoryRecord, MemoryType
from mirix_py._memory.extract_common import Turn
from mirix_py._memory.registry import extract_batch, spec_of, write_run
from mirix_py._receipts import ManagerFailure, RecordAction
from mirix_py.errors import ExtractionError

log = structlog.get_logger(__name__)


def render_turns(turns: Sequence[Turn], *, raw: bool = False, aliases: Aliases = NO_ALIASES) -> str:
    """The batch as the models see it: ``[alias] date · speaker: text``.

    Only the knowledge-vault manager sees ``raw`` text; everyone else gets the
    redacted, date-annotated text.
    """
    return "\n".join(
        f"[{aliases.turn_alias(t.id)}] {short_date(t.timestamp)} · {t.speaker}: "
        f"{t.content if raw else t.text}"
        for t in turns
    )


def render_related(items: Sequence[dict[str, Any]], *, aliases: Aliases = NO_ALIASES) -> str:
    """Existing memories as ``[alias] rendering`` lines (``(none)`` when empty)."""
    return "\n".join(f"[{aliases.memory_alias(i['id'])}] {i['text']}" for i in items) or "(none)"


def related_records(memory_type: MemoryType, items: Sequence[dict[str, Any]]) -> list[MemoryRecord]:
    """Rebuild related records from the state (the vault's never travel in state)."""
    cls = RECORD_TYPES[memory_type]
    return [cls.model_validate(i["record"]) for i in items if i.get("record")]


class SpecialistManager:
    """A graph node managing one memory type (called with a :class:`ManagerInput`)."""

    def __init__(
        self,
        ctx: MemoryContext,
        memory_type: MemoryType,
        vectors: VectorCache,
        agents: dict[str, AgentSpec] | None,
        gate: ModelGate | None = None,
    ) -> None:
        self.ctx = ctx
        self.gate = gate
        self.memory_type = memory_type
        self.rules = spec_of(memory_type)
        self.vectors = vectors
        self.agent = agents[manager_agent_name(memory_type)] if agents else None
        allowed = self.agent.tools if self.agent else ()
        self.tools = manager_tools(memory_type, allowed) if self.agent else {}
        self.name = f"{memory_type.value}_manager"

    def __call__(self, state: ManagerInput) -> dict[str, Any]:
        """Run the manager on one batch; returns ``{"results": [result]}``."""
        with write_run(state["run_id"], state.get("people") or ()):
            return self._run(state)

    def _run(self, state: ManagerInput) -> dict[str, Any]:
        payload = state
        started_wall, started = time.time(), time.perf_counter()
        user_id = payload["user_id"]
        turns = [Turn.model_validate(t) for t in payload["turns"]]
        counter = UsageCounter()
        failures: list[ManagerFailure] = []
        actions: list[RecordAction] = []
        mode = "offline"
        applier: Applier | None = None
        planning = True
        try:
            plan, mode = self._plan(payload, turns, counter, failures)
            planning = False
            secrets = [
                s.value(t.content)
                for t in turns
                if t.text != t.content and "[" in t.text  # only turns that were redacted
                for s in knowledge_vault.find_sensitive(t.content)
            ]
            if self.memory_type is MemoryType.CORE:
                actions = apply_core(
                    self.ctx,
                    self.vectors,
                    plan,
                    user_id=user_id,
                    actor=self.name,
                    spill_rules=spec_of(MemoryType.SEMANTIC)
                    if self.ctx.config.is_enabled(MemoryType.SEMANTIC)
                    else None,
                    related=related_records(self.memory_type, payload["related"]),
                    checked=payload.get("checked", []),
                    written_elsewhere=self._semantic_ids(turns, user_id)
                    if mode in ("offline", "fallback")
                    else frozenset(),
                    at=max((t.timestamp for t in turns), default=None),
                )
            else:
                applier = Applier(
                    self.ctx,
                    self.vectors,
                    self.rules,
                    user_id=user_id,
                    actor=self.name,
                    secrets=secrets,
                    search_neighbours=self.ctx.offline,
                )
                actions = applier.apply(
                    plan,
                    related_records(self.memory_type, payload["related"]),
                    payload.get("checked", []),
                )
        except Exception as exc:
            if applier is not None:
                actions = applier.done
            model_step = planning and not self.ctx.offline
            failure = ManagerFailure.of(
                self.name,
                exc,
                fallback="raw input kept as an unprocessed episodic record",
                default_code="model_error" if model_step else "internal_error",
                user_id=user_id,
            )
            failures.append(failure)
            log.error(
                "memory.manager_failed",
                user_id=user_id,
                memory_type=self.memory_type.value,
                code=failure.code,
                error_type=type(exc).__name__,
            )
        ms = (time.perf_counter() - started) * 1000
        counts: dict[str, int] = {}
        for action in actions:
            counts[action.action] = counts.get(action.action, 0) + 1
        log.info(
            "memory.manager_done",
            user_id=user_id,
            run_id=payload["run_id"],
            memory_type=self.memory_type.value,
            mode=mode,
            counts=counts,
            failures=len(failures),
            llm_calls=counter.calls,
            ms=round(ms, 1),
        )
        result = {
            "memory_type": self.memory_type.value,
            "mode": mode,
            "actions": [a.model_dump(mode="json") for a in actions],
            "failures": [f.model_dump(mode="json") for f in failures],
            "llm_calls": counter.calls,
            "llm_tokens": counter.tokens,
            "started": started_wall,
            "finished": time.time(),
            "ms": ms,
        }
        return {"results": [result]}

    # ------------------------------------------------------------------ plan

    def _plan(
        self,
        payload: ManagerInput,
        turns: list[Turn],
        counter: UsageCounter,
        failures: list[ManagerFailure],
    ) -> tuple[Plan, str]:
        user_id = payload["user_id"]
        plan = self._deterministic(turns, user_id)
        if payload["proposals"] is not None and self.memory_type is MemoryType.CORE:
            for p in payload["proposals"]:
                lines = [ln.strip() for ln in str(p.get("value", "")).splitlines() if ln.strip()]
                label: core.CoreLabel = "persona" if p.get("label") == "persona" else "human"
                plan.core_lines.setdefault(label, []).extend(
                    core.CoreLine(ln, tuple(p.get("source_ids") or ())) for ln in lines
                )
            return plan, "single_pass"
        if payload["proposals"] is not None:
            by_id = {t.id: t for t in turns}
            plan.candidates.extend(
                build_record(
                    self.memory_type,
                    p,
                    user_id=user_id,
                    turns=by_id,
                    session_id=payload["session_id"],
                )
                for p in payload["proposals"]
            )
            return plan, "single_pass"
        if payload["use_llm"] and self.agent is not None and self.ctx.chat_model is not None:
            try:
                plan.extend(self._llm_plan(payload, turns, counter))
                return plan, "llm"
            except Exception as exc:  # unusable replies or provider faults: go offline, once
                failure = ManagerFailure.of(
                    self.name,
                    exc,
                    fallback=f"offline {self.memory_type.value} extractor used instead",
                    default_code="model_error",
                    user_id=user_id,
                )
                failures.append(failure)
                log.warning(
                    "memory.manager_fallback",
                    user_id=user_id,
                    memory_type=self.memory_type.value,
                    code=failure.code,
                )
                plan.extend(self._offline(turns, user_id))
                return plan, "fallback"
        plan.extend(self._offline(turns, user_id))
        return plan, "offline"

    def _semantic_ids(self, turns: Sequence[Turn], user_id: str) -> frozenset[str]:
        """Ids of the facts the (offline) semantic manager writes for this batch."""
        if not self.ctx.config.is_enabled(MemoryType.SEMANTIC):
            return frozenset()
        return frozenset(r.id for r in extract_batch(MemoryType.SEMANTIC, turns, user_id=user_id))

    def _deterministic(self, turns: Sequence[Turn], user_id: str) -> Plan:
        """What is written in every mode: the turn log and detected secrets."""
        if self.memory_type is MemoryType.EPISODIC:
            return Plan(candidates=list(episodic.turn_events(turns, user_id=user_id)))
        if self.memory_type is MemoryType.KNOWLEDGE_VAULT:
            return Plan(candidates=extract_batch(self.memory_type, turns, user_id=user_id))
        return Plan()

    def _offline(self, turns: Sequence[Turn], user_id: str) -> Plan:
        if self.memory_type is MemoryType.CORE:
            lines = core.extract_lines(turns)
            return Plan(core_lines={"human": lines} if lines else {})
        if self.memory_type in (MemoryType.EPISODIC, MemoryType.KNOWLEDGE_VAULT):
            return Plan()  # already covered by the deterministic part
        return Plan(candidates=extract_batch(self.memory_type, turns, user_id=user_id))

    def _llm_plan(
        self, payload: ManagerInput, turns: Sequence[Turn], counter: UsageCounter
    ) -> Plan:
        if self.agent is None or self.ctx.chat_model is None:
            raise ExtractionError(f"{self.name}: LLM mode needs a chat model and its agent file")
        user_id = payload["user_id"]
        by_id = {t.id: t for t in turns}
        aliases = Aliases.build([t.id for t in turns], [i["id"] for i in payload["related"]])
        # nothing stored yet: offer only insert and no_op (a small model otherwise
        # "updates" the example's memory numbers, and the schema costs fewer tokens)
        tools = (
            self.tools
            if payload["related"]
            else {n: m for n, m in self.tools.items() if n.startswith("insert_") or n == "no_op"}
        )
        values = {"date": _batch_date(turns), "memory_type": self.memory_type.value}
        sections = {
            "existing_memories": render_related(payload["related"], aliases=aliases),
            "input": render_turns(
                turns, raw=self.memory_type is MemoryType.KNOWLEDGE_VAULT, aliases=aliases
            ),
        }

        def existing(ids: list[str]) -> set[str]:
            found = self.ctx.store.get_many(ids, user_id=user_id, memory_type=self.memory_type)
            return {r.id for r in found}

        return call_with_tools(
            self.ctx.chat_model,
            self.agent,
            list(tools.values()),
            system=self.agent.render(**values),
            task=human_message(values["date"], sections, self.agent.render_task(**values)),
            parse=lambda ai: plan_from_calls(
                ai,
                self.memory_type,
                tools,
                user_id=user_id,
                turns=by_id,
                session_id=payload["session_id"],
                existing_ids=existing,
                aliases=aliases,
            ),
            max_retries=self.ctx.config.llm.max_retries,
            backoff=self.ctx.config.llm.retry_backoff_seconds,
            gate=self.gate,
            counter=counter,
            user_id=user_id,
        )


def _batch_date(turns: Sequence[Turn]) -> str:
    if not turns:
        return ""
    latest = max(t.timestamp for t in turns)
    return dated_with_weekday(latest)
