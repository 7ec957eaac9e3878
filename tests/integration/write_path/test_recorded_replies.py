"""Real replies of a small local model, replayed: the parsers keep accepting what real
models send (recorded by ``MIRIX_PY_LLM_RECORD=1 pytest tests/llm_local``)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import AIMessage

from mirix_py._memory import MemoryType
from tests.integration.write_path.conftest import MakeSystem
from tests.unit.managers.fakes import ToolScript

RECORDED = Path(__file__).parents[2] / "llm_local" / "recorded"
AT = datetime(2023, 5, 8, 10, 0, tzinfo=UTC)
MESSAGES = [
    {"role": "user", "name": "Maya", "content": "I work as a UX designer at Brightwave in Austin."},
    {"role": "user", "name": "Maya", "content": "Our dog is a corgi called Pickles."},
]


def _replies(name: str) -> list[AIMessage]:
    path = RECORDED / f"{name}.json"
    if not path.is_file():
        pytest.fail(
            f"{path} is missing: record it with MIRIX_PY_LLM_RECORD=1 pytest tests/llm_local"
        )
    data: dict[str, Any] = json.loads(path.read_text())
    return [
        AIMessage(
            content=r["content"],
            tool_calls=[
                {"name": c["name"], "args": c["args"], "id": f"rec-{i}-{j}", "type": "tool_call"}
                for j, c in enumerate(r["tool_calls"])
            ],
        )
        for i, r in enumerate(data["replies"])
    ]


def test_recorded_single_pass_and_chat_replies_are_used(make_system: MakeSystem) -> None:
    replies = _replies("single_pass_add_and_chat")
    model = ToolScript(responses=replies)
    system = make_system(
        chat_model=model,
        llm={"single_pass": True, "max_retries": 1},
        memory={"enabled": ["core", "episodic", "semantic"]},
    )
    receipt = system.add(MESSAGES, user_id="maya", occurred_at=AT)
    assert receipt.ok, receipt.failures  # the real model's call was valid as recorded
    assert receipt.llm_calls == 1
    written = {a.memory_type for a in receipt.actions}
    assert MemoryType.EPISODIC in written and written - {MemoryType.EPISODIC}
    answer = system.chat("What is the name of Maya's dog?", user_id="maya")
    assert answer.text.strip() and answer.llm_calls == 2


def test_recorded_routed_replies_are_used(make_system: MakeSystem) -> None:
    replies = _replies("routed_add")
    model = ToolScript(responses=replies)
    system = make_system(
        chat_model=model,
        llm={"max_retries": 1, "max_concurrency": 1},
        memory={"enabled": ["episodic", "semantic"]},
    )
    receipt = system.add(MESSAGES, user_id="maya", occurred_at=AT)
    assert receipt.llm_calls == len(replies)
    for failure in receipt.failures:
        assert "offline" in failure.fallback


def test_an_absurd_event_year_from_a_model_falls_back_to_the_message_time(
    make_system: MakeSystem,
) -> None:
    # the real 0.5B model answered occurred_at "8555-05-08T14:00:00Z" for a turn said today
    reply = AIMessage(
        content="",
        tool_calls=[
            {
                "name": "record_memories",
                "args": {
                    "episodic": [
                        {
                            "summary": "Maya's dog is a corgi called Pickles",
                            "source_ids": ["m2"],
                            "occurred_at": "8555-05-08T14:00:00Z",
                        },
                        {
                            "summary": "Maya moved to Austin in 2019",
                            "source_ids": ["m1"],
                            "occurred_at": "2019-06-01",  # date only, naive: taken as UTC
                        },
                    ]
                },
                "id": "r1",
                "type": "tool_call",
            }
        ],
    )
    system = make_system(
        chat_model=ToolScript(responses=[reply]),
        llm={"single_pass": True},
        memory={"enabled": ["episodic"]},
    )
    receipt = system.add(MESSAGES, user_id="maya", occurred_at=AT)
    assert receipt.ok, receipt.failures
    events = {e.summary: e.occurred_at for e in system.get_all(user_id="maya")}
    assert events["Maya's dog is a corgi called Pickles"] == AT
    assert events["Maya moved to Austin in 2019"] == datetime(2019, 6, 1, tzinfo=UTC)
