"""Counting model calls and tokens with a langchain-core callback."""

from __future__ import annotations

import threading
from typing import Any

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import AIMessage
from langchain_core.outputs import ChatGeneration, LLMResult


class UsageCounter(BaseCallbackHandler):
    """Counts chat-model calls and tokens (from ``usage_metadata`` or ``llm_output``)."""

    def __init__(self) -> None:
        self.calls = 0
        self.tokens = 0
        self._lock = threading.Lock()

    def on_llm_end(self, response: LLMResult, **kwargs: Any) -> None:
        """One finished model call."""
        tokens = 0
        for generations in response.generations:
            for gen in generations:
                if isinstance(gen, ChatGeneration) and isinstance(gen.message, AIMessage):
                    usage = gen.message.usage_metadata
                    if usage:
                        tokens += int(usage.get("total_tokens", 0))
        if not tokens and response.llm_output:
            usage_out = response.llm_output.get("token_usage") or {}
            tokens = int(usage_out.get("total_tokens", 0) or 0)
        with self._lock:
            self.calls += 1
            self.tokens += tokens
