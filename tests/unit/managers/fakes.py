"""Test doubles for the LLM mode: scripted tool-calling chat models (no network)."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.fake_chat_models import FakeMessagesListChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatResult
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import Field, PrivateAttr

_ids = itertools.count(1)


def call(tool: str, /, **args: Any) -> dict[str, Any]:
    """One tool call dict (arguments as keywords; ``name`` is allowed as an argument)."""
    return {"name": tool, "args": args, "id": f"call_{next(_ids)}", "type": "tool_call"}


def reply(*calls: dict[str, Any], tokens: int = 0) -> AIMessage:
    """An AI message carrying tool calls (and optional token usage)."""
    usage = (
        {"input_tokens": tokens - tokens // 4, "output_tokens": tokens // 4, "total_tokens": tokens}
        if tokens
        else None
    )
    return AIMessage(content="", tool_calls=list(calls), usage_metadata=usage)  # type: ignore[arg-type]


class ToolScript(FakeMessagesListChatModel):
    """A fake that answers from its list and ignores the tools bound to it."""

    barrier: Any = None
    error: Any = None
    _record: list[list[BaseMessage]] | None = PrivateAttr(default=None)

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> ToolScript:  # type: ignore[override]
        """The fakes raise NotImplementedError here; a script just answers."""
        return self

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        if self._record is not None:
            self._record.append(list(messages))
        if self.barrier is not None:
            self.barrier.wait()
        if self.error is not None:
            raise self.error
        return super()._generate(messages, stop, run_manager, **kwargs)


class ScriptedToolModel(FakeMessagesListChatModel):
    """A chat model whose answers depend on which agent is calling.

    ``scripts`` maps a tool name (``route_memory``, ``insert_semantic``,
    ``record_memories`` …) to the replies for the agent whose bound tools include
    it, so concurrent managers each get their own deterministic script.
    ``barriers`` makes the named scripts wait for each other (proof of concurrency);
    ``errors`` makes the named scripts raise.
    """

    responses: list[BaseMessage] = Field(default_factory=list)
    scripts: dict[str, list[BaseMessage]] = Field(default_factory=dict)
    barriers: dict[str, Any] = Field(default_factory=dict)
    errors: dict[str, Any] = Field(default_factory=dict)
    _children: dict[str, ToolScript] = PrivateAttr(default_factory=dict)
    _lock: Any = PrivateAttr(default_factory=threading.Lock)
    prompts: dict[str, list[list[BaseMessage]]] = Field(default_factory=dict)

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> ToolScript:  # type: ignore[override]
        """The script of the agent that owns these tools."""
        names = {convert_to_openai_tool(t)["function"]["name"] for t in tools}
        with self._lock:
            for key, replies in self.scripts.items():
                if key in names:
                    if key not in self._children:
                        log: list[list[BaseMessage]] = []
                        self.prompts[key] = log
                        child = ToolScript(
                            responses=replies or [AIMessage(content="")],
                            barrier=self.barriers.get(key),
                            error=self.errors.get(key),
                        )
                        child._record = log
                        self._children[key] = child
                    return self._children[key]
        raise AssertionError(f"no script for an agent with tools {sorted(names)}")

    def calls_made(self, key: str) -> int:
        """How many times the agent scripted under ``key`` was called."""
        return len(self.prompts.get(key, []))
