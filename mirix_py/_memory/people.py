"""People the user named in earlier batches, known to this batch's offline rules.

The offline fact rules take a sentence-initial capitalised word as a subject only
when it is a known name ("Hemi works at a boatyard" is a fact about Hemi once Hemi
is known; "Leeds is rainy" makes no person). A name is known from the batch itself
(a speaker, a name mid-sentence) and, through this module, from the user's stored
relation facts ("Hemi: is the user's brother"): the write graph looks the batch's
candidate subjects up by their entity key once per batch (one indexed read, never a
scan of the user's rows) and runs its nodes inside :func:`stored_people`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_STORED: ContextVar[frozenset[str]] = ContextVar("mirix_stored_people", default=frozenset())

MAX_CANDIDATES = 64
"""At most this many candidate names of one batch are looked up in the store."""


@contextmanager
def stored_people(names: Iterable[str]) -> Iterator[None]:
    """Within this block, ``names`` (people from the user's stored facts) are known."""
    token = _STORED.set(frozenset(names))
    try:
        yield
    finally:
        _STORED.reset(token)


def known_stored_people() -> frozenset[str]:
    """The stored people known in the current block (empty outside one)."""
    return _STORED.get()
