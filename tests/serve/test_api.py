"""The REST API end to end on real LanceDB: every endpoint, paging, errors, OpenAPI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from langchain_core.embeddings import Embeddings

from mirix_py._server.app import create_app
from mirix_py._system import MemorySystem
from tests.conftest import make_config
from tests.serve.conftest import ALICE_KEY, auth

A = auth(ALICE_KEY)
CONVERSATION = [
    {"role": "user", "name": "Alice", "content": "I adopted a beagle named Biscuit last week."},
    {"role": "user", "name": "Alice", "content": "My sister Maya lives in Oslo."},
    {"role": "user", "name": "Alice", "content": "My wifi password is hunter22-blue-sky"},
]


def _add(client: TestClient, messages: Any = CONVERSATION, user: str = "alice") -> dict[str, Any]:
    response = client.post("/v1/memories", json={"user_id": user, "messages": messages}, headers=A)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _items(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/v1/memories", params={"user_id": "alice", **params}, headers=A)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def test_health_needs_no_key(client: TestClient) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["auth"] == "api_key"
    assert "knowledge_vault" in body["memory_types"]


def test_add_then_get_list_search_chat(client: TestClient) -> None:
    receipt = _add(client)
    written = {a["memory_id"] for a in receipt["actions"] if a["memory_id"]}
    assert receipt["user_id"] == "alice" and written
    listed = _items(client, limit=500)
    assert written <= {m["id"] for m in listed}
    for memory in listed:
        assert memory["user_id"] == "alice"
        assert memory["date"] and memory["source_ids"]
        assert "embedding" not in memory["fields"]
    one = client.get(f"/v1/memories/{listed[0]['id']}", params={"user_id": "alice"}, headers=A)
    assert one.json()["id"] == listed[0]["id"]

    hits = client.post(
        "/v1/search", json={"user_id": "alice", "query": "Biscuit the beagle"}, headers=A
    ).json()["results"]
    assert hits and any("Biscuit" in h["memory"]["text"] for h in hits)
    assert all("score" in h["score"] for h in hits)

    answer = client.post(
        "/v1/chat", json={"user_id": "alice", "message": "Where does Maya live?"}, headers=A
    )
    assert answer.status_code == 200
    assert {"text", "citations", "trace", "latency"} <= set(answer.json())


def test_list_is_paged_and_filtered_by_type(client: TestClient) -> None:
    _add(client)
    everything = _items(client, limit=500)
    assert len(everything) >= 3
    first = client.get("/v1/memories", params={"user_id": "alice", "limit": 2}, headers=A).json()
    assert len(first["items"]) == 2 and first["next_offset"] == 2
    second = client.get(
        "/v1/memories", params={"user_id": "alice", "limit": 2, "offset": 2}, headers=A
    ).json()
    assert {m["id"] for m in first["items"]}.isdisjoint({m["id"] for m in second["items"]})
    last = client.get(
        "/v1/memories", params={"user_id": "alice", "limit": 500, "offset": 0}, headers=A
    ).json()
    assert last["next_offset"] is None
    semantic = _items(client, memory_type="semantic")
    assert semantic and {m["memory_type"] for m in semantic} == {"semantic"}


def test_vault_values_are_masked_unless_revealed(client: TestClient) -> None:
    _add(client)
    (item,) = _items(client, memory_type="knowledge_vault")
    assert "hunter22" not in str(item)
    assert item["fields"]["secret_value"] == "«hidden»"
    hits = client.post(
        "/v1/search", json={"user_id": "alice", "query": "wifi password"}, headers=A
    ).json()
    assert "hunter22" not in str(hits)
    history = client.get(
        f"/v1/memories/{item['id']}/history", params={"user_id": "alice"}, headers=A
    ).json()
    assert "hunter22" not in str(history)
    revealed = client.get(
        f"/v1/memories/{item['id']}", params={"user_id": "alice", "reveal": "true"}, headers=A
    ).json()
    assert revealed["revealed"] is True and "hunter22-blue-sky" in revealed["text"]


def test_update_keeps_history(client: TestClient, keyed_system: MemorySystem) -> None:
    _add(client)
    target = _items(client, memory_type="semantic")[0]
    changed = client.patch(
        f"/v1/memories/{target['id']}",
        json={"user_id": "alice", "text": "Maya moved to Bergen"},
        headers=A,
    )
    assert changed.status_code == 200, changed.text
    assert "Bergen" in changed.json()["text"]
    assert "Bergen" in keyed_system.get(target["id"], user_id="alice").render()
    events = client.get(
        f"/v1/memories/{target['id']}/history", params={"user_id": "alice"}, headers=A
    ).json()["events"]
    assert [e["event"] for e in events][:1] == ["insert"]
    assert any(e["event"] == "update" and "Bergen" in (e["new_value"] or "") for e in events)

    fields = client.patch(
        f"/v1/memories/{target['id']}",
        json={"user_id": "alice", "fields": {"importance": 0.9}},
        headers=A,
    )
    assert fields.json()["importance"] == 0.9
    both = client.patch(
        f"/v1/memories/{target['id']}",
        json={"user_id": "alice", "text": "x", "fields": {"importance": 0.1}},
        headers=A,
    )
    assert both.status_code == 422 and both.json()["error"]["code"] == "validation_error"


def test_delete_one_and_forget_user(client: TestClient, keyed_system: MemorySystem) -> None:
    _add(client)
    target = _items(client)[0]
    gone = client.delete(f"/v1/memories/{target['id']}", params={"user_id": "alice"}, headers=A)
    assert gone.status_code == 200 and gone.json()["memory_ids"] == [target["id"]]
    again = client.get(f"/v1/memories/{target['id']}", params={"user_id": "alice"}, headers=A)
    assert again.status_code == 404 and again.json()["error"]["code"] == "not_found"
    assert (
        client.delete(
            f"/v1/memories/{target['id']}", params={"user_id": "alice"}, headers=A
        ).status_code
        == 404
    )

    receipt = client.delete("/v1/memories", params={"user_id": "alice"}, headers=A).json()
    assert sum(receipt["removed"].values()) >= 1
    assert _items(client) == []
    assert keyed_system.get_all(user_id="alice") == []


def test_export_and_stats(client: TestClient) -> None:
    _add(client)
    exported = client.get("/v1/export", params={"user_id": "alice"}, headers=A).json()
    kinds = {row["memory_type"] for row in exported["rows"]}
    assert exported["include_secrets"] is False and "knowledge_vault" not in kinds
    with_secrets = client.get(
        "/v1/export", params={"user_id": "alice", "include_secrets": "true"}, headers=A
    ).json()
    assert "hunter22-blue-sky" in str(with_secrets["rows"])
    stats = client.get("/v1/stats", params={"user_id": "alice"}, headers=A).json()
    assert stats["total"] == sum(stats["memories"].values()) >= 3
    assert "storage" not in stats


def test_errors_are_json_with_stable_codes(client: TestClient) -> None:
    cases = [
        (client.post("/v1/search", json={"user_id": "alice", "query": ""}, headers=A), 422),
        (client.post("/v1/search", json={"user_id": "alice"}, headers=A), 422),
        (client.post("/v1/memories", json={"user_id": "alice", "messages": []}, headers=A), 422),
        (client.post("/v1/memories", content=b"{not json", headers=A), 422),
        (client.get("/v1/memories", params={"user_id": "alice", "limit": 0}, headers=A), 422),
        (client.get("/v1/memories", headers=A), 422),
        (client.get("/v1/memories/nope", params={"user_id": "alice"}, headers=A), 404),
        (client.get("/v1/memories/x/history", params={"user_id": "alice"}, headers=A), 404),
        (client.get("/no/such/path"), 404),
        (client.put("/v1/search", headers=A), 405),
    ]
    for response, status in cases:
        assert response.status_code == status, response.text
        error = response.json()["error"]
        assert error["code"] and error["message"]
    codes = [r.json()["error"]["code"] for r, _ in cases]
    assert codes[:6] == ["validation_error"] * 6
    assert codes[6:9] == ["not_found"] * 3
    assert codes[9] == "method_not_allowed"


def test_disabled_type_is_a_validation_error(tmp_path: Path, embeddings: Embeddings) -> None:
    config = make_config(tmp_path, "minimal", server={"api_keys": {ALICE_KEY: ["alice"]}})
    system = MemorySystem(config, embeddings=embeddings)
    try:
        with TestClient(create_app(system)) as c:
            r = c.get(
                "/v1/memories", params={"user_id": "alice", "memory_type": "resource"}, headers=A
            )
            assert r.status_code == 422
            assert r.json()["error"]["code"] == "memory_type_disabled"
    finally:
        system.close()


def test_validation_errors_never_echo_the_input(client: TestClient) -> None:
    secret = "sk-proj-THISISASECRETVALUE0123456789"
    r = client.post(
        "/v1/memories",
        json={"user_id": "alice", "messages": [{"content": secret, "x": 1}]},
        headers=A,
    )
    assert r.status_code == 422
    assert secret not in r.text


def test_openapi_schema_lists_every_endpoint(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    expected = {
        ("/health", "get"),
        ("/v1/memories", "post"),
        ("/v1/memories", "get"),
        ("/v1/memories", "delete"),
        ("/v1/memories/{memory_id}", "get"),
        ("/v1/memories/{memory_id}", "patch"),
        ("/v1/memories/{memory_id}", "delete"),
        ("/v1/memories/{memory_id}/history", "get"),
        ("/v1/search", "post"),
        ("/v1/chat", "post"),
        ("/v1/export", "get"),
        ("/v1/stats", "get"),
    }
    found = {(p, m) for p, ops in paths.items() for m in ops}
    assert expected <= found
    assert not any(p.startswith("/ui") for p in paths)
    schemas = schema["components"]["schemas"]
    for name in (
        "AddRequest",
        "SearchRequest",
        "ChatRequest",
        "UpdateRequest",
        "MemoryOut",
        "WriteReceipt",
        "DeleteReceipt",
        "Answer",
        "ErrorResponse",
        "HistoryEvent",
    ):
        assert name in schemas, name
    add_op = paths["/v1/memories"]["post"]
    assert add_op["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/AddRequest"
    )
    assert {"401", "403", "422"} <= set(add_op["responses"])
    assert "404" in paths["/v1/memories/{memory_id}"]["get"]["responses"]
    security = schema["components"]["securitySchemes"]
    assert {s["type"] for s in security.values()} >= {"http", "apiKey"}
    assert client.get("/docs").status_code == 200


def test_private_responses_are_not_cached_and_huge_bodies_refused(client: TestClient) -> None:
    listed = client.get("/v1/memories", params={"user_id": "alice"}, headers=A)
    assert listed.headers["cache-control"] == "no-store"
    assert listed.headers["x-content-type-options"] == "nosniff"
    huge = client.post(
        "/v1/memories",
        content=b"{}",
        headers={**A, "content-type": "application/json", "content-length": str(64 * 2**20)},
    )
    assert huge.status_code == 413 and huge.json()["error"]["code"] == "too_large"
