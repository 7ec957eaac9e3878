"""DNS rebinding and cross-site requests (review issue #14, item 1).

- The Host header must be on an allow-list (loopback names by default,
  ``server.allowed_hosts`` / ``MIRIX_PY_ALLOWED_HOSTS`` to configure): a page that
  rebinds its own name to 127.0.0.1 reaches the server under *its* name and is
  refused (421), REST and browser alike, as the MCP app already does.
- A browser request that changes something and comes from another origin
  (``Origin``/``Referer`` of a different scheme, host or port) is refused (403),
  the sign-in form included; the browser forms also carry a per-session token.
- Every ``/ui`` response carries the usual security headers.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from langchain_core.embeddings import Embeddings

from mirix_py._config import load_config
from mirix_py._server.app import create_app
from mirix_py._system import MemorySystem
from tests.conftest import make_config
from tests.serve.conftest import ALICE_KEY

LOCAL = ("127.0.0.1", 40000)
BASE = "http://127.0.0.1:8765"
HEADERS = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


@pytest.fixture
def dev_system(tmp_path: Path, embeddings: Embeddings) -> Iterator[MemorySystem]:
    system = MemorySystem(make_config(tmp_path), embeddings=embeddings)
    system.add("My sister Maya lives in Oslo.", user_id="alice")
    yield system
    system.close()


@pytest.fixture
def dev(dev_system: MemorySystem) -> Iterator[TestClient]:
    """Development mode (no API key), a loopback client."""
    with TestClient(
        create_app(dev_system), client=LOCAL, base_url=BASE, raise_server_exceptions=False
    ) as c:
        yield c


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:8765", "127.0.0.1.nip.io:8765", "attacker.localhost."]
)
@pytest.mark.parametrize("path", ["/v1/memories?user_id=alice", "/ui", "/health"])
def test_a_foreign_host_header_is_refused(dev: TestClient, host: str, path: str) -> None:
    response = dev.get(path, headers={"Host": host})
    assert response.status_code == 421, response.text
    assert "Oslo" not in response.text
    assert response.json()["error"]["code"] == "host_not_allowed"


def test_a_rebound_delete_cannot_wipe_a_user(dev: TestClient, dev_system: MemorySystem) -> None:
    response = dev.delete("/v1/memories", params={"user_id": "alice"}, headers={"Host": "evil.io"})
    assert response.status_code == 421
    assert dev_system.get_all(user_id="alice")


@pytest.mark.parametrize("host", ["127.0.0.1:8765", "localhost:8765", "[::1]:8765", "localhost"])
def test_loopback_names_are_allowed_by_default(dev: TestClient, host: str) -> None:
    response = dev.get("/v1/memories", params={"user_id": "alice"}, headers={"Host": host})
    assert response.status_code == 200, response.text


def test_allowed_hosts_are_configurable(tmp_path: Path, embeddings: Embeddings) -> None:
    config = make_config(tmp_path, server={"allowed_hosts": ["memory.internal"]})
    system = MemorySystem(config, embeddings=embeddings)
    try:
        with TestClient(create_app(system), client=LOCAL, base_url=BASE) as client:
            ok = client.get("/health", headers={"Host": "memory.internal:8765"})
            bad = client.get("/health", headers={"Host": "evil.example"})
    finally:
        system.close()
    assert ok.status_code == 200 and bad.status_code == 421
    env = load_config(
        "default", environ={"MIRIX_PY_ALLOWED_HOSTS": "a.example, b.example"}, home=str(tmp_path)
    )
    assert env.server.allowed_hosts == ("a.example", "b.example")


@pytest.mark.parametrize(
    "origin", ["http://evil.example", "http://127.0.0.1:9999", "https://127.0.0.1:8765", "null"]
)
def test_cross_origin_writes_are_refused(
    dev: TestClient, dev_system: MemorySystem, origin: str
) -> None:
    login = dev.post("/ui/login", data={"user_id": "alice"}, headers={"Origin": origin})
    assert login.status_code == 403, login.text
    assert "set-cookie" not in login.headers
    add = dev.post(
        "/v1/memories",
        content='{"user_id": "alice", "messages": "planted"}',
        headers={"Origin": origin, "Content-Type": "text/plain"},
    )
    assert add.status_code == 403, add.text
    wipe = dev.delete("/v1/memories", params={"user_id": "alice"}, headers={"Origin": origin})
    assert wipe.status_code == 403
    referer = dev.post(
        "/ui/login", data={"user_id": "alice"}, headers={"Referer": f"{origin}/attack.html"}
    )
    assert referer.status_code == 403
    assert dev_system.get_all(user_id="alice")


def test_same_origin_writes_pass(dev: TestClient) -> None:
    login = dev.post("/ui/login", data={"user_id": "alice"}, headers={"Origin": BASE})
    assert login.status_code == 200 and "/ui/memories" in str(login.url)
    api = dev.post(
        "/v1/memories", json={"user_id": "alice", "messages": "hello"}, headers={"Origin": BASE}
    )
    assert api.status_code == 200, api.text


def _check_headers(response: object, what: str) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    for name, value in HEADERS.items():
        assert headers.get(name) == value, (what, name, dict(headers))
    csp = headers.get("content-security-policy", "")
    assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp, (what, csp)


def test_every_ui_response_carries_the_security_headers(dev: TestClient) -> None:
    _check_headers(dev.get("/ui"), "sign-in page")
    _check_headers(dev.get("/ui/memories", follow_redirects=False), "redirect to sign-in")
    _check_headers(dev.get("/ui/static/style.css"), "stylesheet")
    _check_headers(dev.get("/ui/no-such-page"), "unknown page")
    login = dev.post("/ui/login", data={"user_id": "alice"}, follow_redirects=False)
    _check_headers(login, "sign-in redirect")
    cookie = login.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    _check_headers(dev.get("/ui/memories"), "memories page")
    _check_headers(dev.get("/ui/memories/" + "f" * 32 + "/history"), "error page")


def test_keyed_mode_accepts_any_host_unless_configured(
    tmp_path: Path, embeddings: Embeddings
) -> None:
    """With API keys every request authenticates; the allow-list is then opt-in."""
    config = make_config(tmp_path, server={"api_keys": {ALICE_KEY: ["alice"]}})
    system = MemorySystem(config, embeddings=embeddings)
    try:
        with TestClient(create_app(system)) as client:
            response = client.get(
                "/v1/memories",
                params={"user_id": "alice"},
                headers={"Authorization": f"Bearer {ALICE_KEY}", "Host": "memory.example.com"},
            )
    finally:
        system.close()
    assert response.status_code == 200, response.text
