"""Run the store conformance suite against LanceDB on a real S3-compatible server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from mirix_py._embeddings import CachedEmbeddings
from mirix_py._memory import MemoryType
from mirix_py._store.lancedb_store import LanceDBStore
from mirix_py._vault import VaultCipher
from tests.conformance.store_suite import StoreConformance


class TestLanceDBStoreOnS3(StoreConformance):
    """The suite with tables under ``s3://bucket/<fresh prefix>`` on SeaweedFS."""

    @pytest.fixture
    def store(
        self, s3_server: Any, embeddings: CachedEmbeddings, cipher: VaultCipher
    ) -> Iterator[LanceDBStore]:
        s = LanceDBStore(
            s3_server.uri(f"conformance-{uuid.uuid4().hex[:12]}"),
            embeddings=embeddings,
            dimension=384,
            memory_types=list(MemoryType),
            cipher=cipher,
            storage_options=s3_server.storage_options,
        )
        yield s
        s.close()
