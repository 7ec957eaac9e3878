"""One model call with tools, retried a bounded number of times on malformed calls."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TypeVar

import structlog
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from pydantic import BaseModel

from mirix_py.agents import AgentSpec
from mirix_py.errors import ExtractionError
from mirix_py.managers.tools import ToolCallsInvalid
from mirix_py.managers.usage import UsageCounter

log = structlog.get_logger(__name__)

T = TypeVar("T")


def call_with_tools(
    model: BaseChatModel,
    agent: AgentSpec,
    tools: Sequence[type[BaseModel]],
    *,
    system: str,
    task: str,
    parse: Callable[[AIMessage], T],
    max_retries: int,
    counter: UsageCounter,
    user_id: str,
) -> T:
    """Ask ``model`` (bound to ``tools``) and parse its tool calls.

    When ``parse`` raises :class:`ToolCallsInvalid`, the errors go back to the
    model as tool results plus the agent's ``retry`` instruction, up to
    ``max_retries`` more times; then :class:`ExtractionError` is raised (the
    caller falls back to offline extraction). Errors from the model itself
    propagate unchanged.
    """
    bound = model.bind_tools(list(tools))
    messages: list[BaseMessage] = [SystemMessage(system), HumanMessage(task)]
    last: ToolCallsInvalid | None = None
    for attempt in range(max_retries + 1):
        started = time.perf_counter()
        reply = bound.invoke(messages, config={"callbacks": [counter]})
        if not isinstance(reply, AIMessage):
            raise ExtractionError(f"{agent.name}: the model returned {type(reply).__name__}")
        try:
            result = parse(reply)
        except ToolCallsInvalid as exc:
            last = exc
            log.warning(
                "llm.tool_calls_invalid",
                agent=agent.name,
                user_id=user_id,
                attempt=attempt + 1,
                errors=[e.message for e in exc.errors][:5],
                ms=round((time.perf_counter() - started) * 1000, 1),
            )
            messages.extend([reply, *_feedback(reply, exc)])
            messages.append(HumanMessage(agent.render_retry(errors=str(exc))))
            continue
        log.debug(
            "llm.tool_calls_ok",
            agent=agent.name,
            user_id=user_id,
            attempt=attempt + 1,
            calls=len(reply.tool_calls),
            ms=round((time.perf_counter() - started) * 1000, 1),
        )
        return result
    raise ExtractionError(
        f"{agent.name}: tool calls still invalid after {max_retries + 1} attempt(s): {last}"
    )


def _feedback(reply: AIMessage, exc: ToolCallsInvalid) -> list[ToolMessage]:
    """One tool result per call id in ``reply`` (APIs require an answer to each call)."""
    by_id: dict[str, list[str]] = {}
    for err in exc.errors:
        if err.call_id:
            by_id.setdefault(err.call_id, []).append(err.message)
    ids = [c.get("id") for c in reply.tool_calls] + [c.get("id") for c in reply.invalid_tool_calls]
    return [
        ToolMessage(
            content="error: " + "; ".join(by_id[cid]) if cid in by_id else "not applied",
            tool_call_id=cid,
            status="error" if cid in by_id else "success",
        )
        for cid in ids
        if cid
    ]
