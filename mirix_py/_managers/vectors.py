"""A per-graph vector cache: each text is embedded once, in length-bucketed batches."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

from langchain_core.embeddings import Embeddings

_BUCKET_RATIO = 1.25
"""A batch holds texts at most this much longer than its shortest (padding waste bound)."""
_BUCKET_FLOOR = 40
_BUCKET_CAP = 1200  # the embedder reads ~256 tokens; longer texts cost the same
_MAX_BATCH = 64


def length_buckets(texts: Sequence[str]) -> list[list[str]]:
    """Group texts into batches of similar length (shortest first).

    A transformer pads every text of a batch to the longest one, so one batch
    of a conversation's turns (4 to 400 characters) wastes about half of its
    compute on padding; batches of similar length do not.
    """
    order = sorted(texts, key=len)
    out: list[list[str]] = []
    start = 0
    for text in order:
        size = min(max(len(text), _BUCKET_FLOOR), _BUCKET_CAP)
        if out and len(out[-1]) < _MAX_BATCH and size <= start * _BUCKET_RATIO:
            out[-1].append(text)
        else:
            out.append([text])
            start = size
    return out


class VectorCache:
    """Embeds texts once per run, reusing vectors seen recently.

    The retrieval step embeds a batch's turns here; the episodic manager then
    finds the same texts cached and the store gets records with their vectors
    already set, so nothing is embedded twice. Uncached texts are embedded in
    length buckets (see :func:`length_buckets`). Bounded (LRU) and thread-safe.
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
        """Vectors for ``texts`` in order; the uncached ones computed in length buckets."""
        found = [self.get(t) for t in texts]
        missing = list(dict.fromkeys(t for t, v in zip(texts, found, strict=True) if v is None))
        if missing:
            fresh: dict[str, list[float]] = {}
            for bucket in length_buckets(missing):
                vectors = self._embeddings.embed_documents(bucket)
                fresh.update(zip(bucket, vectors, strict=True))
            for text, vector in fresh.items():
                self.put(text, vector)
            found = [v if v is not None else fresh[t] for t, v in zip(texts, found, strict=True)]
        return [list(v) for v in found if v is not None]
