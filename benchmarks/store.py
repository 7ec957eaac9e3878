"""Store benchmark: bulk insert, hybrid search latency with a user prefilter, embedding speed.

Run: ``python -m benchmarks.store [--sizes 10000 100000] [--per-user 10000] [--queries 200]``

Records carry synthetic conversational text (for the full-text side) and random
unit vectors (search cost does not depend on what the vectors mean); query
vectors are precomputed so the search numbers exclude query embedding, as the
target does. Embedding throughput is measured separately on real sentences.
"""

from __future__ import annotations

import argparse
import random
import shlex
import sys
import tempfile
import time

import numpy as np

from mirix_py._config import LoggingConfig
from mirix_py._embeddings import OnnxMiniLMEmbeddings
from mirix_py._logging import configure_logging
from mirix_py._memory import EpisodicMemory, MemoryType
from mirix_py._store.base import SearchQuery
from mirix_py._store.lancedb_store import LanceDBStore

WORDS = (
    "hiking painting dog cat garden kids school job nurse concert guitar marathon lake "
    "camping pottery book novel movie trip beach mountain coffee recipe soup bread friend "
    "sister brother mother father wedding birthday museum library violin piano soccer game "
    "support group counseling adoption charity volunteer shelter park sunrise sunset photo"
).split()


def _sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20)))


def _unit(rng: np.random.Generator, n: int, dim: int = 384) -> np.ndarray:
    v = rng.standard_normal((n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _pct(values: list[float], p: float) -> float:
    return float(np.percentile(np.array(values), p))


def bench_store(total: int, per_user: int, queries: int, emb: OnnxMiniLMEmbeddings) -> None:
    """Insert ``total`` records over ``total // per_user`` users, then time hybrid search."""
    rng = random.Random(7)
    nrng = np.random.default_rng(7)
    users = max(1, total // per_user)
    folder = tempfile.mkdtemp(prefix="mirix-bench-")
    store = LanceDBStore(folder, embeddings=emb, dimension=384, memory_types=[MemoryType.EPISODIC])
    vectors = _unit(nrng, total)
    started = time.perf_counter()
    batch = 5000
    for start in range(0, total, batch):
        records = [
            EpisodicMemory(
                user_id=f"user-{i % users}",
                actor="someone",
                summary=_sentence(rng),
                embedding=vectors[i].tolist(),
                source_ids=[f"m{i}"],
            )
            for i in range(start, min(total, start + batch))
        ]
        store.upsert(records, actor="bench")
    insert_s = time.perf_counter() - started
    store.optimize()
    qvecs = _unit(nrng, queries)
    lat: list[float] = []
    for q in range(queries):
        query = SearchQuery(
            user_id=f"user-{q % users}",
            text=_sentence(rng),
            vector=tuple(float(x) for x in qvecs[q]),
            limit=10,
        )
        t0 = time.perf_counter()
        hits = store.search(query)
        lat.append((time.perf_counter() - t0) * 1000)
        assert all(h.record.user_id == query.user_id for h in hits)
    lat = lat[5:]  # warm-up
    print(
        f"records={total:>7} users={users:>3} per_user={per_user:>6}  "
        f"insert={total / insert_s:8.0f} rec/s  hybrid search p50={_pct(lat, 50):6.1f} ms "
        f"p95={_pct(lat, 95):6.1f} ms  (n={len(lat)})"
    )


def bench_embeddings(emb: OnnxMiniLMEmbeddings, n: int) -> None:
    """Texts/s at batch 1 and batch 64 on real-looking sentences."""
    rng = random.Random(3)
    texts = [_sentence(rng) for _ in range(n)]
    t0 = time.perf_counter()
    for text in texts[: n // 4]:
        emb.embed_array([text])
    b1 = (n // 4) / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    emb.embed_array(texts)
    b64 = n / (time.perf_counter() - t0)
    print(f"embedding  batch1={b1:6.0f} texts/s  batch64={b64:6.0f} texts/s  (n={n})")


def main(argv: list[str] | None = None) -> None:
    """Parse options and run the benchmarks."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--per-user", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--embed-texts", type=int, default=1024)
    args = parser.parse_args(argv)
    print("$ python -m benchmarks.store " + shlex.join(sys.argv[1:] if argv is None else argv))
    configure_logging(LoggingConfig(level="WARNING"))
    emb = OnnxMiniLMEmbeddings(batch_size=64)
    bench_embeddings(emb, args.embed_texts)
    for size in args.sizes:
        bench_store(size, args.per_user, args.queries, emb)


if __name__ == "__main__":
    main()
