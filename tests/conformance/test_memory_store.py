"""Run the store conformance suite against the in-memory reference backend."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mirix_py._embeddings import CachedEmbeddings
from mirix_py._memory import ALL_MEMORY_TYPES
from mirix_py._store.base import MemoryStore
from mirix_py._store.memory_store import InMemoryStore
from tests.conformance.store_suite import StoreConformance


class TestInMemoryStore(StoreConformance):
    """The suite on :class:`InMemoryStore` (the executable definition of the protocol)."""

    @pytest.fixture
    def store(self, embeddings: CachedEmbeddings) -> Iterator[MemoryStore]:
        s = InMemoryStore(embeddings=embeddings, memory_types=ALL_MEMORY_TYPES)
        assert isinstance(s, MemoryStore)
        yield s
        s.close()
