"""Questions whose answer is a computed difference of two told values.

"How many fewer guests can come than first planned?", "How much less rent a month does
she pay since the move?", "By how much did his pension go up?", "How many miles short of
the goal did they walk?": no sentence holds the answer, but two sentences hold the two
values compared. The question is recognised by its wording (:func:`asks_difference`),
the values are read from the context's sentences with their unit — a currency sign or
code, "k"/"thousand", a percent sign, a unit or counted noun after the number ("180
guests", "12 km"), a rate ("/wk", "per month"), a duration ("1:42:17", "2h 05m", read
in seconds by :mod:`.durations`) — and the answer is their difference, formatted like
them (a duration in words, and as a clock when one was told so: "4 minutes 29 seconds
(4:29)"), followed by the two values it came from ("30 (180 vs 150)").

The two values are taken

- for "her eldest … than her youngest", from the values told of the oldest and youngest
  of the people named with their ages (:mod:`.ages`: "Ama 2,400, Kofi 1,500"); else
- for "between January and May" ("in June than in February"), from the values told in
  each of the two months, the pair that says the same thing (:mod:`.period_sides`); else
- from one sentence that contrasts them ("rode 62 miles rather than 70", "150 instead of
  180", "down from 80 to 72"), when such a sentence speaks of what is asked; else
- from the values of the asked unit or rate (the question's counted noun, "per week"),
  or of the unit of the value whose sentence best covers the question's words, and of a
  similar size (within a factor :data:`_MAGNITUDE` of it).

Only the asker's own words count unless the question asks what the assistant said, and a
clause the asker says about someone else ("he makes 85k") does not give the asker's
value. When not exactly two distinct values remain, no answer is computed and the
ordinary answerer goes on (:func:`difference`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from mirix_py._chat.ages import ages, oldest_and_youngest
from mirix_py._chat.answer_text import BRACKETED, body_text, utterances
from mirix_py._chat.cues import QuestionCues, stem_share
from mirix_py._chat.durations import SECONDS_PER, clock, durations, spoken
from mirix_py._chat.models import Hit
from mirix_py._chat.period_sides import named_months, period_pair
from mirix_py._chat.replies import ASSISTANT_Q
from mirix_py._memory import MemoryType
from mirix_py._text import STOPWORDS, stem

_COMPARATIVE = (
    r"more|less|fewer|cheaper|dearer|pricier|longer|shorter|higher|lower|bigger|smaller|"
    r"larger|heavier|lighter|further|farther|older|younger|faster|slower|quicker|extra"
)
_CHANGE = (
    r"go(?:ne)?\s+(?:up|down)|went\s+(?:up|down)|rise|rose|risen|fall|fell|fallen|"
    r"increase[ds]?|decrease[ds]?|drop(?:ped)?|grow|grew|grown|shrink|shrank|climb(?:ed)?|"
    r"improve[ds]?|rais(?:e|ed)|cut|reduce[ds]?|lower(?:ed)?"
)
_MAIN_CLAUSE = r"(?:(?!\b(?:after|before|when|since|until|because|while)\b)[^?])*"
_NOT_A_NOUN = "".join(
    rf"(?<!\b{w}\s)" for w in "my the a his her their our your its".split()
)  # "before my raise" names a change, it does not ask for one
_DIFFERENCE_Q = (
    re.compile(rf"\bhow\s+(?:much|many)\b(?:\s+[\w'’-]+){{0,3}}?\s+(?:{_COMPARATIVE})\b", re.I),
    re.compile(r"\bby\s+how\s+(?:much|many)\b", re.I),
    re.compile(r"\bhow\s+(?:much|many)\b[^?]*\bshort\s+of\b", re.I),
    re.compile(
        rf"\bhow\s+much\s+(?:did|has|have|had|does|do|was|were|is)\b{_MAIN_CLAUSE}"
        rf"{_NOT_A_NOUN}\b(?:{_CHANGE})\b",
        re.I,
    ),
    re.compile(r"\bdifference\s+(?:between|in)\b", re.I),
    re.compile(
        r"\bhow\s+much\b[^?]*\bsav(?:e|ed|es|ing)\b[^?]*\b(?:by|than|instead|compared)\b", re.I
    ),
)
_UNTIL = re.compile(r"\b(?:until|till|til)\b", re.I)
_COUNTED = re.compile(r"\bhow\s+many\s+(?:(?:more|fewer|less|extra)\s+)?(?P<noun>[a-z]+)\b", re.I)
_RATE_Q = re.compile(
    r"\b(?:per|a|an|each|every)\s+(?P<per>[a-z]+)\b|\b(?P<ly>weekly|monthly|yearly|annually|"
    r"hourly|daily|nightly)\b",
    re.I,
)
_LY = {"weekly": "week", "monthly": "month", "yearly": "year", "annually": "year",
       "hourly": "hour", "daily": "day", "nightly": "night"}  # fmt: skip
_UNIT_ALIASES = {
    "km": "kilometr", "kms": "kilometr", "kilomet": "kilometr", "kilometr": "kilometr",
    "mi": "mile", "kg": "kilogram", "kilo": "kilogram", "kilogram": "kilogram",
    "lb": "pound", "lbs": "pound", "g": "gram", "m": "metr", "metr": "metr", "meter": "metr",
    "cm": "centimetr", "mm": "millimetr", "l": "litr", "liter": "litr", "ml": "millilitr",
    "h": "hour", "hr": "hour", "hrs": "hour", "min": "minut", "mins": "minut", "sec": "second",
    "wk": "week", "wks": "week", "mo": "month", "mth": "month", "yr": "year", "yrs": "year",
    "person": "peopl", "peopl": "peopl", "%": "percent", "percent": "percent", "pct": "percent",
}  # fmt: skip
"""Abbreviations and spellings of common units, by stem: "12 km" and "kilometres" agree."""

_CURRENCY_CODES = (
    "USD|EUR|GBP|AUD|NZD|CAD|CHF|MXN|INR|RON|TRY|PLN|SEK|NOK|DKK|JPY|CNY|ZAR|GHS|NGN|KES|"
    "BRL|HUF|CZK|SGD|HKD|KRW|ARS|CLP|COP|PEN|PHP|THB|IDR|MYR|VND|EGP|MAD|ILS|AED|SAR"
)
_QUANTITY = re.compile(
    rf"(?<![\w.,/:])(?P<cur>(?:[A-Z]{{1,3}})?[$€£¥₹₵₦₺₩₱]\s?|(?:{_CURRENCY_CODES})\s?|"
    r"(?:R|Rs\.?|RM|Rp)(?=\d))?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?: \d{3})+(?![\d,])|\d+(?:\.\d+)?)"
    r"(?!\d|[/:.,]\d)"
    r"(?P<mult>\s?(?:k|K|thousand|million|bn|billion)\b)?"
    r"(?P<attached>[A-Za-z%]+|'s|’s)?"
    r"(?:\s?(?P<pct>%|per\s?cent\b|percent\b))?"
    r"(?:\s(?!(?:per|a|an|each|every)\s)(?P<unit>[A-Za-zÀ-ÿ]+))?"
    r"(?:\s?(?:/|\bper\s|\ba\s|\ban\s|\beach\s|\bevery\s)\s?(?P<per>[a-z]+))?"
)
_MONTH = re.compile(r"^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*$", re.I)
_CONTRAST = re.compile(
    r"\b(?:rather\s+than|instead\s+of|not|than|vs\.?|versus|compared\s+(?:to|with))\s*$",
    re.I,
)
_RANGE_END = re.compile(
    r"\s*(?:to|-|–|and|until|till)\s*\d{1,2}(?:st|nd|rd|th)?\s+"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)",
    re.I,
)
_OTHER_SUBJECT = re.compile(r"^\W*(?:and\s+|but\s+)?(?:he|she|they|his|her|their)\b", re.I)
_FRAME = frozenset(
    stem(w)
    for w in """much many more less fewer cheaper dearer pricier longer shorter higher lower
    bigger smaller larger heavier lighter further farther older younger faster slower extra
    difference first originally initially planned plan scheduled expected now since short
    go gone went up down rise rose fall fell increase decrease drop grow shrink climb improve
    raise cut reduce compared instead actual actually new old""".split()
)
"""Words that frame the comparison rather than name what is compared."""
_MAGNITUDE = 4.0
"""How many times larger or smaller than the best-matching value a compared value may be."""
_CLAUSE = re.compile(r"[;()]|,\s+(?=\D)|\s[-–—•]\s|:\s")


@dataclass(frozen=True)
class Quantity:
    """A number told in the context, with its unit as written and as compared."""

    value: float
    written: str
    kind: str
    """``cur:<sign>``, ``unit:<stem>``, ``percent`` or ``bare`` (a number alone)."""
    per: str
    """The stem of the rate's unit ("/wk" → ``week``), or empty."""
    ref: int
    clause: str
    relevance: float
    start: int
    end: int
    before: str
    """The sentence's text before the value."""
    segment: str
    """The sentence's text between the value before this one and this one ("Kofi" in
    "Ama 2,400, Kofi 1,500"): what the value is told of."""
    grouped: bool
    cur: str
    unit: str
    sentence: str = ""
    """The whole sentence the value is told in."""


@dataclass(frozen=True)
class Difference:
    """A computed difference and the memories its two values come from."""

    text: str
    refs: tuple[int, ...]


def asks_difference(question: str) -> bool:
    """True when ``question`` asks for the difference of two values ("how many fewer …",
    "by how much did … go up", "how many km short of …", "the difference between …")."""
    if _UNTIL.search(question):  # "how many more days until the exam?": a count to a day
        return False
    return any(p.search(question) for p in _DIFFERENCE_Q)


def _unit_stem(word: str) -> str:
    low = word.lower().rstrip(".")
    if low in _UNIT_ALIASES:
        return _UNIT_ALIASES[low]
    stemmed = stem(low)
    return _UNIT_ALIASES.get(stemmed, stemmed)


def _asked_unit(question: str) -> str:
    m = _COUNTED.search(question)
    if m is None:
        return ""
    noun = m.group("noun").lower()
    if noun in STOPWORDS or re.fullmatch(_COMPARATIVE, noun):
        return ""
    return _unit_stem(noun)


def _asked_rate(question: str) -> str:
    for m in _RATE_Q.finditer(question):
        if m.group("ly"):
            return _LY[m.group("ly").lower()]
        per = m.group("per").lower()
        if per not in STOPWORDS and not re.fullmatch(_COMPARATIVE, per):
            return _unit_stem(per)
    return ""


def _number(text: str) -> float:
    return float(text.replace(",", "").replace(" ", ""))


def quantities(text: str, ref: int, topic: frozenset[str]) -> list[Quantity]:
    """The numbers of ``text`` (a memory's body) with their units, each scored by how much
    of ``topic`` its clause and its sentence say. Dates, times of day, ordinals, years,
    version or model numbers ("RX 580", "Pi 4"'s) are left out; a clock duration or one in
    several units ("1:42:17", "2h 05m") is one value in seconds, of kind ``duration``."""
    found: list[Quantity] = []
    plain = BRACKETED.sub(" ", text)
    parts = [line for part in utterances(plain) for line in part.splitlines() if line.strip()]
    for k, sentence in enumerate(parts):
        if sentence.rstrip().endswith("?"):
            continue
        window = " ".join(parts[max(k - 1, 0) : k + 2])
        near = stem_share(topic, sentence) + 0.5 * stem_share(topic, window)
        bounds = [0, *(m.end() for m in _CLAUSE.finditer(sentence)), len(sentence) + 1]
        previous = 0
        for (at, to), q in _read_all(sentence):
            segment, previous = sentence[previous:at], to
            if q is None:
                continue
            value, written, kind, per, cur, unit, grouped = q
            start = max(b for b in bounds if b <= at)
            end = min(b for b in bounds if b > at)
            clause = sentence[start:end]
            relevance = 2 * stem_share(topic, clause) + near
            found.append(
                Quantity(
                    value,
                    written,
                    kind,
                    per,
                    ref,
                    clause,
                    relevance,
                    at,
                    to,
                    sentence[:at],
                    segment,
                    grouped,
                    cur,
                    unit,
                    sentence,
                )
            )
    return found


_Read = tuple[float, str, str, str, str, str, bool]
"""A number read: value, as written, kind, rate, currency, unit, written with groups."""


def _read_all(sentence: str) -> list[tuple[tuple[int, int], _Read | None]]:
    """The numbers of ``sentence`` read in order, each with its span: the clock durations
    and durations in several units (:func:`.durations.durations`, kind ``duration``, in
    seconds), then every other number outside them (:func:`_read`)."""
    timed = durations(sentence)
    read: list[tuple[tuple[int, int], _Read | None]] = [
        ((d.start, d.end), (d.seconds, d.written, "duration", "", "", "", False)) for d in timed
    ]
    read += [
        (m.span(), _read(m, sentence))
        for m in _QUANTITY.finditer(sentence)
        if not any(d.start < m.end() and m.start() < d.end for d in timed)
    ]
    return sorted(read, key=lambda r: r[0])


def _read(m: re.Match[str], sentence: str) -> _Read | None:
    attached = m.group("attached") or ""
    unit_word = m.group("unit") or ""
    before = sentence[: m.start()].split()[-1:] or [""]
    if attached and attached.lower() in ("st", "nd", "rd", "th", "am", "pm", "'s", "’s", "x"):
        return None
    if _MONTH.match(unit_word) or _MONTH.match(before[0].strip(",.")):
        return None
    if _RANGE_END.match(sentence[m.end("num") :]):
        return None  # "22 to 26 October": a day of a range of dates
    if _model_number(m, sentence, before[0]):
        return None
    value = _number(m.group("num"))
    mult = (m.group("mult") or "").strip().lower()
    value *= {"k": 1e3, "thousand": 1e3, "million": 1e6, "bn": 1e9, "billion": 1e9}.get(mult, 1)
    cur = m.group("cur") or ""  # as written, with its space if any ("GH₵ 900")
    per = _unit_stem(m.group("per")) if m.group("per") else ""
    if per in STOPWORDS:
        per = ""
    unit = ""
    if m.group("pct") or attached == "%":
        kind = "percent"
    elif cur:
        kind = f"cur:{cur.strip()}"
    elif attached and attached.lower() not in ("k",):
        unit, kind = attached, f"unit:{_unit_stem(attached)}"
    elif re.fullmatch(r"[A-Z]{3}", unit_word):  # "450 AED": a currency code after it
        unit, kind = unit_word, f"cur:{unit_word}"
    elif unit_word and unit_word.lower() not in STOPWORDS and unit_word[:1].islower():
        unit, kind = unit_word, f"unit:{_unit_stem(unit_word)}"
    else:
        kind = "bare"
    written = m.group(0).strip()
    if unit_word and not unit:
        written = written[: written.rfind(unit_word)].strip()
    if kind == "bare" and 1900 <= value <= 2100 and "," not in m.group("num"):
        return None  # a year
    grouped = "," in m.group("num") or " " in m.group("num") or bool(m.group("mult"))
    return value, written, kind, per, cur, unit, grouped


def _model_number(m: re.Match[str], sentence: str, before: str) -> bool:
    """A number that is part of a name: after an all-capitals word ("RTX 4060"), or a small
    one after a capitalised word inside the sentence ("Pi 4", "Lumen 5")."""
    if m.group("cur") or not before[:1].isupper():
        return False
    if before.isupper() and len(before) > 1:
        return True
    inside = sentence[: m.start()].strip() != before
    return inside and before.isalpha() and _number(m.group("num")) < 1000 and "," not in m.group(0)


def _compatible(a: Quantity, b: Quantity) -> bool:
    """Same unit and rate; a bare number goes with a currency ("it was 5,400" next to a
    price) but not with a counted noun."""
    if a.per != b.per and a.per and b.per:
        return False
    if a.kind == b.kind:
        return True
    kinds = {a.kind, b.kind}
    return "bare" in kinds and any(k.startswith("cur:") for k in kinds)


def _contrasted(group: Sequence[Quantity], unit: str) -> tuple[Quantity, Quantity] | None:
    """Two values one sentence contrasts, at most six words apart ("62 miles rather than
    70", "from 80 to 72"); a bare second value takes the first's unit."""
    for first in group:
        for second in group:
            same_sentence = second.before.startswith(first.before)
            if second.ref != first.ref or not same_sentence:
                continue
            if second.start <= first.start or second.value == first.value:
                continue
            if not (_compatible(first, second) or second.kind == "bare"):
                continue
            if unit and not (_of_unit(first, unit) or _of_unit(second, unit)):
                continue
            gap = second.before[first.end :]
            if len(gap.split()) > 6:
                continue
            if _CONTRAST.search(gap) or (
                re.fullmatch(r"\s*to\s*", gap) and re.search(r"\bfrom\s*$", first.before)
            ):
                return first, second
    return None


def _other_subject(q: Quantity) -> bool:
    return _OTHER_SUBJECT.match(q.clause) is not None


def difference(
    cues: QuestionCues,
    refs: Mapping[int, Hit],
    topic: frozenset[str],
    now: datetime | None = None,
) -> Difference | None:
    """The difference a comparison question asks for (see the module docstring), or None
    when it is no such question or not exactly two values are found; ``now`` is when the
    question is asked (the months it names are the latest ones by then)."""
    question = cues.asked or cues.text
    if not asks_difference(question):
        return None
    topic = frozenset(topic - _FRAME) or topic
    asks_assistant = ASSISTANT_Q.search(question) is not None
    names = {n.lower() for n in cues.names}
    found: list[Quantity] = []
    for ref, hit in sorted(refs.items()):
        if hit.memory_type is MemoryType.KNOWLEDGE_VAULT:
            continue
        actor = str(hit.record.get("actor") or "").lower()
        if actor == "assistant" and not asks_assistant:
            continue
        own = actor in names or actor == "user"
        found.extend(
            q for q in quantities(body_text(hit), ref, topic) if not (own and _other_subject(q))
        )
    found = _in_seconds(found)
    unit, rate = _asked_unit(question), _asked_rate(question)
    if unit:
        found = [q for q in found if _of_unit(q, unit) or q.kind == "bare"]
    rated = [q for q in found if rate and q.per == rate]
    if len({q.value for q in rated}) == 1:  # "20 USD a class", "classes now 26 USD": a
        # rate said once may go unsaid the second time
        found = [q for q in found if q.per == rate or (not q.per and _like(rated[0], q))]
    elif rated:
        found = rated
    relevant = [q for q in found if q.relevance > 0 or (unit and _of_unit(q, unit))]
    texts = [body_text(h) for h in refs.values()]
    sides = oldest_and_youngest(question, texts)
    pair = _sided(found, sides, ages(texts)) if sides else None
    latest = now or max((h.when for h in refs.values() if h.when is not None), default=None)
    months = named_months(question, latest.date()) if latest is not None else None
    if pair is None and months is not None:  # "… between January and May?"
        pair = period_pair(found, months, {r: h.when for r, h in refs.items()}, _like)
    if pair is None:
        pair = _contrasted(relevant, unit)
    if pair is None:
        pair = _than_sides(question, topic, relevant, refs)
    if pair is None:
        pair = _pair(relevant, found, unit)
    if pair is None:
        return None
    return _answer(*pair)


def _of_unit(q: Quantity, unit: str) -> bool:
    """``q`` is told in the asked ``unit``; a duration counts for any unit of time."""
    return q.kind == f"unit:{unit}" or (q.kind == "duration" and unit in SECONDS_PER)


def _in_seconds(found: Sequence[Quantity]) -> list[Quantity]:
    """``found`` with the amounts of one unit of time ("58 minutes") made durations in
    seconds when a duration is among them ("1 hour 5 minutes" against "58 minutes")."""
    if not any(q.kind == "duration" for q in found):
        return list(found)
    out: list[Quantity] = []
    for q in found:
        unit = q.kind.removeprefix("unit:")
        if q.kind.startswith("unit:") and unit in SECONDS_PER and not q.per:
            q = replace(q, value=q.value * SECONDS_PER[unit], kind="duration", unit="")
        out.append(q)
    return out


def _like(a: Quantity, b: Quantity) -> bool:
    """``b`` is of ``a``'s kind and size (within :data:`_MAGNITUDE`)."""
    return _compatible(a, b) and a.value / _MAGNITUDE <= b.value <= a.value * _MAGNITUDE


_THAN = re.compile(r"\bthan\b", re.I)


def _than_sides(
    question: str, topic: frozenset[str], found: Sequence[Quantity], refs: Mapping[int, Hit]
) -> tuple[Quantity, Quantity] | None:
    """The two values compared by "… X than Y?", each told in the words of its own side:
    "how much more did he pay for the steel gate with the motor than the wooden one?" ←
    "the steel gate, with the motor, R17,000" and "wooden gate R9,000". A side's
    words are those the other side does not say; a value is scored by how many of them its
    clause, its sentence and (half) its message say. The best-scoring pair of two distinct,
    comparable values wins."""
    parts = _THAN.split(question)
    if len(parts) != 2:
        return None
    first, second = (frozenset(stem(w) for w in re.findall(r"[a-z]+", p.lower())) for p in parts)
    sides = (topic & first - second, topic & second - first)
    if not all(sides):
        return None

    def score(q: Quantity, side: frozenset[str]) -> float:
        body = body_text(refs[q.ref]) if q.ref in refs else ""
        return (
            stem_share(side, q.clause)
            + stem_share(side, q.sentence)
            + 0.5 * stem_share(side, BRACKETED.sub(" ", body))
        )

    best: tuple[float, Quantity, Quantity] | None = None
    for a in found:
        for b in found:
            if a.value == b.value or not _like(a, b):
                continue
            got = score(a, sides[0]) + score(b, sides[1])
            if (
                score(a, sides[0]) > 0
                and score(b, sides[1]) > 0
                and (best is None or got > best[0])
            ):
                best = (got, a, b)
    return (best[1], best[2]) if best else None


def _sided(
    found: Sequence[Quantity], sides: tuple[str, str], told: Mapping[str, float]
) -> tuple[Quantity, Quantity] | None:
    """The one value told of each of two people ("Ama 2,400, Kofi 1,500"), their ages
    aside, when each has exactly one and they are of one kind."""
    picked: list[Quantity] = []
    for side in sides:
        values = {
            q.value: q
            for q in found
            if side in re.findall(r"[\w'’-]+", q.segment)
            and not (q.kind == "bare" and q.value == told.get(side))
        }
        if len(values) != 1:
            return None
        picked.append(next(iter(values.values())))
    first, second = picked
    return (first, second) if _compatible(first, second) else None


def _pair(
    relevant: Sequence[Quantity], found: Sequence[Quantity], unit: str
) -> tuple[Quantity, Quantity] | None:
    if unit:
        group = [q for q in found if _of_unit(q, unit)]
    else:
        if not relevant:
            return None
        anchor = max(relevant, key=lambda q: (q.relevance, -q.ref))
        group = [
            q
            for q in found
            if _compatible(anchor, q)
            and anchor.value / _MAGNITUDE <= q.value <= anchor.value * _MAGNITUDE
        ]
    values: dict[float, Quantity] = {}
    for q in sorted(group, key=lambda q: (-q.relevance, q.ref)):
        values.setdefault(q.value, q)
    if len(values) != 2:
        return None
    first, second = values.values()
    return first, second


def _format(value: float, like: Sequence[Quantity]) -> str:
    decimals = max(
        (len(q.written.split(".")[1].split()[0].rstrip("%")) if "." in q.written else 0)
        for q in like
    )
    grouped = any(q.grouped for q in like) or value >= 10_000
    text = f"{value:,.{decimals}f}" if grouped else f"{value:.{decimals}f}"
    cur = like[0].cur if all(q.kind == like[0].kind for q in like) else ""
    unit = next((q.unit for q in like if q.unit), "")
    if like[0].kind == "percent":
        return f"{text}%"
    return f"{cur}{text}{' ' + unit if unit else ''}"


def _answer(a: Quantity, b: Quantity) -> Difference:
    big, small = (a, b) if a.value >= b.value else (b, a)
    diff = _format(big.value - small.value, (big, small))
    if big.kind == "duration":  # "4 minutes 29 seconds (4:29)": words, and a clock if told so
        seconds = big.value - small.value
        told_clock = any(re.fullmatch(r"[\d:]+", q.written) for q in (big, small))
        diff = spoken(seconds) + (f" ({clock(seconds)})" if told_clock else "")
    per = f" per {big.per}" if big.per else ""
    refs = tuple(dict.fromkeys((a.ref, b.ref)))
    return Difference(f"{diff}{per} ({big.written} vs {small.written})", refs)
