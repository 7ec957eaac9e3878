"""Which sentences of a memory get their own vector, and where the vectors come from
(see mirix_py._store.sentence_vectors)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from langchain_core.embeddings import Embeddings

from mirix_py._embeddings import CachedEmbeddings
from mirix_py._memory import EpisodicMemory, SemanticMemory
from mirix_py._store.sentence_vectors import MAX_SENTENCES, embed_sentences, sentence_spans


class _Spanning(Embeddings):
    """Embeds a text as (length, 1); a span as (its length, 2). Records each pass."""

    def __init__(self) -> None:
        self.passes: list[list[str]] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.passes.append(list(texts))
        return [[float(len(t)), 1.0] for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return [float(len(text)), 1.0]

    def embed_with_spans(
        self, texts: list[str], spans: Sequence[Sequence[tuple[int, int]]] | None
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        self.passes.append(list(texts))
        whole = np.asarray([[float(len(t)), 1.0] for t in texts], dtype=np.float32)
        parts = [
            np.asarray([[float(e - s), 2.0] for s, e in wanted], dtype=np.float32).reshape(-1, 2)
            for wanted in (spans or [[] for _ in texts])
        ]
        return whole, parts


class _Plain(Embeddings):
    """A langchain embedder that cannot pool spans."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [[1.0, 0.0] for _ in texts]

    def embed_query(self, text: str) -> list[float]:
        return [1.0, 0.0]


def _turn(summary: str, actor: str = "Oskar") -> EpisodicMemory:
    return EpisodicMemory(user_id="u1", actor=actor, summary=summary)


def _texts(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


def test_the_spans_are_the_content_sentences_without_the_speaker_label() -> None:
    text = (
        "Oskar: Thanks! The harbour ferry was late again this morning. "
        "I signed up for a glassblowing workshop in Aarhus."
    )
    assert _texts(text) == [
        "The harbour ferry was late again this morning.",
        "I signed up for a glassblowing workshop in Aarhus.",
    ]


def test_a_text_with_one_content_sentence_has_no_spans() -> None:
    assert sentence_spans("Oskar: Wow! Thanks so much. I repaired the old tractor.") == []
    assert sentence_spans("Oskar: I repaired the old tractor yesterday.") == []
    assert sentence_spans("") == []


def test_spans_are_capped() -> None:
    many = " ".join(f"The lantern number {i} glows amber tonight." for i in range(40))
    assert len(sentence_spans(many)) == MAX_SENTENCES


def test_only_episodic_multi_sentence_records_get_vectors_from_one_pass() -> None:
    embedder = _Spanning()
    fact = SemanticMemory(
        user_id="u1", name="tractor", summary="An old red tractor. It was repaired in spring."
    )
    records = [
        _turn("Hello there."),
        _turn("The kiln cracked overnight. We rebuilt the chimney with new bricks."),
        fact,
    ]
    out = embed_sentences(records, embedder)
    assert embedder.passes == [[records[1].embed_text()]]
    assert out[0] is None and out[2] is None
    assert out[1] == [[27.0, 2.0], [39.0, 2.0]]


def test_sentence_vectors_made_while_embedding_the_turn_are_reused() -> None:
    embedder = _Spanning()
    cached = CachedEmbeddings(embedder, splitter=sentence_spans)
    turn = _turn("The kiln cracked overnight. We rebuilt the chimney with new bricks.")
    cached.embed_documents([turn.embed_text()])  # the write path embeds the turn once
    out = embed_sentences([turn], cached)
    assert len(embedder.passes) == 1
    assert out[0] is not None and len(out[0]) == 2


def test_an_embedder_that_cannot_pool_spans_gives_none_and_makes_no_call() -> None:
    turn = _turn("The kiln cracked overnight. We rebuilt the chimney with new bricks.")
    assert embed_sentences([turn], _Plain()) == [None]
    assert embed_sentences([turn], CachedEmbeddings(_Plain(), splitter=sentence_spans)) == [None]


def test_nothing_to_embed_makes_no_call() -> None:
    embedder = _Spanning()
    assert embed_sentences([_turn("Hi!")], embedder) == [None]
    assert embedder.passes == []
