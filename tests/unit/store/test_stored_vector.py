"""Embeddings read from the store are plain float lists that keep their float32 row."""

from __future__ import annotations

import numpy as np

from mirix_py._memory import EpisodicMemory
from mirix_py._store.stored_vector import StoredVector, attach_vector, vector_row


def test_an_attached_vector_reads_as_the_declared_list_of_floats() -> None:
    batch = np.arange(8, dtype=np.float32).reshape(2, 4) / 10
    record = attach_vector(EpisodicMemory(user_id="u", summary="hi"), batch[1])
    assert record.embedding == [float(x) for x in batch[1]]
    assert isinstance(record.embedding, list)
    assert "embedding" in record.model_fields_set
    assert record.model_dump()["embedding"] == record.embedding
    copied = record.model_copy(update={"summary": "hello"})
    assert copied.embedding == record.embedding


def test_the_row_comes_back_without_conversion_and_never_pins_its_batch() -> None:
    batch = np.ones((3, 4), dtype=np.float32)
    record = attach_vector(EpisodicMemory(user_id="u", summary="hi"), batch[0])
    assert isinstance(record.embedding, StoredVector)
    row = vector_row(record.embedding)
    assert row.dtype == np.float32 and row.base is None
    assert vector_row([0.5, 0.25]).tolist() == [0.5, 0.25]
