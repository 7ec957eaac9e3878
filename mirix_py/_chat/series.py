"""A measured value told again later in fewer words: the last reading of a series.

People report a value that changes — a weight, a price, a count, a score — once with its
unit and then, as it moves, as a bare number: "currently 232 lbs" … "down to 226!" … "219
this morning" … "214 today". Only the first telling names what is measured; the later
ones share no word with "what is his weight now?" and never rank as its answer. Asked
what holds now, :func:`latest_reading` follows the series from the value the answerer
picked to the last reading the same speaker gave of it.

A later number belongs to the series when it is said by the same speaker after the
picked value; in a statement, not a question, a plan or a goal ("aiming for 200 by
May"); with the same unit or none ("214", not "214 calories") and the same currency
sign or none; of the same magnitude (between half and twice the value); and in a clause
that says nothing else than the number, the question's or the first telling's words,
and words of time or of change ("now", "this morning", "down to", "finally hit"): "paid
950 for the deposit" names something else, so it is no new rent.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from mirix_py._chat.answer_text import body_text, strip_annotations, utterances
from mirix_py._chat.cues import content_stems, unit_stems
from mirix_py._chat.models import Hit
from mirix_py._memory import MemoryType
from mirix_py._text import STOPWORDS, stem

_VALUE = re.compile(
    r"^\s*(?P<sign>[£$€])?\s*(?P<num>\d+(?:,\d{3})*(?:\.\d+)?)\s*(?P<pct>%)?"
    r"(?:\s*(?P<unit>(?!(?:a|an|per|each|every)\b)[A-Za-z]+))?"
    r"(?P<rate>\s*(?:/|\b(?:a|an|per|each|every)\s)\s*[A-Za-z]+)?\s*$",
    re.I,
)
"""A value the answerer picked that is one number with an optional sign, unit and rate:
"232 lbs", "£900", "150 guests", "38 a month", "62"."""

_NUMBER = re.compile(
    r"(?<![\w.,:/#-])(?P<sign>[£$€])?\s?(?P<num>\d+(?:,\d{3})*(?:\.\d+)?)"
    r"(?P<suffix>%|[A-Za-z]+)?(?![\d:/]|[.,]\d|-\d)"
)
"""A number in a later statement, with what is stuck to it ("214lbs", "22nd", "5pm")."""

_PAIR = re.compile(r"\d\s*(?:[-–—:/x×]|\bto\b|\bvs?\b\.?|\bout\s+of\b|\bof\b)\s*[£$€]?\d", re.I)
"""Two numbers paired: a score ("lost 12 - 24"), a range, a ratio, "3 of 5": no reading."""

_RATE = re.compile(r"\s*(?:/|(?:a|an|per|each|every)\s+[a-z]+)", re.I)
"""A rate after a number ("30 a month", "2/week")."""

_CLAUSE = re.compile(r"[;,]\s+|\s+(?:and|but|though|tho|while|whereas)\s+|\s+-+\s+|\s+—\s+")

_NOT_NOW = re.compile(
    r"\b(?:goal|target|aim(?:ing)?|want(?:s|ed)?|wanna|hop(?:e|es|ing)|plan(?:s|ned|ning)?|"
    r"wish|dream|should|would|could|might|need(?:s|ed)?|going\s+to|gonna|will|by\s+the\s+end|"
    r"if|until|unless|max(?:imum)?|min(?:imum)?|limit|budget|was|were|used\s+to|ago|"
    r"last\s+(?:year|month|time)|back\s+(?:in|then|when)|"
    r"another|more|less|fewer|extra|lost|los(?:e|ing)|gain(?:ed|ing|s)?|added|plus|minus|off)\b",
    re.I,
)
"""A number that is no reading of the value now: a goal, a wish, a plan, a bound, an
earlier value ("was 240 in March"), a change by an amount ("another 20", "lost 6")."""

_TIME_AND_CHANGE = frozenset(
    stem(w)
    for w in """today tonight morning mornings evening afternoon night week weekend month
    yesterday currently current finally officially already anymore yet again total
    overall update updated news though tho lol haha yay woo woohoo wow whoa phew ugh ok
    okay yes yeah nope sadly happily guess guys btw fyi happy glad great good nice cool
    awesome amazing proud excited sad bad meh progress slowly steadily surely honestly
    down up back hit hitting reach reached reaching drop dropped dipped dip climb climbed
    rose risen jump jumped fell fall went gone sit sitting stand standing stood stay
    stayed stuck steady holding hold came come coming read reading reads show shows
    showed say says latest new newest whole exactly about around
    roughly almost nearly over under just only still at to
    monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december""".split()
)
"""Words a reading is told with that name nothing else: time, change, fillers."""

_NOT_A_UNIT = frozenset({"st", "nd", "rd", "th", "am", "pm", "x", "k", "m", "h", "s"})
"""What stuck to a number makes it no reading: an ordinal, a time of day, a multiplier."""

_LOW, _HIGH = 0.5, 2.0
"""How far a later reading may be from the picked value (as a ratio) and still be one."""


@dataclass(frozen=True)
class _Reading:
    sign: str
    number: float
    text: str
    percent: bool
    unit: str | None
    """The unit's stem (a spelling of a unit mapped to the unit: "lbs" → "pound")."""
    rate: bool = False
    """The value is a rate ("38 a month")."""


_OTHER_VALUE_Q = re.compile(
    r"\b(?:goal|target|aim|ideal|limit|max(?:imum)?|min(?:imum)?|budget|start(?:ing|ed)?|"
    r"first|original(?:ly)?|initial(?:ly)?|previous(?:ly)?|old|former|usual(?:ly)?|average|"
    r"recommend(?:ed)?|suggest(?:ed)?|planned|expected|before|highest|lowest|best|worst|peak)\b",
    re.I,
)
"""A question for another value than the last reading: a goal, a bound, the first or a
previous one, an average, the best, advice."""


def asks_reading(question: str) -> bool:
    """True unless ``question`` asks for a goal, a bound, a first, earlier, usual or best
    value, or advice (:data:`_OTHER_VALUE_Q`): such a value is no reading of the series."""
    return _OTHER_VALUE_Q.search(question) is None


def latest_reading(
    value: str,
    anchor: Hit,
    anchor_span: str,
    told: Sequence[tuple[int, Hit]],
    topic: AbstractSet[str],
) -> tuple[int, str] | None:
    """The last reading of the series ``value`` (the answerer's pick, told in
    ``anchor``, its sentence ``anchor_span``) that the same speaker gave later among
    ``told`` (the memories in context), with the value's unit added when only the
    number was said ("214" → "214 lbs"): the ref of the memory and the value; None when
    nobody told it again (see the module docstring for what counts as a reading)."""
    first = _picked(value, anchor_span)
    speaker = _speaker(anchor)
    if first is None or first.number <= 0 or speaker is None or anchor.when is None:
        return None
    known = set(topic) | set(content_stems(anchor_span))
    if first.unit is not None:
        known.add(first.unit)
    found: tuple[int, str] | None = None
    later = sorted(
        (
            (ref, hit)
            for ref, hit in told
            if _speaker(hit) == speaker and hit.when is not None and hit.when > anchor.when
        ),
        key=lambda pair: (pair[1].when, pair[1].position or 0),
    )
    for ref, hit in later:
        for reading in _readings(body_text(hit), first, known):
            found = (ref, _worded(reading, first))
    return found


def _speaker(hit: Hit) -> str | None:
    """Who said an event's words (lower case); None for other memories."""
    if hit.memory_type is not MemoryType.EPISODIC:
        return None
    return str(hit.record.get("actor") or "").strip().lower() or None


def _picked(value: str, span: str) -> _Reading | None:
    """The picked value as one number with its sign and unit, the sign read from the
    ``span`` it was picked from when the value left it out ("38 a month" of "£38 a
    month"); None for anything else."""
    found = _VALUE.match(value)
    if found is None:
        return None
    unit = found["unit"]
    signed = re.search(rf"([£$€])\s?{re.escape(found['num'])}(?!\d)", span)
    return _Reading(
        sign=found["sign"] or (signed.group(1) if signed else ""),
        number=_number(found["num"]),
        text=value.strip(),
        percent=bool(found["pct"]),
        unit=_unit_stem(unit) if unit else None,
        rate=bool(found["rate"]),
    )


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _unit_stem(word: str) -> str:
    """A unit word's stem, its spellings mapped to one ("lbs", "pounds" → "pound")."""
    stemmed = stem(word.lower())
    return unit_stems().get(stemmed, stemmed)


def _readings(body: str, first: _Reading, known: AbstractSet[str]) -> list[_Reading]:
    """The readings of ``first``'s series in a later message, in the order told."""
    found: list[_Reading] = []
    for utterance in utterances(strip_annotations(body)):
        if utterance.rstrip().endswith("?") or _PAIR.search(utterance):
            continue
        if len(_NUMBER.findall(utterance)) != 1:  # "bank B says 1.75% and 30 a month": a
            continue  # sentence of several numbers measures several things
        for clause in _CLAUSE.split(utterance):
            if _NOT_NOW.search(clause):
                continue
            numbers = list(_NUMBER.finditer(clause))
            if len(numbers) != 1:
                continue
            if _RATE.match(clause, numbers[0].end()) and not first.rate:
                continue  # "30 a month" is no reading of "26 boys"
            reading = _reading(numbers[0], clause, first, known)
            if reading is not None:
                found.append(reading)
    return found


def _reading(
    match: re.Match[str], clause: str, first: _Reading, known: AbstractSet[str]
) -> _Reading | None:
    """The number ``match`` of ``clause`` as a reading of ``first``'s series, or None."""
    suffix = (match["suffix"] or "").lower()
    if suffix.isalpha() and (suffix in _NOT_A_UNIT or _unit_stem(suffix) != first.unit):
        return None
    percent = suffix == "%"
    sign = match["sign"] or ""
    if percent != first.percent or (sign and sign != first.sign):
        return None
    rest = clause[match.end() :].split()
    following = re.sub(r"\W+$", "", rest[0].lower()) if rest and not suffix else ""
    unit = None
    if following and following.isalpha() and following not in STOPWORDS:
        unit = _unit_stem(following)
        if unit not in _TIME_AND_CHANGE:
            if unit != first.unit:  # "214 calories", "3 kids": another measure
                return None
        else:
            unit = None
    number = _number(match["num"])
    if not _LOW <= number / first.number <= _HIGH:
        return None
    said = set(content_stems(clause[: match.start()] + " " + clause[match.end() :]))
    if said - known - _TIME_AND_CHANGE:  # "paid 950 for the deposit": of something else
        return None
    return _Reading(sign, number, match.group(0).strip(), percent, unit or first.unit)


def _worded(reading: _Reading, first: _Reading) -> str:
    """The reading as an answer, in the first value's form: its sign, number and unit."""
    number = f"{reading.number:,.{_decimals(reading.text)}f}"
    if "," not in first.text and "," not in reading.text:
        number = number.replace(",", "")
    found = _VALUE.match(first.text)
    unit = f" {found['unit']}" if found is not None and found["unit"] else ""
    rate = found["rate"] or "" if found is not None else ""
    return f"{first.sign}{number}{'%' if first.percent else ''}{unit}{rate}"


def _decimals(text: str) -> int:
    digits = re.search(r"\.(\d+)", text)
    return len(digits.group(1)) if digits else 0
