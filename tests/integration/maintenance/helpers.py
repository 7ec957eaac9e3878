"""Helpers for the maintenance tests: stores on tmp folders, records with given vectors."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from mirix_py._config import MaintenanceConfig
from mirix_py._memory import EpisodicMemory, MemoryType
from mirix_py._store.lancedb_store import LanceDBStore
from mirix_py._store.lease import lease_for
from mirix_py._store.maintenance import Maintainer
from tests.security._helpers import DIM, HashEmbeddings

TOPICS = (
    "gardening tomatoes in the backyard",
    "a weekend hiking trip in the mountains",
    "learning to bake sourdough bread",
    "a job interview at a software company",
    "adopting a rescue dog from the shelter",
    "planning a wedding for next spring",
    "training for a half marathon",
    "moving to a new apartment downtown",
)


def open_store(
    folder: Path, *, types: Sequence[MemoryType] = (MemoryType.EPISODIC,), **options: Any
) -> LanceDBStore:
    """A store with cheap hash embeddings (storage tests, not retrieval quality)."""
    return LanceDBStore(
        str(folder),
        embeddings=HashEmbeddings(),
        dimension=DIM,
        memory_types=list(types),
        **options,
    )


def maintainer(store: LanceDBStore, **settings: object) -> Maintainer:
    """A maintainer of ``store`` with these config settings."""
    config = MaintenanceConfig.model_validate(
        {"retention_seconds": 0, "purge_delay_seconds": 7200, **settings}
    )
    return Maintainer(store, config, lease_for(store.uri))


def episodes(user: str, n: int, *, start: int = 0, marker: str = "") -> list[EpisodicMemory]:
    """``n`` varied episodes of ``user`` (``marker`` appended to the first one)."""
    out = []
    for i in range(start, start + n):
        text = f"{user} talked about {TOPICS[i % len(TOPICS)]}, episode {i}"
        if marker and i == start:
            text += f" {marker}"
        out.append(EpisodicMemory(user_id=user, summary=text))
    return out


def clustered_vectors(n: int, *, clusters: int = 16, seed: int = 0) -> np.ndarray:
    """Unit vectors around ``clusters`` centres (like real embeddings: not uniform)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(clusters, DIM))
    picks = rng.integers(0, clusters, size=n)
    vectors = centres[picks] + 0.6 * rng.normal(size=(n, DIM))
    out: np.ndarray = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return out.astype(np.float32)
