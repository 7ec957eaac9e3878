"""The one wiring site: the write, chat and consolidation graphs are assembled here from
the config and the memory-type registry; their nodes live in ``managers/``, ``chat/``
and ``consolidation/``.

The write graph::

    START → normalize → retrieve → route ─┬─ Send → core_manager ──────┐
                                          ├─ Send → episodic_manager ──┤
                                          ├─ … (enabled types only) ──┤→ join → END
                                          └─ (nothing routed) ─────────┘

A disabled memory type has no manager node and cannot be routed. The graph's
state holds only JSON-ready values, so it works with any LangGraph checkpointer;
the store, embedder and chat model come from the :class:`MemoryContext` given
here, never from the state. The state does carry the batch's raw messages (the
knowledge-vault manager reads them), so a persistent checkpointer for inputs that
may hold secrets should use an encrypting serializer
(``langgraph.checkpoint.serde.encrypted.EncryptedSerializer``).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Checkpointer

from mirix_py._agents import load_agent, load_write_agents
from mirix_py._chat.graph import (
    AddFn,
    ChatDeps,
    ChatInput,
    ChatOutput,
    ChatState,
    coarse_node,
    compose_node,
    fine_node,
    select_node,
    update_node,
)
from mirix_py._consolidation.graph import (
    ConsolidationInput,
    ConsolidationOutput,
    ConsolidationState,
    Consolidator,
)
from mirix_py._consolidation.reflection import AGENT_NAME
from mirix_py._context import MemoryContext
from mirix_py._managers.llm_loop import ModelGate
from mirix_py._managers.meta import MetaManager, manager_node
from mirix_py._managers.specialist import SpecialistManager
from mirix_py._managers.state import WriteInput, WriteOutput, WriteState
from mirix_py._managers.vectors import VectorCache

WriteGraph = CompiledStateGraph[WriteState, None, WriteInput, WriteOutput]


def build_write_graph(
    ctx: MemoryContext, checkpointer: BaseCheckpointSaver[Any] | None = None
) -> WriteGraph:
    """The compiled write graph for ``ctx``.

    Invoke it with ``{"messages": [...], "user_id": "..."}`` (optionally
    ``occurred_at`` as an ISO string and ``run_id``); it returns
    ``{"receipt": {...}}`` (a :class:`~mirix_py._receipts.WriteReceipt` as a dict).
    In LLM mode the agent files are loaded (and checked) here.
    """
    enabled = tuple(ctx.config.memory.enabled)
    agents = None if ctx.offline else load_write_agents(ctx.config.agents_path(), enabled)
    vectors = VectorCache(ctx.embeddings)
    gate = ModelGate(ctx.config.llm.max_concurrency)  # caps the parallel managers' model calls
    meta = MetaManager(ctx, vectors, agents, gate)
    graph = StateGraph(WriteState, input_schema=WriteInput, output_schema=WriteOutput)
    graph.add_node("normalize", meta.normalize)
    graph.add_node("retrieve", meta.retrieve)
    graph.add_node("route", meta.route)
    graph.add_node("join", meta.join)
    nodes = []
    for memory_type in enabled:
        name = manager_node(memory_type)
        graph.add_node(name, SpecialistManager(ctx, memory_type, vectors, agents, gate))
        graph.add_edge(name, "join")
        nodes.append(name)
    graph.add_edge(START, "normalize")
    graph.add_edge("normalize", "retrieve")
    graph.add_edge("retrieve", "route")
    graph.add_conditional_edges("route", meta.fan_out, [*nodes, "join"])
    graph.add_edge("join", END)
    return graph.compile(checkpointer=checkpointer, name="mirix_write")


def build_chat_graph(
    ctx: MemoryContext,
    *,
    add: AddFn | None = None,
    deps: ChatDeps | None = None,
    checkpointer: Checkpointer = None,
    name: str = "mirix_chat",
) -> CompiledStateGraph[Any, Any, Any, Any]:
    """Compile the chat graph for ``ctx``.

    ``add(messages, user_id)`` is the write path the interactive update uses
    (without it, the update step does nothing). Pass ``deps`` to share caches
    with the caller (the facade does, to invalidate them when memories change).
    ``checkpointer`` is passed to ``compile`` (the state is plain data).
    """
    deps = deps or ChatDeps(ctx=ctx, add=add)
    graph: StateGraph[Any, Any, Any, Any] = StateGraph(
        ChatState, input_schema=ChatInput, output_schema=ChatOutput
    )
    graph.add_node("coarse", partial(coarse_node, deps=deps))
    graph.add_node("select", partial(select_node, deps=deps))
    graph.add_node("fine", partial(fine_node, deps=deps))
    graph.add_node("compose", partial(compose_node, deps=deps))
    graph.add_node("update", partial(update_node, deps=deps))
    graph.add_edge(START, "coarse")
    graph.add_edge("coarse", "select")
    graph.add_edge("select", "fine")
    graph.add_edge("fine", "compose")
    graph.add_edge("compose", "update")
    graph.add_edge("update", END)
    return graph.compile(checkpointer=checkpointer, name=name)


def build_consolidation_graph(
    ctx: MemoryContext, *, checkpointer: Checkpointer = None, name: str = "mirix_consolidation"
) -> CompiledStateGraph[Any, Any, Any, Any]:
    """The compiled consolidation graph for ``ctx``.

    Invoke with ``{"user_id": "..."}`` (optionally ``run_id`` and ``now`` as an
    ISO string, the reference time for retention scores); it returns
    ``{"report": {...}}`` (a :class:`ConsolidationReport` as a dict). In LLM mode
    the reflection agent file is loaded (and checked) here.
    """
    agent = None if ctx.offline else load_agent(ctx.config.agents_path(), AGENT_NAME)
    nodes = Consolidator(ctx, agent)
    graph: StateGraph[Any, Any, Any, Any] = StateGraph(
        ConsolidationState, input_schema=ConsolidationInput, output_schema=ConsolidationOutput
    )
    graph.add_node("begin", nodes.begin)
    graph.add_node("reflect", nodes.reflect)
    graph.add_node("cleanup", nodes.cleanup)
    graph.add_node("retention", nodes.retention)
    graph.add_node("core", nodes.core)
    graph.add_node("report", nodes.report)
    graph.add_edge(START, "begin")
    for a, b in (
        ("begin", "reflect"),
        ("reflect", "cleanup"),
        ("cleanup", "retention"),
        ("retention", "core"),
        ("core", "report"),
    ):
        graph.add_edge(a, b)
    graph.add_edge("report", END)
    return graph.compile(checkpointer=checkpointer, name=name)
