"""One model call with tools: forced, gated, retried within bounds, never silently empty.

* The tool call is **forced** (``tool_choice``: the one tool's name, or ``"any"``
  when the agent has several) where the provider allows it.
* A reply with **no tool call** (prose, an empty message) is invalid, like a
  malformed call: the problem goes back to the model with the agent's ``retry``
  instruction, up to ``max_retries`` more times.
* **Provider faults** (timeouts, rate limits, 5xx, connection errors) are retried
  with exponential backoff up to ``max_retries`` times; other model errors are not.
* A :class:`ModelGate` caps how many model calls run at once (the managers of a
  batch run in parallel; ``llm.max_concurrency``).

When the bounds are spent, :class:`ModelUnavailable` (a provider fault) or
:class:`~mirix_py.errors.ExtractionError` (unusable replies) is raised and the
caller falls back to the offline extractor for that memory type.

Prompts are split for real models and provider prefix caching: the system
message holds the agent's stable instructions only; the date, the data (existing
memories, the input) and the task go in the human message, each inside
``<tag>…</tag>`` delimiters (see :func:`human_message`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import structlog
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.runnables import Runnable
from pydantic import BaseModel

from mirix_py._agents import AgentSpec
from mirix_py._log_scrub import scrub_detail
from mirix_py._managers.usage import UsageCounter
from mirix_py.errors import (
    ExtractionError,
    ModelUnavailable,
    ToolCallsInvalid,
    ToolError,
)

log = structlog.get_logger(__name__)

T = TypeVar("T")

_TRANSIENT_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504, 529})
_TRANSIENT_NAMES = (
    "timeout",
    "connection",
    "ratelimit",
    "internalserver",
    "serviceunavailable",
    "overloaded",
    "apiconnection",
)


class ModelGate:
    """A cap on concurrent model calls (shared by the managers of one write graph)."""

    def __init__(self, limit: int) -> None:
        self.limit = max(1, limit)
        self._semaphore = threading.BoundedSemaphore(self.limit)

    def __enter__(self) -> ModelGate:
        self._semaphore.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self._semaphore.release()


def is_transient(exc: BaseException) -> bool:
    """True for timeouts, rate limits, 5xx and connection errors, whichever SDK raised them."""
    if isinstance(exc, TimeoutError | ConnectionError):
        return True
    status = getattr(exc, "status_code", None)
    if status is None:
        status = getattr(getattr(exc, "response", None), "status_code", None)
    if isinstance(status, int):
        return status in _TRANSIENT_STATUS or status >= 500
    name = type(exc).__name__.lower()
    return any(word in name for word in _TRANSIENT_NAMES)


def fence(text: str, tag: str) -> str:
    """Wrap data in ``<tag>…</tag>``; a closing tag inside the data is neutralised."""
    safe = text.replace(f"</{tag}>", f"</ {tag}>").replace(f"<{tag}>", f"< {tag}>")
    return f"<{tag}>\n{safe}\n</{tag}>"


def human_message(date: str, sections: Mapping[str, str], task: str) -> str:
    """The human turn: the date, each data section inside its tags, then the task."""
    parts = [f"Today is {date}."] if date else []
    parts += [fence(text, tag) for tag, text in sections.items()]
    parts.append(task)
    return "\n\n".join(parts)


def bind_forced(model: BaseChatModel, tools: Sequence[type[BaseModel]]) -> Runnable[Any, Any]:
    """``model.bind_tools(tools)`` with a forced tool call where the provider allows it.

    ``"any"`` (OpenAI's ``"required"``, Anthropic's ``"any"``) rather than a tool's
    name: OpenAI-compatible servers (llama.cpp, vLLM, Ollama) often accept only
    that form, and with one tool bound it forces that tool anyway.
    """
    try:
        return model.bind_tools(list(tools), tool_choice="any")
    except (TypeError, ValueError, NotImplementedError):
        return model.bind_tools(list(tools))


def invoke_with_backoff(
    bound: Runnable[Any, Any],
    messages: list[BaseMessage],
    *,
    counter: UsageCounter,
    retries: int,
    backoff: float,
    gate: ModelGate | None,
    agent: str,
    user_id: str,
) -> Any:
    """One model call; provider faults are retried with exponential backoff.

    Raises :class:`ModelUnavailable` when the faults persist past ``retries``;
    other errors from the model propagate.
    """
    for attempt in range(retries + 1):
        try:
            if gate is None:
                return bound.invoke(messages, config={"callbacks": [counter]})
            with gate:
                return bound.invoke(messages, config={"callbacks": [counter]})
        except Exception as exc:
            if not is_transient(exc):
                raise
            log.warning(
                "llm.provider_fault",
                agent=agent,
                user_id=user_id,
                attempt=attempt + 1,
                error=f"{type(exc).__name__}: {scrub_detail(str(exc)[:200])}",
            )
            if attempt == retries:
                raise ModelUnavailable(
                    f"{agent}: the model failed {retries + 1} time(s) "
                    f"({type(exc).__name__}: {scrub_detail(str(exc)[:200])})"
                ) from exc
            time.sleep(backoff * (2**attempt))
    raise AssertionError("unreachable")  # pragma: no cover


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
    backoff: float = 0.5,
    gate: ModelGate | None = None,
) -> T:
    """Ask ``model`` (bound to ``tools``, a call forced) and parse its tool calls.

    When ``parse`` raises :class:`ToolCallsInvalid`, or the reply has no tool
    call at all, the problem goes back to the model as tool results plus the
    agent's ``retry`` instruction, up to ``max_retries`` more times; then
    :class:`ExtractionError` is raised (the caller falls back to offline
    extraction). Provider faults are retried by :func:`invoke_with_backoff`.
    """
    bound = bind_forced(model, tools)
    names = [t.__name__ for t in tools]
    messages: list[BaseMessage] = [SystemMessage(system), HumanMessage(task)]
    last: ToolCallsInvalid | None = None
    for attempt in range(max_retries + 1):
        started = time.perf_counter()
        reply = invoke_with_backoff(
            bound,
            messages,
            counter=counter,
            retries=max_retries,
            backoff=backoff,
            gate=gate,
            agent=agent.name,
            user_id=user_id,
        )
        if not isinstance(reply, AIMessage):
            raise ExtractionError(f"{agent.name}: the model returned {type(reply).__name__}")
        try:
            if not reply.tool_calls and not reply.invalid_tool_calls:
                prose = " ".join(reply.text.split())[:80]
                said = f"text: {prose!r}" if prose else "empty"
                raise ToolCallsInvalid(
                    [
                        ToolError(
                            None,
                            f"the reply made no tool call ({said}); "
                            f"answer only by calling one of {names}",
                        )
                    ]
                )
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
