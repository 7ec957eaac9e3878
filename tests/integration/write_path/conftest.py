"""Fixtures for the write path: systems on real LanceDB in tmp dirs, offline or with fakes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import structlog
from langchain_core.language_models import BaseChatModel

from mirix_py._config import load_config
from mirix_py._embeddings import CachedEmbeddings
from mirix_py._system import MemorySystem

MakeSystem = Callable[..., MemorySystem]


@pytest.fixture(autouse=True)
def _plain_structlog() -> Iterator[None]:
    """Default structlog config for each test (a CLI test may have pointed it at a capture
    stream that is closed afterwards)."""
    structlog.reset_defaults()
    yield
    structlog.reset_defaults()


@pytest.fixture
def make_system(tmp_path: Path, embeddings: CachedEmbeddings) -> Iterator[MakeSystem]:
    """Build systems on the default config in ``tmp_path`` (overrides per section)."""
    made: list[MemorySystem] = []

    def make(
        *, chat_model: BaseChatModel | None = None, name: str = "default", **overrides: Any
    ) -> MemorySystem:
        home = tmp_path / f"home{len(made)}"
        config = load_config(name, environ={}, home=str(home), **overrides)
        system = MemorySystem(config, embeddings=embeddings, chat_model=chat_model)
        made.append(system)
        return system

    yield make
    for system in made:
        system.close()
