"""Picking the part of a supporting sentence that answers the question's kind.

:func:`answer_kind` reads what a question asks for — a name, a person, a
place, a quantity, a duration, steps, an earlier value — and
:func:`typed_span` finds that kind of span in a supporting text:

* ``name``/``who`` — a capitalised name not already in the question, preferring
  one after "named", "called", "name is", "is" ("has a greyhound named
  Juniper" → "Juniper"; "manager is Priya Raman" → "Priya Raman");
* ``where`` — a capitalised place (or organisation: "which company …") after
  "in", "to", "at", "from", "near"
  ("we moved from Denver to Portland" → "Portland"; "used to live in Denver"
  → "Denver" for "before" questions);
* ``quantity``/``duration`` — a number (digits or words) with its noun or time
  unit ("two kids", "three weeks"); an amount of money as the text says it, sign or
  currency word included ("€95", "14€", "9.50 euros"), the one whose own clause names
  the thing asked ("the hotel cost €95 a night and the flights were $350").

All of it is English sentence shape, never a dataset's wording.
"""

from __future__ import annotations

import re
from typing import Literal

from mirix_py._chat.compound_counts import with_group_size
from mirix_py._chat.cues import STOPWORDS, content_stems, stem, unit_stems
from mirix_py._text import UPPER

AnswerKind = Literal["name", "who", "where", "quantity", "duration", "steps"]

_NAME_Q = re.compile(
    r"\b(?:what(?:'s| is| was| are)\s+(?:the\s+)?names?\b|what\s+(?:is|was)\s+\w+(?:'s)?\s+"
    r"(?:\w+\s+)?(?:called|named)\b|what\s+did\s+\w+\s+(?:name|call)\b|what\s+(?:is|was)\s+"
    r"[\w' ]{1,40}?(?:'s|s')\s+name\b|name\s+of\b)",
    re.I,
)
_WHO_Q = re.compile(r"^\s*(?:who(?:'s| is| was| are| were)?|whom|with\s+whom)\b", re.I)
_WHERE_Q = re.compile(
    r"^\s*(?:[^,?]{1,60},\s*)?(?:where\b|(?:in|to|from)\s+(?:which|what)\s+(?:city|country|town|state|place|"
    r"neighbou?rhood|district|area|suburb|borough|village|county|province)\b|(?:which|what)\s+"
    r"(?:city|country|town|state|place|neighbou?rhood|island|region|district|area|suburb|"
    r"borough|village|county|province)\b|(?:which|what)\s+(?:company|employer|firm|"
    r"organi[sz]ation|school|university|college|supplier|agency|studio|shop|store|restaurant|gym|hospital|clinic)\b)",
    re.I,
)
_HOW_MANY_Q = re.compile(r"\bhow\s+(?:many|much|old)\b", re.I)
_HOW_LONG_Q = re.compile(r"\bhow\s+long\b(?!\s+ago)", re.I)
_STEPS_Q = re.compile(
    r"\b(?:what\s+(?:are|were)\s+(?:the|my|our|his|her|their|[\w-]+['’]s?)\s+(?:[\w-]+\s+){0,3}?"
    r"steps\b|"
    r"which\s+steps|steps?\s+(?:to|for|of|in)\b|"
    r"how\s+(?:do|did|should|can)\s+(?:i|we|you)\b|how\s+to\b|what(?:'s| is)\s+the\s+"
    r"(?:recipe|procedure|process|routine|workflow)\b|recipe\s+for\b)",
    re.I,
)
_PAST_Q = re.compile(
    r"\b(?:before|previous(?:ly)?|formerly|former|used\s+to|originally|prior|earlier|old)\b",
    re.I,
)

_CAP = rf"{UPPER}[\w'’.-]*(?:\s+(?:{UPPER}[\w'’.-]*|of|de|la|del|van|von|da))*"
_NAME_CUE = re.compile(
    rf"\b(?:named|called|name\s+is|name's|is|was|are|meet|with|to|by|as)\s+(?P<x>{_CAP})"
)
_PLACE_CUE = re.compile(rf"\b(?P<p>in|to|at|from|near|around|into|of)\s+(?:the\s+)?(?P<x>{_CAP})")
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)*)(?:[kK]\b)?"
"""A number in digits; thousands grouped by commas are one number ("2,100,000", not "2,100"),
decimals ("2.1") and a "k" for thousands ("3.4k people")."""
_NUMBER = (
    rf"(?:{_DIGITS}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"fifteen|twenty|thirty|forty|fifty|hundred|a\s+few|a\s+couple(?:\s+of)?|several|a|an|"
    r"half\s+an?)"
)
_RANGE = rf"(?:{_DIGITS}\s*(?:–|—|-|to)\s*{_DIGITS}|{_DIGITS})"
_DURATION = re.compile(
    rf"\b(?:for\s+|about\s+|around\s+|over\s+|nearly\s+|almost\s+)?(?P<x>(?:{_RANGE}|"
    rf"{_NUMBER})\s*(?:more\s+)?(?:seconds?|minutes?|mins?|hours?|hrs?|days?|nights?|weeks?|"
    r"months?|years?|decades?))\b",
    re.I,
)
_QUANTITY = re.compile(
    rf"(?:(?<![\w.:])|(?<=\bR)|(?<=\bRs)|(?<=\bRp))(?P<x>(?P<n>{_RANGE}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
    r"twelve|fifteen|twenty|thirty|forty|fifty|hundred)(?P<unit>\s*%|(?:\s+[a-zµ]+){0,2}))"
    r"(?![\w]|:\d)",
    re.I,
)
"""A number with the noun it counts; a part of a clock time or a race time ("1:38:30") is
none."""
_PRICE_Q = re.compile(
    r"\bhow\s+much\b(?:\s+money\b|.*\b(?:costs?|price[sd]?|pa(?:y|ys|id)|charge[sd]?|"
    r"spen[dt]s?|rent|salary|fees?|earn(?:s|ed)?|sells?|sold|owes?|budget|deposit|bill|"
    r"fine|loan|ticket|worth)\b)",
    re.I,
)
_HOW_MUCH_BE = re.compile(r"^\s*how\s+much\s+(?:is|are|was|were|will)\b", re.I)
""""How much were the flights?": a price when the text states an amount of money."""
_CURRENCY_BEFORE = re.compile(r"(?:[$€£¥₹₩₽]|\b[A-Z]{2,3}\$?|\bR[$sp]?)\s?$")
_CURRENCY_AFTER = re.compile(
    r"^(?:\s?(?:k|m|bn)\b)?\s?(?:[$€£¥₹₩₽]|(?:euros?|dollars?|pounds?|quid|bucks|yen|francs?|"
    r"kronor|kroner|kronas?|kr|zł|złoty|zloty|kč|lei|lira|baht|rand|yuan|won|roubles?|rubles?|"
    r"reais|rupees?|pesos?|cents?|pence)(?!\w))",
    re.I,
)
"""A currency sign, code or word right before or after a number: an amount of money."""


_CODE_AFTER = re.compile(r"\s?[A-Z]{3}\b")
"""A currency code after a number ("450 AED", "40 CHF")."""
_HAS_MONEY = re.compile(r"[$€£¥₹₩₽]|\b[A-Z]{3}\s?\d")
_NOT_A_PRICE = re.compile(
    r"\d\s*(?:x|times|%|(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?)\b)", re.I
)
"""A number of times, a share or a length of time: no price even without a currency."""


def _money_value(value: str) -> str:
    """The amount of money ``value`` starts with: its number and a currency word after it,
    nothing more ("38 from R$ 35" → "38", "9.50 euros a day" → "9.50 euros")."""
    digits = re.match(r"\d(?:[\d.,]*\d)?", value)  # "$350." ends at the 0
    if digits is None:
        return value
    word = _CURRENCY_AFTER.match(value[digits.end() :]) or _CODE_AFTER.match(value[digits.end() :])
    return value[: digits.end() + (word.end() if word else 0)]


_SIGN_BEFORE = re.compile(r"(?<![^\W\d_])[$€£¥₹₩₽]\s?$")
"""A currency sign right before a number, not part of a lettered code ("R$ 35" keeps none)."""


def _as_said(text: str, start: int) -> str:
    """The amount of money at ``text[start:]`` as the text says it: its sign too ("€95",
    "$350"), so the answer does not lose the currency."""
    sign = _SIGN_BEFORE.search(text, max(0, start - 2), start)
    return (sign.group(0) if sign else "") + _money_value(text[start:])


def _is_money(text: str, start: int, end: int) -> bool:
    """True when the number at ``text[start:end]`` is an amount of money."""
    digits = re.match(r"\d[\d.,]*", text[start:end])
    if digits is None:
        return False
    after = text[start + digits.end() :]
    return bool(
        _CURRENCY_BEFORE.search(text[:start])
        or _CURRENCY_AFTER.match(after)
        or _CODE_AFTER.match(after)
    )


_LIST_MARKER = re.compile(r"[.)]\s")
_WINDOW = 8  # words either side of a number that say what it counts
_NOT_NAMES = frozenset(
    "I The A An My Our Your His Her Their This That These Those It He She They We You Then So "
    "But And Also Just Yes No Oh Wow Hey Hi Thanks Today Tomorrow Yesterday Monday Tuesday "
    "Wednesday Thursday Friday Saturday Sunday Mondays Tuesdays Wednesdays Thursdays Fridays "
    "Saturdays Sundays January February March April May June July "
    "August September October November December Step Here There What When Where Who Why How "
    "Mom Dad Not".split()
)


def answer_kind(question: str) -> AnswerKind | None:
    """What kind of span answers ``question`` (None: a sentence is the answer)."""
    if _STEPS_Q.search(question):
        return "steps"
    if _NAME_Q.search(question):
        return "name"
    if _WHERE_Q.search(question):
        return "where"
    if _HOW_LONG_Q.search(question):
        return "duration"
    if _HOW_MANY_Q.search(question):
        return "quantity"
    if _WHO_Q.search(question):
        return "who"
    return None


_AMOUNT = re.compile(r"[A-Z]{3}\s?\d")
"""A currency code before a number ("around CAD 700", "in EUR 20 notes"): an amount, not a
place."""
_IN_WHICH_Q = re.compile(r"^\s*in\s+(?:which|what)\b", re.I)


_STRANDED_Q = re.compile(r"\b(?P<p>from|to|in|at|near)\s*\?\s*$", re.I)


def place_cue(question: str) -> str | None:
    """The preposition a place question asks with: "In which city is the conference?" is
    answered by "… is in Rotterdam", not by "accepted at Interspeech"; "Which city is he
    from?" by "she's from Tartu", not by "works in Harbour City"."""
    if _IN_WHICH_Q.match(question):
        return "in"
    stranded = _STRANDED_Q.search(question)
    return stranded.group("p").lower() if stranded else None


def said_with(cue: str, value: str, text: str) -> bool:
    """True when ``text`` says ``value`` right after the preposition ``cue`` ("from X")."""
    return re.search(rf"\b{re.escape(cue)}\s+(?:the\s+)?{re.escape(value)}", text, re.I) is not None


def asks_past(question: str) -> bool:
    """True when the question asks about an earlier value ("before", "used to")."""
    return _PAST_Q.search(question) is not None


_SENTENCE_END = re.compile(r"(?<=[a-z]{3})[.!?]\s")
"""A full stop after three lower-case letters ends the sentence ("… to Arjun. Let me
know"); after fewer it may be an abbreviation ("St. Ives", "Mrs. Ode")."""


def _clean_cap(value: str, question: str) -> str | None:
    words = _SENTENCE_END.split(value, maxsplit=1)[0].split()
    while words and (words[0] in _NOT_NAMES or words[0].lower() in ("of", "de", "la")):
        words.pop(0)
    while words and words[-1].lower() in ("of", "de", "la", "del", "van", "von", "da"):
        words.pop()
    text = " ".join(words).rstrip(".,'’").removesuffix("'s").removesuffix("’s")
    if not text or text.split()[0] in _NOT_NAMES or any(ch.isdigit() for ch in text.split()[0]):
        return None  # "H-1B", "B2": a code or a model, not a name
    asked = {w.lower().rstrip("'s’") for w in re.findall(r"[^\W\d_][\w'’-]*", question)}
    if all(w.lower().rstrip("'s’") in asked for w in text.split()):
        return None
    return text


_APPOSITIVE = re.compile(
    rf"\b(?P<w>[A-Za-z]+)(?:\s*[,:—]\s*|\s+(?:(?:is|was)\s+)?(?:called|named)\s+|"
    rf"\s+(?:is|was|-)\s+)(?P<x>{_CAP})"
)


def _appositive_name(text: str, question: str) -> str | None:
    """The name given right after a word the question asks about: "my little bakery,
    Sourdough Sisters", "the band is The Owls", "our boat — Kestrel". The thing asked is
    named by the name that follows it, not by the first capitalised word of the message."""
    asked = {stem(w) for w in re.findall(r"\b[a-z]+\b", question)} - {"name", "call"}
    asked -= {stem(w.lower()) for w in STOPWORDS}
    for m in _APPOSITIVE.finditer(text):
        if m.group("w")[:1].islower() and stem(m.group("w")) in asked:
            found = _clean_cap(m.group("x"), question)
            if found:
                return found
    return None


def typed_span(
    kind: AnswerKind,
    text: str,
    question: str,
    *,
    past: bool = False,
    strict: bool = False,
    allow_initial: bool = False,
    cue: str | None = None,
) -> str | None:
    """The span of ``text`` that answers a question of ``kind`` (see the module docstring).

    For names, ``strict`` accepts only a name after a cue ("named", "is"); otherwise any
    capitalised name not in the question, not starting a sentence unless ``allow_initial``.
    For places, ``cue`` keeps only those after that preposition (see :func:`place_cue`).
    """
    if kind in ("name", "who"):
        appositive = _appositive_name(text, question)
        if appositive:
            return appositive
        for m in _NAME_CUE.finditer(text):
            found = _clean_cap(m.group("x"), question)
            if found:
                return found
        if strict:
            return None
        for m in re.finditer(_CAP, text):
            initial = m.start() == 0 or text[: m.start()].rstrip()[-1:] in ".!?"
            found = _clean_cap(m.group(0), question)
            if found and (allow_initial or not initial):
                return found
        return None
    if kind == "where":
        places = [
            (m.group("p").lower(), found)
            for m in _PLACE_CUE.finditer(text)
            if (found := _clean_cap(m.group("x"), question))
            and cue in (None, m.group("p").lower())
            and not _AMOUNT.match(text, m.start("x"))
        ]
        if not places:
            return None
        if past:
            earlier = [p for cue, p in places if cue == "from"]
            return earlier[0] if earlier else places[0][1]
        later = [p for cue, p in places if cue in ("to", "into")]
        return later[-1] if later and any(c == "from" for c, _ in places) else places[0][1]
    if kind == "duration":
        return _closest_number(_DURATION, text, question)
    priced = _PRICE_Q.search(question) or (
        _HOW_MUCH_BE.search(question) and _HAS_MONEY.search(text)
    )
    if kind == "quantity" and priced:  # a price is an amount of money
        found = _closest_number(_QUANTITY, text, question, money=True)
        if found or _HAS_MONEY.search(text) or _NOT_A_PRICE.search(text):
            return found
        return _closest_number(_QUANTITY, text, question, bare=True)  # "it is 1.310 per month"
    if kind == "quantity":
        return _closest_number(_QUANTITY, text, question)
    return None


def _trim_unit(value: str) -> str:
    """``value`` without trailing function words ("20 slides at" → "20 slides")."""
    parts = value.split()
    while len(parts) > 1 and parts[-1].lower() in STOPWORDS:
        parts.pop()
    return " ".join(parts)


def _value_end(text: str, start: int, value: str) -> int:
    """Where ``value`` (read from ``text`` at ``start``, spaces collapsed) ends in ``text``."""
    end = start
    for word in value.split():
        end = text.index(word, end) + len(word)
    return end


_DAY_OF_MONTH = re.compile(
    r"^\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?$",
    re.I,
)
_RATE_UNIT = re.compile(r"\s(?:a|an|per|each|every)\s+[a-z]+$", re.I)
"""A unit said per something ("210 a month", "3 per day"): a rate, no count of that thing."""
_RATE_Q = re.compile(
    r"\b(?:per|a|an|each|every)\s+(?P<unit>day|week|month|year|hour|night|season|term)\b"
    r"|\b(?P<adverb>daily|weekly|monthly|yearly|annually|hourly|nightly)\b",
    re.I,
)
_ADVERB_UNIT = {"daily": "day", "annually": "year", "hourly": "hour", "nightly": "night"}
_PERIOD_AFTER = re.compile(
    r"\s*(?:[^\s\d,;:.]+\s+){0,2}?(?:a|an|per|each|every)\s+(?:\d+-?\w*\s+)?"
    r"(?P<unit>day|week|month|year|hour|night|season|term)s?\b",
    re.I,
)


def rate_asked(question: str) -> frozenset[str] | None:
    """The stem of the period a question asks a rate for ("how much per *month*?", "how
    many *daily*?"), or None. A rate the question states after a number ("at 3,000 litres
    *a day*") is part of what it tells, not what it asks."""
    for m in _RATE_Q.finditer(question):
        if any(ch.isdigit() for ch in " ".join(question[: m.start()].split()[-3:])):
            continue
        adverb = (m.group("adverb") or "").lower()
        unit = m.group("unit") or _ADVERB_UNIT.get(adverb, adverb.removesuffix("ly"))
        return frozenset(content_stems(unit))
    return None


def _period_after(text: str, at: int) -> frozenset[str]:
    """The stem of the period a number at ``at`` is counted per ("R1,500 *a day*",
    "R45,000 over a 30-day *month*", "40 km *a week*"); empty for none."""
    found = _PERIOD_AFTER.match(text, at)
    return frozenset(content_stems(found.group("unit"))) if found else frozenset()


_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t|tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATE_UNIT = re.compile(rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\b", re.I)
_MONTH_BEFORE = re.compile(rf"\b{_MONTH}\.?\s+$", re.I)
_CLAUSE_END = re.compile(r"[.!?;,]$")


def _sentence_window(
    text: str, start: int, end: int, *, within: bool = True
) -> tuple[list[str], list[str]]:
    """The content stems of up to :data:`_WINDOW` words before and after ``text[start:end]``,
    ``within`` its clause: "fee moved. budget is 12,000" says no fee, nor does "saving for a
    bike, I have 300 now" say what the bike costs."""
    before = text[:start].split()[-_WINDOW:]
    cut = max((i + 1 for i, w in enumerate(before) if _CLAUSE_END.search(w)), default=0)
    after: list[str] = []
    for word in text[end:].split()[:_WINDOW]:
        after.append(word)
        if within and _CLAUSE_END.search(word):
            break
    return content_stems(" ".join(before[cut if within else 0 :])), content_stems(" ".join(after))


_CLAUSE_BREAK = re.compile(r"[,;:.!?()\n]|\s(?:and|but|while|whereas|plus)\s", re.I)


_PRICE_STEMS = frozenset(
    content_stems("cost costs price priced pay pays paid charge charged spend spent worth")
)
"""Words of paying: every amount in a message about prices is near one, so they do not
say which thing an amount is the price of."""


def _clause_around(text: str, start: int, end: int) -> str:
    """The clause holding ``text[start:end]``: cut at punctuation and at a joining word
    ("the hotel cost €95 a night | and the flights were $350")."""
    left = max((m.end() for m in _CLAUSE_BREAK.finditer(text, 0, start)), default=0)
    right = _CLAUSE_BREAK.search(text, end)
    return text[left : right.start() if right else len(text)]


_RATE_WORDS = frozenset("per a an each every x".split())


_PRONOUNS = frozenset("i you we they he she it".split())
_NEXT_WORD = re.compile(r"\+?\s*([A-Za-z]+)")


def _counts_other(text: str, end: int, asked: set[str]) -> bool:
    """True when the word after the number ending at ``text[end]`` is a content word the
    question does not ask about, or a pronoun starting a clause of its own: "for 120
    guests", "3+ hours", "the 120 you planned" count something; "1.310 per month" is a bare
    amount."""
    m = _NEXT_WORD.match(text, end)
    unit = m.group(1).lower() if m else ""
    if not unit or unit in _RATE_WORDS:
        return False
    if unit in _PRONOUNS:
        return True
    stems = content_stems(unit)
    return bool(stems) and not set(stems) & asked


_ANCHOR_WORDS = 3


def anchored(value: str, text: str, topic: frozenset[str], *, counted: bool = False) -> bool:
    """True when ``value`` is said in ``text`` within a few words of a word of ``topic``, in
    the same clause: "hall fee 900 EUR paid", "the bakery is Sourdough Sisters" — the
    value is told of the thing asked about, not just near it in a long message. A
    ``counted`` value's own noun counts too ("14 kids" asked how many kids)."""
    at = text.lower().find(value.lower())
    if at < 0 or not topic:
        return False
    if counted and set(content_stems(value)) & topic:  # "14 kids" asked how many kids
        return True
    before, after = _sentence_window(text, at, at + len(value))
    near = [*reversed(before)][:_ANCHOR_WORDS] + after[:_ANCHOR_WORDS]
    return any(w in topic for w in near)


def _closest_number(
    pattern: re.Pattern[str], text: str, question: str, *, money: bool = False, bare: bool = False
) -> str | None:
    """The number (with its unit) in ``text`` that the question's words surround most:
    a number followed by the noun the question counts ("how many slides" → "20 slides")
    first, then the one with the most question words within a few words of it. Years,
    days of a month ("18 October"), list markers ("1. …", "2) …") and numbers the
    question itself states are skipped; with ``money``, so is every number that is not an
    amount of money; with ``bare``, every number that counts something the question does
    not ask about ("for 120 guests" is no price)."""
    units = unit_stems()
    asked = {units.get(s, s) for s in content_stems(question)}
    asked_numbers = set(re.findall(r"\d+(?:[.,]\d+)?", question))
    per = rate_asked(question)
    best: tuple[float, int, str] | None = None
    for m in pattern.finditer(text):
        value = _trim_unit(m.group("x").strip())
        first = re.match(r"\d+(?:[.,]\d+)?", value)
        if re.fullmatch(r"(?:19|20)\d\d", first.group(0) if first else ""):
            continue
        if first and first.group(0) in asked_numbers:
            continue
        if _DAY_OF_MONTH.match(value):
            continue  # "18 October" is a date, no count or amount
        counted = value  # "$12,000 scholarship": the noun counted, before the amount is cut
        if money:
            if not _is_money(text, m.start("x"), m.end("x")):
                continue
            value = _as_said(text, m.start("x"))
        if first and first.end() == len(value) and _LIST_MARKER.match(text, m.end()):
            continue
        if bare and first and _counts_other(text, m.start("x") + first.end(), asked):
            continue
        if _DATE_UNIT.match(text, m.start("x")) or _MONTH_BEFORE.search(text[: m.start("x")]):
            continue  # "18 October", "October 18": a date, not an amount
        before, after = _sentence_window(text, m.start(), m.end(), within=False)
        unit = (
            [] if _RATE_UNIT.search(counted) else [units.get(s, s) for s in content_stems(counted)]
        )
        unit = [s for s in unit if per is None or s not in per]  # "a month" asked: no count
        score = 10.0 * len(asked & set(unit)) + len(asked & set(before + after))  # months
        if per is not None and per & _period_after(
            text, m.start("x") + len(first.group(0)) if first else m.end("x")
        ):
            score += 2.0  # "how much per month?" ← "about R45,000 over a 30-day month"
        near = [i for i, w in enumerate(reversed(before)) if w in asked]
        near += [i for i, w in enumerate(after) if w in asked]
        if near and money:  # a tie between amounts goes to the one closest to a word asked
            # ("90 CHF a week. bought the violin for 1,200 CHF")
            score += 0.5 / (1 + min(near))
            said_of = set(content_stems(_clause_around(text, m.start("x"), m.end("x"))))
            if (asked - _PRICE_STEMS) & said_of:
                score += 1.5  # said in its clause: "hotel €95 a night and the flights $350"
        if best is None or score > best[0]:
            best = (score, m.start("x"), value)
    if best is None:
        return None
    if money:
        return best[2]
    # "3 sets of 15": the size of each group is part of the count (not of its score)
    return with_group_size(best[2], text, _value_end(text, best[1], best[2]))
