"""Query feedback: the best-ranked candidates of a pool ask the store once more.

Pseudo-relevance feedback for candidate recall. A multi-hop or open-domain
question's evidence often shares words or meaning with the other evidence but not
with the question; the pool's best-ranked rows carry those words. Two forms, each
one more indexed search per chat (user-prefiltered; nothing proportional to the
history):

- **terms** (RM3-like): the :data:`FEEDBACK_TERMS` content words that weigh most in
  the pool's top :data:`FEEDBACK_DOCS` rows (term frequency within the row times the
  term's inverse document frequency *within the pool*), leaving out the question's
  own words, the speakers' names, light verbs, numbers and month names; searched as
  a full-text query;
- **vector** (Rocchio): ``normalise(q + FEEDBACK_BETA * mean(top rows' vectors))`` —
  the vectors are in the pool already, so nothing is embedded — searched on the
  vector index.

The hits the pool lacks join it; the pool's own ranking (the question's queries)
then places them, so they only rise where the question itself ranks them up.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from mirix_py._chat.episodes import CandidatePool
from mirix_py._chat.light_verbs import LIGHT_STEMS
from mirix_py._text import STOPWORDS, stem, words

FEEDBACK_DOCS = 10
"""The pool's best-ranked rows that give the feedback."""
FEEDBACK_TERMS = 12
"""Words the term feedback searches for."""
FEEDBACK_BETA = 0.5
"""Weight of the mean of the feedback rows' vectors beside the question's vector."""
FEEDBACK_DEPTH = 100
"""Hits each feedback search returns (at most; only those the pool lacks join it)."""
FEEDBACK_WEIGHT = 0.0
"""Scale of the expanded query (question + feedback words) in the pool's ranking
(0: the feedback only adds candidates)."""

_MONTHS = frozenset(
    "january february march april may june july august september october november "
    "december jan feb mar apr jun jul aug sep sept oct nov dec".split()
)


def _row_text(record: dict[str, Any]) -> str:
    return f"{record.get('summary') or record.get('text') or ''} {record.get('details') or ''}"


def feedback_terms(
    pool: CandidatePool, rows: Sequence[int], exclude: frozenset[str], count: int = FEEDBACK_TERMS
) -> list[str]:
    """The ``count`` words of the pool's ``rows`` that weigh most (tf within the row,
    normalised by its length, times the idf within the pool), as written in the rows.

    ``exclude`` holds stems that must not be chosen (the question's own words); the
    speakers' names, light verbs, numbers and months never are."""
    n = len(pool)
    if not n or not rows:
        return []
    speakers = {stem(w) for actor in set(pool.actors) for w in words(actor)}
    banned = exclude | speakers | LIGHT_STEMS
    weights: dict[str, float] = {}
    surface: dict[str, str] = {}
    for row in rows:
        tokens = [
            w
            for w in words(_row_text(pool.records[row]))
            if w not in STOPWORDS and len(w) > 2 and not w.isdigit() and w not in _MONTHS
        ]
        stems = [stem(w) for w in tokens]
        for word, s in zip(tokens, stems, strict=True):
            surface.setdefault(s, word)
        length = len(stems) or 1
        for s, tf in Counter(stems).items():
            if s in banned:
                continue
            df = len(pool.postings.get(s, ())) or 1
            weights[s] = weights.get(s, 0.0) + tf / length * math.log(1 + n / df)
    best = sorted(weights, key=lambda s: (-weights[s], s))[:count]
    return [surface[s] for s in best]


def feedback_vector(
    pool: CandidatePool, rows: Sequence[int], vector: Sequence[float], beta: float = FEEDBACK_BETA
) -> tuple[float, ...] | None:
    """``normalise(q + beta * mean(rows' vectors))`` (Rocchio), None without vectors."""
    if pool.vectors is None or not rows:
        return None
    query = np.asarray(vector, dtype=np.float32)
    query = query / (float(np.linalg.norm(query)) or 1.0)
    moved = query + beta * pool.vectors[list(rows)].mean(axis=0)
    moved = moved / (float(np.linalg.norm(moved)) or 1.0)
    return tuple(float(x) for x in moved)
