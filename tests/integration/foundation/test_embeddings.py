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


_TURN = (
    "Rosa: Thanks for asking! The night bus was packed again. "
    "I finally booked a week of sea kayaking around the Lofoten islands."
)


def test_span_vectors_leave_the_whole_text_vectors_bit_identical() -> None:
    inner = OnnxMiniLMEmbeddings(batch_size=3)
    texts = [_TURN, "short", "Ivo: We fixed the boat. Then we painted the hull blue.", "x " * 300]
    bus, kayak = _TURN.index("The night"), _TURN.index("I finally")
    spans = [[(bus, kayak - 1), (kayak, len(_TURN))], [], [(5, 23), (24, 55)], [(0, 4), (590, 600)]]
    whole, parts = inner.embed_with_spans(texts, spans)
    assert np.array_equal(whole, inner.embed_array(texts))
    assert [len(p) for p in parts] == [2, 0, 2, 1]  # the last span lies past truncation
    for matrix in parts:
        assert np.allclose(np.linalg.norm(matrix, axis=1), 1.0, atol=1e-5)


def test_a_span_vector_is_closer_to_its_topic_than_the_whole_turn() -> None:
    inner = OnnxMiniLMEmbeddings()
    start = _TURN.index("I finally")
    _, parts = inner.embed_with_spans([_TURN], [[(start, len(_TURN))]])
    query = np.asarray(inner.embed_query("sea kayaking trip"), dtype=np.float32)
    whole = np.asarray(inner.embed_query(_TURN), dtype=np.float32)
    assert float(parts[0][0] @ query) > float(whole @ query)


def test_the_cache_keeps_span_vectors_from_the_documents_pass() -> None:
    inner = OnnxMiniLMEmbeddings()
    calls: list[int] = []
    original = inner.embed_with_spans

    def counted(texts: list[str], spans: object) -> object:
        calls.append(len(texts))
        return original(texts, spans)  # type: ignore[arg-type]

    inner.embed_with_spans = counted  # type: ignore[method-assign,assignment]
    cached = CachedEmbeddings(inner, splitter=lambda text: [(0, len(text) // 2)])
    first = cached.embed_documents([_TURN, "another text here"])
    assert calls == [2]
    found = cached.span_vectors([_TURN, "another text here"])
    assert calls == [2]  # no second pass
    assert found is not None and [len(m) for m in found] == [1, 1]
    assert first[0] == inner.embed_documents([_TURN])[0]
    cached.embed_query("a question")  # queries get no span vectors
    assert cached.span_vectors(["unseen text"]) is not None and calls[-1] == 1


def test_without_a_splitter_or_a_spanning_embedder_there_are_no_span_vectors() -> None:
    assert CachedEmbeddings(OnnxMiniLMEmbeddings()).span_vectors([_TURN]) is None
