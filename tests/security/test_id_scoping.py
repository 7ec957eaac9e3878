"""No call for user A touches a row of user B, whatever id it passes, and another
user's id looks like a missing one on every read path (review issue #14, items 2, 3).

Ids are unique in the database (the store declares ``id`` as its key). A write
naming an id that another user holds is refused before anything is written,
with a message that never says whose it is; an import gives such rows new ids
instead of failing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from langchain_core.embeddings import Embeddings

from mirix_py._ids import derived_id
from mirix_py._memory import MemoryType, SemanticMemory
from mirix_py._memory.semantic import fact_id
from mirix_py._store.lancedb_store import LanceDBStore
from mirix_py._system import MemorySystem
from mirix_py.errors import AccessDenied, MirixError, RecordNotFound
from tests.conftest import make_config


def _fact(user: str, summary: str, **extra: Any) -> SemanticMemory:
    return SemanticMemory(user_id=user, name="fact", summary=summary, **extra)


def _rows(store: LanceDBStore) -> list[dict[str, Any]]:
    table = store._tables[MemoryType.SEMANTIC.value]
    return sorted(
        ({k: v for k, v in r.items() if k != "vector"} for r in table.to_arrow().to_pylist()),
        key=lambda r: (r["user_id"], r["id"]),
    )


def test_supersede_with_another_users_id_never_touches_their_row(store: LanceDBStore) -> None:
    theirs = _fact("bob", "bob keeps his boat in Bergen")
    mine = _fact("alice", "alice likes tea")
    store.upsert([theirs, mine])
    before = _rows(store)
    bob_history = store.history(theirs.id, user_id="bob")

    # alice names bob's id as the id of her replacement record
    new = _fact("alice", "alice likes green tea", id=theirs.id)
    with pytest.raises(AccessDenied) as caught:
        store.supersede(mine.id, new, user_id="alice")
    assert "another user" not in str(caught.value) and "bob" not in str(caught.value)

    assert _rows(store) == before  # nothing written: bob's row, and alice's old one unretired
    assert store.history(theirs.id, user_id="bob") == bob_history
    assert store.get(mine.id, user_id="alice").valid_to is None


def test_upsert_with_another_users_id_is_refused_without_saying_whose(
    store: LanceDBStore,
) -> None:
    theirs = _fact("bob", "bob's secret plan")
    store.upsert([theirs])
    before = _rows(store)
    with pytest.raises(AccessDenied) as caught:
        store.upsert([_fact("alice", "alice's note", id=theirs.id)])
    assert "another user" not in str(caught.value)
    assert _rows(store) == before


def test_retire_and_delete_of_another_users_id_change_nothing(store: LanceDBStore) -> None:
    theirs = _fact("bob", "bob's fact")
    store.upsert([theirs])
    before = _rows(store)
    assert (
        store.retire(
            [theirs.id], user_id="alice", memory_type=MemoryType.SEMANTIC, replaced_by=None
        )
        == []
    )
    with pytest.raises(RecordNotFound):
        store.delete(theirs.id, user_id="alice")
    assert _rows(store) == before


def _import_outcome(system: MemorySystem, memory_id: str) -> tuple[Any, ...]:
    row = {
        "kind": "memory",
        "memory_type": "semantic",
        "record": {"id": memory_id, "name": "note", "summary": f"imported {memory_id[:4]}"},
    }
    receipt = system.import_records([row], user_id="alice")
    (stored,) = receipt.ids()
    assert system.get(stored, user_id="alice").summary.startswith("imported")  # type: ignore[attr-defined]
    return (receipt.ok, [a.action for a in receipt.actions], stored == memory_id, stored)


def test_import_of_another_users_id_succeeds_like_a_missing_id(system: MemorySystem) -> None:
    theirs = _fact("bob", "bob's diary entry")
    system.store.upsert([theirs])
    missing = "0" * 32
    foreign = _import_outcome(system, theirs.id)
    absent = _import_outcome(system, missing)
    assert foreign[:3] == absent[:3] == (True, ["inserted"], False)
    # the id each gets depends only on (importing user, old id), not on who holds it
    assert foreign[3] == derived_id("alice", theirs.id)
    assert absent[3] == derived_id("alice", missing)
    assert system.get(theirs.id, user_id="bob").summary == "bob's diary entry"  # type: ignore[attr-defined]


def test_import_cannot_confirm_a_guessed_fact_of_another_user(system: MemorySystem) -> None:
    """Content-keyed ids hash the user in; importing a guessed id of bob's fact
    must not tell alice whether bob holds that fact."""
    held = fact_id("bob", "Bob", "lives in Oslo")
    system.store.upsert([_fact("bob", "lives in Oslo", id=held)])
    not_held = fact_id("bob", "Bob", "lives in Bergen")

    def outcome(memory_id: str) -> tuple[Any, ...]:
        row = {"kind": "memory", "memory_type": "semantic", "record": {"id": memory_id}}
        row["record"].update(name="Bob", summary="a guess")
        receipt = system.import_records([row], user_id="alice")
        (stored,) = receipt.ids()
        return receipt.ok, stored == derived_id("alice", memory_id), stored == memory_id

    assert outcome(held) == outcome(not_held) == (True, True, False)


def test_importing_ones_own_ids_keeps_them(system: MemorySystem) -> None:
    mine = _fact("alice", "alice's note")
    system.store.upsert([mine])
    (row,) = [r for r in system.export_records(user_id="alice") if r["record"]["id"] == mine.id]
    row["record"]["summary"] = "alice's edited note"
    receipt = system.import_records([row], user_id="alice")
    assert receipt.ids() == [mine.id]
    assert system.get(mine.id, user_id="alice").summary == "alice's edited note"  # type: ignore[attr-defined]


def _error_of(call: Any) -> tuple[str, str]:
    try:
        call()
    except MirixError as exc:
        return type(exc).__name__, str(exc)
    return "no error", ""


def test_every_facade_path_answers_the_same_for_foreign_and_missing_ids(
    system: MemorySystem,
) -> None:
    theirs = _fact("bob", "bob's fact")
    system.store.upsert([theirs])
    missing = "f" * 32
    paths = {
        "get": lambda i: system.get(i, user_id="alice"),
        "update": lambda i: system.update(i, "changed", user_id="alice"),
        "delete": lambda i: system.delete(i, user_id="alice"),
        "history": lambda i: system.history(i, user_id="alice") or None,
        "explain": lambda i: system.explain(i, user_id="alice"),
        "store.get": lambda i: system.store.get(i, user_id="alice"),
    }
    for name, call in paths.items():
        foreign = _error_of(lambda c=call: c(theirs.id))
        absent = _error_of(lambda c=call: c(missing))
        assert foreign == (absent[0], absent[1].replace(missing, theirs.id)), name
        assert "another user" not in foreign[1], name
    with pytest.raises(RecordNotFound):
        system.get(theirs.id, user_id="alice")
    assert system.get(theirs.id, user_id="bob").summary == "bob's fact"  # type: ignore[attr-defined]


def test_cli_import_of_a_foreign_id_succeeds_like_a_missing_one(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    embeddings: Embeddings,
) -> None:
    from mirix_py._cli import main

    monkeypatch.setenv("MIRIX_PY_HOME", str(tmp_path))
    system = MemorySystem(make_config(tmp_path), embeddings=embeddings)
    theirs = _fact("bob", "bob's fact")
    system.store.upsert([theirs])
    system.close()
    rows = [
        {
            "kind": "memory",
            "memory_type": "semantic",
            "record": {"id": theirs.id, "name": "n", "summary": "alice's own"},
        }
    ]
    path = tmp_path / "rows.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    code = main(["import", str(path), "--user", "alice"])
    out = capsys.readouterr()
    assert code == 0, out
    assert "another user" not in out.out + out.err


def test_mcp_and_rest_answer_the_same_for_foreign_and_missing_ids(system: MemorySystem) -> None:
    pytest.importorskip("mcp", reason="the serve extra is not installed")
    from fastapi.testclient import TestClient
    from mcp.server.mcpserver.exceptions import ToolError

    from mirix_py._server.app import create_app
    from mirix_py._server.auth import Scope
    from mirix_py._server.mcp_server import _Tools

    theirs = _fact("bob", "bob's fact")
    system.store.upsert([theirs])
    missing = "e" * 32
    tools = _Tools(system, lambda ctx: Scope.for_users(["alice"]), "alice")

    def mcp_forget(memory_id: str) -> str:
        with pytest.raises(ToolError) as caught:
            tools.forget(None, memory_id=memory_id)  # type: ignore[arg-type]
        return str(caught.value).replace(memory_id, "ID")

    assert mcp_forget(theirs.id) == mcp_forget(missing)
    with TestClient(
        create_app(system), client=("127.0.0.1", 40000), base_url="http://127.0.0.1:8765"
    ) as client:
        answers = []
        for memory_id in (theirs.id, missing):
            r = client.patch(f"/v1/memories/{memory_id}", json={"user_id": "alice", "text": "x"})
            answers.append((r.status_code, r.text.replace(memory_id, "ID")))
    assert answers[0] == answers[1] and answers[0][0] == 404
    assert system.get(theirs.id, user_id="bob").summary == "bob's fact"  # type: ignore[attr-defined]
