"""LLM mode: the reflection agent's tool calls are written exactly, validated by the schemas."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from langchain_core.messages import HumanMessage, SystemMessage, ToolMessage

from mirix_py._memory import (
    CoreMemory,
    EpisodicMemory,
    MemoryType,
    ProceduralMemory,
    SemanticMemory,
)
from mirix_py._memory.core import block_id
from mirix_py._system import MemorySystem
from tests.integration.consolidation.conftest import MakeSystem
from tests.integration.consolidation.fakes import ToolScript, call, reply

T0 = datetime(2023, 5, 1, 7, tzinfo=UTC)
TEXTS = [
    "I went for a run at 7 and then had oatmeal.",
    "Morning run done, then oatmeal as always.",
    "As a vegetarian I skipped the barbecue.",
    "Ran 5k before breakfast today.",
]


def _episodes(system: MemorySystem) -> list[EpisodicMemory]:
    episodes = [
        EpisodicMemory(
            id=f"ep-{i}",
            user_id="u1",
            actor="Alice",
            summary=text,
            occurred_at=T0 + timedelta(days=i),
            session_id=f"s{i}",
            sequence=0,
            source_ids=[f"m{i}"],
            origin="raw",
        )
        for i, text in enumerate(TEXTS)
    ]
    system.store.upsert(episodes)
    return episodes


def _derived(system: MemorySystem, memory_type: MemoryType) -> list[object]:
    return [
        r for r in system.get_all(user_id="u1", memory_type=memory_type) if r.origin == "derived"
    ]


def test_exactly_what_the_model_asked_for_is_written(make_system: MakeSystem) -> None:
    model = ToolScript(
        responses=[
            reply(  # first answer cites an episode it was never shown: refused, retried
                call("derive_fact", name="Alice", summary="runs", episode_ids=["ep-99"])
            ),
            reply(
                call(
                    "derive_fact",
                    name="Alice",
                    summary="runs most mornings, 1–4 May 2023",
                    details="usually 5k",
                    episode_ids=["ep-0", "ep-1", "ep-3"],
                ),
                call(
                    "derive_procedure",
                    description="Alice's morning routine",
                    steps=["go for a run", "eat oatmeal"],
                    entry_type="routine",
                    episode_ids=["ep-0", "ep-1"],
                ),
                call("update_core", line="Alice: is vegetarian", episode_ids=["ep-2"]),
                call("no_op", reason="nothing else"),
            ),
        ]
    )
    system = make_system(chat_model=model)
    _episodes(system)

    report = system.consolidate(user_id="u1")

    assert report.mode == "llm" and report.llm_calls == 2 and report.ok
    assert model.bound[0] == ["derive_fact", "derive_procedure", "update_core", "no_op"]
    (fact,) = _derived(system, MemoryType.SEMANTIC)
    assert isinstance(fact, SemanticMemory)
    assert (fact.name, fact.summary, fact.details, fact.source_ids) == (
        "Alice",
        "runs most mornings, 1–4 May 2023",
        "usually 5k",
        ["m0", "m1", "m3"],
    )
    (procedure,) = _derived(system, MemoryType.PROCEDURAL)
    assert isinstance(procedure, ProceduralMemory)
    assert (procedure.description, procedure.steps, procedure.entry_type) == (
        "Alice's morning routine",
        ["go for a run", "eat oatmeal"],
        "routine",
    )
    assert procedure.source_ids == ["m0", "m1"]
    block = system.get(block_id("u1"), user_id="u1")
    assert isinstance(block, CoreMemory)
    assert block.lines() == ["Alice: is vegetarian"]
    assert block.line_sources == {"Alice: is vegetarian": ["m2"]}
    reflect = {
        (a.memory_type, a.action): a.related_ids for a in report.actions if a.step == "reflect"
    }
    assert reflect == {
        (MemoryType.SEMANTIC, "derived"): ["ep-0", "ep-1", "ep-3"],
        (MemoryType.PROCEDURAL, "derived"): ["ep-0", "ep-1"],
        (MemoryType.CORE, "derived"): ["ep-2"],
    }
    # The model saw the episodes with their ids, and its error came back to it.
    first, second = model.prompts
    assert isinstance(first[0], SystemMessage) and "[ep-2] 3 May 2023 · Alice: As a" in str(
        first[0].content
    )
    errors = [m for m in second if isinstance(m, ToolMessage)]
    assert errors and "ep-99" in str(errors[0].content)
    assert isinstance(second[-1], HumanMessage) and "invalid" in str(second[-1].content)


def test_the_same_item_derived_again_gains_sources_not_a_twin(make_system: MakeSystem) -> None:
    derive = call("derive_fact", name="Alice", summary="runs in the morning", episode_ids=["ep-0"])
    again = call(
        "derive_fact", name="Alice", summary="runs in the morning", episode_ids=["ep-1", "ep-3"]
    )
    model = ToolScript(responses=[reply(derive), reply(again)])
    system = make_system(chat_model=model)
    _episodes(system)
    system.consolidate(user_id="u1")
    report = system.consolidate(user_id="u1")
    (fact,) = _derived(system, MemoryType.SEMANTIC)
    assert fact.source_ids == ["m0", "m1", "m3"]  # type: ignore[attr-defined]
    assert report.ids("updated") == [fact.id]  # type: ignore[attr-defined]
    # Existing derived items are shown to the model on the next run.
    assert "runs in the morning" in str(model.prompts[1][0].content)


def test_a_model_that_keeps_failing_falls_back_to_offline_mining(
    make_system: MakeSystem,
) -> None:
    bad = reply(call("derive_fact", name="Alice", summary="x", episode_ids=[]))
    model = ToolScript(responses=[bad, bad, bad])
    system = make_system(chat_model=model, llm={"max_retries": 2})
    for i in range(3):
        system.store.upsert(
            [
                EpisodicMemory(
                    user_id="u1",
                    actor="Alice",
                    summary="I went swimming this morning.",
                    occurred_at=T0 + timedelta(days=i),
                    session_id=f"s{i}",
                    source_ids=[f"m{i}"],
                    origin="raw",
                )
            ]
        )
    report = system.consolidate(user_id="u1")
    assert report.mode == "fallback" and report.llm_calls == 3
    assert report.failures == ["reflect: extraction_error: the model's output could not be used"]
    (fact,) = _derived(system, MemoryType.SEMANTIC)
    assert fact.summary == (  # type: ignore[attr-defined]
        "went swimming in the morning repeatedly: 3 times (1–3 May 2023)"
    )
