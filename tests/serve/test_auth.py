"""Tenancy: a key acts only for its users; development mode is loopback-only; keys stay secret."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from langchain_core.embeddings import Embeddings
from structlog.testing import capture_logs

from mirix_py._config import ConfigError, load_config, parse_api_keys
from mirix_py._server.app import create_app
from mirix_py._server.auth import KeyRing, Scope, check_bind_host, key_from_headers
from mirix_py._system import MemorySystem
from tests.conftest import make_config
from tests.serve.conftest import ACME_KEY, ALICE_KEY, API_KEYS, BOB_KEY, PAIR_KEY, auth

Call = Callable[[TestClient, str, str], Any]

# Every endpoint that touches a user's data, called with (client, user_id, memory_id).
ENDPOINTS: dict[str, Call] = {
    "add": lambda c, u, m: c.post("/v1/memories", json={"user_id": u, "messages": "hello there"}),
    "list": lambda c, u, m: c.get("/v1/memories", params={"user_id": u}),
    "get": lambda c, u, m: c.get(f"/v1/memories/{m}", params={"user_id": u}),
    "reveal": lambda c, u, m: c.get(f"/v1/memories/{m}", params={"user_id": u, "reveal": True}),
    "update": lambda c, u, m: c.patch(f"/v1/memories/{m}", json={"user_id": u, "text": "x"}),
    "delete": lambda c, u, m: c.delete(f"/v1/memories/{m}", params={"user_id": u}),
    "history": lambda c, u, m: c.get(f"/v1/memories/{m}/history", params={"user_id": u}),
    "search": lambda c, u, m: c.post("/v1/search", json={"user_id": u, "query": "Oslo"}),
    "chat": lambda c, u, m: c.post("/v1/chat", json={"user_id": u, "message": "Where?"}),
    "export": lambda c, u, m: c.get("/v1/export", params={"user_id": u, "include_secrets": True}),
    "stats": lambda c, u, m: c.get("/v1/stats", params={"user_id": u}),
    "forget_user": lambda c, u, m: c.delete("/v1/memories", params={"user_id": u}),
}


@pytest.fixture
def bob_memory(keyed_system: MemorySystem) -> str:
    receipt = keyed_system.add(
        "My sister lives in Oslo. My bank PIN is 492163 and my api key is sk-abcdefghijklmnopqrstu",
        user_id="bob",
    )
    return receipt.ids()[0]


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_a_key_cannot_reach_another_users_data(
    client: TestClient, keyed_system: MemorySystem, bob_memory: str, name: str
) -> None:
    before = {r.id for r in keyed_system.get_all(user_id="bob", include_superseded=True)}
    client.headers.update(auth(ALICE_KEY))
    response = ENDPOINTS[name](client, "bob", bob_memory)
    assert response.status_code == 403, response.text
    assert response.json()["error"]["code"] == "forbidden"
    assert "Oslo" not in response.text and "492163" not in response.text
    after = {r.id for r in keyed_system.get_all(user_id="bob", include_superseded=True)}
    assert after == before  # nothing was written or deleted


@pytest.mark.parametrize("name", ["get", "reveal", "update", "delete", "history"])
def test_another_users_memory_id_is_not_found_under_your_own_user(
    client: TestClient, keyed_system: MemorySystem, bob_memory: str, name: str
) -> None:
    client.headers.update(auth(ALICE_KEY))
    response = ENDPOINTS[name](client, "alice", bob_memory)
    assert response.status_code == 404, response.text
    assert response.json()["error"]["code"] == "not_found"
    assert keyed_system.get(bob_memory, user_id="bob").id == bob_memory


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_missing_or_unknown_key_is_401(client: TestClient, bob_memory: str, name: str) -> None:
    response = ENDPOINTS[name](client, "bob", bob_memory)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert response.headers["www-authenticate"] == "Bearer"
    client.headers.update({"X-API-Key": "not-a-key-but-long-enough-000"})
    response = ENDPOINTS[name](client, "bob", bob_memory)
    assert response.status_code == 401


def test_own_key_works_with_either_header(client: TestClient, bob_memory: str) -> None:
    bearer = client.get("/v1/memories", params={"user_id": "bob"}, headers=auth(BOB_KEY))
    header = client.get("/v1/memories", params={"user_id": "bob"}, headers={"X-API-Key": BOB_KEY})
    assert bearer.status_code == header.status_code == 200
    assert bob_memory in {m["id"] for m in bearer.json()["items"]}


def test_tenant_prefix_and_multi_user_keys(client: TestClient) -> None:
    acme = auth(ACME_KEY)
    ok = client.post("/v1/memories", json={"user_id": "acme:ann", "messages": "hi"}, headers=acme)
    assert ok.status_code == 200
    for user in ("acme", "ann", "acme2:ann", "xacme:ann"):
        denied = client.get("/v1/memories", params={"user_id": user}, headers=acme)
        assert denied.status_code == 403, user
    pair = auth(PAIR_KEY)
    for user, status in (("alice", 200), ("carol", 200), ("bob", 403)):
        assert client.get("/v1/stats", params={"user_id": user}, headers=pair).status_code == status


def test_keys_never_appear_in_logs_or_errors(
    client: TestClient, keyed_system: MemorySystem
) -> None:
    with capture_logs() as logs:
        client.get("/v1/memories", params={"user_id": "alice"}, headers=auth(ALICE_KEY))
        client.get("/v1/memories", params={"user_id": "bob"}, headers=auth(ALICE_KEY))
        client.get("/v1/memories", params={"user_id": "bob"}, headers=auth("wrong-" + ALICE_KEY))
    text = repr(logs)
    assert logs and ALICE_KEY not in text and "wrong-" not in text
    assert any(e.get("event") == "http.request" and e.get("key_id") for e in logs)
    assert ALICE_KEY not in repr(keyed_system.config)
    assert all(key not in repr(keyed_system.config.server) for key in API_KEYS)


def test_development_mode_is_loopback_only(tmp_path: Path, embeddings: Embeddings) -> None:
    system = MemorySystem(make_config(tmp_path), embeddings=embeddings)
    try:
        app = create_app(system)
        local_url = "http://127.0.0.1:8765"  # a loopback Host name (see test_review_host)
        with TestClient(app, client=("127.0.0.1", 40000), base_url=local_url) as local:
            assert local.get("/health").json()["auth"] == "development"
            r = local.post("/v1/memories", json={"user_id": "anyone", "messages": "hi"})
            assert r.status_code == 200
        with TestClient(app, client=("10.1.2.3", 40000), base_url=local_url) as remote:
            r = remote.get("/v1/memories", params={"user_id": "anyone"})
            assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
            assert remote.get("/ui").status_code == 403
    finally:
        system.close()


def test_development_mode_refuses_public_bind() -> None:
    dev = KeyRing([])
    check_bind_host("127.0.0.1", dev)
    check_bind_host("::1", dev)
    with pytest.raises(ConfigError, match="api_keys"):
        check_bind_host("0.0.0.0", dev)
    keyed = KeyRing(
        load_config("default", environ={}, server={"api_keys": API_KEYS}).server.api_keys
    )
    check_bind_host("0.0.0.0", keyed)


def test_serve_refuses_public_bind_without_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mirix_py._cli import main

    monkeypatch.setenv("MIRIX_PY_HOME", str(tmp_path))
    with pytest.raises(SystemExit):
        main(["serve", "--port", "not-a-number"])
    assert main(["serve", "--host", "0.0.0.0", "--port", "0"]) == 2  # refused before binding


def test_scope_rules() -> None:
    scope = Scope(key_id="k", users=frozenset({"alice"}), tenant_prefix="acme:")
    assert scope.allows("alice") and scope.allows("acme:x") and not scope.allows("bob")
    assert scope.default_user() is None
    assert Scope.for_users(["ann"]).default_user() == "ann"
    assert Scope.dev().allows("whoever")
    assert key_from_headers({"authorization": "Bearer abc"}) == "abc"
    assert key_from_headers({"x-api-key": " abc "}) == "abc"
    assert key_from_headers({"authorization": "Basic abc"}) is None


def test_api_keys_from_environment() -> None:
    config = load_config(
        "default",
        environ={"MIRIX_PY_API_KEYS": f"{ALICE_KEY}=alice,bob;{ACME_KEY}=acme:*"},
    )
    ring = KeyRing(config.server.api_keys)
    assert ring.resolve(ALICE_KEY).users == {"alice", "bob"}
    assert ring.resolve(ACME_KEY).tenant_prefix == "acme:"
    as_json = parse_api_keys(json.dumps({BOB_KEY: {"users": ["ann"]}}))
    assert as_json == {BOB_KEY: {"users": ["ann"]}}
    for bad in ("justakeywithoutscope0000", f"{ALICE_KEY}=a*,b*", "{oops"):
        with pytest.raises(ConfigError) as err:
            load_config("default", environ={"MIRIX_PY_API_KEYS": bad})
        assert ALICE_KEY not in str(err.value) and "justakey" not in str(err.value)
    with pytest.raises(ConfigError) as err:
        load_config("default", environ={}, server={"api_keys": {"short-key": ["alice"]}})
    assert "short-key" not in str(err.value) and "16 characters" in str(err.value)
