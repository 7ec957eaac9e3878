"""A scripted tool-calling chat model for the reflection agent (no network)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.fake_chat_models import FakeMessagesListChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatResult
from pydantic import Field

_ids = itertools.count(1)


def call(tool: str, /, **args: Any) -> dict[str, Any]:
    """One tool call."""
    return {"name": tool, "args": args, "id": f"call_{next(_ids)}", "type": "tool_call"}


def reply(*calls: dict[str, Any]) -> AIMessage:
    """An AI message carrying tool calls."""
    return AIMessage(content="", tool_calls=list(calls))  # type: ignore[arg-type]


class ToolScript(FakeMessagesListChatModel):
    """Answers from its list in order; records every prompt; ignores the bound tools."""

    prompts: list[list[BaseMessage]] = Field(default_factory=list)
    bound: list[list[str]] = Field(default_factory=list)

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> ToolScript:  # type: ignore[override]
        """The fakes raise NotImplementedError here; the script just answers."""
        from langchain_core.utils.function_calling import convert_to_openai_tool

        self.bound.append([convert_to_openai_tool(t)["function"]["name"] for t in tools])
        return self

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        self.prompts.append(list(messages))
        return super()._generate(messages, stop, run_manager, **kwargs)
