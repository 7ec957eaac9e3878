"""How a memory tells of an event and the day it names: what date arithmetic reads.

:mod:`.reckon` dates the events a question names by the memory sentence that best tells of
each, and :mod:`.rescheduled` looks for a later message moving such a day; both read a
memory's sentences the same way, here — its plain text without the date annotations
(:func:`plain_text`), its sentences (:func:`utterances`), the stems a sentence says, past
forms meeting their verbs and British and American spellings meeting
(:func:`told_stems`), how much of an event's words a sentence says, weighted by rarity
(:func:`cover`, :func:`rarity`), and the day a sentence names (:func:`day_of`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from mirix_py import _temporal as temporal
from mirix_py._chat.cues import QuestionCues, content_stems, stem, words
from mirix_py._chat.models import Hit
from mirix_py._memory import MemoryType
from mirix_py._text import IRREGULAR_VERBS, NOT_AFTER_ABBREVIATION

__all__ = [
    "MIN_COVER",
    "Dated",
    "cover",
    "day_of",
    "event_stems",
    "irregular_stems",
    "plain_text",
    "rarity",
    "speaker_stems",
    "told_stems",
    "utterances",
]

_ANNOTATION = re.compile(r"\s*\[[^\[\]]*\]")
_UTTERANCE_END = re.compile(r"(?<=[.!?])" + NOT_AFTER_ABBREVIATION + r"\s+(?=\S)")
MIN_COVER = 0.5
"""The share of an event's words a sentence must say for the event to be dated by it."""


@dataclass(frozen=True)
class Dated:
    """An event of the question dated by one memory of the context."""

    ref: int
    day: date
    sentence: str
    score: float
    granularity: temporal.Granularity = "day"
    named: bool = False
    """Whether the sentence names the day (else it is the message's own day)."""


def plain_text(hit: Hit) -> str:
    """What ``hit``'s memory says, without the date annotations the write path added."""
    rec = hit.record
    if hit.memory_type in (MemoryType.EPISODIC, MemoryType.SEMANTIC):
        text = f"{rec.get('summary', '')} {rec.get('details', '')}"
    else:
        text = str(rec.get("summary") or rec.get("content") or "")
    return _ANNOTATION.sub("", text).strip()


def utterances(text: str) -> list[str]:
    """``text``'s sentences (a stop after an abbreviation ends none)."""
    return [p.strip() for p in _UTTERANCE_END.split(text) if p.strip()]


@cache
def irregular_stems() -> dict[str, str]:
    """Irregular past forms and their verbs' stems: "when did I buy …?" is told as "bought"."""
    return {stem(form): stem(base) for base, forms in IRREGULAR_VERBS.items() for form in forms}


_SPELLING = ((re.compile(r"enc$"), "ens"), (re.compile(r"yz$"), "ys"))
"""British and American spellings of one word meet: "defence"/"defense", "analyse"/"analyze"."""


def _spelled(s: str) -> str:
    for pattern, repl in _SPELLING:
        s = pattern.sub(repl, s)
    return s


def told_stems(text: str) -> set[str]:
    """The content stems ``text`` says, an irregular past form as its verb ("bought" is
    "buy") and British and American spellings as one."""
    irregular = irregular_stems()
    return {_spelled(irregular.get(s, s)) for s in content_stems(text)}


def cover(stems: frozenset[str], text: str, weights: Mapping[str, float] | None = None) -> float:
    """The share of ``stems`` that ``text`` says, each stem counted by its weight (1 when
    ``weights`` is None or lacks it)."""
    if not stems:
        return 0.0
    said = stems & told_stems(text)
    if weights is None:
        return len(said) / len(stems)
    total = sum(weights.get(s, 1.0) for s in stems)
    return sum(weights.get(s, 1.0) for s in said) / total


def rarity(stems: frozenset[str], texts: Sequence[str]) -> dict[str, float]:
    """Each stem's weight by how few of ``texts`` say it (log(1 + n / df)): a name or place
    the whole conversation keeps saying ("Busan", the partner's name) tells less of which
    message an event is told in than its verb ("arrive") does."""
    told = [told_stems(t) for t in texts]
    n = len(told)
    return {s: math.log(1 + n / max(1, sum(s in t for t in told))) for s in stems}


def event_stems(phrase: str, people: frozenset[str]) -> frozenset[str]:
    """The stems of an event the question names, without the ``people`` who did it."""
    return frozenset(told_stems(phrase)) - people


def speaker_stems(cues: QuestionCues, refs: Mapping[int, Hit]) -> frozenset[str]:
    """Stems of the names of the question that are speakers (and the unnamed user's
    placeholder): who did something is not what was done ("adopting Miso" keeps Miso)."""
    speakers = {str(h.record.get("actor", "")).lower() for h in refs.values()} | {"user"}
    return frozenset(stem(w) for n in cues.names if n.lower() in speakers for w in words(n))


_NEAR = re.compile(r"\b(?:today|tonight|yesterday|last\s+night|this\s+morning)\b", re.I)
_COARSE: tuple[temporal.Granularity, ...] = ("week", "month", "year")


def day_of(
    sentence: str, when: datetime, *, act: bool = False
) -> tuple[date, temporal.Granularity, bool]:
    """The day ``sentence`` names (resolved against ``when``), else the start of a week,
    month or year it names ("ten years ago"), else ``when``'s day; with the granularity.
    "Today" or "yesterday" wins over a weekday: in "started a Saturday morning class
    today" the weekday says which class, the near day when it started. For a told
    ``act`` only times up to ``when`` count. The flag says whether a day other than the
    message's own ("today", "yesterday") was named."""
    mentions = [
        m
        for m in temporal.resolve_time_expressions(sentence, when)
        if not (act and m.start.date() > when.date())
    ]
    days = sorted(
        (m for m in mentions if m.granularity == "day"),
        key=lambda m: _NEAR.fullmatch(m.text) is None,
    )
    if days:
        return days[0].start.date(), "day", _NEAR.fullmatch(days[0].text) is None
    for granularity in _COARSE:
        coarse = [m for m in mentions if m.granularity == granularity]
        if coarse:
            return coarse[0].start.date(), granularity, False
    return when.date(), "day", False
