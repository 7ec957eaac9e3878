"""Target selection: which memory stores matter for a question, and how to search them.

Offline, the choice comes from the coarse scores and the question's cues: a
store is chosen when its best coarse hit is close to the best of all stores, and
cues force the obvious stores ("when" → episodic, "how do I" → procedural, a
named entity → semantic, a stored secret → the knowledge vault, a document →
resource). In LLM mode one tool call returns a :class:`TargetPlan`; if the model
fails or names nothing usable, the offline choice is used and the trace says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import structlog
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from pydantic import ValidationError as PydanticValidationError

from mirix_py._chat.cues import QuestionCues
from mirix_py._chat.models import Hit, SelectionMode, TargetPlan, TargetQuery, estimate_tokens
from mirix_py._chat.prompts import AgentPrompt
from mirix_py._log_scrub import scrub_detail
from mirix_py._memory import MemoryType
from mirix_py._memory.registry import prompt_lines, specs
from mirix_py.errors import validation_summary

log = structlog.get_logger(__name__)

ABSOLUTE_FLOOR = 0.2
RELATIVE_MARGIN = 0.2
TARGET_TOOL = TargetPlan.__name__


def store_strength(hits: Sequence[Hit]) -> float:
    """How well a store's coarse hits match: the best cosine similarity among them."""
    return max((h.score.vector or 0.0 for h in hits), default=0.0)


def select_offline(
    cues: QuestionCues,
    coarse: dict[str, list[Hit]],
    *,
    coarse_k: int,
    time_range: tuple[datetime, datetime] | None,
) -> TargetPlan:
    """Choose stores from coarse scores and cues (see the module docstring)."""
    strengths = {name: store_strength(hits[:coarse_k]) for name, hits in coarse.items() if hits}
    best = max(strengths.values(), default=0.0)
    forced = {spec.memory_type for spec in specs() if spec.cue(cues)}
    chosen: list[tuple[float, MemoryType]] = []
    for name, strength in strengths.items():
        mtype = MemoryType(name)
        close = strength >= ABSOLUTE_FLOOR and strength >= best - RELATIVE_MARGIN
        if mtype in forced or close:
            chosen.append((strength + (1.0 if mtype in forced else 0.0), mtype))
    if not chosen and strengths:
        top = max(strengths, key=lambda n: strengths[n])
        chosen.append((strengths[top], MemoryType(top)))
    chosen.sort(key=lambda pair: (-pair[0], pair[1].value))
    targets: list[TargetQuery] = []
    for _, mtype in chosen:
        dated = time_range if mtype is MemoryType.EPISODIC else None
        targets.append(
            TargetQuery(
                memory_type=mtype,
                query=cues.text,
                start=dated[0] if dated else None,
                end=dated[1] if dated else None,
            )
        )
    reasons = ", ".join(
        f"{t.memory_type.value}={strengths.get(t.memory_type.value, 0):.2f}" for t in targets
    )
    return TargetPlan(
        targets=targets, reasoning=f"coarse strength {reasons}; cues {list(cues.labels)}"
    )


def coarse_overview(coarse: dict[str, list[Hit]], *, per_type: int = 3, width: int = 160) -> str:
    """The coarse hits, a few per store, as delimited data for the selector prompt."""
    lines = ["<coarse>"]
    for name, hits in coarse.items():
        lines.append(f"{name}: {len(hits)} hits")
        for hit in hits[:per_type]:
            text = (
                hit.to_record().render()
                if hit.memory_type is not MemoryType.KNOWLEDGE_VAULT
                else (str(hit.record.get("caption", "")))
            )
            text = " ".join(text.split()).replace("<", "‹").replace(">", "›")
            lines.append(f"  - ({hit.score.vector or 0.0:.2f}) {text[:width]}")
    lines.append("</coarse>")
    return "\n".join(lines)


def usage_tokens(message: AIMessage, prompt_chars: int) -> int:
    """Tokens of one call: the model's usage report, else a chars/4 estimate."""
    usage = message.usage_metadata
    if usage and usage.get("total_tokens"):
        return int(usage["total_tokens"])
    output = str(message.content) + "".join(str(tc.get("args")) for tc in message.tool_calls)
    return estimate_tokens("x" * prompt_chars) + estimate_tokens(output)


def bind_tool(model: BaseChatModel, schema: type, name: str) -> BaseChatModel:
    """``model.bind_tools([schema])`` forcing a tool call (the only tool, ``name``) when the
    provider allows it: ``tool_choice="any"``, the form OpenAI-compatible servers accept."""
    try:
        bound = model.bind_tools([schema], tool_choice="any")
    except (TypeError, ValueError, NotImplementedError):
        bound = model.bind_tools([schema])
    return bound  # type: ignore[return-value]


def select_with_llm(
    model: BaseChatModel,
    prompt: AgentPrompt,
    *,
    cues: QuestionCues,
    coarse: dict[str, list[Hit]],
    enabled: Sequence[MemoryType],
    today: str,
    notes: list[str],
) -> tuple[TargetPlan | None, int]:
    """One ``TargetPlan`` tool call; returns the validated plan (or None) and tokens used."""
    # stable instructions in the system message; the date and the data in the human one
    stores = [t for t in enabled if t is not MemoryType.CORE]
    system = prompt.render(
        today=today,
        memory_types=", ".join(t.value for t in stores),
        memory_type_guide=prompt_lines(stores),
    )
    human = f"Today is {today}.\n\nQuestion: {cues.text}\n\n{coarse_overview(coarse)}"
    messages = [SystemMessage(system), HumanMessage(human)]
    try:
        reply = bind_tool(model, TargetPlan, TARGET_TOOL).invoke(messages)
    except Exception as exc:  # a provider error must not break chat: fall back
        notes.append(f"target selection call failed ({type(exc).__name__}); used offline choice")
        log.warning("chat.select_failed", error_type=type(exc).__name__)
        log.debug("chat.select_failed_detail", detail=scrub_detail(str(exc)))
        return None, 0
    if not isinstance(reply, AIMessage):
        notes.append("target selection returned no message; used offline choice")
        return None, 0
    tokens = usage_tokens(reply, len(system) + len(human))
    for call in reply.tool_calls:
        if call.get("name") != TARGET_TOOL:
            continue
        try:
            plan = TargetPlan.model_validate(_plan_args(call.get("args") or {}))
        except ValueError as exc:
            why = validation_summary(exc) if isinstance(exc, PydanticValidationError) else ""
            notes.append(f"target selection arguments invalid: {why[:120]}")
            continue
        usable = [
            t
            for t in plan.targets
            if t.memory_type in enabled and t.memory_type is not MemoryType.CORE
        ]
        dropped = len(plan.targets) - len(usable)
        if dropped:
            notes.append(f"ignored {dropped} target(s) naming a disabled or unknown store")
        if usable:
            return plan.model_copy(update={"targets": usable}), tokens
    notes.append("target selection made no usable TargetPlan call; used offline choice")
    return None, tokens


def _plan_args(args: dict[str, Any]) -> dict[str, Any]:
    """Small models often send one target flat, or ``targets`` as one object: wrap it."""
    if "targets" not in args and "memory_type" in args:
        target = {k: v for k, v in args.items() if k != "reasoning"}
        return {"targets": [target], "reasoning": str(args.get("reasoning", ""))}
    if isinstance(args.get("targets"), dict):
        return {**args, "targets": [args["targets"]]}
    return args


def selection_mode(plan_from_llm: bool, offline: bool) -> SelectionMode:
    """How the plan was made, for the trace."""
    if offline:
        return "offline"
    return "llm" if plan_from_llm else "offline-fallback"
