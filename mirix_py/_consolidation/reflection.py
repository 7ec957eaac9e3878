"""LLM reflection: the reflection agent reads recent episodes and derives knowledge.

The agent (``agents/reflection_agent.md``) sees the user's recent episodes as
``[id] date · speaker: text`` lines, the items already derived and the core
block, and calls tools whose argument schemas are the pydantic models below:
``derive_fact``, ``derive_procedure``, ``update_core`` and ``no_op``. Every call
is validated here — the episode ids it cites must be episodes it was shown —
and becomes a :class:`~mirix_py._consolidation.derived.Derivation` carrying
exactly the fields the model gave; invalid calls go back to the model for a
bounded number of retries (the write path's tool loop).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from langchain_core.messages import AIMessage
from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError

from mirix_py._agents import AgentSpec
from mirix_py._config import MirixConfig
from mirix_py._consolidation.derived import Derivation
from mirix_py._context import MemoryContext
from mirix_py._dates import dated_with_weekday, short_date
from mirix_py._managers.llm_loop import call_with_tools
from mirix_py._managers.usage import UsageCounter
from mirix_py._memory import CoreMemory, EpisodicMemory, MemoryRecord, MemoryType
from mirix_py._memory.extract_common import clip, norm_key
from mirix_py._memory.registry import spec_of
from mirix_py._schema_rules import provider_safe
from mirix_py.errors import ToolCallsInvalid, ToolError

AGENT_NAME = "reflection_agent"
EPISODE_CHARS = 400
_EPISODES = "ids of exactly the episodes this summarises (the [id] prefixes), at least one"


class DeriveFact(BaseModel):
    """Store a higher-level fact distilled from episodes: a habit, a preference, a
    recurring person or place, or a stable fact."""

    model_config = ConfigDict(title="derive_fact", extra="forbid", json_schema_extra=provider_safe)

    name: str = Field(min_length=1, max_length=256, description="who or what it is about")
    summary: str = Field(
        min_length=1, max_length=500, description="the fact in third person; absolute dates"
    )
    details: str = Field(default="", max_length=2000, description="optional supporting detail")
    episode_ids: list[str] = Field(min_length=1, max_length=50, description=_EPISODES)
    reason: str = Field(default="", description="why, briefly")


class DeriveProcedure(BaseModel):
    """Store a workflow or routine the episodes show being repeated, as ordered steps."""

    model_config = ConfigDict(
        title="derive_procedure", extra="forbid", json_schema_extra=provider_safe
    )

    description: str = Field(min_length=1, max_length=300, description="what it achieves")
    steps: list[str] = Field(min_length=2, max_length=30, description="the steps in order")
    entry_type: str = Field(default="workflow", max_length=64, description="workflow or routine")
    episode_ids: list[str] = Field(min_length=1, max_length=50, description=_EPISODES)
    reason: str = Field(default="", description="why, briefly")


class UpdateCore(BaseModel):
    """Add one line to a core block: a stable identity fact or preference of the user
    (``human``) or the assistant (``persona``)."""

    model_config = ConfigDict(title="update_core", extra="forbid", json_schema_extra=provider_safe)

    label: Literal["human", "persona"] = Field(default="human", description="which block")
    line: str = Field(min_length=1, max_length=300, description="'Entity: fact', one line")
    episode_ids: list[str] = Field(min_length=1, max_length=50, description=_EPISODES)
    reason: str = Field(default="", description="why, briefly")


class NoOp(BaseModel):
    """Nothing worth deriving from these episodes."""

    model_config = ConfigDict(title="no_op", extra="forbid", json_schema_extra=provider_safe)

    reason: str = Field(default="", description="why, briefly")


TOOLS: dict[str, type[BaseModel]] = {
    "derive_fact": DeriveFact,
    "derive_procedure": DeriveProcedure,
    "update_core": UpdateCore,
    "no_op": NoOp,
}


TOOL_TYPES: dict[str, MemoryType] = {
    "derive_fact": MemoryType.SEMANTIC,
    "derive_procedure": MemoryType.PROCEDURAL,
    "update_core": MemoryType.CORE,
}
"""The memory type each derivation tool writes."""


def offered_tools(config: MirixConfig, agent: AgentSpec) -> list[str]:
    """The reflection tools offered: the agent's, limited to the enabled types the
    episodic spec may derive (``MemoryTypeSpec.derives``), plus ``no_op``."""
    derives = set(spec_of(MemoryType.EPISODIC).derives)
    offered = [
        t
        for t in (agent.tools or tuple(TOOLS))
        if t in TOOL_TYPES and TOOL_TYPES[t].value in derives and config.is_enabled(TOOL_TYPES[t])
    ]
    return [*offered, "no_op"]


def render_episodes(episodes: Sequence[EpisodicMemory]) -> str:
    """``[id] 7 May 2023 · Alice: text`` per episode, oldest first."""
    return "\n".join(
        f"[{e.id}] {short_date(e.when)} · {e.actor}: {clip(e.summary, EPISODE_CHARS)}"
        for e in episodes
    )


def render_existing(records: Sequence[MemoryRecord]) -> str:
    """Items already derived, as ``[id] rendering`` lines (``(none)`` when empty)."""
    return "\n".join(f"[{r.id}] {r.render()}" for r in records) or "(none)"


def _problems(exc: PydanticValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'arguments'}: {e['msg']}" for e in exc.errors()[:5]
    )


def derivations_from_calls(
    ai: AIMessage, episodes: Mapping[str, EpisodicMemory], *, tools: Sequence[str]
) -> list[Derivation]:
    """The derivations the model's tool calls ask for; raises :class:`ToolCallsInvalid`."""
    errors = [
        ToolError(c.get("id"), f"{c.get('name') or 'tool call'}: arguments are not valid JSON")
        for c in ai.invalid_tool_calls
    ]
    out: list[Derivation] = []
    for call in ai.tool_calls:
        name, call_id = call.get("name", ""), call.get("id")
        model = TOOLS.get(name) if name in tools else None
        if model is None:
            errors.append(ToolError(call_id, f"unknown tool {name!r}; use one of {list(tools)}"))
            continue
        try:
            args = model.model_validate(dict(call.get("args") or {}))
        except PydanticValidationError as exc:
            errors.append(ToolError(call_id, f"{name}: {_problems(exc)}"))
            continue
        if isinstance(args, NoOp):
            continue
        cited: list[str] = list(dict.fromkeys(getattr(args, "episode_ids", [])))
        unknown = [i for i in cited if i not in episodes]
        if unknown:
            errors.append(
                ToolError(
                    call_id,
                    f"{name}: episode_ids {unknown} are not episodes shown to you; "
                    f"use ids from: {', '.join(list(episodes)[:20])}",
                )
            )
            continue
        out.append(_derivation(args, tuple(episodes[i] for i in cited)))
    if errors:
        raise ToolCallsInvalid(errors)
    return out


def _derivation(args: BaseModel, episodes: tuple[EpisodicMemory, ...]) -> Derivation:
    reason = str(getattr(args, "reason", "") or "derived by the reflection agent")
    fields: dict[str, Any]
    if isinstance(args, DeriveFact):
        fields = {"name": args.name, "summary": args.summary, "details": args.details}
        key = f"llm:{norm_key(args.name)}:{norm_key(args.summary)}"
        mtype = MemoryType.SEMANTIC
    elif isinstance(args, DeriveProcedure):
        fields = {
            "description": args.description,
            "steps": list(args.steps),
            "entry_type": args.entry_type,
        }
        key = f"llm:{norm_key(args.description)}"
        mtype = MemoryType.PROCEDURAL
    else:
        assert isinstance(args, UpdateCore)
        fields = {"label": args.label, "line": args.line.strip()}
        key = f"core:{args.label}:{norm_key(args.line)}"
        mtype = MemoryType.CORE
    return Derivation(mtype, key, fields, episodes, reason, accumulate=True)


def reflect_with_llm(
    ctx: MemoryContext,
    agent: AgentSpec,
    *,
    user_id: str,
    episodes: Sequence[EpisodicMemory],
    existing: Sequence[MemoryRecord],
    core: Sequence[CoreMemory],
    counter: UsageCounter,
) -> list[Derivation]:
    """One reflection call (with bounded retries); raises ``ExtractionError`` on failure."""
    assert ctx.chat_model is not None
    allowed = offered_tools(ctx.config, agent)
    latest = max(e.when for e in episodes)
    values = {
        "date": dated_with_weekday(latest),
        "user_id": user_id,
        "episodes": render_episodes(episodes),
        "existing_memories": render_existing(existing),
        "core_memory": "\n".join(b.render() for b in core) or "(empty)",
    }
    by_id = {e.id: e for e in episodes}
    return call_with_tools(
        ctx.chat_model,
        agent,
        [TOOLS[t] for t in allowed],
        system=agent.render(**values),
        task=agent.render_task(**values),
        parse=lambda ai: derivations_from_calls(ai, by_id, tools=allowed),
        max_retries=ctx.config.llm.max_retries,
        counter=counter,
        user_id=user_id,
    )
