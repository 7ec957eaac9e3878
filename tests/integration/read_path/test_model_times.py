"""Times written by a model are always made aware: date-only and naive ranges on every store.

A real model answers ``"start": "2023-05-01"``; a naive value compared with the
stores' aware times used to raise ``TypeError`` inside ``chat()``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import AIMessage

from mirix_py._chat import TargetQuery
from mirix_py._embeddings import CachedEmbeddings
from mirix_py._memory import MemoryType
from mirix_py._system import MemorySystem
from tests.conftest import make_config
from tests.integration.read_path.conftest import ToolCallingFake

USER = "maya"
MAY = datetime(2023, 5, 8, 9, 30, tzinfo=UTC)
MESSAGES = [
    {
        "role": "user",
        "name": "Maya",
        "id": "t1",
        "content": "I'm a designer and I live in Austin. My dog Pickles just turned 3.",
    },
    {
        "role": "user",
        "name": "Maya",
        "id": "t2",
        "content": "To make my banana bread, first mash three bananas, then mix in the flour, "
        "and finally bake it for an hour.",
    },
    {
        "role": "user",
        "name": "Maya",
        "id": "t3",
        "content": "Our style guide is at https://example.com/style-guide for the whole team.",
    },
    {"role": "user", "name": "Maya", "id": "t4", "content": "My phone number is 415-555-0134."},
]
SEARCHED = [t for t in MemoryType if t is not MemoryType.CORE]


def _call(name: str, args: dict[str, Any]) -> AIMessage:
    return AIMessage(content="", tool_calls=[{"name": name, "args": args, "id": f"{name}-1"}])


@pytest.fixture
def maya(tmp_path: Path, embeddings: CachedEmbeddings) -> Iterator[Any]:
    """LLM-mode systems over memories of every type (ingested offline first)."""
    config = make_config(tmp_path / "home")
    offline = MemorySystem(config, embeddings=embeddings)
    offline.add(MESSAGES, user_id=USER, occurred_at=MAY)
    stored = {t: offline.get_all(user_id=USER, memory_type=t) for t in SEARCHED}
    offline.close()
    assert all(stored.values()), {t.value: len(v) for t, v in stored.items()}
    made: list[MemorySystem] = []

    def make(model: Any) -> MemorySystem:
        system = MemorySystem(config, embeddings=embeddings, chat_model=model)
        made.append(system)
        return system

    yield make
    for system in made:
        system.close()


# as_of is a validity time (records are valid from when they were stored): a naive one
LATER = datetime.now() + timedelta(days=1)


@pytest.mark.parametrize("as_of", [None, LATER], ids=["now", "as_of_naive"])
@pytest.mark.parametrize("memory_type", SEARCHED, ids=lambda t: t.value)
def test_date_only_and_naive_ranges_work_on_every_store(
    maya: Any, fake_model_cls: type[ToolCallingFake], memory_type: MemoryType, as_of: Any
) -> None:
    target = {
        "memory_type": memory_type.value,
        "query": "Maya Pickles banana bread style guide phone",
        "start": "2023-05-01",  # date only
        "end": "2023-06-01T00:00:00",  # naive
    }
    model = fake_model_cls(
        responses=[
            _call("TargetPlan", {"targets": [target]}),
            _call("ComposedAnswer", {"answer": "Pickles", "citations": [1]}),
        ]
    )
    system: MemorySystem = maya(model)
    answer = system.chat("What did Maya tell me in May 2023?", user_id=USER, as_of=as_of)

    assert answer.trace.selection == "llm", answer.trace.notes
    (query,) = answer.trace.queries
    assert query.start == datetime(2023, 5, 1, tzinfo=UTC)
    assert query.end == datetime(2023, 6, 1, tzinfo=UTC)
    assert answer.retrieved, "the range holds this store's memories"
    assert {r.memory_type for r in answer.retrieved} >= {memory_type}


def test_naive_as_of_and_plan_times_are_taken_as_utc(
    maya: Any, fake_model_cls: type[ToolCallingFake]
) -> None:
    model = fake_model_cls(
        responses=[
            _call(
                "TargetPlan",
                {
                    "targets": [
                        {"memory_type": t.value, "query": "Maya", "start": "2023-05-08"}
                        for t in SEARCHED
                    ]
                },
            ),
            _call("ComposedAnswer", {"answer": "Pickles", "citations": [1]}),
        ]
    )
    system: MemorySystem = maya(model)
    answer = system.chat("What is the name of Maya's dog?", user_id=USER, as_of=LATER)
    assert answer.text == "Pickles" and answer.citations
    assert all(q.start is not None and q.start.tzinfo is not None for q in answer.trace.queries)


def test_target_query_normalises_every_time_shape() -> None:
    aware = datetime(2023, 5, 1, tzinfo=UTC)
    for value in ("2023-05-01", "2023-05-01T00:00:00", aware.date(), aware.replace(tzinfo=None)):
        query = TargetQuery(memory_type=MemoryType.EPISODIC, query="q", start=value, end=value)
        assert query.start == aware and query.end == aware
