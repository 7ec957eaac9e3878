"""The chat agent: retrieval (coarse → select → fine), composition and its LangGraph graph.

Use it through :meth:`MemorySystem.chat <mirix_py.MemorySystem.chat>` or
``system.chat_graph``; :func:`build_chat_graph` assembles the graph from a
:class:`~mirix_py._context.MemoryContext`.

The names below are imported on first use (PEP 562), so importing a light
submodule such as ``mirix_py._chat.models`` does not load the graph.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mirix_py._chat.draft import NOT_MENTIONED
    from mirix_py._chat.graph import (
        ChatDeps,
        ChatInput,
        ChatOutput,
        ChatState,
        answer_from_output,
    )
    from mirix_py._chat.models import (
        Answer,
        Citation,
        ComposedAnswer,
        Latency,
        RetrievalTrace,
        RetrievedMemory,
        ScoreBreakdown,
        TargetPlan,
        TargetQuery,
    )
    from mirix_py._graph import build_chat_graph

_EXPORTS: dict[str, str] = {
    "NOT_MENTIONED": "mirix_py._chat.draft",
    "ChatDeps": "mirix_py._chat.graph",
    "ChatInput": "mirix_py._chat.graph",
    "ChatOutput": "mirix_py._chat.graph",
    "ChatState": "mirix_py._chat.graph",
    "answer_from_output": "mirix_py._chat.graph",
    "build_chat_graph": "mirix_py._graph",
    "Answer": "mirix_py._chat.models",
    "Citation": "mirix_py._chat.models",
    "ComposedAnswer": "mirix_py._chat.models",
    "Latency": "mirix_py._chat.models",
    "RetrievalTrace": "mirix_py._chat.models",
    "RetrievedMemory": "mirix_py._chat.models",
    "ScoreBreakdown": "mirix_py._chat.models",
    "TargetPlan": "mirix_py._chat.models",
    "TargetQuery": "mirix_py._chat.models",
}

__all__ = [
    "NOT_MENTIONED",
    "Answer",
    "ChatDeps",
    "ChatInput",
    "ChatOutput",
    "ChatState",
    "Citation",
    "ComposedAnswer",
    "Latency",
    "RetrievalTrace",
    "RetrievedMemory",
    "ScoreBreakdown",
    "TargetPlan",
    "TargetQuery",
    "answer_from_output",
    "build_chat_graph",
]


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first access."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'mirix_py._chat' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
