"""Graph factories for the LangGraph server (``langgraph dev`` reads ``langgraph.json``).

``langgraph.json`` at the repository root names :func:`write_graph` and
:func:`chat_graph` by module path (``mirix_py._server.langgraph_entry:…``), so
``langgraph dev --config /path/to/langgraph.json`` works from any folder. Each
factory builds (once per process) a :class:`MemorySystem` from the default
configuration — ``MIRIX_PY_CONFIG``, ``MIRIX_PY_HOME`` and the other
``MIRIX_PY_*`` variables — and returns its compiled graph. Nothing runs at
import time: the system is built on the first call.

The factories are coroutines that build the system in a worker thread: opening
LanceDB, creating folders and reading agent files are blocking calls, which the
LangGraph server refuses on its event loop (``BlockingError``). The server owns
logging: the factories do not configure it.

Inputs: the write graph takes ``{"messages": [...], "user_id": "..."}`` and
returns ``{"receipt": {...}}``; the chat graph takes ``{"question": "...",
"user_id": "..."}`` and returns ``{"answer": {...}}``.

The LangGraph server does not know mirix-py's API keys: whoever can call it can
name any ``user_id``. Keep ``langgraph dev`` on loopback, and put LangGraph's own
authentication (``auth`` in ``langgraph.json``) in front of a deployment.
"""

from __future__ import annotations

import asyncio
import functools
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from langchain_core.runnables import RunnableConfig
    from langgraph.graph.state import CompiledStateGraph

    from mirix_py._system import MemorySystem


@functools.cache
def default_system() -> MemorySystem:
    """The process's memory system, built from the default config on first use (blocking)."""
    from mirix_py._config import load_config
    from mirix_py._system import MemorySystem

    return MemorySystem(load_config())


def _write_graph() -> CompiledStateGraph[Any, Any, Any, Any]:
    return default_system().write_graph


def _chat_graph() -> CompiledStateGraph[Any, Any, Any, Any]:
    return default_system().chat_graph


async def write_graph(
    config: RunnableConfig | None = None,
) -> CompiledStateGraph[Any, Any, Any, Any]:
    """The compiled write graph (meta memory manager and the memory managers)."""
    return await asyncio.to_thread(_write_graph)


async def chat_graph(
    config: RunnableConfig | None = None,
) -> CompiledStateGraph[Any, Any, Any, Any]:
    """The compiled chat graph (retrieval and answer)."""
    return await asyncio.to_thread(_chat_graph)
