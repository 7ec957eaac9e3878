"""Offline target selection, the LLM selection call's validation, and agent files."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import FakeMessagesListChatModel
from langchain_core.messages import AIMessage

from mirix_py._chat.cues import read_question
from mirix_py._chat.prompts import load_agent, parse_agent_file
from mirix_py._chat.selection import select_offline, select_with_llm
from mirix_py._config import MirixConfig
from mirix_py._memory import MemoryType, ProceduralMemory, SemanticMemory
from mirix_py.errors import ConfigError
from tests.unit.chat.helpers import episode, hit


def _coarse(**strengths: float) -> dict[str, list[Any]]:
    makers = {
        "episodic": lambda: episode("something happened"),
        "semantic": lambda: SemanticMemory(user_id="u", name="Ann", summary="is a nurse"),
        "procedural": lambda: ProceduralMemory(user_id="u", description="reset router"),
    }
    return {name: [hit(makers[name](), vector=v)] for name, v in strengths.items()}


def test_close_stores_are_chosen_and_weak_ones_left_out() -> None:
    plan = select_offline(
        read_question("what happened?"),
        _coarse(episodic=0.6, semantic=0.55, procedural=0.1),
        coarse_k=5,
        time_range=None,
    )
    assert [t.memory_type for t in plan.targets] == [MemoryType.EPISODIC, MemoryType.SEMANTIC]


def test_cues_force_stores() -> None:
    plan = select_offline(
        read_question("How do I reset the router?"),
        _coarse(episodic=0.7, procedural=0.15),
        coarse_k=5,
        time_range=None,
    )
    assert plan.targets[0].memory_type is MemoryType.PROCEDURAL


def test_time_range_goes_to_episodic_only() -> None:
    span = (datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 2, 1, tzinfo=UTC))
    plan = select_offline(
        read_question("When did Ann meet Rui in January 2024?"),
        _coarse(episodic=0.6, semantic=0.6),
        coarse_k=5,
        time_range=span,
    )
    by_type = {t.memory_type: t for t in plan.targets}
    assert (by_type[MemoryType.EPISODIC].start, by_type[MemoryType.EPISODIC].end) == span
    assert by_type[MemoryType.SEMANTIC].start is None


class _Fake(FakeMessagesListChatModel):
    def bind_tools(self, tools: Any, **kwargs: Any) -> _Fake:  # type: ignore[override]
        return self


def _select(reply: AIMessage, config: MirixConfig) -> tuple[Any, list[str]]:
    notes: list[str] = []
    plan, _ = select_with_llm(
        _Fake(responses=[reply]),
        load_agent(config, "target_selector"),
        cues=read_question("What is Ann's job?"),
        coarse=_coarse(episodic=0.5),
        enabled=[MemoryType.EPISODIC, MemoryType.SEMANTIC],
        today="2024-06-01",
        notes=notes,
    )
    return plan, notes


def test_llm_plan_is_validated(config: MirixConfig) -> None:
    good = AIMessage(
        content="",
        tool_calls=[
            {
                "name": "TargetPlan",
                "args": {
                    "targets": [
                        {"memory_type": "semantic", "query": "Ann job"},
                        {"memory_type": "procedural", "query": "x"},
                    ]
                },
                "id": "1",
            }
        ],
    )
    plan, notes = _select(good, config)
    assert [t.memory_type for t in plan.targets] == [MemoryType.SEMANTIC]
    assert notes  # the procedural target was ignored, and said so
    garbage = AIMessage(
        content="", tool_calls=[{"name": "TargetPlan", "args": {"targets": "no"}, "id": "1"}]
    )
    plan, notes = _select(garbage, config)
    assert plan is None and notes
    plan, notes = _select(AIMessage(content="I think episodic."), config)
    assert plan is None


def test_agent_files_parse_and_render() -> None:
    agent = parse_agent_file(
        "---\nname: x\ndescription: d\ntools: [A]\n---\nToday is {today}; keep {other}."
    )
    assert agent.name == "x" and agent.tools == ("A",)
    assert (
        agent.render(today="2024-01-01", unused="{today}") == "Today is 2024-01-01; keep {other}."
    )
    with pytest.raises(ConfigError):
        parse_agent_file("no front matter")


def test_shipped_agents_load(config: MirixConfig) -> None:
    for name in ("chat_agent", "target_selector"):
        agent = load_agent(config, name)
        assert agent.name == name and agent.tools and "A good call" in agent.template
    # the selector's system message is stable (the date travels in the human message)
    assert "{today}" not in load_agent(config, "target_selector").template
