"""Secrets are redacted on every write path exactly like ``add`` does (review issue #14, item 6).

``MemorySystem.update``, the LangGraph store's ``put``, ``import_records``, the
REST ``PATCH``, the memory browser's edit form and the agent's
``update_core_memory`` tool all pass through the same helper as the write path:
the value leaves the memory's text (a placeholder stays) and goes to the
encrypted knowledge vault. A byte scan of the database folder proves that the
value is nowhere on disk in clear.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from mirix_py._memory import KnowledgeVaultMemory, MemoryType, SemanticMemory
from mirix_py._server.app import create_app
from mirix_py._system import MemorySystem
from tests.conftest import make_config
from tests.security._helpers import scan_folder

PASSWORD = "hunter22-blue-sky"
SENTENCE = f"my wifi password is {PASSWORD}"
LOCAL = ("127.0.0.1", 40000)
BASE = "http://127.0.0.1:8765"


def _fact(system: MemorySystem) -> SemanticMemory:
    fact = SemanticMemory(user_id="alice", name="wifi", summary="the wifi is in the hall")
    system.store.upsert([fact])
    return fact


def _assert_redacted(system: MemorySystem, home: Path) -> None:
    texts = [
        r.model_dump_json()
        for t in system.config.memory.enabled
        if t is not MemoryType.KNOWLEDGE_VAULT
        for r in system.get_all(user_id="alice", memory_type=t, limit=1000)
    ]
    assert texts and not [t for t in texts if PASSWORD in t]
    assert any("[stored in vault: " in t for t in texts)  # the label is the detector's
    vault = system.get_all(user_id="alice", memory_type=MemoryType.KNOWLEDGE_VAULT)
    assert [
        v.secret_value.get_secret_value() for v in vault if isinstance(v, KnowledgeVaultMemory)
    ] == [PASSWORD]
    for record in vault:
        assert PASSWORD not in record.model_dump_json()  # the caption never carries it
    assert scan_folder(home / "db", [PASSWORD]).hits == []  # encrypted at rest, nowhere in clear


def _update_text(system: MemorySystem) -> None:
    system.update(_fact(system).id, SENTENCE, user_id="alice")


def _update_fields(system: MemorySystem) -> None:
    system.update(_fact(system).id, {"details": SENTENCE}, user_id="alice")


def _import(system: MemorySystem) -> None:
    row = {
        "kind": "memory",
        "memory_type": "semantic",
        "record": {"name": "n", "summary": SENTENCE},
    }
    system.import_records([row], user_id="alice")


def _langgraph_put(system: MemorySystem) -> None:
    store = system.as_store(user_id="alice")
    store.put(("notes",), "wifi", {"text": SENTENCE})
    item = store.get(("notes",), "wifi")
    assert item is not None and PASSWORD not in str(item.value)


def _core_tool(system: MemorySystem) -> None:
    (tool,) = [t for t in system.as_tools(user_id="alice") if t.name == "update_core_memory"]
    tool.invoke({"label": "human", "content": SENTENCE})


def _rest_patch(system: MemorySystem) -> None:
    fact = _fact(system)
    with TestClient(create_app(system), client=LOCAL, base_url=BASE) as client:
        response = client.patch(
            f"/v1/memories/{fact.id}", json={"user_id": "alice", "text": SENTENCE}
        )
    assert response.status_code == 200, response.text
    assert PASSWORD not in response.text


def _ui_edit(system: MemorySystem) -> None:
    fact = _fact(system)
    with TestClient(create_app(system), client=LOCAL, base_url=BASE) as client:
        page = client.post("/ui/login", data={"user_id": "alice"})
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert csrf, page.text[:500]
        response = client.post(
            f"/ui/memories/{fact.id}/edit",
            data={"csrf": csrf.group(1), "text": SENTENCE},
            headers={"Origin": BASE},
        )
    assert response.status_code == 200, response.text[:500]


PATHS: dict[str, Callable[[MemorySystem], None]] = {
    "update_text": _update_text,
    "update_fields": _update_fields,
    "import_records": _import,
    "langgraph_put": _langgraph_put,
    "core_tool": _core_tool,
    "rest_patch": _rest_patch,
    "ui_edit": _ui_edit,
}


@pytest.mark.parametrize("path", sorted(PATHS))
def test_every_write_path_redacts_like_add(path: str, tmp_path: Path, embeddings: object) -> None:
    system = MemorySystem(make_config(tmp_path), embeddings=embeddings)  # type: ignore[arg-type]
    try:
        PATHS[path](system)
        _assert_redacted(system, tmp_path)
    finally:
        system.close()


def test_add_is_the_reference(tmp_path: Path, embeddings: object) -> None:
    system = MemorySystem(make_config(tmp_path), embeddings=embeddings)  # type: ignore[arg-type]
    try:
        system.add(SENTENCE, user_id="alice")
        _assert_redacted(system, tmp_path)
    finally:
        system.close()


def test_without_a_vault_the_value_is_redacted_not_kept(tmp_path: Path, embeddings: object) -> None:
    config = make_config(tmp_path, memory={"enabled": ["core", "episodic", "semantic"]})
    system = MemorySystem(config, embeddings=embeddings)  # type: ignore[arg-type]
    try:
        fact = _fact(system)
        updated = system.update(fact.id, SENTENCE, user_id="alice")
        assert PASSWORD not in updated.model_dump_json()
        assert "[redacted: " in updated.summary  # type: ignore[attr-defined]
        assert scan_folder(tmp_path / "db", [PASSWORD]).hits == []
    finally:
        system.close()


WORDINGS = {
    "label_in_a_list": (
        "Noting these:\n- shop admin (Brightly): Fennel-Harbor-27\n- lunch at noon",
        "Fennel-Harbor-27",
    ),
    "other_language": ("das WLAN-Passwort ist Hafen2024blau", "Hafen2024blau"),
}


@pytest.mark.parametrize("wording", sorted(WORDINGS))
@pytest.mark.parametrize("path", sorted(PATHS))
def test_every_write_path_redacts_any_wording(
    path: str, wording: str, tmp_path: Path, embeddings: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    sentence, value = WORDINGS[wording]
    monkeypatch.setattr(f"{__name__}.SENTENCE", sentence)
    monkeypatch.setattr(f"{__name__}.PASSWORD", value)
    system = MemorySystem(make_config(tmp_path), embeddings=embeddings)  # type: ignore[arg-type]
    try:
        PATHS[path](system)
        _assert_redacted(system, tmp_path)
    finally:
        system.close()
