"""A real small model behind llama.cpp's OpenAI-compatible server (see ``local_model.py``).

Tests here are marked ``llm_local``; CI runs them. When the server cannot start
(weights or ``xllamacpp`` not installed, no AVX2 …) they are skipped with the
reason shown in pytest's summary — never silently. Set ``MIRIX_PY_LLM_RECORD=1``
to save the model's raw replies under ``recorded/`` as regression fixtures.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.outputs import LLMResult

from tests.llm_local.local_model import LocalServer, Unavailable, start_server

RECORDED = Path(__file__).with_name("recorded")


@pytest.fixture(scope="session")
def local_llm() -> Iterator[LocalServer]:
    """The running server (session-wide: loading the weights takes seconds)."""
    try:
        server = start_server()
    except Unavailable as exc:
        pytest.skip(f"local LLM server unavailable: {exc}")
    yield server
    server.close()


@pytest.fixture
def openai_env(local_llm: LocalServer, monkeypatch: pytest.MonkeyPatch) -> LocalServer:
    """``OPENAI_BASE_URL`` pointing at the server (and a placeholder key it ignores)."""
    monkeypatch.setenv("OPENAI_BASE_URL", local_llm.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-local-test-not-a-secret")
    return local_llm


class Recorder(BaseCallbackHandler):
    """Keeps each reply's tool calls and text (saved when ``MIRIX_PY_LLM_RECORD`` is set)."""

    def __init__(self) -> None:
        self.replies: list[dict[str, Any]] = []

    def on_llm_end(self, response: LLMResult, **kwargs: Any) -> None:
        """Record one reply."""
        for generations in response.generations:
            for gen in generations:
                message = getattr(gen, "message", None)
                self.replies.append(
                    {
                        "content": str(getattr(message, "content", gen.text)),
                        "tool_calls": [
                            {"name": c["name"], "args": c["args"]}
                            for c in getattr(message, "tool_calls", [])
                        ],
                        "invalid_tool_calls": len(getattr(message, "invalid_tool_calls", [])),
                    }
                )

    def save(self, name: str, server: LocalServer) -> None:
        """Write the replies to ``recorded/<name>.json`` when recording is on."""
        if not os.environ.get("MIRIX_PY_LLM_RECORD"):
            return
        RECORDED.mkdir(exist_ok=True)
        data = {"model": server.weights.name, "replies": self.replies}
        (RECORDED / f"{name}.json").write_text(json.dumps(data, indent=1) + "\n")
