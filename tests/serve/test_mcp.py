"""The MCP server with real MCP client sessions: over stdio (a subprocess) and streamable HTTP."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest

mcp = pytest.importorskip("mcp", reason="the serve extra is not installed")

from mcp import Client, StdioServerParameters  # noqa: E402
from mcp.client.streamable_http import streamable_http_client  # noqa: E402
from mcp.shared._httpx_utils import create_mcp_http_client  # noqa: E402

from mirix_py._memory import MemoryType  # noqa: E402
from mirix_py._server.mcp_server import build_mcp_server, http_app  # noqa: E402
from mirix_py._system import MemorySystem  # noqa: E402
from tests.conftest import make_config  # noqa: E402
from tests.serve.conftest import ALICE_KEY, running_server  # noqa: E402

TOOLS = {"remember", "search", "chat", "forget", "list"}
REPO = Path(__file__).resolve().parents[2]


async def _call(client: Client, name: str, **arguments: Any) -> Any:
    result = await client.call_tool(name, arguments)
    return result


@pytest.mark.slow
def test_stdio_session_remembers_searches_lists_forgets(tmp_path: Path) -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "MIRIX_PY_HOME": str(tmp_path),
        "MIRIX_PY_VAULT_KEY": os.environ["MIRIX_PY_VAULT_KEY"],
        "MIRIX_PY_LOG_LEVEL": "INFO",  # logs must go to stderr, never into the protocol
        "PYTHONPATH": str(REPO),
    }
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "mirix_py._cli", "mcp", "--user", "alice", "--user", "carol"],
        env=env,
        cwd=str(REPO),
    )

    async def session() -> dict[str, Any]:
        out: dict[str, Any] = {}
        with anyio.fail_after(120):
            async with Client(params, raise_exceptions=True) as client:
                tools = await client.list_tools()
                out["tools"] = {t.name: t for t in tools.tools}
                out["remember"] = await _call(
                    client, "remember", content="My sister Maya lives in Oslo."
                )
                out["search"] = await _call(client, "search", query="Where does Maya live?")
                out["list"] = await _call(client, "list", memory_type="semantic")
                out["chat"] = await _call(client, "chat", message="Where does Maya live?")
                out["carol"] = await _call(
                    client, "remember", content="I play the cello.", user_id="carol"
                )
                out["bob"] = await _call(client, "search", query="anything", user_id="bob")
                first = out["list"].structured_content["items"][0]["id"]
                out["forget"] = await _call(client, "forget", memory_id=first)
                out["forget_missing"] = await _call(client, "forget", memory_id=first)
                out["after"] = await _call(client, "list", limit=200)
                out["forgotten"] = first
        return out

    out = anyio.run(session)
    assert set(out["tools"]) >= TOOLS
    assert "user_id" in out["tools"]["search"].input_schema["properties"]
    receipt = out["remember"].structured_content
    assert not out["remember"].is_error and receipt["user_id"] == "alice" and receipt["actions"]
    results = out["search"].structured_content["results"]
    assert any("Oslo" in r["memory"]["text"] for r in results)
    assert all(r["memory"]["user_id"] == "alice" for r in results)
    assert out["list"].structured_content["items"]
    assert "text" in out["chat"].structured_content
    assert out["carol"].structured_content["user_id"] == "carol"
    assert out["bob"].is_error and "may not act for user 'bob'" in out["bob"].content[0].text
    assert out["forget"].structured_content["memory_ids"] == [out["forgotten"]]
    assert out["forget_missing"].is_error
    remaining = {m["id"] for m in out["after"].structured_content["items"]}
    assert out["forgotten"] not in remaining

    system = MemorySystem(make_config(tmp_path))
    try:  # the server wrote to the configured database
        assert {r.id for r in system.get_all(user_id="alice")} == remaining
        assert system.get_all(user_id="carol")
    finally:
        system.close()


def test_http_session_needs_a_key_that_covers_the_user(keyed_system: MemorySystem) -> None:
    import httpx

    async def session(url: str, key: str | None) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        out: dict[str, Any] = {}
        with anyio.fail_after(60):
            async with create_mcp_http_client(headers=headers) as http:
                transport = streamable_http_client(f"{url}/mcp", http_client=http)
                async with Client(transport, raise_exceptions=True) as client:
                    out["tools"] = {t.name for t in (await client.list_tools()).tools}
                    out["own"] = await _call(
                        client, "remember", content="I keep bees on the roof.", user_id="alice"
                    )
                    out["default"] = await _call(client, "list")  # the key's only user
                    out["other"] = await _call(client, "list", user_id="bob")
        return out

    with running_server(http_app(keyed_system)) as url:
        out = anyio.run(session, url, ALICE_KEY)
        no_key = httpx.post(f"{url}/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "ping"})
    assert out["tools"] >= TOOLS
    assert not out["own"].is_error
    items = out["default"].structured_content["items"]
    assert items and all(m["user_id"] == "alice" for m in items)
    assert out["other"].is_error and "bob" in out["other"].content[0].text
    assert no_key.status_code == 401 and no_key.json()["error"]["code"] == "unauthorized"
    assert ALICE_KEY not in no_key.text
    assert keyed_system.get_all(user_id="bob") == []


def test_in_process_tools_mask_vault_values(keyed_system: MemorySystem) -> None:
    from mirix_py._server.auth import Scope

    keyed_system.add("My wifi password is hunter22-blue-sky", user_id="alice")
    server = build_mcp_server(keyed_system, scope=Scope.for_users(["alice"]))

    async def session() -> Any:
        async with Client(server, raise_exceptions=True) as client:
            return await _call(client, "list", memory_type=MemoryType.KNOWLEDGE_VAULT.value)

    result = anyio.run(session)
    assert result.structured_content["items"]
    assert "hunter22" not in str(result.structured_content) + str(result.content)
