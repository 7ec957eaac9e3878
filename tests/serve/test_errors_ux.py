"""REST and MCP errors name the field, the bad value and the fix (no pydantic dumps)."""

from __future__ import annotations

from typing import Any

import anyio
import pytest
from fastapi.testclient import TestClient

from mirix_py._memory import MemoryType
from mirix_py._system import MemorySystem
from tests.serve.conftest import ALICE_KEY, auth

pytest.importorskip("mcp", reason="the serve extra is not installed")


def test_mcp_list_with_a_bad_memory_type_names_the_choices(keyed_system: MemorySystem) -> None:
    from mcp import Client

    from mirix_py._server.auth import Scope
    from mirix_py._server.mcp_server import build_mcp_server

    server = build_mcp_server(keyed_system, scope=Scope.for_users(["alice"]))

    async def session() -> Any:
        async with Client(server) as client:
            bad_type = await client.call_tool("list", {"memory_type": "feelings"})
            bad_search = await client.call_tool(
                "search", {"query": "x", "memory_types": ["feelings"]}
            )
            return bad_type, bad_search

    for result in anyio.run(session):
        text = " ".join(getattr(c, "text", "") for c in result.content)
        assert result.is_error
        assert "unknown memory type 'feelings'" in text and "semantic" in text
        assert "pydantic" not in text and "validation error" not in text.lower()


def test_rest_refuses_a_blank_update_and_names_bad_query_values(
    client: TestClient, keyed_system: MemorySystem
) -> None:
    keyed_system.add("My sister Maya lives in Oslo", user_id="alice")
    block = keyed_system.get_all(user_id="alice", memory_type=MemoryType.CORE)[0]
    blank = client.patch(
        f"/v1/memories/{block.id}",
        json={"user_id": "alice", "text": "   "},
        headers=auth(ALICE_KEY),
    )
    assert blank.status_code == 422, blank.text
    assert "empty" in blank.json()["error"]["message"]
    assert keyed_system.get(block.id, user_id="alice").render() == block.render()
    listed = client.get(
        "/v1/memories", params={"user_id": "alice", "limit": "-1"}, headers=auth(ALICE_KEY)
    )
    assert listed.status_code == 422
    assert listed.json()["error"]["message"].startswith("query.limit = '-1'")
