"""Sentence vectors: one embedding per sentence of a multi-sentence episodic memory.

A turn's single whole-turn vector is diluted when the evidence is one sentence
among several ("Great to see you! ... By the way, I started pottery classes last
week. ... How are the kids?"): a question about that sentence ranks the turn far
down. The LanceDB store therefore keeps, in the same row, the vectors of the
turn's content sentences as a multivector column (:data:`SENTENCE_COLUMN`, a list
of fixed-size vectors); a vector search on it scores a row by its best sentence
(late interaction: for a single query vector, cosine distance to the closest
sentence vector). Search fuses that ranking with the whole-turn one by the best
of the two distances per memory (:mod:`mirix_py._store.lance_search`).

Because the vectors live in the memory's own row, everything that deletes,
purges, exports or rewrites the row treats them with it: nothing of a forgotten
memory is left in a side table. They are derived from the stored (already
redacted) text. What costs ingest time is kept down:

- only episodic memories carry them (:data:`SENTENCE_TYPES`), and only those with
  at least :data:`MIN_SENTENCES` content sentences — a one-sentence turn is its
  whole-turn vector already;
- phatic sentences ("Thanks!", "See you soon.") are skipped: a sentence needs
  :data:`MIN_CONTENT_WORDS` content words;
- at most :data:`MAX_SENTENCES` per memory.

Each kept sentence is embedded with the memory's label (the speaker: "Ann: ...")
so that it stays attributable, as the whole-turn text is.

Re-ranking uses them too: search reads them back with the row
(:func:`~mirix_py._store.stored_vector.sentence_rows`) and a candidate pool's dense
score of a turn is the better of its whole-turn and best-sentence cosine
(:meth:`mirix_py._chat.episodes.CandidatePool.dense`).

Not done yet: the search on the column is always flat over the owner's rows
(prefiltered by user and validity, as the whole-turn search is below
``ANN_MIN_OWNER_ROWS``); maintenance builds no ANN index on it, so for owners with
very many multi-sentence memories it costs what a flat search over ~3 vectors per
memory costs. LanceDB can index a multivector column (IVF_PQ, cosine); wiring that
into :mod:`mirix_py._store.ann` is the next step at that scale. Rows written
before the column existed have no sentence vectors until they are written again.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa
from langchain_core.embeddings import Embeddings

from mirix_py._memory import EpisodicMemory, MemoryRecord, MemoryType
from mirix_py._memory.extract_common import split_sentences
from mirix_py._text import statement_stems

SENTENCE_COLUMN = "sentence_vectors"
SENTENCE_TYPES: tuple[MemoryType, ...] = (MemoryType.EPISODIC,)
MIN_SENTENCES = 2
MIN_CONTENT_WORDS = 2
MAX_SENTENCES = 16


def sentence_field(dim: int) -> pa.Field:
    """The multivector column: a (nullable) list of ``dim``-wide float32 vectors."""
    return pa.field(SENTENCE_COLUMN, pa.list_(pa.list_(pa.float32(), dim)))


def content_sentences(record: MemoryRecord) -> list[str]:
    """The texts to embed one by one for ``record`` (empty: it needs no sentence vectors).

    Only for :data:`SENTENCE_TYPES`, and only when at least :data:`MIN_SENTENCES`
    sentences carry :data:`MIN_CONTENT_WORDS` content words; each is prefixed with the
    record's speaker when it has one.
    """
    if record.memory_type not in SENTENCE_TYPES:
        return []
    if isinstance(record, EpisodicMemory):
        body = f"{record.summary} {record.details}" if record.details else record.summary
        label = record.actor.strip()
    else:
        body, label = record.embed_text(), ""
    kept = [s for s in split_sentences(body) if len(statement_stems(s)) >= MIN_CONTENT_WORDS][
        :MAX_SENTENCES
    ]
    if len(kept) < MIN_SENTENCES:
        return []
    return [f"{label}: {s}" if label else s for s in kept]


def embed_sentences(
    records: Sequence[MemoryRecord], embeddings: Embeddings
) -> list[list[list[float]] | None]:
    """Each record's sentence vectors (None where it needs none), in one batched call."""
    texts: list[str] = []
    spans: list[tuple[int, int]] = []
    for record in records:
        sentences = content_sentences(record)
        spans.append((len(texts), len(texts) + len(sentences)))
        texts.extend(sentences)
    vectors = embeddings.embed_documents(texts) if texts else []
    return [
        [[float(x) for x in v] for v in vectors[start:end]] if end > start else None
        for start, end in spans
    ]
