"""Tenant prefixes match on a separator boundary; the stdio MCP server needs a bound user
(review issue #14, items 4 and 5)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from langchain_core.embeddings import Embeddings
from structlog.testing import capture_logs

from mirix_py._config import ConfigError, parse_api_keys
from mirix_py._server.app import create_app
from mirix_py._server.auth import TENANT_SEPARATOR, Scope
from mirix_py._system import MemorySystem
from tests.conftest import make_config

KEY = "test-key-acme-only-0123456789abc"


@pytest.mark.parametrize("prefix", ["acme", "acme:"])
def test_a_tenant_prefix_matches_only_on_the_separator(prefix: str) -> None:
    scope = Scope(key_id="k", tenant_prefix=prefix)
    assert TENANT_SEPARATOR == ":"
    assert scope.allows("acme:ann") and scope.allows("acme:team:bob")
    for other in ("acmecorp:ann", "acmeann", "acme", "acme:", "acm:ann", "xacme:ann"):
        assert not scope.allows(other), other


def test_a_key_bound_to_acme_cannot_act_for_acmecorp_over_rest(
    tmp_path: Path, embeddings: Embeddings
) -> None:
    config = make_config(tmp_path, server={"api_keys": parse_api_keys(f"{KEY}=acme*")})
    system = MemorySystem(config, embeddings=embeddings)
    try:
        with TestClient(create_app(system), raise_server_exceptions=False) as client:
            client.headers.update({"Authorization": f"Bearer {KEY}"})
            denied = client.get("/v1/memories", params={"user_id": "acmecorp:eve"})
            allowed = client.get("/v1/memories", params={"user_id": "acme:ann"})
    finally:
        system.close()
    assert denied.status_code == 403, denied.text
    assert allowed.status_code == 200, allowed.text


def test_stdio_mcp_refuses_to_start_without_a_bound_user(system: MemorySystem) -> None:
    from mirix_py._server.mcp_server import stdio_scope

    with pytest.raises(ConfigError, match="--user"):
        stdio_scope(None)
    with pytest.raises(ConfigError, match="--user"):
        stdio_scope([])
    bound = stdio_scope(["alice"])
    assert bound.allows("alice") and not bound.allows("bob")


def test_stdio_mcp_any_user_must_be_explicit_and_is_logged_loudly() -> None:
    from mirix_py._server.mcp_server import stdio_scope

    with capture_logs() as logs:
        scope = stdio_scope(None, any_user=True)
    assert scope.allows("anyone")
    assert [e["log_level"] for e in logs if e["event"] == "mcp.any_user"] == ["warning"]
    with pytest.raises(ConfigError):
        stdio_scope(["alice"], any_user=True)  # one or the other


def test_the_mcp_command_without_user_exits_with_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from mirix_py._cli import main

    monkeypatch.setenv("MIRIX_PY_HOME", str(tmp_path))
    code = main(["mcp"])
    err = capsys.readouterr().err
    assert code == 2
    assert "--user" in err and "--any-user" in err
