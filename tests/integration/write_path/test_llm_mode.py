"""LLM mode driven by scripted fake chat models emitting tool calls; exact rows asserted."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import pytest
from langchain_core.messages import ToolMessage
from structlog.testing import capture_logs

from mirix_py._memory import (
    CoreMemory,
    EpisodicMemory,
    KnowledgeVaultMemory,
    MemoryType,
    ProceduralMemory,
    SemanticMemory,
)
from mirix_py._memory.semantic import fact_id
from tests.integration.write_path.conftest import MakeSystem
from tests.integration.write_path.helpers import rows
from tests.unit.managers.fakes import ScriptedToolModel, call, reply

AT = datetime(2023, 5, 8, 9, 30, tzinfo=UTC)
MESSAGES = [
    {
        "role": "user",
        "name": "Alice",
        "id": "m1",
        "content": "I just started a new job at Acme as a data analyst. "
        "My work laptop password is hunter2",
    },
    {"role": "assistant", "id": "m2", "content": "Congrats!"},
    {
        "role": "user",
        "name": "Alice",
        "id": "m3",
        "content": "To file expenses: open the portal, upload the receipts, then submit.",
    },
]


def _route(*types: str, tokens: int = 0) -> Any:
    return reply(call("route_memory", memory_types=list(types), reason="test"), tokens=tokens)


def _facts(system: Any, user_id: str = "u1") -> list[tuple[str, str, list[str]]]:
    return sorted(
        (r.name, r.summary, r.source_ids)
        for r in rows(system, user_id, "semantic")
        if isinstance(r, SemanticMemory)
    )


def test_each_manager_writes_exactly_what_its_tool_calls_say(make_system: MakeSystem) -> None:
    model = ScriptedToolModel(
        scripts={
            "route_memory": [
                _route("semantic", "procedural", "core", "knowledge_vault", "episodic", tokens=40)
            ],
            "insert_semantic": [
                reply(
                    call(
                        "insert_semantic",
                        name="Alice",
                        summary="works at Acme as a data analyst",
                        source_ids=["m1"],
                    ),
                    tokens=30,
                )
            ],
            "insert_procedural": [
                reply(
                    call(
                        "insert_procedural",
                        description="How to file expenses",
                        steps=["open the portal", "upload the receipts", "submit"],
                        source_ids=["m3"],
                    ),
                    tokens=30,
                )
            ],
            "insert_core": [
                reply(
                    call(
                        "insert_core",
                        label="human",
                        value="Alice: works at Acme as a data analyst",
                        source_ids=["m1"],
                    ),
                    tokens=20,
                )
            ],
            "insert_knowledge_vault": [
                reply(
                    call(
                        "insert_knowledge_vault",
                        entry_type="password",
                        secret_value="hunter2",
                        caption="Alice's work laptop password",
                        sensitivity="high",
                        source_ids=["m1"],
                    ),
                    tokens=20,
                )
            ],
            "insert_episodic": [
                reply(
                    call(
                        "insert_episodic",
                        actor="Alice",
                        summary="Alice started a new job at Acme on 8 May 2023",
                        source_ids=["m1"],
                    ),
                    tokens=10,
                )
            ],
        }
    )
    system = make_system(chat_model=model)
    receipt = system.add(MESSAGES, user_id="u1", occurred_at=AT)

    assert receipt.ok, receipt.failures
    assert receipt.llm_calls == 6 and receipt.llm_tokens == 150
    assert MemoryType.RESOURCE not in receipt.routed
    assert _facts(system) == [("Alice", "works at Acme as a data analyst", ["m1"])]
    (proc,) = rows(system, "u1", "procedural")
    assert isinstance(proc, ProceduralMemory)
    assert (proc.description, proc.steps, proc.source_ids) == (
        "How to file expenses",
        ["open the portal", "upload the receipts", "submit"],
        ["m3"],
    )
    (block,) = rows(system, "u1", "core")
    assert isinstance(block, CoreMemory)
    assert (block.label, block.value, block.source_ids) == (
        "human",
        "Alice: works at Acme as a data analyst",
        ["m1"],
    )
    (secret,) = rows(system, "u1", "knowledge_vault")  # detector and model agree: one entry
    assert isinstance(secret, KnowledgeVaultMemory)
    assert (secret.entry_type, secret.secret_value.get_secret_value(), secret.source_ids) == (
        "password",
        "hunter2",
        ["m1"],
    )
    events = [r for r in rows(system, "u1", "episodic") if isinstance(r, EpisodicMemory)]
    turns = sorted((e for e in events if e.origin == "raw"), key=lambda e: e.sequence or 0)
    assert [e.source_ids for e in turns] == [["m1"], ["m2"], ["m3"]]
    assert "password is [stored in vault: password]" in turns[0].summary
    (summary,) = [e for e in events if e.origin == "extracted"]
    assert (summary.actor, summary.summary, summary.source_ids) == (
        "Alice",
        "Alice started a new job at Acme on 8 May 2023",
        ["m1"],
    )
    assert summary.session_id == turns[0].session_id
    assert rows(system, "u1", "resource") == []
    # only the vault manager ever saw the secret
    for key, prompts in model.prompts.items():
        seen = " ".join(str(m.content) for p in prompts for m in p)
        assert ("hunter2" in seen) == (key == "insert_knowledge_vault"), key


def test_supersede_tool_retires_the_old_fact(make_system: MakeSystem) -> None:
    old_id = fact_id("u1", "Alice", "works at Acme")
    model = ScriptedToolModel(
        scripts={
            "route_memory": [_route("semantic")],
            "insert_semantic": [
                reply(
                    call("insert_semantic", name="Alice", summary="works at Acme", source_ids=["a"])
                ),
                reply(
                    call(
                        "supersede_semantic",
                        old_id=old_id,
                        name="Alice",
                        summary="works at Globex",
                        source_ids=["b"],
                        reason="new job",
                    )
                ),
            ],
        }
    )
    system = make_system(chat_model=model)
    system.add(
        [{"content": "I work at Acme.", "id": "a", "name": "Alice"}], user_id="u1", occurred_at=AT
    )
    receipt = system.add(
        [{"content": "I moved to Globex.", "id": "b", "name": "Alice"}],
        user_id="u1",
        occurred_at=AT,
    )
    assert _facts(system) == [("Alice", "works at Globex", ["b"])]
    semantic = [
        (a.action, a.memory_id) for a in receipt.actions if a.memory_type.value == "semantic"
    ]
    assert semantic[0] == ("superseded", old_id)
    assert [h.event for h in system.history(old_id, user_id="u1")] == ["insert", "supersede"]


def test_superseding_a_role_fact_retires_the_old_holders_twin(make_system: MakeSystem) -> None:
    old_role = fact_id("u1", "Alice", "nanny is Rosa Delgado")
    old_twin = fact_id("u1", "Rosa Delgado", "is Alice's nanny")
    new_twin = fact_id("u1", "Mei Tanaka", "is Alice's nanny")
    model = ScriptedToolModel(
        scripts={
            "route_memory": [_route("semantic")],
            "insert_semantic": [
                reply(
                    call(
                        "insert_semantic",
                        name="Alice",
                        summary="nanny is Rosa Delgado",
                        source_ids=["a"],
                    ),
                    call(
                        "insert_semantic",
                        name="Rosa Delgado",
                        summary="is Alice's nanny",
                        source_ids=["a"],
                    ),
                ),
                reply(
                    call(
                        "supersede_semantic",
                        old_id=old_role,
                        name="Alice",
                        summary="nanny is Mei Tanaka",
                        source_ids=["b"],
                        reason="new nanny",
                    ),
                    call(
                        "insert_semantic",
                        name="Mei Tanaka",
                        summary="is Alice's nanny",
                        source_ids=["b"],
                    ),
                ),
            ],
        }
    )
    system = make_system(chat_model=model)
    system.add(
        [{"content": "Our nanny is Rosa Delgado.", "id": "a", "name": "Alice"}],
        user_id="u1",
        occurred_at=AT,
    )
    assert ("Rosa Delgado", "is Alice's nanny", ["a"]) in _facts(system)
    system.add(
        [{"content": "Mei Tanaka is our nanny now.", "id": "b", "name": "Alice"}],
        user_id="u1",
        occurred_at=AT,
    )
    assert sorted(_facts(system)) == [
        ("Alice", "nanny is Mei Tanaka", ["b"]),
        ("Mei Tanaka", "is Alice's nanny", ["b"]),
    ]
    (retired,) = system.store.get_many([old_twin], user_id="u1")
    assert retired.valid_to is not None and retired.superseded_by == new_twin


def test_malformed_tool_arguments_are_retried_then_fall_back_offline(
    make_system: MakeSystem,
) -> None:
    model = ScriptedToolModel(
        scripts={
            "route_memory": [_route("semantic")],
            "insert_semantic": [
                reply(call("insert_semantic", name="Alice")),  # no summary, no sources
                reply(call("insert_semantic", name="Alice", summary="x", source_ids=["nope"])),
                reply(call("update_semantic", memory_id="missing", summary="y")),
            ],
        }
    )
    system = make_system(chat_model=model, llm={"max_retries": 2})
    with capture_logs() as logs:
        receipt = system.add(
            [{"content": "I work as a nurse.", "id": "n1", "name": "Alice"}],
            user_id="u1",
            occurred_at=AT,
        )

    assert model.calls_made("insert_semantic") == 3
    assert receipt.llm_calls == 4
    (failure,) = receipt.failures
    assert failure.step == "semantic_manager"
    assert failure.code == "extraction_error"  # details go to the debug log only
    (detail,) = [e["detail"] for e in logs if e["event"] == "memory.step_failed"]
    # nothing stored yet: only insert and no_op are offered, so an update is an unknown tool
    assert "after 3 attempt(s)" in detail and "unknown tool 'update_semantic'" in detail
    assert failure.fallback == "offline semantic extractor used instead"
    assert _facts(system) == [("Alice", "works as a nurse", ["n1"])]
    assert [e["attempt"] for e in logs if e["event"] == "llm.tool_calls_invalid"] == [1, 2, 3]
    # the errors went back to the model as tool results
    retry_prompt = model.prompts["insert_semantic"][1]
    feedback = [m for m in retry_prompt if isinstance(m, ToolMessage)]
    assert feedback and "summary" in str(feedback[0].content)
    assert not [e for e in rows(system, "u1", "episodic") if e.status == "unprocessed"]


def test_a_retry_that_succeeds_is_used(make_system: MakeSystem) -> None:
    model = ScriptedToolModel(
        scripts={
            "route_memory": [_route("semantic")],
            "insert_semantic": [
                reply(call("insert_semantic", name="Alice", summary="x", source_ids=["zz"])),
                reply(
                    call("insert_semantic", name="Alice", summary="is a nurse", source_ids=["n1"])
                ),
            ],
        }
    )
    system = make_system(chat_model=model)
    receipt = system.add(
        [{"content": "I'm a nurse.", "id": "n1", "name": "Alice"}], user_id="u1", occurred_at=AT
    )
    assert receipt.ok and receipt.llm_calls == 3
    assert _facts(system) == [("Alice", "is a nurse", ["n1"])]


def test_managers_run_concurrently(make_system: MakeSystem) -> None:
    barrier = threading.Barrier(2, timeout=30)  # neither can return until both have started
    model = ScriptedToolModel(
        scripts={
            "route_memory": [_route("semantic", "procedural")],
            "insert_semantic": [reply(call("no_op", reason="nothing"))],
            "insert_procedural": [reply(call("no_op", reason="nothing"))],
        },
        barriers={"insert_semantic": barrier, "insert_procedural": barrier},
    )
    system = make_system(chat_model=model)
    spans: dict[str, tuple[float, float]] = {}
    for update in system.write_graph.stream(
        {"messages": [{"content": "hello", "id": "h1"}], "user_id": "u1"},
        stream_mode="updates",
    ):
        for node, value in update.items():
            for result in (value or {}).get("results") or []:
                if result.get("memory_type"):
                    spans[node] = (result["started"], result["finished"])
                    assert not result["failures"], result
    assert {"semantic_manager", "procedural_manager", "episodic_manager"} <= set(spans)
    sem, proc = spans["semantic_manager"], spans["procedural_manager"]
    assert max(sem[0], proc[0]) < min(sem[1], proc[1])  # the intervals overlap


def test_names_of_disabled_or_unknown_types_are_ignored_with_a_warning(
    make_system: MakeSystem,
) -> None:
    model = ScriptedToolModel(
        scripts={
            "route_memory": [_route("semantic", "procedural", "bogus")],
            "insert_semantic": [reply(call("no_op"))],
        }
    )
    system = make_system(chat_model=model, name="minimal")
    with capture_logs() as logs:
        receipt = system.add([{"content": "hi", "id": "h1"}], user_id="u1", occurred_at=AT)
    assert receipt.ok
    assert receipt.routed == [MemoryType.EPISODIC, MemoryType.SEMANTIC]
    (warning,) = [e for e in logs if e["event"] == "memory.route_ignored"]
    assert warning["names"] == ["procedural", "bogus"] and warning["log_level"] == "warning"
    assert "procedural_manager" not in system.write_graph.get_graph().nodes


def test_router_failure_falls_back_offline_without_duplicating_the_turns(
    make_system: MakeSystem,
) -> None:
    model = ScriptedToolModel(
        scripts={"route_memory": []}, errors={"route_memory": RuntimeError("model down")}
    )
    system = make_system(chat_model=model)
    receipt = system.add(
        [{"content": "I work as a nurse.", "id": "n1", "name": "Alice"}],
        user_id="u1",
        occurred_at=AT,
    )
    (failure,) = receipt.failures
    assert (failure.step, failure.code) == ("route", "model_error")
    assert "model down" not in failure.error
    assert "offline routing" in failure.fallback
    assert _facts(system) == [("Alice", "works as a nurse", ["n1"])]
    events = rows(system, "u1", "episodic")
    assert [e.status for e in events] == ["active"]  # the turn log, no "unprocessed" copy
    assert [e.source_ids for e in events] == [["n1"]]


def test_single_pass_makes_one_call_for_all_types(make_system: MakeSystem) -> None:
    model = ScriptedToolModel(
        scripts={
            "record_memories": [
                reply(
                    call(
                        "record_memories",
                        semantic=[
                            {"name": "Alice", "summary": "works at Acme", "source_ids": ["m1"]}
                        ],
                        core=[
                            {
                                "label": "human",
                                "value": "Alice: works at Acme",
                                "source_ids": ["m1"],
                            }
                        ],
                        episodic=[],
                    ),
                    tokens=99,
                )
            ]
        }
    )
    system = make_system(chat_model=model, llm={"single_pass": True})
    receipt = system.add(MESSAGES, user_id="u1", occurred_at=AT)
    assert receipt.ok and receipt.llm_calls == 1 and receipt.llm_tokens == 99
    assert _facts(system) == [("Alice", "works at Acme", ["m1"])]
    (block,) = rows(system, "u1", "core")
    assert isinstance(block, CoreMemory) and block.value == "Alice: works at Acme"
    (secret,) = rows(system, "u1", "knowledge_vault")  # the detector still runs
    assert isinstance(secret, KnowledgeVaultMemory) and secret.source_ids == ["m1"]
    assert set(receipt.routed) == {
        MemoryType.CORE,
        MemoryType.EPISODIC,
        MemoryType.SEMANTIC,
        MemoryType.KNOWLEDGE_VAULT,
    }


@pytest.mark.parametrize("bad", [{"semantic": [{"name": "A", "summary": "s"}]}, {"semantic": 3}])
def test_single_pass_malformed_falls_back_to_offline(make_system: MakeSystem, bad: Any) -> None:
    model = ScriptedToolModel(scripts={"record_memories": [reply(call("record_memories", **bad))]})
    system = make_system(chat_model=model, llm={"single_pass": True, "max_retries": 1})
    receipt = system.add(
        [{"content": "I work as a nurse.", "id": "n1", "name": "Alice"}],
        user_id="u1",
        occurred_at=AT,
    )
    assert model.calls_made("record_memories") == 2
    assert [f.step for f in receipt.failures] == ["single_pass"]
    assert _facts(system) == [("Alice", "works as a nurse", ["n1"])]


def test_llm_core_lines_overflowing_the_block_move_to_semantic(make_system: MakeSystem) -> None:
    lines = "\n".join(f"Ann: enjoys hobby number {i:02d} on quiet weekends" for i in range(8))
    model = ScriptedToolModel(
        scripts={
            "route_memory": [_route("core")],
            "insert_core": [
                reply(call("insert_core", label="human", value=lines, source_ids=["m1"]))
            ],
        }
    )
    system = make_system(chat_model=model, memory={"core_block_limit": 200})
    receipt = system.add(MESSAGES, user_id="u1", occurred_at=AT)
    assert receipt.ok
    (block,) = rows(system, "u1", "core")
    assert isinstance(block, CoreMemory) and len(block.value) <= 200
    moved = [f for f in _facts(system) if f[1].startswith("enjoys hobby number")]
    assert moved and all(name == "Ann" and src == ["m1"] for name, _, src in moved)
    assert len(moved) + len(block.lines()) == 8
    assert {a.action for a in receipt.actions if a.memory_type is MemoryType.SEMANTIC} == {
        "inserted"
    }
