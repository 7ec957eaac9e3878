"""The text of a memory as the answerer reads it: its evidence, its body, its utterances."""

from __future__ import annotations

import re

from mirix_py._chat.models import Hit
from mirix_py._memory import MemoryType
from mirix_py._memory.registry import spec_of
from mirix_py._text import NOT_AFTER_ABBREVIATION

BRACKETED = re.compile(r"\s*\[[^\[\]]*\]")
UTTERANCE_END = re.compile(rf"(?<=[.!?]){NOT_AFTER_ABBREVIATION}\s+(?=\S)")


def utterances(text: str) -> list[str]:
    """Sentences as chat writes them: a new one may start in lower case ("… next month.
    how do I stay on track?"), so that a question is told apart from the statement
    before it."""
    parts = [p.strip() for p in UTTERANCE_END.split(text) if p.strip()]
    return parts or [text.strip()]


def hit_text(hit: Hit) -> str:
    """The text a memory is weighed by as evidence (its spec's ``evidence_text``)."""
    return spec_of(hit.memory_type).evidence_text(hit.record)


def body_text(hit: Hit) -> str:
    """The text an answer is read from: an event's or a fact's summary and details."""
    rec = hit.record
    if hit.memory_type in (MemoryType.EPISODIC, MemoryType.SEMANTIC):
        return f"{rec.get('summary', '')} {rec.get('details', '')}".strip()
    return hit_text(hit)


def strip_annotations(span: str) -> str:
    """The span without bracketed annotations (resolved dates, photo captions): they are
    metadata for retrieval, not part of what was said."""
    stripped = _LOOSE_STOP.sub(r"\1", " ".join(BRACKETED.sub(" ", span).split()))
    return stripped or span


_LOOSE_STOP = re.compile(r" ([.,])(?=\s|$)")
"""A full stop or comma left loose where an annotation was cut ("on Friday [3 May] ."); one
that starts a word (".env", ".5 mm") is kept apart from the word before it."""
