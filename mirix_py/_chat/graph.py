"""The chat agent as a LangGraph graph: coarse → select → fine → compose → update.

:func:`mirix_py._graph.build_chat_graph` assembles it from a
:class:`~mirix_py._context.MemoryContext`.
Nodes are plain functions of the state; the store, embedder and model reach
them through a closure (:class:`ChatDeps`), never through the state, which stays
JSON-serialisable (checkpointable): hits carry no embeddings and no vault secret
that may not be shown.

Input keys: ``question`` (or ``messages``, whose last human message is used),
``user_id``, and optionally ``as_of``, ``reveal_secrets``, ``interactive_update``,
``budget_tokens``, ``memory_types``, ``user_name`` (the name the user's messages carry,
when the host knows it; else it is read off the user's core block, :func:`.person.user_name`,
for a question in the first person). Output key: ``answer`` — an
:class:`~mirix_py._chat.models.Answer` as a JSON-ready dict. A user's own
``StateGraph`` with those keys can add the compiled graph as a node.
"""

from __future__ import annotations

import operator
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Annotated, Any, Literal

import structlog
from langchain_core.messages import AnyMessage, HumanMessage
from typing_extensions import TypedDict  # pydantic needs it on Python < 3.12 (schemas)

from mirix_py._chat.answer import answer_offline
from mirix_py._chat.answer_llm import answer_with_llm
from mirix_py._chat.compose import ContextPack, build_context
from mirix_py._chat.cues import QuestionCues, read_question
from mirix_py._chat.draft import Draft
from mirix_py._chat.models import (
    Answer,
    Citation,
    Hit,
    Latency,
    RetrievalTrace,
    TargetPlan,
)
from mirix_py._chat.person import USER_NAME, speaks_in_person, user_name
from mirix_py._chat.prompts import load_agent
from mirix_py._chat.retrieval import Retriever, elapsed_ms, now_utc, question_time_range
from mirix_py._chat.selection import select_offline, select_with_llm, selection_mode
from mirix_py._consolidation.access import note_hit_accesses
from mirix_py._context import MemoryContext
from mirix_py._ids import validate_user_id
from mirix_py._memory import CoreMemory, MemoryType
from mirix_py._memory.base import as_utc
from mirix_py._receipts import WriteReceipt
from mirix_py.errors import InvalidArgument

log = structlog.get_logger(__name__)

AddFn = Callable[[list[dict[str, Any]], str], WriteReceipt]
RETRIEVAL_STEPS = ("coarse", "select", "fine")


def _merge(left: dict[str, float] | None, right: dict[str, float] | None) -> dict[str, float]:
    return {**(left or {}), **(right or {})}


class ChatInput(TypedDict, total=False):
    """What the chat graph reads."""

    question: str
    messages: list[AnyMessage]
    user_id: str
    as_of: str | datetime | None
    now: str | datetime | None
    reveal_secrets: bool
    interactive_update: bool | None
    budget_tokens: int | None
    memory_types: list[str] | None
    user_name: str | None


class ChatOutput(TypedDict, total=False):
    """What the chat graph returns: the :class:`Answer` as a JSON-ready dict."""

    answer: dict[str, Any]


class ChatState(ChatInput, total=False):
    """The whole state (plain, serialisable values only)."""

    core: list[dict[str, Any]]
    pool: str
    coarse: dict[str, list[dict[str, Any]]]
    plan: dict[str, Any]
    selection: str
    time_range: list[str] | None
    hits: list[dict[str, Any]]
    notes: Annotated[list[str], operator.add]
    timings: Annotated[dict[str, float], _merge]
    llm_calls: Annotated[int, operator.add]
    llm_tokens: Annotated[int, operator.add]
    answer: dict[str, Any]


@dataclass
class ChatDeps:
    """What the nodes need besides the state (held by the graph's closure)."""

    ctx: MemoryContext
    add: AddFn | None = None
    retriever: Retriever = field(init=False)

    def __post_init__(self) -> None:
        self.retriever = Retriever(self.ctx)


# ----------------------------------------------------------------- helpers


def question_of(state: ChatState) -> str:
    """The question: ``question``, else the last human message's text."""
    question = state.get("question")
    if not question:
        for message in reversed(state.get("messages") or []):
            if isinstance(message, HumanMessage) or getattr(message, "type", "") == "human":
                question = str(message.content)
                break
    if not question or not str(question).strip():
        raise InvalidArgument("chat needs a non-empty 'question' (or a human message)")
    return str(question).strip()


def _state_time(state: ChatState, key: Literal["as_of", "now"]) -> datetime | None:
    value = state.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return as_utc(value)
    try:
        return as_utc(datetime.fromisoformat(str(value)))
    except ValueError:
        raise InvalidArgument(f"{key} must be an ISO datetime, got {value!r}") from None


def cues_of(state: ChatState) -> QuestionCues:
    """The question's cues, "I"/"my" read as the user's name when it is known."""
    return read_question(question_of(state), state.get("user_name") or USER_NAME)


def _as_of(state: ChatState) -> datetime | None:
    return _state_time(state, "as_of")


def _anchor(state: ChatState) -> datetime:
    """When the question is asked: ``now`` if given, else ``as_of``, else the clock."""
    return _state_time(state, "now") or _as_of(state) or now_utc()


def _types(deps: ChatDeps, state: ChatState) -> list[MemoryType]:
    wanted = state.get("memory_types")
    chosen = None
    if wanted:
        try:
            chosen = [MemoryType(w) for w in wanted]
        except ValueError:
            valid = ", ".join(t.value for t in MemoryType)
            raise InvalidArgument(f"unknown memory type in {wanted!r}; valid: {valid}") from None
    return deps.retriever.enabled_types(chosen)


def _hits(raw: Sequence[dict[str, Any]]) -> list[Hit]:
    return [Hit.model_validate(h) for h in raw]


# ------------------------------------------------------------------- nodes


def coarse_node(state: ChatState, *, deps: ChatDeps) -> dict[str, Any]:
    """Coarse retrieval over every enabled type; core blocks loaded for the context."""
    started = time.perf_counter()
    user_id = validate_user_id(state.get("user_id"))
    question = question_of(state)
    types = _types(deps, state)
    # The core blocks are read while the question is embedded and searched (their
    # round trip overlaps the searches' instead of preceding them) unless the question
    # is in the first person and the host gave no name: then the block names the user
    # ("Sam: lives in Oslo") before the question is read.
    core_blocks = deps.retriever.submit(deps.retriever.core_blocks, user_id, _as_of(state))
    name = state.get("user_name") or ""
    if not name and speaks_in_person(question):
        human = [b for b in core_blocks.result() if b.label == "human"]
        name = user_name(line for b in human for line in b.value.splitlines())
    cues = read_question(question, name or USER_NAME)
    vector = deps.retriever.embed(cues.text)
    key = uuid.uuid4().hex  # this chat's candidate pools, kept for fine retrieval
    pools = deps.retriever.coarse(
        user_id=user_id,
        cues=cues,
        vector=vector,
        types=types,
        as_of=_as_of(state),
        reveal=bool(state.get("reveal_secrets")),
        key=key,
    )
    core = core_blocks.result()
    ms = elapsed_ms(started)
    counts = {name: len(hits) for name, hits in pools.items()}
    log.info(
        "chat.coarse_retrieved",
        user_id=user_id,
        memory_types=[t.value for t in types],
        counts=counts,
        core_blocks=len(core),
        ms=ms,
    )
    return {
        "core": [b.model_dump(mode="json", exclude={"embedding"}) for b in core],
        "coarse": {name: [h.model_dump(mode="json") for h in hits] for name, hits in pools.items()},
        "pool": key,
        "user_name": name or None,
        "timings": {"coarse": ms},
    }


def select_node(state: ChatState, *, deps: ChatDeps) -> dict[str, Any]:
    """Target selection: an LLM tool call, or the offline choice from scores and cues."""
    started = time.perf_counter()
    cues = cues_of(state)
    coarse = {name: _hits(raw) for name, raw in (state.get("coarse") or {}).items()}
    anchor = _anchor(state)
    time_range = question_time_range(cues.text, anchor)
    notes: list[str] = []
    offline_plan = select_offline(
        cues, coarse, coarse_k=deps.ctx.config.retrieval.coarse_k, time_range=time_range
    )
    plan: TargetPlan | None = None
    tokens = calls = 0
    model = deps.ctx.chat_model
    if model is not None and any(coarse.values()):
        plan, tokens = select_with_llm(
            model,
            load_agent(deps.ctx.config, "target_selector"),
            cues=cues,
            coarse=coarse,
            enabled=_types(deps, state),
            today=anchor.date().isoformat(),
            notes=notes,
        )
        calls = 1
    elif model is not None:
        notes.append("no memories found; no selection call made")
    mode = selection_mode(plan is not None, model is None)
    final = plan or offline_plan
    ms = elapsed_ms(started)
    log.info(
        "chat.targets_selected",
        user_id=state.get("user_id"),
        memory_types=[t.memory_type.value for t in final.targets],
        selection=mode,
        count=len(final.targets),
        ms=ms,
    )
    return {
        "plan": final.model_dump(mode="json"),
        "selection": mode,
        "time_range": [t.isoformat() for t in time_range] if time_range else None,
        "notes": notes,
        "timings": {"select": ms},
        "llm_calls": calls,
        "llm_tokens": tokens,
    }


def fine_node(state: ChatState, *, deps: ChatDeps) -> dict[str, Any]:
    """Fine retrieval in the selected stores, rescored and expanded."""
    started = time.perf_counter()
    user_id = validate_user_id(state.get("user_id"))
    cues = cues_of(state)
    plan = TargetPlan.model_validate(state.get("plan") or {})
    pools = {name: _hits(raw) for name, raw in (state.get("coarse") or {}).items()}
    notes: list[str] = []
    hits = deps.retriever.fine(
        user_id=user_id,
        cues=cues,
        vector=deps.retriever.embed(cues.text),
        targets=plan.targets,
        pools=pools,
        as_of=_as_of(state),
        reveal=bool(state.get("reveal_secrets")),
        notes=notes,
        key=state.get("pool"),
        budget_tokens=state.get("budget_tokens"),
    )
    ms = elapsed_ms(started)
    counts: dict[str, int] = {}
    for hit in hits:
        counts[hit.memory_type.value] = counts.get(hit.memory_type.value, 0) + 1
    log.info(
        "chat.fine_retrieved",
        user_id=user_id,
        memory_types=[t.memory_type.value for t in plan.targets],
        counts=counts,
        ms=ms,
    )
    return {
        "hits": [h.model_dump(mode="json") for h in hits],
        "notes": notes,
        "timings": {"fine": ms},
    }


def compose_node(state: ChatState, *, deps: ChatDeps) -> dict[str, Any]:
    """Render the context within budget and answer (LLM, or extractive offline)."""
    started = time.perf_counter()
    cues = cues_of(state)
    config = deps.ctx.config
    budget = state.get("budget_tokens") or config.retrieval.budget_tokens
    core = [CoreMemory.model_validate(b) for b in state.get("core") or []]
    hits = _hits(state.get("hits") or [])
    condense = config.retrieval.condense_context
    pack = build_context(core, hits, budget_tokens=budget, question=cues if condense else None)
    if config.chat.count_accesses:
        # Retention scores count accesses: record them off the latency path.
        deps.retriever.submit(
            note_hit_accesses,
            deps.ctx.store,
            validate_user_id(state.get("user_id")),
            [(h.memory_type, h.memory_id) for h in pack.refs.values()],
        )
    model = deps.ctx.chat_model
    notes: list[str] = []
    if model is None:
        draft = answer_offline(
            cues, pack, min_evidence=config.chat.min_evidence_score, now=_anchor(state)
        )
    else:
        anchor = _anchor(state)
        try:
            draft = answer_with_llm(
                model,
                load_agent(config, "chat_agent"),
                cues=cues,
                pack=pack,
                today=anchor.date().isoformat(),
            )
        except Exception as exc:  # a failing model must not lose the answer: go offline
            log.warning(
                "chat.compose_failed", user_id=state.get("user_id"), error=type(exc).__name__
            )
            notes.append(f"answer model failed ({type(exc).__name__}); offline answer used")
            draft = answer_offline(
                cues, pack, min_evidence=config.chat.min_evidence_score, now=_anchor(state)
            )
            draft = replace(draft, llm_calls=draft.llm_calls + 1)
    ms = elapsed_ms(started)
    timings = {**(state.get("timings") or {}), "compose": ms}
    state = {**state, "notes": [*(state.get("notes") or []), *notes]}
    answer = _assemble(state, draft, pack=pack, timings=timings)
    log.info(
        "chat.composed",
        user_id=state.get("user_id"),
        memory_types=sorted({c.memory_type.value for c in answer.citations}),
        in_context=len(pack.refs),
        context_tokens=pack.tokens,
        abstained=draft.abstained,
        llm_calls=draft.llm_calls,
        ms=ms,
    )
    return {
        "answer": answer.model_dump(mode="json"),
        "timings": {"compose": ms},
        "notes": notes,
        "llm_calls": draft.llm_calls,
        "llm_tokens": draft.llm_tokens,
    }


def _assemble(
    state: ChatState,
    draft: Draft,
    *,
    pack: ContextPack,
    timings: dict[str, float],
) -> Answer:
    citations = []
    for ref in draft.refs:
        hit = pack.refs[ref]
        citations.append(
            Citation(
                ref=ref,
                memory_id=hit.memory_id,
                memory_type=hit.memory_type,
                date=hit.when,
                score=hit.score,
                text=next((r.text for r in pack.ranked if r.memory_id == hit.memory_id), ""),
                source_ids=hit.source_ids,
            )
        )
    plan = TargetPlan.model_validate(state.get("plan") or {})
    raw_range = state.get("time_range")
    time_range = (
        (datetime.fromisoformat(raw_range[0]), datetime.fromisoformat(raw_range[1]))
        if raw_range
        else None
    )
    retrieval_ms = round(sum(timings.get(s, 0.0) for s in RETRIEVAL_STEPS), 3)
    return Answer(
        text=draft.text,
        abstained=draft.abstained,
        citations=citations,
        trace=RetrievalTrace(
            selection=state.get("selection", "offline"),  # type: ignore[arg-type]
            stores=[t.memory_type for t in plan.targets],
            queries=plan.targets,
            coarse_counts={k: len(v) for k, v in (state.get("coarse") or {}).items()},
            time_range=time_range,
            cues=list(cues_of(state).labels),
            notes=list(state.get("notes") or []),
        ),
        context=pack.text,
        context_tokens=pack.tokens,
        retrieved=pack.ranked,
        llm_calls=int(state.get("llm_calls") or 0) + draft.llm_calls,
        llm_tokens=int(state.get("llm_tokens") or 0) + draft.llm_tokens,
        latency=Latency(
            retrieval_ms=retrieval_ms,
            total_ms=round(sum(timings.values()), 3),
            steps=dict(timings),
        ),
    )


def update_node(state: ChatState, *, deps: ChatDeps) -> dict[str, Any]:
    """Interactive update: send the exchange back through the write path (when on)."""
    wanted = state.get("interactive_update")
    if wanted is None:  # off unless configured: it would add model calls to the user's wait
        wanted = deps.ctx.config.chat.interactive_update
    answer = dict(state.get("answer") or {})
    if not wanted or deps.add is None or not answer:
        return {}
    started = time.perf_counter()
    user_id = validate_user_id(state.get("user_id"))
    exchange: list[dict[str, Any]] = [{"role": "user", "content": question_of(state)}]
    if not answer.get("abstained"):
        exchange.append({"role": "assistant", "content": str(answer.get("text", ""))})
    receipt = deps.add(exchange, user_id)
    ms = elapsed_ms(started)
    steps = {**answer["latency"]["steps"], "update": ms}
    answer["latency"] = {
        **answer["latency"],
        "steps": steps,
        "total_ms": round(sum(steps.values()), 3),
    }
    answer["updated_ids"] = receipt.ids()
    answer["llm_calls"] = int(answer.get("llm_calls", 0)) + receipt.llm_calls
    answer["llm_tokens"] = int(answer.get("llm_tokens", 0)) + receipt.llm_tokens
    log.info(
        "chat.updated",
        user_id=user_id,
        memory_types=[t.value for t in receipt.routed],
        count=len(receipt.ids()),
        ms=ms,
    )
    return {"answer": answer, "timings": {"update": ms}}


def answer_from_output(output: dict[str, Any]) -> Answer:
    """The :class:`Answer` inside a chat graph's output."""
    return Answer.model_validate(output["answer"])
