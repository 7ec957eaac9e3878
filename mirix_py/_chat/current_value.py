"""Current against earlier values: which statement still holds, and plans since cancelled."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from mirix_py._chat.cues import content_stems, stem
from mirix_py._chat.draft import Draft
from mirix_py._chat.models import Hit
from mirix_py._dates import full_date
from mirix_py._memory import MemoryType

REPLACES = re.compile(
    r"\b(?:instead|switch(?:ed|ing)\s+to|chang(?:ed|ing)\s+to|replac(?:ed|ing)|"
    r"(?:moved|postponed|pushed\s+back|brought\s+forward|rescheduled)(?:\s+[\w-]+,?){0,3}?\s+"
    r"(?:to|until)\s+(?:the\s+)?(?:\d|(?:mon|tues|wednes|thurs|fri|satur|sun)day|"
    r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|next|later|earlier))|"
    r",\s+not\s+(?:on\s+)?(?:the\s+)?(?:\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)",
    re.I,
)
"""A change of value: "instead", "moved it to Friday", and a correction of a date or a number
("came on April 2, not March 30", "presented it on the 24th, not the 20th")."""


_PAST_WORDS = re.compile(r"\b(?:used to|before|previously|formerly|former|no longer)\b", re.I)


def change_bonus(hit: Hit, span: str, *, past: bool, newest: Sequence[datetime]) -> float:
    """Prefer current values (and later statements) unless the question asks about the past;
    then prefer earlier values and superseded or "used to" statements."""
    superseded = hit.record.get("valid_to") is not None
    if past:
        return 0.2 if superseded or _PAST_WORDS.search(span) else 0.0
    bonus = -0.3 if superseded else 0.0
    if _PAST_WORDS.search(span):
        bonus -= 0.2
    if REPLACES.search(span):
        bonus += 0.1  # "going to Hokkaido instead": the value that replaced an earlier one
    if hit.when is not None and len(newest) > 1:
        bonus += 0.1 * newest.index(hit.when) / (len(newest) - 1)
    return bonus


def cancelled_plan(topic: frozenset[str], numbered: Sequence[tuple[int, Hit]]) -> Draft | None:
    """A plan the question asks about that was cancelled: say so rather than give its date."""
    for ref, hit in numbered:
        summary = str(hit.record.get("summary", ""))
        if hit.memory_type is not MemoryType.SEMANTIC or not summary.startswith("cancelled "):
            continue
        plan = set(content_stems(summary.removeprefix("cancelled ")))
        if topic and topic <= plan | {stem("cancel")} and hit.when is not None:
            return Draft(
                f"{hit.record.get('name', '')} {summary} ({full_date(hit.when)}).", (ref,), False
            )
    return None
