"""How the ranking lifts move a hit: a new score on a copy, and the ranking again.

The lifts (:mod:`.changes`, :mod:`.asked`, :mod:`.named_items`, :mod:`.sources`) each read
the hits they are given and raise some of them next to the hit that calls for them; they
re-score through these helpers so that every lift rounds, copies and re-sorts alike.
"""

from __future__ import annotations

from collections.abc import Iterable

from mirix_py._chat.models import Hit

__all__ = ["best_first", "raise_to", "with_score"]


def with_score(hit: Hit, score: float) -> Hit:
    """A copy of ``hit`` whose final score is ``score`` (rounded to six places); its other
    score parts are kept."""
    return hit.model_copy(update={"score": hit.score.model_copy(update={"score": round(score, 6)})})


def raise_to(hit: Hit, score: float) -> Hit:
    """``hit`` with its score raised to ``score``; unchanged when it is already as high."""
    return hit if score <= hit.score.score else with_score(hit, score)


def best_first(hits: Iterable[Hit]) -> list[Hit]:
    """``hits`` ranked by score, best first; ties by memory id (a stable order)."""
    return sorted(hits, key=lambda h: (-h.score.score, h.memory_id))
