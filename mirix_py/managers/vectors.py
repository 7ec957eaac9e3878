"""A per-graph vector cache: each text is embedded once per run, in batches."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

from langchain_core.embeddings import Embeddings


class VectorCache:
    """Embeds texts in one batched call per request, reusing vectors seen recently.

    The retrieval step embeds a batch's turns here; the episodic manager then
    finds the same texts cached and the store gets records with their vectors
    already set, so nothing is embedded twice. Bounded (LRU) and thread-safe.
    Not part of the graph state: after a resume elsewhere it is simply cold.
    """

    def __init__(self, embeddings: Embeddings, *, size: int = 8192) -> None:
        self._embeddings = embeddings
        self._size = size
        self._vectors: OrderedDict[str, list[float]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, text: str) -> list[float] | None:
        """The cached vector for ``text``, if any."""
        with self._lock:
            vector = self._vectors.get(text)
            if vector is not None:
                self._vectors.move_to_end(text)
            return vector

    def put(self, text: str, vector: Sequence[float]) -> None:
        """Remember a vector computed elsewhere (e.g. read back from the store)."""
        with self._lock:
            self._vectors[text] = list(vector)
            self._vectors.move_to_end(text)
            while len(self._vectors) > self._size:
                self._vectors.popitem(last=False)

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """Vectors for ``texts`` in order; the uncached ones in a single embedder call."""
        found = [self.get(t) for t in texts]
        missing = list(dict.fromkeys(t for t, v in zip(texts, found, strict=True) if v is None))
        if missing:
            fresh = self._embeddings.embed_documents(missing)
            for text, vector in zip(missing, fresh, strict=True):
                self.put(text, vector)
            by_text = dict(zip(missing, fresh, strict=True))
            found = [v if v is not None else by_text[t] for t, v in zip(texts, found, strict=True)]
        return [list(v) for v in found if v is not None]
