"""The write graph with LangGraph checkpointers and as a subgraph of a user's own graph."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any, TypedDict

from langchain_core.messages import AIMessage, HumanMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.graph import START, StateGraph

from mirix_py._graph import build_write_graph
from mirix_py._memory import MemoryType, SemanticMemory
from mirix_py._receipts import WriteReceipt
from tests.integration.write_path.conftest import MakeSystem
from tests.integration.write_path.helpers import rows

AT = "2023-05-08T10:00:00+00:00"


def _run(graph: Any, thread: str, text: str, mid: str) -> WriteReceipt:
    out = graph.invoke(
        {
            "messages": [{"content": text, "id": mid, "name": "Alice"}],
            "user_id": "u1",
            "occurred_at": AT,
        },
        {"configurable": {"thread_id": thread}},
    )
    return WriteReceipt.model_validate(out["receipt"])


def test_in_memory_checkpointer_runs_repeatedly_on_one_thread(make_system: MakeSystem) -> None:
    system = make_system()
    saver = InMemorySaver()
    graph = build_write_graph(system.context, checkpointer=saver)
    first = _run(graph, "t1", "I work as a nurse.", "a1")
    second = _run(graph, "t1", "I live in Denver.", "a2")
    assert first.ok and second.ok
    assert second.source_ids == ["a2"]  # nothing carried over from the first run
    assert [a.memory_type for a in second.actions].count(MemoryType.EPISODIC) == 1
    state = graph.get_state({"configurable": {"thread_id": "t1"}})
    json.dumps(state.values, default=str)  # plain data only
    assert len(list(saver.list({"configurable": {"thread_id": "t1"}}))) > 2


def test_sqlite_checkpointer_state_survives_reopening(
    make_system: MakeSystem, tmp_path: Path
) -> None:
    system = make_system()
    path = tmp_path / "checkpoints.sqlite"
    with sqlite3.connect(path, check_same_thread=False) as conn:
        graph = build_write_graph(system.context, checkpointer=SqliteSaver(conn))
        receipt = _run(graph, "s1", "I work as a nurse.", "a1")
    assert receipt.ok
    with sqlite3.connect(path, check_same_thread=False) as conn:
        graph = build_write_graph(system.context, checkpointer=SqliteSaver(conn))
        state = graph.get_state({"configurable": {"thread_id": "s1"}})
    saved = WriteReceipt.model_validate(state.values["receipt"])
    assert saved.run_id == receipt.run_id and saved.ids() == receipt.ids()


class Parent(TypedDict, total=False):
    messages: list[Any]
    user_id: str
    receipt: dict[str, Any]
    answer: str


def test_write_graph_as_a_node_of_a_parent_graph(make_system: MakeSystem) -> None:
    system = make_system()

    def respond(state: Parent) -> dict[str, Any]:
        receipt = WriteReceipt.model_validate(state["receipt"])
        return {"answer": f"remembered {len(receipt.ids())} memories"}

    parent = StateGraph(Parent)
    parent.add_node("remember", system.write_graph)
    parent.add_node("respond", respond)
    parent.add_edge(START, "remember")
    parent.add_edge("remember", "respond")
    app = parent.compile()
    out = app.invoke(
        {
            "messages": [
                HumanMessage("I work as a nurse at the city hospital.", id="h1", name="Alice"),
                AIMessage("Good to know!", id="a1"),
            ],
            "user_id": "u1",
        }
    )
    assert out["answer"].startswith("remembered")
    facts = [r for r in rows(system, "u1", "semantic") if isinstance(r, SemanticMemory)]
    assert [(f.name, f.summary, f.source_ids) for f in facts] == [
        ("Alice", "works as a nurse at the city hospital", ["h1"])
    ]
    actors = sorted(r.actor for r in rows(system, "u1", "episodic"))  # type: ignore[attr-defined]
    assert actors == ["Alice", "assistant"]
