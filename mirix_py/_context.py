"""The runtime context shared by every graph node: config, store, embedder, model."""

from __future__ import annotations

from dataclasses import dataclass

from langchain_core.embeddings import Embeddings
from langchain_core.language_models import BaseChatModel

from mirix_py._config import MirixConfig
from mirix_py._store.base import MemoryStore


@dataclass(frozen=True)
class MemoryContext:
    """Everything a node needs, passed explicitly (no module-level clients)."""

    config: MirixConfig
    store: MemoryStore
    embeddings: Embeddings
    chat_model: BaseChatModel | None = None

    @property
    def offline(self) -> bool:
        """True when no chat model is available (deterministic offline mode)."""
        return self.chat_model is None
