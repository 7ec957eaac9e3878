"""The chat agent: retrieval (coarse → select → fine), composition and its LangGraph graph.

Use it through :meth:`MemorySystem.chat <mirix_py.MemorySystem.chat>` or
``system.chat_graph``; :func:`build_chat_graph` assembles the graph from a
:class:`~mirix_py.context.MemoryContext`.
"""

from mirix_py.chat.answer import NOT_MENTIONED
from mirix_py.chat.graph import (
    ChatDeps,
    ChatInput,
    ChatOutput,
    ChatState,
    answer_from_output,
    build_chat_graph,
)
from mirix_py.chat.models import (
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
