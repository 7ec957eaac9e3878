"""An eighth memory type defined in this folder works end to end with no library edit.

``contacts_type.py`` (the module), ``contacts_memory_manager.md`` (its agent file)
and the config entry below are all it takes: it is written by the offline and the
fake-LLM paths, searched, composed into the chat context, listed over REST and in
the browser UI, archived by retention and forgotten. The last test checks that
``docs/architecture.md`` names exactly these files as what a new type needs.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from langchain_core.language_models import BaseChatModel

from mirix_py._config import MirixConfig, load_config
from mirix_py._embeddings import CachedEmbeddings
from mirix_py._memory import MemoryType, registry
from mirix_py._system import MemorySystem
from mirix_py.errors import RecordNotFound
from tests.unit.managers.fakes import ScriptedToolModel, call, reply

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
MODULE = "tests.registry.contacts_type"
ENABLED = ["core", "episodic", "semantic", "procedural", "resource", "knowledge_vault", "contacts"]
SAID = "My sister Maria is best reached via Signal after 6pm."
AT = datetime(2023, 5, 8, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def contacts() -> Iterator[ModuleType]:
    """The type's module, imported here (not at collection, which would add the type
    for every test); the registry is process-wide, so the type is removed after."""
    yield importlib.import_module(MODULE)
    registry.unregister("contacts")


def _config(tmp_path: Path, **overrides: Any) -> MirixConfig:
    memory = {"type_modules": [MODULE], "enabled": ENABLED}
    return load_config(
        "default",
        environ={},
        home=str(tmp_path),
        config_dir=str(tmp_path / "config"),
        memory=memory,
        **overrides,
    )


def _system(
    tmp_path: Path,
    embeddings: CachedEmbeddings,
    chat_model: BaseChatModel | None = None,
    **overrides: Any,
) -> MemorySystem:
    return MemorySystem(
        _config(tmp_path, **overrides), embeddings=embeddings, chat_model=chat_model
    )


def _contacts(system: MemorySystem, user_id: str = "u1") -> list[Any]:
    rows = system.get_all(user_id=user_id, memory_type="contacts", limit=100)
    assert all(r.memory_type == "contacts" for r in rows)
    return list(rows)


def test_the_config_entry_registers_the_type(tmp_path: Path, contacts: ModuleType) -> None:
    config = _config(tmp_path)
    assert MemoryType("contacts") in config.memory.enabled
    assert registry.spec_of("contacts") is contacts.SPEC
    assert MemoryType.CONTACTS is contacts.ContactMemory.memory_type  # type: ignore[attr-defined]
    assert config.retention.caps.cap("contacts", contacts.SPEC.retention_cap) == 10


def test_offline_write_search_chat_retention_and_forget(
    tmp_path: Path, embeddings: CachedEmbeddings
) -> None:
    system = _system(tmp_path, embeddings, retention={"caps": {"contacts": 10}})
    try:
        receipt = system.add(SAID, user_id="u1", occurred_at=AT)
        assert receipt.ok and MemoryType("contacts") in receipt.routed
        (maria,) = _contacts(system)
        assert (maria.name, maria.relation) == ("Maria", "sister")
        assert maria.reach == "via Signal after 6pm"
        assert maria.id.startswith("ct-") and maria.source_ids

        hits = system.search("how do I reach Maria", user_id="u1", memory_types=["contacts"])
        assert [h.record.id for h in hits][:1] == [maria.id]

        answer = system.chat("How can I reach Maria?", user_id="u1")
        assert "Contacts:" in answer.context and "via Signal after 6pm" in answer.context
        assert maria.id in {r.memory_id for r in answer.retrieved}

        # a later way to reach her supersedes the old one (the spec's slot key)
        system.add("My sister Maria can be reached by email now.", user_id="u1")
        current = [c for c in _contacts(system) if c.is_current and c.name == "Maria"]
        assert [c.reach for c in current] == ["by email now"]

        # retention: above its cap, the oldest contacts are archived into a summary
        people = [f"Person{chr(65 + i)}" for i in range(14)]
        for day, name in enumerate(people):
            system.add(
                f"My friend {name} is best reached at the office.",
                user_id="u1",
                occurred_at=AT - timedelta(days=400 - day),
            )
        report = system.consolidate(user_id="u1", now=AT + timedelta(days=30))
        archived = [a for a in report.actions if a.memory_type == "contacts"]
        assert archived, report
        summaries = [c for c in _contacts(system) if c.name == "archive"]
        assert summaries and summaries[0].status == "archived"
        active = [c for c in _contacts(system) if c.status == "active" and c.is_current]
        assert len(active) <= 10

        # forget
        system.delete(current[0].id, user_id="u1")
        with pytest.raises(RecordNotFound):
            system.get(current[0].id, user_id="u1")
    finally:
        system.close()


def test_fake_llm_write_uses_its_agent_file_and_the_registry_prompts(
    tmp_path: Path, embeddings: CachedEmbeddings, contacts: ModuleType
) -> None:
    model = ScriptedToolModel(
        scripts={
            "route_memory": [
                reply(call("route_memory", memory_types=["contacts"], reason="a contact"))
            ],
            "insert_contacts": [
                reply(
                    call(
                        "insert_contacts",
                        name="Ravi",
                        relation="colleague",
                        reach="on Slack, mornings",
                        source_ids=["m1"],
                    )
                )
            ],
        }
    )
    system = _system(tmp_path, embeddings, chat_model=model)
    try:
        receipt = system.add(
            [{"role": "user", "content": "Ravi from work answers Slack in the mornings."}],
            user_id="u1",
            occurred_at=AT,
        )
        assert receipt.ok, receipt.failures
        (ravi,) = _contacts(system)
        assert (ravi.name, ravi.relation, ravi.reach) == ("Ravi", "colleague", "on Slack, mornings")
        assert ravi.origin == "extracted"
        routing = " ".join(str(m.content) for p in model.prompts["route_memory"] for m in p)
        assert (
            f"- contacts: {contacts.SPEC.describe}" in routing
        )  # the type list comes from the registry
        manager = " ".join(str(m.content) for p in model.prompts["insert_contacts"] for m in p)
        assert "You manage contacts memory" in manager  # its own agent file
    finally:
        system.close()


def test_rest_list_and_ui(tmp_path: Path, embeddings: CachedEmbeddings) -> None:
    pytest.importorskip("fastapi", reason="the serve extra is not installed")
    from fastapi.testclient import TestClient

    from mirix_py._server.app import create_app

    key = "test-key-contacts-0123456789abcd"
    system = _system(tmp_path, embeddings, server={"api_keys": {key: ["u1"]}})
    try:
        system.add(SAID, user_id="u1", occurred_at=AT)
        with TestClient(create_app(system), raise_server_exceptions=False) as client:
            listed = client.get(
                "/v1/memories",
                params={"user_id": "u1", "memory_type": "contacts"},
                headers={"Authorization": f"Bearer {key}"},
            )
            assert listed.status_code == 200, listed.text
            items = listed.json()["items"]
            assert [i["memory_type"] for i in items] == ["contacts"]
            assert "via Signal" in str(items[0])

            login = client.post("/ui/login", data={"api_key": key, "user_id": "u1"})
            assert login.status_code == 200, login.text
            page = client.get("/ui/memories").text
            assert ">Contacts <span" in page and "via Signal after 6pm" in page
            typed = client.get("/ui/memories", params={"type": "contacts"})
            assert typed.status_code == 200 and "via Signal after 6pm" in typed.text
    finally:
        system.close()


def test_architecture_doc_lists_what_the_type_needed(tmp_path: Path) -> None:
    """The doc's "how to add a memory type" file list is what this proof used."""
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = doc.split("## How to add a memory type", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"^- `([^`]+)`", section, flags=re.MULTILINE))
    # what this folder holds besides tests, and the one config key the proof sets
    files = {p.name for p in HERE.iterdir() if p.is_file() and not p.name.startswith("test_")}
    assert files - {"__init__.py"} == {"contacts_type.py", "contacts_memory_manager.md"}
    used = {
        "_memory/<type>.py": "contacts_type.py" in files,
        "agents/<type>_memory_manager.md": "contacts_memory_manager.md" in files,
        "memory.type_modules": MODULE in _config(tmp_path).memory.type_modules,
    }
    assert named == set(used) and all(used.values()), (named, used)


def test_schemas_built_before_the_type_list_it(
    tmp_path: Path, embeddings: CachedEmbeddings
) -> None:
    """Request models and tool signatures are created at import, before the config
    registers the type; their JSON schemas (OpenAPI, MCP, LangChain tools) still
    offer it."""
    pytest.importorskip("fastapi", reason="the serve extra is not installed")
    import anyio

    from mirix_py._server.app import create_app
    from mirix_py._server.mcp_server import build_mcp_server
    from mirix_py._tools import memory_tools

    def enum_values(schema: Any) -> set[str]:
        found: set[str] = set()
        if isinstance(schema, dict):
            if isinstance(schema.get("enum"), list) and "core" in schema["enum"]:
                found |= set(schema["enum"])
            for value in schema.values():
                found |= enum_values(value)
        elif isinstance(schema, list):
            for value in schema:
                found |= enum_values(value)
        return found

    system = _system(tmp_path, embeddings)
    try:
        assert "contacts" in enum_values(create_app(system).openapi())
        tools = {t.name: t for t in memory_tools(system, user_id="u1")}
        assert "contacts" in enum_values(
            tools["search_memory"].tool_call_schema.model_json_schema()
        )
        listed = anyio.run(build_mcp_server(system, default_user="u1").list_tools)
        search = next(t for t in listed if t.name == "search")
        assert "contacts" in enum_values(search.input_schema)
    finally:
        system.close()
