"""``system.chat_graph`` as a compiled graph: a node of a user's own graph, streamable,
checkpointable, and fed by ``messages``."""

from __future__ import annotations

import json
from typing import Annotated, Any, TypedDict

from langchain_core.messages import AIMessage, AnyMessage, HumanMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.message import add_messages

from mirix_py._chat import Answer, answer_from_output, build_chat_graph
from mirix_py._system import MemorySystem
from tests.integration.read_path.conftest import ANN


def test_chat_graph_is_a_node_of_a_users_graph(ann_shared: MemorySystem) -> None:
    class AppState(TypedDict, total=False):
        question: str
        user_id: str
        answer: dict[str, Any]
        reply: str

    def reply(state: AppState) -> AppState:
        return {"reply": f"Memory says: {state['answer']['text']}"}

    graph = StateGraph(AppState)
    graph.add_node("memory", ann_shared.chat_graph)
    graph.add_node("reply", reply)
    graph.add_edge(START, "memory")
    graph.add_edge("memory", "reply")
    graph.add_edge("reply", END)
    app = graph.compile()
    out = app.invoke({"question": "When did Ann go hiking in Sintra?", "user_id": ANN})
    assert out["reply"] == "Memory says: 19 May 2024"
    assert Answer.model_validate(out["answer"]).citations


def test_chat_graph_reads_the_last_human_message(ann_shared: MemorySystem) -> None:
    class ChatApp(TypedDict, total=False):
        messages: Annotated[list[AnyMessage], add_messages]
        user_id: str
        answer: dict[str, Any]

    def respond(state: ChatApp) -> ChatApp:
        return {"messages": [AIMessage(state["answer"]["text"])]}

    graph = StateGraph(ChatApp)
    graph.add_node("memory", ann_shared.chat_graph)
    graph.add_node("respond", respond)
    graph.add_edge(START, "memory")
    graph.add_edge("memory", "respond")
    graph.add_edge("respond", END)
    out = graph.compile().invoke(
        {"messages": [HumanMessage("hello"), HumanMessage("What is Ann's job?")], "user_id": ANN}
    )
    assert "nurse" in str(out["messages"][-1].content).lower()


def test_state_is_serialisable_and_checkpointable(ann_shared: MemorySystem) -> None:
    app = build_chat_graph(ann_shared.context, checkpointer=InMemorySaver())
    config = {"configurable": {"thread_id": "t1"}}
    out = app.invoke({"question": "Which pets did Ann adopt?", "user_id": ANN}, config)
    assert answer_from_output(out).citations
    state = app.get_state(config).values
    json.dumps(state, default=str)  # plain data only: no store, model or embedder
    for hit in state["hits"]:
        assert "embedding" not in hit["record"]


def test_stream_updates_show_each_step(ann_shared: MemorySystem) -> None:
    steps = [
        next(iter(chunk))
        for chunk in ann_shared.chat_graph.stream(
            {"question": "What is Ann's job?", "user_id": ANN}, stream_mode="updates"
        )
    ]
    assert steps == ["coarse", "select", "fine", "compose", "update"]
