"""Validating the reflection agent's tool calls."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from langchain_core.messages import AIMessage

from mirix_py._agents import load_agent
from mirix_py._consolidation.reflection import (
    TOOLS,
    derivations_from_calls,
    offered_tools,
    render_episodes,
)
from mirix_py._memory import EpisodicMemory, MemoryType, registry
from mirix_py.errors import ToolCallsInvalid
from tests.conftest import make_config

EPISODES = {
    e.id: e
    for e in (
        EpisodicMemory(
            id=f"ep-{i}",
            user_id="u",
            actor="Alice",
            summary=f"I went running, day {i}",
            occurred_at=datetime(2023, 5, i, tzinfo=UTC),
            source_ids=[f"m{i}", f"m{i}b"],
        )
        for i in (1, 2, 3)
    )
}


def ai(*calls: dict[str, object]) -> AIMessage:
    return AIMessage(
        content="",
        tool_calls=[
            {"name": c["name"], "args": c["args"], "id": f"c{i}", "type": "tool_call"}  # type: ignore[typeddict-item]
            for i, c in enumerate(calls)
        ],
    )


def test_each_call_becomes_exactly_the_derivation_it_asks_for() -> None:
    message = ai(
        {
            "name": "derive_fact",
            "args": {
                "name": "Alice",
                "summary": "runs most mornings",
                "episode_ids": ["ep-1", "ep-3"],
            },
        },
        {
            "name": "derive_procedure",
            "args": {
                "description": "Morning routine",
                "steps": ["run", "shower"],
                "episode_ids": ["ep-2"],
            },
        },
        {"name": "update_core", "args": {"line": "Alice: runner", "episode_ids": ["ep-1"]}},
        {"name": "no_op", "args": {"reason": "nothing else"}},
    )
    fact, procedure, core = derivations_from_calls(message, EPISODES, tools=list(TOOLS))
    assert (fact.memory_type, dict(fact.fields)) == (
        MemoryType.SEMANTIC,
        {"name": "Alice", "summary": "runs most mornings", "details": ""},
    )
    assert fact.source_ids == ["m1", "m1b", "m3", "m3b"] and fact.accumulate
    assert procedure.fields["steps"] == ["run", "shower"] and procedure.source_ids == ["m2", "m2b"]
    assert (core.memory_type, core.fields["label"], core.fields["line"]) == (
        MemoryType.CORE,
        "human",
        "Alice: runner",
    )


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (
            {"name": "derive_fact", "args": {"name": "A", "summary": "x", "episode_ids": ["ep-9"]}},
            "episode_ids ['ep-9'] are not episodes shown to you",
        ),
        (
            {"name": "derive_fact", "args": {"name": "A", "summary": "x", "episode_ids": []}},
            "episode_ids",
        ),
        ({"name": "derive_fact", "args": {"summary": "x", "episode_ids": ["ep-1"]}}, "name"),
        (
            {
                "name": "derive_procedure",
                "args": {"description": "d", "steps": ["one"], "episode_ids": ["ep-1"]},
            },
            "steps",
        ),
        ({"name": "delete_everything", "args": {}}, "unknown tool 'delete_everything'"),
        (
            {"name": "update_core", "args": {"line": "x", "episode_ids": ["ep-1"], "extra": 1}},
            "extra",
        ),
    ],
)
def test_invalid_calls_are_refused_with_a_reason(call: dict[str, object], error: str) -> None:
    with pytest.raises(ToolCallsInvalid, match=re.escape(error)):
        derivations_from_calls(ai(call), EPISODES, tools=list(TOOLS))


def test_a_tool_the_agent_file_does_not_list_is_unknown() -> None:
    call = {"name": "update_core", "args": {"line": "x", "episode_ids": ["ep-1"]}}
    with pytest.raises(ToolCallsInvalid, match="unknown tool 'update_core'"):
        derivations_from_calls(ai(call), EPISODES, tools=["derive_fact", "no_op"])


def test_episodes_are_rendered_with_ids_and_dates() -> None:
    text = render_episodes(list(EPISODES.values()))
    assert text.splitlines()[0] == "[ep-1] 1 May 2023 · Alice: I went running, day 1"


def test_offered_tools_follow_the_episodic_spec_and_the_enabled_types(
    tmp_path: Path,
) -> None:
    everything = make_config(tmp_path)
    agent = load_agent(everything.agents_path(), "reflection_agent")
    assert offered_tools(everything, agent) == [
        "derive_fact",
        "derive_procedure",
        "update_core",
        "no_op",
    ]
    no_core = make_config(tmp_path, memory={"enabled": ["episodic", "semantic", "procedural"]})
    assert offered_tools(no_core, agent) == ["derive_fact", "derive_procedure", "no_op"]
    episodic = registry.spec_of("episodic")
    registry.register(dataclasses.replace(episodic, derives=("semantic",)))
    try:
        assert offered_tools(everything, agent) == ["derive_fact", "no_op"]
    finally:
        registry.register(episodic)
