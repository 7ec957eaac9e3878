"""``system.as_tools()`` in a LangGraph ``ToolNode`` driven by a fake tool-calling model."""

from __future__ import annotations

from typing import Annotated, Any, TypedDict

import pytest
from langchain_core.messages import AIMessage, AnyMessage, HumanMessage, ToolMessage
from langgraph.graph import START, StateGraph
from langgraph.graph.message import add_messages
from langgraph.prebuilt import ToolNode, tools_condition

from mirix_py._memory import CoreMemory, KnowledgeVaultMemory, MemoryType
from mirix_py._system import MemorySystem
from tests.integration.read_path.conftest import ANN, ToolCallingFake


class State(TypedDict):
    messages: Annotated[list[AnyMessage], add_messages]


def _app(system: MemorySystem, model: ToolCallingFake, **tool_kwargs: Any) -> Any:
    tools = system.as_tools(user_id=ANN, **tool_kwargs)
    bound = model.bind_tools(tools)

    def agent(state: State) -> State:
        return {"messages": [bound.invoke(state["messages"])]}

    graph = StateGraph(State)
    graph.add_node("agent", agent)
    graph.add_node("tools", ToolNode(tools))
    graph.add_edge(START, "agent")
    graph.add_conditional_edges("agent", tools_condition)
    graph.add_edge("tools", "agent")
    return graph.compile()


def _call(name: str, args: dict[str, Any], call_id: str = "c1") -> AIMessage:
    return AIMessage(content="", tool_calls=[{"name": name, "args": args, "id": call_id}])


def _tool_outputs(result: dict[str, Any]) -> list[str]:
    return [str(m.content) for m in result["messages"] if isinstance(m, ToolMessage)]


def test_tools_are_named_and_bound(ann_system: MemorySystem) -> None:
    names = [t.name for t in ann_system.as_tools(user_id=ANN)]
    assert names == ["search_memory", "remember", "forget", "update_core_memory", "list_memories"]
    with_reveal = [t.name for t in ann_system.as_tools(user_id=ANN, allow_reveal=True)]
    assert with_reveal[-1] == "reveal_secret"
    for tool in ann_system.as_tools(user_id=ANN):
        assert "user_id" not in tool.args


def test_remember_then_search_in_a_tool_node(
    ann_system: MemorySystem, fake_model_cls: type[ToolCallingFake]
) -> None:
    model = fake_model_cls(
        responses=[
            _call("remember", {"content": "Ann's favourite colour is teal."}, "c1"),
            _call("search_memory", {"query": "favourite colour", "limit": 3}, "c2"),
            AIMessage(content="Teal."),
        ]
    )
    result = _app(ann_system, model).invoke({"messages": [HumanMessage("remember my colour")]})
    remembered, searched = _tool_outputs(result)
    assert remembered.startswith("remembered")
    assert "teal" in searched.lower()
    assert result["messages"][-1].content == "Teal."


def test_a_model_cannot_reach_another_user(
    ann_system: MemorySystem, fake_model_cls: type[ToolCallingFake]
) -> None:
    model = fake_model_cls(
        responses=[
            _call("remember", {"content": "Mallory was here", "user_id": "mallory"}),
            AIMessage(content="done"),
        ]
    )
    result = _app(ann_system, model).invoke({"messages": [HumanMessage("hi")]})
    assert "error" in _tool_outputs(result)[0].lower()
    assert ann_system.get_all(user_id="mallory") == []


def test_forget_update_core_and_list(
    ann_system: MemorySystem, fake_model_cls: type[ToolCallingFake]
) -> None:
    victim = ann_system.get_all(user_id=ANN, memory_type=MemoryType.EPISODIC, limit=1)[0]
    model = fake_model_cls(
        responses=[
            _call("forget", {"memory_id": victim.id}, "c1"),
            _call(
                "update_core_memory", {"label": "persona", "content": "Call the user Annie."}, "c2"
            ),
            _call("list_memories", {"memory_type": "core"}, "c3"),
            _call("forget", {"memory_id": "no-such-memory"}, "c4"),
            AIMessage(content="ok"),
        ]
    )
    result = _app(ann_system, model).invoke({"messages": [HumanMessage("tidy up")]})
    forgot, core, listed, missing = _tool_outputs(result)
    assert forgot.startswith("forgot 1")
    assert "persona" in core and "Call the user Annie." in listed
    assert "no memory" in missing.lower()
    blocks = [
        r
        for r in ann_system.get_all(user_id=ANN, memory_type=MemoryType.CORE)
        if isinstance(r, CoreMemory) and r.label == "persona"
    ]
    assert blocks and "Annie" in blocks[0].value
    with pytest.raises(KeyError):
        ann_system.get(victim.id, user_id=ANN)


def test_core_block_overflow_is_reported(
    ann_system: MemorySystem, fake_model_cls: type[ToolCallingFake]
) -> None:
    model = fake_model_cls(
        responses=[
            _call(
                "update_core_memory", {"label": "human", "content": "x" * 5000, "mode": "replace"}
            ),
            AIMessage(content="ok"),
        ]
    )
    result = _app(ann_system, model).invoke({"messages": [HumanMessage("hi")]})
    assert "compacted" in _tool_outputs(result)[0]


def test_secrets_stay_hidden_unless_the_owner_allows_reveal(
    ann_system: MemorySystem, fake_model_cls: type[ToolCallingFake]
) -> None:
    vault = KnowledgeVaultMemory(
        user_id=ANN, caption="door code of Ann's flat", secret_value="471193"
    )
    ann_system.store.upsert([vault])
    model = fake_model_cls(
        responses=[_call("search_memory", {"query": "door code"}), AIMessage(content="ok")]
    )
    searched = _tool_outputs(_app(ann_system, model).invoke({"messages": [HumanMessage("code?")]}))
    assert "door code" in searched[0] and "471193" not in searched[0]
    model = fake_model_cls(
        responses=[_call("reveal_secret", {"memory_id": vault.id}), AIMessage(content="ok")]
    )
    blocked = _tool_outputs(_app(ann_system, model).invoke({"messages": [HumanMessage("code?")]}))
    assert "471193" not in blocked[0]
    model = fake_model_cls(
        responses=[_call("reveal_secret", {"memory_id": vault.id}), AIMessage(content="ok")]
    )
    app = _app(ann_system, model, allow_reveal=True)
    assert "471193" in _tool_outputs(app.invoke({"messages": [HumanMessage("code?")]}))[0]
