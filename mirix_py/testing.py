"""Test doubles for the LLM mode: scripted tool-calling chat models (no network).

They ship with the library (as pydantic-ai ships its test models) so that tests,
benchmarks and users' own tests drive the LLM mode the same way:

- :class:`ToolScript` answers from its list in order (or from :meth:`ToolScript.answer`),
  records every prompt and the names of the tools bound to it, and can wait on a
  barrier or raise;
- :class:`ScriptedToolModel` gives each agent its own script, chosen by the tools
  the agent binds (``route_memory``, ``insert_semantic``, ``record_memories`` …);
- :func:`tool_call` and :func:`tool_reply` build the scripted replies.

langchain-core's fakes raise ``NotImplementedError`` in ``bind_tools``; these bind
by recording (``ToolScript``) or by choosing a script (``ScriptedToolModel``).
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.fake_chat_models import FakeMessagesListChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatResult
from langchain_core.runnables import Runnable
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import Field, PrivateAttr

_ids = itertools.count(1)


def tool_call(tool: str, /, **args: Any) -> dict[str, Any]:
    """One tool call dict (arguments as keywords; ``name`` is allowed as an argument)."""
    return {"name": tool, "args": args, "id": f"call_{next(_ids)}", "type": "tool_call"}


def tool_reply(*calls: dict[str, Any], tokens: int = 0) -> AIMessage:
    """An AI message carrying tool calls (and optional token usage)."""
    usage = (
        {"input_tokens": tokens - tokens // 4, "output_tokens": tokens // 4, "total_tokens": tokens}
        if tokens
        else None
    )
    return AIMessage(content="", tool_calls=list(calls), usage_metadata=usage)


def _silent_reply() -> list[BaseMessage]:
    return [AIMessage(content="")]


def tool_names(tools: Sequence[Any]) -> list[str]:
    """The names the tools are bound under (as a provider sees them)."""
    return [convert_to_openai_tool(t)["function"]["name"] for t in tools]


class ToolScript(FakeMessagesListChatModel):
    """Answers from its list in order; records every prompt and the tools bound."""

    responses: list[BaseMessage] = Field(default_factory=_silent_reply)
    prompts: list[list[BaseMessage]] = Field(default_factory=list)
    bound: list[list[str]] = Field(default_factory=list)
    barrier: Any = None
    """A ``threading.Barrier`` every call waits on (proof of concurrency)."""
    error: Any = None
    """An exception every call raises."""

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> ToolScript | Runnable[Any, Any]:
        """Record the tool names; the script answers regardless of them."""
        self.bound.append(tool_names(tools))
        return self

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        self.prompts.append(list(messages))
        if self.barrier is not None:
            self.barrier.wait()
        if self.error is not None:
            raise self.error
        return self.answer(messages, stop, run_manager, **kwargs)

    def answer(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None,
        run_manager: CallbackManagerForLLMRun | None,
        **kwargs: Any,
    ) -> ChatResult:
        """The next scripted reply (override for replies computed from the call)."""
        return super()._generate(messages, stop, run_manager, **kwargs)


class ScriptedToolModel(FakeMessagesListChatModel):
    """A chat model whose answers depend on which agent is calling.

    ``scripts`` maps a tool name to the replies for the agent whose bound tools
    include it, so concurrent managers each get their own deterministic script.
    ``barriers`` makes the named scripts wait for each other; ``errors`` makes the
    named scripts raise. ``prompts[key]`` holds the prompts each script received.
    """

    responses: list[BaseMessage] = Field(default_factory=list)
    scripts: dict[str, list[BaseMessage]] = Field(default_factory=dict)
    barriers: dict[str, Any] = Field(default_factory=dict)
    errors: dict[str, Any] = Field(default_factory=dict)
    prompts: dict[str, list[list[BaseMessage]]] = Field(default_factory=dict)
    _children: dict[str, ToolScript] = PrivateAttr(default_factory=dict)
    _lock: Any = PrivateAttr(default_factory=threading.Lock)

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> ToolScript:
        """The script of the agent that owns these tools."""
        names = set(tool_names(tools))
        with self._lock:
            for key, replies in self.scripts.items():
                if key in names:
                    if key not in self._children:
                        child = ToolScript(
                            responses=replies or [AIMessage(content="")],
                            barrier=self.barriers.get(key),
                            error=self.errors.get(key),
                        )
                        self.prompts[key] = child.prompts
                        self._children[key] = child
                    return self._children[key]
        raise AssertionError(f"no script for an agent with tools {sorted(names)}")

    def calls_made(self, key: str) -> int:
        """How many times the agent scripted under ``key`` was called."""
        return len(self.prompts.get(key, []))


__all__ = [
    "ScriptedToolModel",
    "ToolScript",
    "tool_call",
    "tool_names",
    "tool_reply",
]
