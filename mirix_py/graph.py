"""Assembly of the write graph from the config and the manager registry (one wiring site).

::

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

from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from mirix_py.agents import load_write_agents
from mirix_py.context import MemoryContext
from mirix_py.managers.llm_loop import ModelGate
from mirix_py.managers.meta import MetaManager, manager_node
from mirix_py.managers.specialist import SpecialistManager
from mirix_py.managers.state import WriteInput, WriteOutput, WriteState
from mirix_py.managers.vectors import VectorCache

WriteGraph = CompiledStateGraph[WriteState, None, WriteInput, WriteOutput]


def build_write_graph(
    ctx: MemoryContext, checkpointer: BaseCheckpointSaver[Any] | None = None
) -> WriteGraph:
    """The compiled write graph for ``ctx``.

    Invoke it with ``{"messages": [...], "user_id": "..."}`` (optionally
    ``occurred_at`` as an ISO string and ``run_id``); it returns
    ``{"receipt": {...}}`` (a :class:`~mirix_py.receipts.WriteReceipt` as a dict).
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
