"""Tool schemas derived from the record models, and turning tool calls into plans.

Each manager gets ``insert_<type>``, ``update_<type>``, ``supersede_<type>``,
``delete_<type>`` and ``no_op``; their argument schemas are pydantic models built
from the record class (its own fields, minus bookkeeping), so the model fills
exactly the columns of its own table. Arguments are validated here; anything
malformed raises :class:`ToolCallsInvalid`, which the tool loop feeds back to
the model for a bounded number of retries.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Annotated, Any, cast, get_origin

from langchain_core.messages import AIMessage
from pydantic import BaseModel, Field, SecretStr, create_model
from pydantic import ValidationError as PydanticValidationError
from pydantic.fields import FieldInfo

from mirix_py._managers.aliases import NO_ALIASES, Aliases
from mirix_py._managers.apply import DeleteOp, Plan, SupersedeOp, UpdateOp
from mirix_py._memory import RECORD_TYPES, core, procedural, semantic
from mirix_py._memory.base import COMMON_FIELDS, MemoryRecord, MemoryType, as_utc, utcnow
from mirix_py._memory.core import CoreLine
from mirix_py._memory.extract_common import Turn, norm_key, record_id
from mirix_py._memory.knowledge_vault import vault_entry_id
from mirix_py._memory.registry import spec_of
from mirix_py._schema_rules import PROVIDER_SAFE
from mirix_py.errors import ToolCallsInvalid, ToolError

_HINTS: dict[str, str] = {
    "summary": "the memory itself, short and self-contained",
    "name": "the entity this fact is about (a person, place, thing or concept)",
    "actor": "who did it (a speaker's name)",
    "value": "the block's text, one fact per line",
    "label": "human (about the user) or persona (about the assistant)",
    "caption": "what the secret is and whose, without the secret itself",
    "secret_value": "the sensitive value verbatim",
    "steps": "the steps in order",
    "description": "what the procedure achieves",
    "title": "the resource's title",
    "content": "the resource's content (or URL)",
}
_SOURCE_IDS = "ids of the input messages this memory comes from (the [id] prefixes)"
MAX_SOURCES = 20
"""``max_length`` of ``source_ids`` (small models loop on unbounded lists)."""
MAX_LIST = 30
"""``max_length`` of a record's own list fields (procedure steps …)."""
MAX_PROPOSALS = 15
"""``max_length`` of each memory type's list in the single-pass tool."""
ROUTE_TOOL = "route_memory"
SINGLE_PASS_TOOL = "record_memories"


def _field(name: str, info: FieldInfo, *, optional: bool) -> tuple[Any, Any]:
    annotation: Any = str if info.annotation is SecretStr else info.annotation
    description = info.description or _HINTS.get(name)
    if get_origin(annotation) is list:
        annotation = Annotated[annotation, Field(max_length=MAX_LIST)]
    if optional:
        return (annotation | None, Field(default=None, description=description))
    if info.metadata:
        annotation = Annotated.__class_getitem__((annotation, *info.metadata))  # type: ignore[attr-defined]
    if info.is_required():
        return (annotation, Field(..., description=description))
    if info.default_factory is not None:
        return (annotation, Field(default_factory=info.default_factory, description=description))
    return (annotation, Field(default=info.default, description=description))


def record_fields(memory_type: MemoryType, *, optional: bool = False) -> dict[str, Any]:
    """The record's own fields as ``create_model`` field definitions."""
    spec = spec_of(memory_type)
    out: dict[str, Any] = {}
    for name, info in spec.record.model_fields.items():
        if name in COMMON_FIELDS or name in spec.hidden_fields:
            continue
        out[name] = _field(name, info, optional=optional)
    return out


def _insert_fields(memory_type: MemoryType) -> dict[str, Any]:
    fields = record_fields(memory_type)
    fields["source_ids"] = (
        list[str],
        Field(..., min_length=1, max_length=MAX_SOURCES, description=_SOURCE_IDS),
    )
    if memory_type is MemoryType.EPISODIC:
        fields["occurred_at"] = (
            datetime | None,
            Field(default=None, description="when it happened (ISO date), if not the message's"),
        )
    return fields


def insert_model(memory_type: MemoryType) -> type[BaseModel]:
    """Arguments of ``insert_<type>``."""
    return create_model(
        f"insert_{memory_type.value}",
        __config__=PROVIDER_SAFE,
        __doc__=f"Store a new {memory_type.value} memory.",
        **_insert_fields(memory_type),
        reason=(str, Field(default="", description="why, briefly")),
    )


def manager_tools(
    memory_type: MemoryType, allowed: Sequence[str] = ("insert", "update", "supersede", "delete")
) -> dict[str, type[BaseModel]]:
    """The tool-argument models of one manager, by tool name."""
    t = memory_type.value
    reason = (str, Field(default="", description="why, briefly"))
    target = (str, Field(..., description=f"id of an existing {t} memory (the [id] prefixes)"))
    tools: dict[str, type[BaseModel]] = {}
    if "insert" in allowed:
        tools[f"insert_{t}"] = insert_model(memory_type)
    if "update" in allowed:
        tools[f"update_{t}"] = create_model(
            f"update_{t}",
            __config__=PROVIDER_SAFE,
            __doc__=f"Change fields of an existing {t} memory (omit fields to keep them).",
            memory_id=target,
            **record_fields(memory_type, optional=True),
            source_ids=(
                list[str],
                Field(default_factory=list, max_length=MAX_SOURCES, description=_SOURCE_IDS),
            ),
            reason=reason,
        )
    if "supersede" in allowed and memory_type is not MemoryType.CORE:
        tools[f"supersede_{t}"] = create_model(
            f"supersede_{t}",
            __config__=PROVIDER_SAFE,
            __doc__=f"Retire an outdated {t} memory and store its replacement (history is kept).",
            old_id=target,
            **_insert_fields(memory_type),
            reason=reason,
        )
    if "delete" in allowed and memory_type is not MemoryType.CORE:
        tools[f"delete_{t}"] = create_model(
            f"delete_{t}",
            __config__=PROVIDER_SAFE,
            __doc__=f"Delete a wrong or duplicate {t} memory.",
            memory_id=target,
            reason=reason,
        )
    tools["no_op"] = create_model(
        "no_op", __config__=PROVIDER_SAFE, __doc__="Nothing to store for this input.", reason=reason
    )
    return tools


def route_tool(enabled: Sequence[MemoryType]) -> type[BaseModel]:
    """Arguments of the meta manager's ``route_memory`` tool."""
    names = ", ".join(t.value for t in enabled)
    return create_model(
        ROUTE_TOOL,
        __config__=PROVIDER_SAFE,
        __doc__="Choose which memory managers should process this input.",
        memory_types=(
            list[str],
            Field(..., max_length=len(MemoryType), description=f"any of: {names}"),
        ),
        reason=(str, Field(default="", description="why, briefly")),
    )


def single_pass_tool(enabled: Sequence[MemoryType]) -> type[BaseModel]:
    """Arguments of the single-pass ``record_memories`` tool: new memories of every type."""
    fields: dict[str, Any] = {
        t.value: (
            cast(Any, list)[insert_model(t)],
            Field(default_factory=list, max_length=MAX_PROPOSALS),
        )
        for t in enabled
    }
    return create_model(
        SINGLE_PASS_TOOL,
        __config__=PROVIDER_SAFE,
        __doc__="Record the memories this input carries, per memory type.",
        **fields,
        reason=(str, Field(default="", description="why, briefly")),
    )


# --------------------------------------------------------------- parsing


def _validate(model: type[BaseModel], args: Mapping[str, Any]) -> BaseModel:
    try:
        return model.model_validate(dict(args))
    except PydanticValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'arguments'}: {e['msg']}"
            for e in exc.errors()[:5]
        )
        raise ValueError(problems) from None


def _calls(ai: AIMessage) -> tuple[list[dict[str, Any]], list[ToolError]]:
    errors = [
        ToolError(c.get("id"), f"{c.get('name') or 'tool call'}: arguments are not valid JSON")
        for c in ai.invalid_tool_calls
    ]
    return [dict(c) for c in ai.tool_calls], errors


def build_record(
    memory_type: MemoryType,
    fields: Mapping[str, Any],
    *,
    user_id: str,
    turns: Mapping[str, Turn],
    session_id: str,
) -> MemoryRecord:
    """A record from tool arguments, with a deterministic id and honest sources.

    Raises ``ValueError`` when a source id is not an input message id.
    """
    data = {k: v for k, v in fields.items() if k != "reason"}
    sources = [str(s) for s in data.pop("source_ids", [])]
    unknown = [s for s in sources if s not in turns]
    if unknown or not sources:
        raise ValueError(
            f"source_ids {unknown or sources} are not input message ids; "
            "use the [id] prefixes of the input messages"
        )
    said_at = max(turns[s].timestamp for s in sources)
    occurred = _plausible(data.pop("occurred_at", None), said_at)
    data.update(user_id=user_id, source_ids=sources, occurred_at=occurred, id="pending")
    data.setdefault("valid_from", min(said_at, utcnow()))  # true from the message, as offline
    if memory_type is MemoryType.EPISODIC:
        data["session_id"] = session_id
    try:
        record = RECORD_TYPES[memory_type].model_validate(data)
    except PydanticValidationError as exc:
        raise ValueError(str(exc.errors()[0]["msg"])) from None
    return record.model_copy(update={"id": _content_id(record, user_id)})


def _plausible(value: Any, said_at: datetime) -> Any:
    """The model's event time, unless absent or absurd (before 1900, or more than ten
    years after the message: small models invent years such as 8555); then the
    message's own time."""
    if value is None:
        return said_at
    try:
        when = as_utc(value if isinstance(value, datetime) else datetime.fromisoformat(str(value)))
    except ValueError:
        return value  # left to the record's validation, which reports it
    if when.year < 1900 or when.year > said_at.year + 10:
        return said_at
    return when


def _content_id(record: MemoryRecord, user_id: str) -> str:
    if isinstance(record, semantic.SemanticMemory):
        return semantic.fact_id(user_id, record.name, record.summary)
    if isinstance(record, procedural.ProceduralMemory):
        return procedural.procedure_id(user_id, record.description, record.steps)
    if record.memory_type is MemoryType.KNOWLEDGE_VAULT:
        payload = record.payload()
        return vault_entry_id(user_id, payload["entry_type"], payload["secret_value"])
    kind = "llm:" + norm_key(record.embed_text())[:500]
    return record_id(user_id, record.memory_type, record.source_ids, kind)


def plan_from_calls(
    ai: AIMessage,
    memory_type: MemoryType,
    tools: Mapping[str, type[BaseModel]],
    *,
    user_id: str,
    turns: Mapping[str, Turn],
    session_id: str,
    existing_ids: Callable[[list[str]], set[str]],
    aliases: Aliases = NO_ALIASES,
) -> Plan:
    """The plan a manager's tool calls describe; raises :class:`ToolCallsInvalid`.

    ``aliases`` maps the short ids the prompt showed back to real ids first.
    """
    calls, errors = _calls(ai)
    plan = Plan()
    targets: list[tuple[str | None, str]] = []
    t = memory_type.value
    for call in calls:
        name, call_id = call.get("name", ""), call.get("id")
        model = tools.get(name)
        if model is None:
            errors.append(ToolError(call_id, f"unknown tool {name!r}; use one of {sorted(tools)}"))
            continue
        try:
            args = _validate(model, aliases.resolve_args(call.get("args") or {})).model_dump()
            if name == "no_op":
                plan.notes.append(args.get("reason") or "no_op")
            elif memory_type is MemoryType.CORE:
                _core_call(name, args, plan, user_id=user_id, turns=turns, targets=targets)
            elif name == f"insert_{t}":
                plan.candidates.append(
                    build_record(
                        memory_type, args, user_id=user_id, turns=turns, session_id=session_id
                    )
                )
            elif name == f"update_{t}":
                target = args.pop("memory_id")
                sources = args.pop("source_ids", [])
                bad = [s for s in sources if s not in turns]
                if bad:
                    raise ValueError(f"source_ids {bad} are not input message ids")
                why = args.pop("reason", "")
                plan.updates.append(UpdateOp(target, args, sources, why))
                targets.append((call_id, target))
            elif name == f"supersede_{t}":
                old = args.pop("old_id")
                record = build_record(
                    memory_type, args, user_id=user_id, turns=turns, session_id=session_id
                )
                plan.supersedes.append(SupersedeOp(old, record, args.get("reason", "")))
                targets.append((call_id, old))
            elif name == f"delete_{t}":
                plan.deletes.append(DeleteOp(args["memory_id"], args.get("reason", "")))
                targets.append((call_id, args["memory_id"]))
        except ValueError as exc:
            errors.append(ToolError(call_id, f"{name}: {exc}"))
    if targets:
        found = existing_ids([tid for _, tid in targets])
        errors.extend(
            ToolError(cid, f"no {t} memory with id {tid!r} for this user")
            for cid, tid in targets
            if tid not in found
        )
    if errors:
        raise ToolCallsInvalid(errors)
    return plan


def _core_call(
    name: str,
    args: dict[str, Any],
    plan: Plan,
    *,
    user_id: str,
    turns: Mapping[str, Turn],
    targets: list[tuple[str | None, str]],
) -> None:
    sources = [str(s) for s in args.get("source_ids") or []]
    bad = [s for s in sources if s not in turns]
    if bad:
        raise ValueError(f"source_ids {bad} are not input message ids")
    if name == "insert_core":
        label: core.CoreLabel = "persona" if args.get("label") == "persona" else "human"
        lines = [ln.strip() for ln in str(args.get("value") or "").splitlines() if ln.strip()]
        if not lines:
            raise ValueError("value: give at least one line to add")
        plan.core_lines.setdefault(label, []).extend(CoreLine(ln, tuple(sources)) for ln in lines)
    elif name == "update_core":
        target = args["memory_id"]
        by_id = {core.block_id(user_id, lab): lab for lab in ("human", "persona")}
        if target not in by_id:
            raise ValueError(f"memory_id {target!r} is not one of this user's core blocks")
        if args.get("value") is None:
            raise ValueError("value: give the block's new text")
        plan.core_rewrites[cast(core.CoreLabel, by_id[target])] = (str(args["value"]), sources)


def route_from_call(
    ai: AIMessage, enabled: Sequence[MemoryType]
) -> tuple[list[MemoryType], list[str], str]:
    """(enabled types named, names ignored, reason) from a ``route_memory`` call."""
    calls, errors = _calls(ai)
    routes = [c for c in calls if c.get("name") == ROUTE_TOOL]
    if errors or not routes:
        raise ToolCallsInvalid(errors or [ToolError(None, f"call the {ROUTE_TOOL} tool once")])
    try:
        args = _validate(route_tool(enabled), routes[0].get("args") or {})
    except ValueError as exc:
        raise ToolCallsInvalid([ToolError(routes[0].get("id"), f"{ROUTE_TOOL}: {exc}")]) from None
    chosen: list[MemoryType] = []
    ignored: list[str] = []
    for name in getattr(args, "memory_types", []):
        value = str(name).strip().lower()
        if value in {t.value for t in enabled}:
            chosen.append(MemoryType(value))
        else:
            ignored.append(str(name))
    return list(dict.fromkeys(chosen)), ignored, str(getattr(args, "reason", ""))


def proposals_from_call(
    ai: AIMessage,
    enabled: Sequence[MemoryType],
    *,
    user_id: str,
    turns: Mapping[str, Turn],
    session_id: str,
    aliases: Aliases = NO_ALIASES,
) -> dict[MemoryType, list[dict[str, Any]]]:
    """Per type, the validated insert arguments of a single-pass ``record_memories`` call."""
    calls, errors = _calls(ai)
    found = [c for c in calls if c.get("name") == SINGLE_PASS_TOOL]
    if errors or not found:
        raise ToolCallsInvalid(
            errors or [ToolError(None, f"call the {SINGLE_PASS_TOOL} tool once")]
        )
    call = found[0]
    try:
        args = _validate(single_pass_tool(enabled), aliases.resolve_args(call.get("args") or {}))
    except ValueError as exc:
        raise ToolCallsInvalid([ToolError(call.get("id"), f"{SINGLE_PASS_TOOL}: {exc}")]) from None
    out: dict[MemoryType, list[dict[str, Any]]] = {}
    problems: list[ToolError] = []
    for mtype in enabled:
        items = [i.model_dump(mode="json") for i in getattr(args, mtype.value, [])]
        for item in items:
            try:
                build_record(mtype, item, user_id=user_id, turns=turns, session_id=session_id)
            except ValueError as exc:
                problems.append(ToolError(call.get("id"), f"{mtype.value}: {exc}"))
        if items:
            out[mtype] = items
    if problems:
        raise ToolCallsInvalid(problems)
    return out
