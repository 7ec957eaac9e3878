"""A small LanceDB store for the store tests: episodic and semantic tables, hashed vectors."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from mirix_py._memory import MemoryType
from mirix_py._store.lancedb_store import LanceDBStore
from tests.security._helpers import HashEmbeddings


class SpanHashEmbeddings(HashEmbeddings):
    """The hash embedder that also embeds character spans (each span on its own: no
    context, but enough to test where sentence vectors go)."""

    def embed_with_spans(
        self, texts: list[str], spans: Sequence[Sequence[tuple[int, int]]] | None
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Whole-text vectors and, per text, its spans' vectors."""
        whole = np.asarray(self.embed_documents(texts), dtype=np.float32).reshape(-1, 384)
        parts = [
            np.asarray(self.embed_documents([t[s:e] for s, e in wanted]), np.float32).reshape(
                -1, 384
            )
            for t, wanted in zip(texts, spans or [[] for _ in texts], strict=True)
        ]
        return whole, parts


def small_store(path: Path, *, spans: bool = False, **kwargs: Any) -> LanceDBStore:
    """A LanceDB store at ``path`` with the episodic and semantic tables and a
    deterministic 384-dimension hash embedder (``spans``: one that also gives sentence
    vectors); ``kwargs`` go to :class:`LanceDBStore`."""
    return LanceDBStore(
        str(path),
        embeddings=SpanHashEmbeddings() if spans else HashEmbeddings(),
        dimension=384,
        memory_types=[MemoryType.EPISODIC, MemoryType.SEMANTIC],
        **kwargs,
    )
