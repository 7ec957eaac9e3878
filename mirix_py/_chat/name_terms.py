"""People's names in the full-text side of re-ranking: who, not what.

Most questions name a person ("what did Ana bring back from …?"). A pooled memory's
indexed text starts with its speaker (an event) or its entity (a fact), so every memory
of that person carries the name: as a full-text term the name matches them all, and
BM25's length normalisation ranks their shortest lines ("Ana: Thanks, see you!") right
after the memories that say what the question asks about. Those name-only matches then
fill the context with lines that carry no word of the question.

Who said it is already a cue of its own (the speaker cue of
:mod:`mirix_py._chat.scoring`). So a name the question gives that is also a speaker (or
entity) of the pool only counts in the full-text score of a memory that matches one of
the question's other terms: it still ranks Ana's talk about the trip above someone
else's, but it gives no full-text rank to a memory that matches nothing else
(:func:`gated_bm25`). The session prior (which session talks about the question's
topic) leaves those names out of its full-text side altogether: the person the
question names speaks in most sessions. A question that gives nothing but names keeps
them as terms.

Measured on LOCOMO dev conversations 0–2 (385 questions; ``python -m
evals.context_audit``): the items in context carried by a full-text match on names
alone went from 0.247 of the context's characters to 0.02, and items with no content
word of the question from 0.337 to 0.287; coverage stayed within a question or two
(0.865 → 0.866; multi-hop 0.786 → 0.790). Most of those name-only items had been
ranked by meaning too, and an answer seldom repeats the question's words, so what
took their room carried little more of the gold. Dropping the names from the
full-text side outright, instead of letting them add to a topical match, measured the
same (0.866, multi-hop 0.782).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from mirix_py._chat.cues import QuestionCues, stem, words
from mirix_py._chat.episodes import CandidatePool

FloatArray = np.ndarray[Any, np.dtype[np.float64]]


def speaker_name_stems(pool: CandidatePool, cues: QuestionCues) -> frozenset[str]:
    """Stems of the question's names that are a pooled memory's speaker or entity (a
    word of its ``actor`` or ``name``): the words every memory of that person is
    indexed with."""
    named = {stem(w) for name in cues.names for w in words(name)}
    if not named:
        return frozenset()
    speakers = {stem(w) for actor in set(pool.actors) for w in words(actor)}
    return frozenset(named & speakers)


def gated_bm25(pool: CandidatePool, stems: Iterable[str], names: frozenset[str]) -> FloatArray:
    """BM25 of every pooled row on ``stems``, where the ``names`` only add to a row that
    matches another of the stems; rows that match the names alone score 0. With no
    stem besides the names, plain BM25 on them all."""
    wanted = frozenset(stems)
    topic = wanted - names
    if not topic or not names & wanted:
        return pool.bm25(wanted)
    on_topic = pool.bm25(topic)
    return np.where(on_topic > 0, pool.bm25(wanted), 0.0)
