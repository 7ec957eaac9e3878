"""Counting model calls and tokens with a langchain-core callback."""

from __future__ import annotations

import threading
from typing import Any
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, LLMResult


class UsageCounter(BaseCallbackHandler):
    """Counts chat-model calls and tokens (from ``usage_metadata`` or ``llm_output``).

    A call counts when it starts, so calls that fail (timeouts, HTTP errors,
    replies that are later rejected) are counted too: ``calls`` is what was
    paid for, not what succeeded. ``prompt_tokens`` is the input side alone.
    """

    def __init__(self) -> None:
        self.calls = 0
        self.failed = 0
        self.tokens = 0
        self.prompt_tokens = 0
        self._lock = threading.Lock()

    def on_chat_model_start(
        self,
        serialized: dict[str, Any],
        messages: list[list[BaseMessage]],
        *,
        run_id: UUID,
        **kwargs: Any,
    ) -> None:
        """One model call begins."""
        with self._lock:
            self.calls += 1

    def on_llm_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        """One model call failed (it was still made)."""
        with self._lock:
            self.failed += 1

    def on_llm_end(self, response: LLMResult, **kwargs: Any) -> None:
        """One finished model call: add its tokens."""
        tokens = prompt = 0
        for generations in response.generations:
            for gen in generations:
                if isinstance(gen, ChatGeneration) and isinstance(gen.message, AIMessage):
                    usage = gen.message.usage_metadata
                    if usage:
                        tokens += int(usage.get("total_tokens", 0))
                        prompt += int(usage.get("input_tokens", 0))
        if not tokens and response.llm_output:
            usage_out = response.llm_output.get("token_usage") or {}
            tokens = int(usage_out.get("total_tokens", 0) or 0)
            prompt = int(usage_out.get("prompt_tokens", 0) or 0)
        with self._lock:
            self.tokens += tokens
            self.prompt_tokens += prompt
