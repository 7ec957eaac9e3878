"""The offline ONNX embedder gives sensible all-MiniLM-L6-v2 vectors."""

from __future__ import annotations

import numpy as np

from mirix_py._embeddings import CachedEmbeddings, OnnxMiniLMEmbeddings, embedding_dimension


def _cos(a: list[float], b: list[float]) -> float:
    return float(np.dot(a, b))


def test_vectors_are_384d_and_normalised(embeddings: CachedEmbeddings) -> None:
    vecs = embeddings.embed_documents(["hello world", "a much longer sentence " * 20])
    assert [len(v) for v in vecs] == [384, 384]
    assert all(abs(np.linalg.norm(v) - 1.0) < 1e-4 for v in vecs)
    assert embedding_dimension(embeddings) == 384


def test_related_pairs_score_above_unrelated(embeddings: CachedEmbeddings) -> None:
    pairs = [
        (
            "The cat sits on the mat",
            "A kitten is resting on a rug",
            "Quarterly tax filing deadline",
        ),
        (
            "How do I reset my password?",
            "Steps to change a forgotten login password",
            "Best hiking trails in the Alps",
        ),
        ("She adopted a puppy", "They got a new dog", "The stock market fell sharply"),
    ]
    for anchor, related, unrelated in pairs:
        a, r, u = embeddings.embed_documents([anchor, related, unrelated])
        assert _cos(a, r) > _cos(a, u) + 0.3, (anchor, _cos(a, r), _cos(a, u))


def test_batch_and_single_agree(embeddings: CachedEmbeddings) -> None:
    texts = ["short", "a medium length sentence about dogs", "x " * 100]
    batch = embeddings.inner.embed_documents(texts)
    for text, vec in zip(texts, batch, strict=True):
        single = embeddings.inner.embed_query(text)
        assert _cos(single, vec) > 0.999


def test_cache_returns_identical_vectors() -> None:
    inner = OnnxMiniLMEmbeddings(batch_size=2)
    cached = CachedEmbeddings(inner, size=2)
    first = cached.embed_query("remember me")
    assert cached.embed_query("remember me") == first
    out = cached.embed_documents(["a", "b", "c", "a"])
    assert len(out) == 4 and out[0] == out[3]
