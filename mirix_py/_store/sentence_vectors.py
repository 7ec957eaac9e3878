"""Sentence vectors: one embedding per content sentence of a multi-sentence episodic memory.

A turn's single whole-turn vector is diluted when the evidence is one sentence
among several ("Great to see you! ... By the way, I started pottery classes last
week. ... How are the kids?"): a question about that sentence ranks the turn far
down. The LanceDB store therefore keeps, in the same row, the vectors of the
turn's content sentences as a multivector column (:data:`SENTENCE_COLUMN`, a list
of fixed-size vectors); a vector search on it scores a row by its best sentence
(for a single query vector, cosine distance to the closest sentence vector).
Search fuses that ranking with the whole-turn one by the best of the two
distances per memory (:mod:`mirix_py._store.lance_search`), so candidates are
found by either; re-ranking blends the two softly
(:meth:`mirix_py._chat.episodes.CandidatePool.dense`).

**Late chunking.** The sentence vectors come from the same forward pass as the
whole-turn vector: the token states of the whole embedded text
(``"Ann: ..."``) are mean-pooled over each sentence's tokens and normalised
(:meth:`mirix_py._embeddings.OnnxMiniLMEmbeddings.embed_with_spans`), so each
keeps the turn's context (its speaker, what "it" refers to) and ingest embeds
each text once. The whole-turn vector is exactly the one computed without them.
:func:`sentence_spans` is the splitter given to the embedder's cache
(:class:`mirix_py._embeddings.CachedEmbeddings`): the write path embeds a turn
once, and the store finds its sentence vectors in the cache at ``upsert``
(:func:`embed_sentences`; a miss costs one pass of the turn, never one per
sentence). Embedders that cannot pool token spans (a langchain ``Embeddings``
that is not a :class:`mirix_py._embeddings.SpanEmbeddings`) give no sentence
vectors: those turns rank by their whole vector, as before.

Because the vectors live in the memory's own row, everything that deletes,
purges, exports or rewrites the row treats them with it: nothing of a forgotten
memory is left in a side table, and they are derived from the stored (already
redacted) text. Kept down:

- only episodic memories carry them (:data:`SENTENCE_TYPES`), and only those with
  at least :data:`MIN_SENTENCES` content sentences: a one-sentence turn is its
  whole-turn vector already;
- phatic sentences ("Thanks!", "See you soon.") are skipped: a sentence needs
  :data:`MIN_CONTENT_WORDS` content words;
- at most :data:`MAX_SENTENCES` per memory (and only what the embedder reads:
  sentences past its token limit have no tokens, hence no vector).

Why a column and not a side table: a side table (sentence vector, user id, the
turn's id) would need every path that writes or removes a memory (forget,
delete, update, supersede, purge, export, import, vault rotation, reset) to
mirror it, and a crash between the two writes to be repaired; the column
follows the row by construction. Its costs: a reader must name the vector
column it searches (this version always does, :mod:`mirix_py._store.query_batch`;
versions before the column cannot vector-search a table that has it), and the
column has no ANN index yet: its search is flat over the owner's prefiltered
rows, as the whole-turn search is below ``ANN_MIN_OWNER_ROWS``. LanceDB can
index a multivector column (IVF_PQ, cosine); wiring that into
:mod:`mirix_py._store.ann` is the step for owners with very many turns. Rows
written before the column existed have no sentence vectors until written again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pyarrow as pa
from langchain_core.embeddings import Embeddings

from mirix_py._embeddings import CachedEmbeddings, FloatMatrix, SpanEmbeddings
from mirix_py._memory import MemoryRecord, MemoryType
from mirix_py._memory.extract_common import split_sentences
from mirix_py._text import statement_stems

SENTENCE_COLUMN = "sentence_vectors"
SENTENCE_TYPES: tuple[MemoryType, ...] = (MemoryType.EPISODIC,)
MIN_SENTENCES = 2
MIN_CONTENT_WORDS = 2
MAX_SENTENCES = 16

# A leading speaker label ("Ann: ", "user: "): not part of the first sentence.
_LABEL = re.compile(r"[^:.!?\n]{1,40}:\s+")


def sentence_field(dim: int) -> pa.Field:
    """The multivector column: a (nullable) list of ``dim``-wide float32 vectors."""
    return pa.field(SENTENCE_COLUMN, pa.list_(pa.list_(pa.float32(), dim)))


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """The character spans of ``text``'s content sentences (empty: it needs no
    sentence vectors).

    A leading label ("Ann: ") belongs to no sentence; a sentence is kept when it has
    :data:`MIN_CONTENT_WORDS` content words, and spans are given only when at least
    :data:`MIN_SENTENCES` are kept (at most :data:`MAX_SENTENCES`)."""
    label = _LABEL.match(text)
    cursor = label.end() if label else 0
    spans: list[tuple[int, int]] = []
    for sentence in split_sentences(text[cursor:]):
        start = text.find(sentence, cursor)
        if start < 0:  # split_sentences strips; the text holds it verbatim
            continue
        cursor = start + len(sentence)
        if len(statement_stems(sentence)) >= MIN_CONTENT_WORDS:
            spans.append((start, cursor))
    return spans[:MAX_SENTENCES] if len(spans) >= MIN_SENTENCES else []


def _span_vectors(embeddings: Embeddings, texts: list[str]) -> list[FloatMatrix] | None:
    """Each text's sentence vectors from one forward pass (cached when the embedder's
    cache made them already); None when the embedder cannot pool token spans."""
    if isinstance(embeddings, CachedEmbeddings):
        if embeddings.spans_supported:
            return embeddings.span_vectors(texts)
        embeddings = embeddings.inner
    if isinstance(embeddings, SpanEmbeddings):
        return embeddings.embed_with_spans(texts, [sentence_spans(t) for t in texts])[1]
    return None


def embed_sentences(
    records: Sequence[MemoryRecord], embeddings: Embeddings
) -> list[list[list[float]] | None]:
    """Each record's sentence vectors (None where it needs or can get none)."""
    wanted = [
        i
        for i, r in enumerate(records)
        if r.memory_type in SENTENCE_TYPES and sentence_spans(r.embed_text())
    ]
    out: list[list[list[float]] | None] = [None] * len(records)
    if not wanted:
        return out
    found = _span_vectors(embeddings, [records[i].embed_text() for i in wanted])
    if found is None:
        return out
    for i, matrix in zip(wanted, found, strict=True):
        if len(matrix) >= MIN_SENTENCES:
            out[i] = np.asarray(matrix, dtype=np.float32).tolist()
    return out
