"""Fixtures for serving: a keyed system, a TestClient, and a real uvicorn on loopback."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the serve extra is not installed")

import uvicorn
from fastapi.testclient import TestClient

from mirix_py._config import MirixConfig
from mirix_py._embeddings import CachedEmbeddings
from mirix_py._server.app import create_app
from mirix_py._system import MemorySystem
from tests.conftest import make_config

ALICE_KEY = "test-key-alice-0123456789abcdef"
BOB_KEY = "test-key-bob-0123456789abcdef00"
ACME_KEY = "test-key-acme-tenant-0123456789"
PAIR_KEY = "test-key-alice-and-carol-012345"
API_KEYS: dict[str, Any] = {
    ALICE_KEY: ["alice"],
    BOB_KEY: ["bob"],
    ACME_KEY: {"tenant_prefix": "acme:"},
    PAIR_KEY: {"users": ["alice", "carol"]},
}


def auth(key: str) -> dict[str, str]:
    """The header a client sends."""
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def keyed_config(tmp_path: Path) -> MirixConfig:
    """The default config in a temp folder, with four API keys."""
    return make_config(tmp_path, server={"api_keys": API_KEYS})


@pytest.fixture
def keyed_system(keyed_config: MirixConfig, embeddings: CachedEmbeddings) -> Iterator[MemorySystem]:
    """A memory system whose config carries API keys."""
    s = MemorySystem(keyed_config, embeddings=embeddings)
    yield s
    s.close()


@pytest.fixture
def client(keyed_system: MemorySystem) -> Iterator[TestClient]:
    """A TestClient on the app with API keys enforced."""
    with TestClient(create_app(keyed_system), raise_server_exceptions=False) as c:
        yield c


@contextmanager
def running_server(app: Any) -> Iterator[str]:
    """Serve ``app`` with a real uvicorn on a free loopback port; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="on", timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(15)
        sock.close()


DEMO_CONVERSATION: list[dict[str, str]] = [
    {
        "role": "user",
        "name": "Alice",
        "content": "Hi, I am Alice. I work as a nurse in Lisbon and I am vegetarian.",
        "timestamp": "2026-03-02T18:00:00Z",
    },
    {
        "role": "user",
        "name": "Alice",
        "content": "I adopted a beagle named Biscuit last week.",
        "timestamp": "2026-03-02T18:01:00Z",
    },
    {
        "role": "user",
        "name": "Alice",
        "content": "My sister Maya lives in Oslo.",
        "timestamp": "2026-03-02T18:02:00Z",
    },
    {
        "role": "user",
        "name": "Alice",
        "content": "How to renew my nursing licence:\n1. log in to the portal\n"
        "2. upload the CPD certificate\n3. pay the fee",
        "timestamp": "2026-03-02T18:03:00Z",
    },
    {
        "role": "user",
        "name": "Alice",
        "content": "Here is the shift rota I use: https://example.org/rota-2026.pdf",
        "timestamp": "2026-03-02T18:04:00Z",
    },
    {
        "role": "user",
        "name": "Alice",
        "content": "My wifi password is hunter22-blue-sky",
        "timestamp": "2026-03-02T18:05:00Z",
    },
]
