"""Questions about what the assistant said: its messages, and the replies to requests."""

from __future__ import annotations

import re
from collections.abc import Sequence

from mirix_py._chat.models import Hit
from mirix_py._memory import MemoryType

ASSISTANT_Q = re.compile(r"\b(?:the\s+assistant|assistant's|you)\b", re.I)


def by_assistant(hit: Hit, asked_about: set[str]) -> bool:
    """A message by the assistant, for "what did the assistant suggest for Ingrid?": its
    speaker is called the assistant, or is neither the person asked about nor absent."""
    if hit.memory_type is not MemoryType.EPISODIC:
        return False
    actor = str(hit.record.get("actor", "")).strip().lower()
    if actor == "assistant":
        return True
    return bool(asked_about) and bool(actor) and actor not in asked_about


_REQUEST = re.compile(
    r"\b(?:please|pls)\b(?!\s+(?:never|don't|do\s+not|stop|always|keep|remember|note))|"
    r"\b(?:can|could|would)\s+you\b",
    re.I,
)


def is_request(text: str) -> bool:
    """True for a message that asks the other side for something ("Now the training plan
    please.", "can you make me a plan?"): what it asks for is in the reply after it. "Please
    never suggest …" sets a rule instead; its reply only acknowledges it."""
    return _REQUEST.search(text) is not None


def request_replies(
    numbered: Sequence[tuple[int, Hit]],
    scoped: Sequence[tuple[int, Hit]],
    asked_about: set[str],
) -> dict[int, int]:
    """For "what did you recommend for …?": each request among ``numbered`` (a message
    not by the assistant) mapped to the assistant's reply right after it in the same
    session, when that reply is in context (``scoped``)."""
    by_place = {
        (h.session, h.position): ref
        for ref, h in scoped
        if h.session is not None and h.position is not None
    }
    out: dict[int, int] = {}
    for ref, hit in numbered:
        if hit.memory_type is not MemoryType.EPISODIC or by_assistant(hit, asked_about):
            continue
        if hit.session is None or hit.position is None:
            continue
        reply = by_place.get((hit.session, hit.position + 1))
        if reply is not None and by_assistant(dict(scoped)[reply], asked_about):
            out[ref] = reply
    return out
