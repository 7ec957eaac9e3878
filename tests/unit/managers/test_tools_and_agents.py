"""Agent files, tool schemas derived from the records, tool-call parsing, the retry loop."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from pydantic import SecretStr

from mirix_py._agents import load_write_agents, manager_agent_name, parse_agent
from mirix_py._embeddings import cosine
from mirix_py._managers.apply import scrub
from mirix_py._managers.llm_loop import call_with_tools
from mirix_py._managers.tools import (
    ToolCallsInvalid,
    manager_tools,
    plan_from_calls,
    proposals_from_call,
    route_from_call,
)
from mirix_py._managers.usage import UsageCounter
from mirix_py._managers.vectors import VectorCache
from mirix_py._memory import MemoryType, SemanticMemory
from mirix_py._memory.extract_common import Turn
from mirix_py._resources import data_dir
from mirix_py.errors import ConfigError, ExtractionError
from tests.unit.managers.fakes import ToolScript, call, reply

AT = datetime(2023, 5, 8, tzinfo=UTC)
TURNS = {
    "m1": Turn(
        id="m1",
        role="user",
        speaker="Ann",
        content="I work at Acme.",
        text="I work at Acme.",
        timestamp=AT,
        sequence=0,
        session_id="s",
    )
}


# -------------------------------------------------------------------- agents


def test_shipped_agents_load_for_every_memory_type() -> None:
    agents = load_write_agents(data_dir("agents"), tuple(MemoryType))
    for mtype in MemoryType:
        spec = agents[manager_agent_name(mtype)]
        assert spec.memory_type is mtype and spec.task and spec.retry
    for spec in agents.values():
        # the system message is stable instructions only: dates and data go in the
        # human message (prefix caching, and user data never in the system role)
        assert not spec.placeholders() & {"date", "existing_memories", "input"}, spec.name
        assert "A good call" in spec.template and "→ " in spec.template, spec.name
    assert agents["meta_memory_manager"].tools == ("route_memory",)


def test_render_fills_placeholders_once_and_never_inside_data() -> None:
    spec = parse_agent(
        "---\nname: x\ndescription: d\n---\nToday is {date}. Input: {input} {unknown}"
    )
    out = spec.render(date="7 May 2023", input="user said {date}")
    assert out == "Today is 7 May 2023. Input: user said {date} {unknown}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("no front matter", "front matter block"),
        ("---\nname: x\n---\nbody", "non-empty 'description'"),
        ("---\nname: x\ndescription: d\nmemory_type: dreams\n---\nb", "memory_type 'dreams'"),
        ("---\nname: x\ndescription: d\nmemory_type: core\ntools: [fly]\n---\nb", "unknown"),
        ("---\nname: [x\n---\nb", "not valid YAML"),
    ],
)
def test_broken_agent_files_name_the_problem(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_agent(text, source="a.md")


def test_a_custom_folder_missing_instructions_fails_at_build_time(tmp_path: Path) -> None:
    for path in data_dir("agents").glob("*.md"):
        (tmp_path / path.name).write_text(path.read_text())
    target = tmp_path / "semantic_memory_manager.md"
    target.write_text(target.read_text().replace("\nretry:", "\nold_retry:"))
    with pytest.raises(ConfigError, match="'retry'"):
        load_write_agents(tmp_path, tuple(MemoryType))


# --------------------------------------------------------------------- tools


def test_tool_schemas_are_the_records_own_fields() -> None:
    tools = manager_tools(MemoryType.SEMANTIC)
    assert set(tools) == {
        "insert_semantic",
        "update_semantic",
        "supersede_semantic",
        "delete_semantic",
        "no_op",
    }
    insert = tools["insert_semantic"].model_json_schema()
    assert set(insert["properties"]) == {
        "name",
        "summary",
        "details",
        "source",
        "source_ids",
        "reason",
    }
    assert set(insert["required"]) == {"name", "summary", "source_ids"}
    vault = manager_tools(MemoryType.KNOWLEDGE_VAULT)["insert_knowledge_vault"].model_json_schema()
    assert vault["properties"]["secret_value"]["type"] == "string"
    assert vault["properties"]["sensitivity"]["enum"] == ["low", "medium", "high"]
    core = manager_tools(MemoryType.CORE, ("insert", "update"))
    assert set(core) == {"insert_core", "update_core", "no_op"}


def _plan(ai: AIMessage, existing: set[str] | None = None) -> object:
    tools = manager_tools(MemoryType.SEMANTIC)
    return plan_from_calls(
        ai,
        MemoryType.SEMANTIC,
        tools,
        user_id="u",
        turns=TURNS,
        session_id="s",
        existing_ids=lambda ids: set(ids) & (existing or set()),
    )


def test_valid_calls_become_a_plan_with_content_ids() -> None:
    plan = _plan(
        reply(
            call("insert_semantic", name="Ann", summary="works at Acme", source_ids=["m1"]),
            call("update_semantic", memory_id="old1", summary="new", source_ids=["m1"]),
            call("delete_semantic", memory_id="old2", reason="duplicate"),
            call("no_op", reason="rest is chatter"),
        ),
        existing={"old1", "old2"},
    )
    (cand,) = plan.candidates  # type: ignore[attr-defined]
    assert isinstance(cand, SemanticMemory)
    assert (cand.name, cand.summary, cand.source_ids, cand.occurred_at) == (
        "Ann",
        "works at Acme",
        ["m1"],
        AT,
    )
    assert [u.target_id for u in plan.updates] == ["old1"]  # type: ignore[attr-defined]
    assert [d.target_id for d in plan.deletes] == ["old2"]  # type: ignore[attr-defined]


def test_a_model_written_fact_holds_from_its_message_so_as_of_reads_see_it_then() -> None:
    plan = _plan(
        reply(call("insert_semantic", name="Ann", summary="works at Acme", source_ids=["m1"]))
    )
    (cand,) = plan.candidates  # type: ignore[attr-defined]
    assert cand.valid_from == AT


@pytest.mark.parametrize(
    ("calls", "message"),
    [
        ([call("insert_semantic", name="Ann")], "summary: Field required"),
        ([call("insert_semantic", name="A", summary="s", source_ids=["zz"])], "not input message"),
        ([call("update_semantic", memory_id="nope", summary="s")], "no semantic memory with id"),
        ([call("insert_episodic", actor="A", summary="s", source_ids=["m1"])], "unknown tool"),
    ],
)
def test_malformed_calls_raise_with_reasons(calls: list[dict[str, object]], message: str) -> None:
    with pytest.raises(ToolCallsInvalid, match=message):
        _plan(reply(*calls))


def test_invalid_json_arguments_are_malformed() -> None:
    ai = AIMessage(
        content="",
        invalid_tool_calls=[
            {
                "name": "insert_semantic",
                "args": "{oops",
                "id": "c9",
                "error": "bad json",
                "type": "invalid_tool_call",
            }
        ],
    )
    with pytest.raises(ToolCallsInvalid, match="not valid JSON"):
        _plan(ai)


def test_route_keeps_enabled_names_and_reports_the_rest() -> None:
    enabled = (MemoryType.EPISODIC, MemoryType.SEMANTIC)
    chosen, ignored, why = route_from_call(
        reply(call("route_memory", memory_types=["Semantic", "vault", "procedural"], reason="r")),
        enabled,
    )
    assert chosen == [MemoryType.SEMANTIC] and ignored == ["vault", "procedural"] and why == "r"
    with pytest.raises(ToolCallsInvalid, match="route_memory"):
        route_from_call(AIMessage(content="semantic please"), enabled)


def test_single_pass_proposals_are_checked_per_item() -> None:
    enabled = (MemoryType.SEMANTIC, MemoryType.EPISODIC)
    ok = proposals_from_call(
        reply(
            call(
                "record_memories", semantic=[{"name": "Ann", "summary": "s", "source_ids": ["m1"]}]
            )
        ),
        enabled,
        user_id="u",
        turns=TURNS,
        session_id="s",
    )
    assert list(ok) == [MemoryType.SEMANTIC]
    with pytest.raises(ToolCallsInvalid, match="semantic: source_ids"):
        proposals_from_call(
            reply(
                call(
                    "record_memories", semantic=[{"name": "A", "summary": "s", "source_ids": ["x"]}]
                )
            ),
            enabled,
            user_id="u",
            turns=TURNS,
            session_id="s",
        )


# ----------------------------------------------------------------- llm loop


def test_retries_feed_errors_back_then_give_up() -> None:
    agents = load_write_agents(data_dir("agents"), (MemoryType.SEMANTIC,))
    agent = agents["semantic_memory_manager"]
    bad = reply(call("insert_semantic", name="Ann"), tokens=12)
    model = ToolScript(responses=[bad, bad, bad])
    seen = model.prompts
    counter = UsageCounter()
    with pytest.raises(ExtractionError, match="after 3 attempt"):
        call_with_tools(
            model,
            agent,
            list(manager_tools(MemoryType.SEMANTIC).values()),
            system="sys",
            task="go",
            parse=lambda ai: _plan(ai),
            max_retries=2,
            counter=counter,
            user_id="u",
        )
    assert counter.calls == 3 and counter.tokens == 36
    last = seen[-1]
    assert isinstance(last[-1], HumanMessage) and "invalid" in str(last[-1].content)
    assert any(isinstance(m, ToolMessage) and m.status == "error" for m in last)


# ------------------------------------------------------------------ helpers


def test_vector_cache_embeds_each_text_once_in_one_call() -> None:
    calls: list[list[str]] = []

    class Counting:
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            calls.append(list(texts))
            return [[float(len(t)), 1.0] for t in texts]

    cache = VectorCache(Counting(), size=3)  # type: ignore[arg-type]
    assert cache.embed(["a", "bb", "a"]) == [[1.0, 1.0], [2.0, 1.0], [1.0, 1.0]]
    assert cache.embed(["bb", "ccc"]) == [[2.0, 1.0], [3.0, 1.0]]
    assert calls == [["a", "bb"], ["ccc"]]


def test_scrub_redacts_secrets_everywhere_but_the_vault_value() -> None:
    fact = SemanticMemory(user_id="u", name="Ann", summary="pin is 4471, phone 415-555-0134")
    clean = scrub(fact, ["4471"])
    # the text a record carries, not its random id or timestamps (an id may hold "4471")
    carried = clean.model_dump_json(include={"name", "summary", "details", "source"})
    assert "4471" not in carried and "415-555-0134" not in carried
    assert "[stored in vault]" in clean.summary
    from mirix_py._memory import KnowledgeVaultMemory

    vault = KnowledgeVaultMemory(user_id="u", secret_value=SecretStr("4471"), caption="pin")
    assert scrub(vault, ["4471"]) is vault
    leaky = KnowledgeVaultMemory(
        user_id="u", secret_value=SecretStr("hunter2!"), caption="Ann's password hunter2!"
    )
    clean_vault = scrub(leaky)
    assert isinstance(clean_vault, KnowledgeVaultMemory)
    assert "hunter2" not in clean_vault.caption
    assert clean_vault.secret_value.get_secret_value() == "hunter2!"
    assert cosine([1.0, 0.0], [1.0, 0.0]) == pytest.approx(1.0)
    assert cosine([1.0, 0.0], [0.0, 1.0]) == pytest.approx(0.0)


def test_length_buckets_group_similar_lengths_in_order() -> None:
    from mirix_py._managers.vectors import length_buckets

    texts = ["x" * n for n in (300, 10, 45, 52, 310, 2000, 5000, 120)]
    buckets = length_buckets(texts)
    assert sorted(t for b in buckets for t in b) == sorted(texts)
    for bucket in buckets:
        sizes = [min(max(len(t), 40), 1200) for t in bucket]
        assert max(sizes) <= 1.25 * min(sizes)
    assert [len(t) for t in buckets[0]] == [10, 45]  # short texts share one batch
    assert [len(t) for t in buckets[-1]] == [2000, 5000]  # the embedder reads both the same
    assert max(len(b) for b in length_buckets(["same"] * 200)) == 64
