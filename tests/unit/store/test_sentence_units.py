"""Which sentences of a memory get their own vector (see mirix_py._store.sentence_vectors)."""

from __future__ import annotations

from langchain_core.embeddings import Embeddings

from mirix_py._memory import EpisodicMemory, SemanticMemory
from mirix_py._store.sentence_vectors import (
    MAX_SENTENCES,
    content_sentences,
    embed_sentences,
)


class _Counting(Embeddings):
    """Embeds text as its length; records every batch it is given."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.batches.append(list(texts))
        return [[float(len(t)), 1.0] for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return [float(len(text)), 1.0]


def _turn(summary: str, actor: str = "Oskar") -> EpisodicMemory:
    return EpisodicMemory(user_id="u1", actor=actor, summary=summary)


def test_each_content_sentence_of_a_long_turn_carries_the_speaker() -> None:
    turn = _turn(
        "Thanks! The harbour ferry was late again this morning. "
        "I signed up for a glassblowing workshop in Aarhus."
    )
    assert content_sentences(turn) == [
        "Oskar: The harbour ferry was late again this morning.",
        "Oskar: I signed up for a glassblowing workshop in Aarhus.",
    ]


def test_a_turn_with_one_content_sentence_needs_no_sentence_vectors() -> None:
    assert content_sentences(_turn("Wow! Thanks so much. I repaired the old tractor.")) == []
    assert content_sentences(_turn("I repaired the old tractor yesterday.")) == []


def test_only_episodic_memories_are_split() -> None:
    fact = SemanticMemory(
        user_id="u1",
        name="tractor",
        summary="An old red tractor. It was repaired in spring. It runs on diesel.",
    )
    assert content_sentences(fact) == []


def test_sentences_are_capped() -> None:
    many = " ".join(f"The lantern number {i} glows amber tonight." for i in range(40))
    assert len(content_sentences(_turn(many))) == MAX_SENTENCES


def test_one_batched_call_and_none_where_a_record_needs_none() -> None:
    embedder = _Counting()
    records = [
        _turn("Hello there."),
        _turn("The kiln cracked overnight. We rebuilt the chimney with new bricks."),
        _turn("Fine."),
    ]
    out = embed_sentences(records, embedder)
    assert len(embedder.batches) == 1 and len(embedder.batches[0]) == 2
    assert out[0] is None and out[2] is None
    assert out[1] is not None and len(out[1]) == 2


def test_nothing_to_embed_makes_no_call() -> None:
    embedder = _Counting()
    assert embed_sentences([_turn("Hi!")], embedder) == [None]
    assert embedder.batches == []
