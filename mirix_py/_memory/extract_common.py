"""Shared helpers for the offline extractors: the turn view, record ids, text utilities.

Every offline extractor reads :class:`Turn` objects: one normalised input
message with its stable id, speaker, timestamp and two texts: ``content`` (the
raw message, only the knowledge-vault extractor may read it) and ``text`` (the
same message with sensitive values redacted and relative dates annotated, which
every other extractor uses).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from mirix_py._dates import short_date as short_date  # the type modules import it from here
from mirix_py._memory.base import MemoryType
from mirix_py._memory.registry import spec_of
from mirix_py._text import NEGATIONS, statement_stems
from mirix_py._text import clip as clip  # the type modules import it from here

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\n+")
_ABBREVIATIONS = frozenset(
    "st dr mr mrs ms jr sr mt ave vs etc e.g i.e no approx dept est fig inc ltd co prof".split()
)
_ANNOTATION = re.compile(r"\s*\[(?:[^\]\n]*\d{4}|week of [^\]\n]*)\]")
_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w\s'-]+", re.UNICODE)


class Turn(BaseModel):
    """One normalised message of a batch, as the extractors see it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    role: str
    speaker: str
    content: str
    text: str
    timestamp: datetime
    sequence: int
    session_id: str

    @property
    def is_user(self) -> bool:
        """True for messages written by the user (role ``user``)."""
        return self.role == "user"

    @property
    def plain_text(self) -> str:
        """``text`` without the ``[7 May 2023]`` date annotations (for pattern matching)."""
        return strip_annotations(self.text)


def record_id(
    user_id: str, memory_type: MemoryType, source_ids: Sequence[str] = (), kind: str = ""
) -> str:
    """A deterministic record id from (user, type, source ids, kind).

    Unique across users (the user id is hashed in) and stable across runs, so
    re-ingesting the same messages upserts the same rows instead of duplicating.
    """
    digest = hashlib.sha256(
        "\x1f".join([user_id, memory_type.value, "\x1e".join(source_ids), kind]).encode(
            "utf-8", "replace"
        )
    ).hexdigest()
    return f"{spec_of(memory_type).id_prefix}-{digest[:24]}"


def session_id_for(user_id: str, message_ids: Sequence[str]) -> str:
    """A stable id for one ``add`` batch (one batch is one session)."""
    digest = hashlib.sha256(
        "\x1f".join([user_id, *message_ids]).encode("utf-8", "replace")
    ).hexdigest()
    return f"s-{digest[:16]}"


def strip_annotations(text: str) -> str:
    """Remove ``[7 May 2023]``-style annotations added by temporal resolution."""
    return _ANNOTATION.sub("", text)


def split_sentences(text: str) -> list[str]:
    """Split text into sentences (on ``.!?`` and line breaks), stripped, non-empty.

    A period after a common abbreviation (``St.``, ``Dr.``) or a single initial
    does not end a sentence.
    """
    out: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        piece = text[start : m.start()].rstrip()
        last = piece.rsplit(None, 1)[-1] if piece.split() else ""
        word = last.rstrip(".").lower()
        if last.endswith(".") and (word in _ABBREVIATIONS or len(word) == 1):
            continue
        if piece.strip():
            out.append(text[start : m.end()].strip())
        start = m.end()
    if text[start:].strip():
        out.append(text[start:].strip())
    return out


def norm_key(text: str) -> str:
    """A normalised key for comparing short texts: NFKC, lower case, no punctuation."""
    folded = unicodedata.normalize("NFKC", text).casefold().replace("’", "'")
    return _SPACES.sub(" ", _NON_WORD.sub(" ", folded)).strip()


def chunk_text(text: str, *, size: int, overlap: int = 0) -> list[str]:
    """Cut long text into chunks of about ``size`` characters at paragraph/sentence bounds.

    Text shorter than ``size`` comes back as one chunk; a single sentence longer
    than ``size`` is cut at word boundaries. ``overlap`` characters of the end of
    each chunk are repeated at the start of the next.
    """
    if len(text) <= size:
        return [text]
    pieces: list[str] = []
    for para in re.split(r"\n\s*\n", text):
        if len(para) <= size:
            pieces.append(para)
            continue
        for line in para.split("\n"):
            if len(line) <= size:
                pieces.append(line)
                continue
            for sentence in split_sentences(line) or [line]:
                while len(sentence) > size:
                    cut = sentence[:size].rsplit(" ", 1)[0] or sentence[:size]
                    pieces.append(cut)
                    sentence = sentence[len(cut) :].lstrip()
                if sentence:
                    pieces.append(sentence)
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        joiner = "\n" if current else ""
        if current and len(current) + len(joiner) + len(piece) > size:
            chunks.append(current)
            tail = current[-overlap:] if overlap else ""
            current = (tail + "\n" + piece) if tail else piece
        else:
            current = current + joiner + piece
    if current.strip():
        chunks.append(current)
    return chunks


def gist(text: str) -> frozenset[str]:
    """Content-word stems of ``text``, for comparing short statements (see
    :func:`mirix_py._text.statement_stems`)."""
    return statement_stems(norm_key(text))


def same_gist(a: str, b: str) -> bool:
    """Whether two short statements say the same thing, one perhaps in more detail.

    True when the content words (stems) of one are all among the other's, so
    "likes mountain hiking" ~ "likes hiking in the mountains" and "works as a
    nurse" ~ "works as a registered nurse", but not "allergic to peanuts" ~
    "allergic to walnuts", which embeddings rate as near-identical.
    """
    ga, gb = gist(a), gist(b)
    if ga & NEGATIONS != gb & NEGATIONS:  # "is allergic" vs "is not allergic"
        return False
    return ga <= gb or gb <= ga


ARCHIVE_KIND = "archive"
"""``event_type``/``entry_type``/``resource_type`` of an archive summary (retention)."""


def unique(items: Iterable[str]) -> list[str]:
    """Items in first-seen order without repeats."""
    return list(dict.fromkeys(items))
