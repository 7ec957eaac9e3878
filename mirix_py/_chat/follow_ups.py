"""What the next turn takes up of a long message: the parts its excerpt must keep.

A user often answers a long reply by picking from it ("I'll get her the space book with
the secret key, and the glow stars for her brother"). Asked later what they picked, the
question's words are in neither message ("which book did she decide to buy?"): the
follow-up ranks high (it says the decision), while the reply's excerpt keeps only the
parts that say the question's words, so the item picked — its full name, its price —
is cut. :func:`taken_up` reads, for each long message whose next turn in the same session
ranks among the best turns (:data:`FOLLOW_TOP`), the content stems of that next turn: the
excerpt (:mod:`mirix_py._chat.excerpt`) keeps the parts that say one of them too.

Only the hits given are read; nothing touches the store.
"""

from __future__ import annotations

from collections.abc import Sequence

from mirix_py._chat.cues import content_stems
from mirix_py._chat.models import Hit
from mirix_py._memory import MemoryType

FOLLOW_TOP = 5
"""A turn counts as taking up the message before it when it ranks among this many turns."""


def taken_up(
    ranked: Sequence[Hit], names: frozenset[str] = frozenset()
) -> dict[str, frozenset[str]]:
    """Per memory id, the content stems of its next turn when that turn ranks among the
    best :data:`FOLLOW_TOP` turns (``ranked`` best first; facts are not counted);
    ``names`` (stems of the people talking) are left out, since every turn about a
    person names them."""
    events = [h for h in ranked if h.memory_type is MemoryType.EPISODIC and h.session]
    at = {(h.session, h.position): h for h in events if h.position is not None}
    found: dict[str, frozenset[str]] = {}
    for follower in events[:FOLLOW_TOP]:  # facts ranked above do not push a turn out
        if follower.position is None:
            continue
        before = at.get((follower.session, follower.position - 1))
        if before is None:
            continue
        stems = frozenset(content_stems(str(follower.record.get("summary", "")))) - names
        found[before.memory_id] = found.get(before.memory_id, frozenset()) | stems
    return found
