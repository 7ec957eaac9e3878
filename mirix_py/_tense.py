"""How the words around a date place it in time: tense, cue words, and the occurrence chosen.

:mod:`mirix_py._temporal` finds time expressions; this module decides which occurrence a
year-less date or a day of the month alone means. The tense is the nearest marker in the
date's own clause (strong), else in its sentence (weak); past-tense arrangements ("booked",
"signed up") look ahead; a date offered, proposed or chosen right after the verb ("they
offered 7 november instead") leans ahead (a weak future: the past occurrence wins only when
far nearer); a present tense or no marker leans to the coming occurrence. When the past
tense nearest a date is a decision said before it ("honeymoon decided: Patagonia in
January", "we settled on a cabin in January"), the past is the deciding's and the date the
plan's, so it looks ahead too; "we decided in January to …" (the month right after the
verb) dates the deciding, and so does a date opening the sentence before a decision to
do something ("In January we decided to sell": the past January, though "decided to" is
otherwise a future marker). On every turn of LOCOMO and the dev sets (6,228, assistant
turns included) and every question (2,364), the two rules changed one annotation, the plan
they were written for (b3, fresh ingest: no answer changed).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from typing import Literal

from mirix_py._text import IRREGULAR_VERBS

__all__ = ["Ctx", "Span", "Tense", "booking_days", "choose_year", "pick"]

Tense = Literal["past", "future", "present", "unknown"]
_TENSE_OF: dict[str | None, Tense] = {"past": "past", "future": "future", "present": "present"}
_AMBIGUOUS_MONTHS = frozenset({"may", "march", "mar"})  # also English verbs
_IRREGULAR_PAST = "|".join(sorted(forms[0] for forms in IRREGULAR_VERBS.values()))
_TENSE_RE = re.compile(  # the nearest marker in the sentence decides
    r"(?i)(?P<future>\b(?:will|shall|gonna|going\s+to|plan(?:s|ning)?\s+to|about\s+to|soon|"
    r"(?:decided|decide|want|wants|intend|intends|promised|agreed|expect|expects)\s+to\s+(?!be\b)|"
    r"looking\s+forward|hop(?:e|es|ing)\s+to|can[’']?t\s+wait|upcoming|won[’']t)\b|[’']ll\b)|"
    r"(?P<past>\b(?:back(?=\s+(?:in|when|then)\b)|used(?=\s+to\b)|was|were|did|didn[’']t|"
    rf"had|{_IRREGULAR_PAST}|"
    r"\w{2,}[^\W\d_e]ed)\b)|"
    r"(?P<present>\b(?:is|are|am)\b|[’'](?:re|m)\b|\b(?:it|that|there|he|she)[’']s\b)"
)
_ARRANGED_RE = re.compile(  # past-tense arrangements are about a coming event
    r"(?i)\b(?:booked|reserved|scheduled|rescheduled|planned|arranged|registered|signed\s+up|"
    r"enrolled|bought\s+(?:the\s+|our\s+|my\s+)?tickets|got\s+(?:the\s+|our\s+|my\s+)?tickets|"
    r"confirmed|postponed|invited\s+\w+\s+(?:to|for)|put\s+down\s+a\s+deposit)\b"
)
_ARRANGED_BEFORE_RE = re.compile(  # only right before the date: "we moved to Leeds" is not one
    r"(?i)\b(?:set\s+(?:it\s+|up\s+)?for|(?:moved|pushed(?:\s+back)?|postponed|rescheduled|"
    r"brought\s+forward)\s+(?:(?:it|them|(?:the|our|my|his|her|their|your)\s+[\w'’-]+)\s+)?"
    r"(?:back\s+)?(?:to|until))\s+(?:the\s+|on\s+)?$"
)
"""A move right before the date: "moved it to", "pushed our trip back to" the coming date."""
_OBTAINED_BEFORE_RE = re.compile(
    r"(?i)\b(?:got|landed|secured|received|(?:was|were|been)\s+given|(?:was|were)\s+offered)\s+"
    r"(?:a|an|the|my|our|his|her|their)\s+(?:[\w'’-]+\s+){0,2}?(?:appointment|interview|"
    r"slot|booking|reservation|hearing|audition|consultation|check-?up|viewing|date)"
    r"(?:\s+(?:with|at|in)\s+[^,.;!?\n]{1,30}?)?\s+(?:(?:on|for)\s+)?(?:the\s+)?$"
)
"""An appointment obtained, dated right after ("got an interview on the 24th"): the date
is the appointment's, still to come, not the day it was got."""
_OFFERED_BEFORE_RE = re.compile(
    r"(?i)\b(?:offer(?:ed|d)?|propos(?:ed|d)|suggest(?:ed)?|counter-?offered|countered\s+with|"
    r"came\s+back\s+with|floated|settled\s+on|agreed\s+on|picked|chose|went\s+with|gave)\s+"
    r"(?:(?:me|us|him|her|them|you)\s+)?"
    r"(?:(?:a|an|the|another|some)\s+(?:(?:new|different|later|earlier|other|alternative|"
    r"free|spare)\s+)?(?:date|day|slot|time|appointment|booking)s?\s+)?"
    r"(?:(?:on|for|of)\s+)?(?:the\s+)?$"
)
"""A date offered, proposed or chosen, right after the verb ("they offered 7 november
instead", "she suggested us a new slot on the 12th", "we settled on 3 may"): the date of
what is still to be done, so a weak future — unless the past one is far nearer."""
_REPLACEMENT_RE = re.compile(r"(?i)\binstead\b(?!\s+of\b)|\bnew\s+date\b")
"""A date given as the replacement of a plan ("we go 3-5 october instead", "the new date is
the 9th"): without a past tense, a rescheduled event is still to come."""
_DECIDED_RE = re.compile(r"(?i)decided|settled|opted|finali[sz]ed|chose")
"""A decision verb: when it is the past tense nearest a date ("honeymoon decided: Patagonia
in January"), the past is the deciding's and the date the plan's, still to come."""
_DECIDED_ON_DATE = re.compile(r"(?i)^\s*(?:(?:in|on|during)\s+(?:the\s+)?)?$")
"""Nothing but "in"/"on" between the decision and the date: "we decided in January to
sell" dates the deciding itself."""
_DATED_OPENER = re.compile(
    r"(?i)^\s*(?:(?:and|so|but|then|well)\s*,?\s+)?(?:back\s+)?(?:in|on|during)\s+(?:the\s+)?$"
)
_DECIDED_TO = re.compile(r"(?i)(?:decided|promised|agreed)\s")
"""A decision to do something, said after a date that opens the sentence ("In January we
decided to sell"): the date is the deciding's, in the past, not what was decided."""
_OPENER_BEFORE = re.compile(r"(?i)^\s*(?:(?:and|so|but|then|well)\s*,?\s+)?on\s+(?:the\s+)?$")
"""A date opening its sentence after "on" ("On Monday I booked the table for Friday"):
an arranging verb after it is done on that day, so the date is the arranging's own."""
_AUX_BEFORE = re.compile(
    r"(?i)\b(?:get|gets|getting|be|being|is|are|am|[’']m|[’']re|will\s+be|to\s+be)\s+$"
)
_LONG_AGO_DAYS = 270  # a year-less date this far back, when the next one is close ...
_SOON_DAYS = 90  # ... is the coming one ("the defence moved to 27 February", said in January)
_JUST_GONE_DAYS = 45  # a present tense ("is", "are") names a date this close behind as past
_DATE_PREP_BEFORE = re.compile(  # "on march 24 finally": after these, "march"/"may" is a month
    r"(?i)\b(?:on|by|from|until|till|since)\s+$"
)
_DETERMINER_RE = re.compile(r"\b(?:the|a|an|my|your|his|her|our|their|its|that)\s+$", re.I)
_SENTENCE_END = ".!?;\n"
_CLAUSE_END = ",;:()—–\n"  # a tense marker beyond one of these is weaker evidence
_WEAK_RATIO = 2  # weak tense: the other occurrence wins when at most half as far away


@dataclass(frozen=True)
class Ctx:
    """A text and the day it was said: the tense and cue words around a match."""

    text: str
    today: date

    def sentence(self, m: re.Match[str]) -> tuple[int, int]:  # bounds of the sentence around m
        return self._bounds(m, _SENTENCE_END, 0, len(self.text))

    def _bounds(self, m: re.Match[str], ends: str, lo: int, hi: int) -> tuple[int, int]:
        after = m.end() - 1 if m.group(0).endswith(".") else m.end()  # "on 20 March." ends it
        rights = [i for i in (self.text.find(c, after, hi) for c in ends) if i != -1]
        left = max(lo - 1, *(self.text.rfind(c, lo, m.start()) for c in ends)) + 1
        return left, min(rights, default=hi)

    def _nearest(self, m: re.Match[str], lo: int, hi: int) -> Tense:
        hit = self._nearest_hit(m, lo, hi)
        return "unknown" if hit is None else _TENSE_OF[hit.lastgroup]

    def _nearest_hit(self, m: re.Match[str], lo: int, hi: int) -> re.Match[str] | None:
        """The tense marker in ``text[lo:hi]`` nearest to ``m``."""
        start, end = m.span()
        best: tuple[int, re.Match[str] | None] = (len(self.text) + 1, None)
        for hit in _TENSE_RE.finditer(self.text, lo, hi):
            if hit.lastgroup == "past" and _AUX_BEFORE.search(self.text, 0, hit.start()):
                continue  # "getting married", "is booked": a participle, not the past tense
            dist = start - hit.end() if hit.end() <= start else hit.start() - end
            if 0 <= dist < best[0]:
                best = (dist, hit)
        return best[1]

    def cue(self, m: re.Match[str]) -> tuple[Tense, bool]:
        """Tense around ``m`` and whether it is strong (a marker in the date's own clause).

        "Cabinets ordered, delivery March 30": the past verb sits in another clause, so the
        date only leans to the past (weak); "we ordered it on March 30" is plainly past.
        """
        lo, hi = self.sentence(m)
        own = self._nearest(m, *self._bounds(m, _CLAUSE_END, lo, hi))
        return (own, True) if own != "unknown" else (self._nearest(m, lo, hi), False)

    def tense(self, m: re.Match[str]) -> Tense:
        """Tense around ``m``: the nearest marker in its clause, else in its sentence."""
        return self.cue(m)[0]

    def event_cue(self, m: re.Match[str]) -> tuple[Tense, bool]:
        """Tense for a date naming an event: "booked a trip from 12 December" looks ahead."""
        tense, strong = self.cue(m)
        lo, hi = self.sentence(m)
        own = m.start("m") if m.groupdict().get("m") else m.start()  # after a leading "on"
        window = max(lo, own - 60), own
        before = _ARRANGED_BEFORE_RE.search(self.text, *window) or _OBTAINED_BEFORE_RE.search(
            self.text, *window
        )
        if strong:  # "it was postponed, so I wrote it on 21 April": the clause's own past wins
            lo, hi = self._bounds(m, _CLAUSE_END, lo, hi)
        if tense == "future" and self._decision_dated(m):
            return "past", strong  # "In January we decided to sell the house"
        if tense == "past" and (before or self._arranged_around(m, lo, hi)):
            return "future", strong
        if tense == "past" and self._decided_before(m, strong):
            return "future", strong  # "honeymoon decided: Patagonia in January"
        if tense == "past" and _OFFERED_BEFORE_RE.search(self.text, *window):
            return "future", False  # "they offered 7 november", said in October
        if tense in ("present", "unknown"):
            clause = self._bounds(m, _CLAUSE_END, *self.sentence(m))
            if _REPLACEMENT_RE.search(self.text, *clause):
                return "future", strong
        return tense, strong

    def _decision_dated(self, m: re.Match[str]) -> bool:
        """Whether ``m`` opens its sentence and the tense marker nearest it is a decision
        to do something ("In January we decided to …"): the deciding's own date."""
        lo, hi = self.sentence(m)
        own = m.start("m") if m.groupdict().get("m") else m.start()
        if _DATED_OPENER.match(self.text[lo:own]) is None:
            return False
        hit = self._nearest_hit(m, lo, hi)
        return hit is not None and _DECIDED_TO.match(hit.group(0)) is not None

    def _decided_before(self, m: re.Match[str], strong: bool) -> bool:
        """Whether the past tense nearest ``m`` is a decision said before it, and not
        right before it ("we decided in January" dates the deciding)."""
        lo, hi = self.sentence(m)
        if strong:
            lo, hi = self._bounds(m, _CLAUSE_END, lo, hi)
        hit = self._nearest_hit(m, lo, hi)
        return (
            hit is not None
            and hit.end() <= m.start()
            and _DECIDED_RE.fullmatch(hit.group(0)) is not None
            and _DECIDED_ON_DATE.match(self.text[hit.end() : m.start()]) is None
        )

    def arranged_before(self, m: re.Match[str]) -> bool:
        """Whether a move or an obtained appointment dates ``m`` right before it ("moved it
        to", "got an interview on")."""
        own = m.start("m") if m.groupdict().get("m") else m.start()
        window = max(self.sentence(m)[0], own - 60), own
        return bool(
            _ARRANGED_BEFORE_RE.search(self.text, *window)
            or _OBTAINED_BEFORE_RE.search(self.text, *window)
        )

    def _arranged_around(self, m: re.Match[str], lo: int, hi: int) -> bool:
        """Whether ``text[lo:hi]`` arranges something that ``m`` dates: not when ``m``
        opens the sentence ("On 2 May I booked flights": the day of the booking)."""
        own = m.start("m") if m.groupdict().get("m") else m.start()  # after "on" in the match
        if _OPENER_BEFORE.match(self.text[self.sentence(m)[0] : own]):
            return _ARRANGED_RE.search(self.text, lo, m.start()) is not None
        return _ARRANGED_RE.search(self.text, lo, hi) is not None

    def after_determiner(self, m: re.Match[str]) -> bool:  # "the next week", "my last fall"
        return _DETERMINER_RE.search(self.text, max(0, m.start() - 16), m.start()) is not None

    def verb_like(self, m: re.Match[str]) -> bool:
        """A lower-case "may"/"march" followed by a word: probably the verb, not the month."""
        word = m.group("mon")
        trusted = word.lower() not in _AMBIGUOUS_MONTHS or word.istitle()
        trusted = trusted or _DATE_PREP_BEFORE.search(self.text, 0, m.start()) is not None
        return not trusted and re.compile(r"\s+[A-Za-z]").match(self.text, m.end()) is not None


def choose_year(
    make: Callable[[int], date],
    ref: date,
    tense: Tense,
    *,
    lean_future: bool = False,
    strong: bool = True,
) -> date | None:
    """The occurrence of a yearless date nearest to ``ref`` (the past/future one if known).

    ``lean_future``: the date follows "to", "until", "starting"… ("the defence moved to
    27 February", "we hired Ama, starting 6 July"); in a past-tense sentence it is still
    the coming occurrence when the past one is most of a year back and the next is close.

    Without a past marker a named day or month is mostly a plan or a schedule: a present
    tense ("the wedding is 7 November") takes the coming occurrence unless the past one is
    at most ``_JUST_GONE_DAYS`` back; no marker at all ("they arrive 4 nov", "Lisbon: 18
    October") is a weak future — the coming one unless the past one is under half as far.
    """
    options: list[date] = []
    for year in (ref.year - 1, ref.year, ref.year + 1):
        with suppress(ValueError):  # 29 February in a common year
            options.append(make(year))
    past = [o for o in options if o <= ref]
    coming = [o for o in options if o > ref]
    if (
        strong
        and tense == "past"
        and past
        and lean_future
        and coming
        and (ref - past[-1]).days > _LONG_AGO_DAYS
        and (coming[0] - ref).days <= _SOON_DAYS
    ):
        return coming[0]
    if tense == "present" and past and (ref - past[-1]).days > _JUST_GONE_DAYS:
        return coming[0] if coming else None  # "the wedding is 7 November": still to come
    if tense in ("present", "unknown"):
        tense, strong = "future", False  # "they arrive 4 nov": coming unless the past is far nearer
    return pick(options, ref, tense, strong=strong)


def pick(options: list[date], ref: date, tense: Tense, *, strong: bool = True) -> date | None:
    """The occurrence among ``options`` that ``tense`` points to, seen from ``ref``.

    A strong past/future (a marker in the date's own clause) takes the latest past / first
    coming occurrence. A weak one (a marker only elsewhere in the sentence) still prefers
    its side unless the other occurrence is at most half as far. A present tense ("the
    move is on the 3rd") or no marker at all takes the nearest occurrence, the coming one
    on a tie: a date said without cues is as likely to be ahead as behind.
    """
    if not options:
        return None
    nearest = min(options, key=lambda o: (abs((o - ref).days), -o.toordinal()))
    past = [o for o in options if o <= ref]
    future = [o for o in options if o >= ref]
    side = past[-1:] if tense == "past" else future[:1] if tense == "future" else []
    if not side:
        return nearest
    if strong or abs((nearest - ref).days) * _WEAK_RATIO > abs((side[0] - ref).days):
        return side[0]
    return nearest


_BOOKING_DAY_BEFORE = re.compile(r"(?i)\bon\s+(?:the\s+)?$")
_TARGET_BEFORE = re.compile(r"(?i)\bfor\s+(?:the\s+)?$")
_YEAR_SAID = re.compile(r"\b\d{4}\b")
_MONTH_SAID = re.compile(r"(?i)\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)")
"""A date that names its month: only such a date can be a year away from the one meant
(a weekday or "the 3rd" is read relative to the message, days away)."""
Span = tuple[int, int, date, date]
"""A resolved day or day range: its start and end in the text, its first and last day."""


def _shift(d: date, years: int) -> date | None:
    with suppress(ValueError):  # 29 February in a common year
        return d.replace(year=d.year + years)
    return None


def booking_days(text: str, today: date, spans: list[Span]) -> list[Span]:
    """``spans`` with each "on D1 … for D2" pair dated together: "booked the Crete trip on
    2 May, for 14 June", "paid the deposit on 2 May for the 14 June flight".

    D2, the day the arrangement is for, leans ahead like any arranged event: the coming
    occurrence unless the past one is under half as far. D1, the day it was arranged, is
    the latest occurrence on or before D2: the booking comes before what it books, and
    never lands a year after it (said on 20 May, "on 2 May" is this 2 May, not next
    year's) nor a year before it (said in April, this coming 2 May, not last year's).
    Only dates that name a month but no year, in the same sentence, pair up: D1 after
    "on", D2 after "for" or in a sentence that arranges something ("booked", "reserved")."""
    out = list(spans)
    for i in range(len(out) - 1):
        (s1, e1, a1, b1), (s2, e2, a2, b2) = out[i], out[i + 1]
        between = text[e1:s2]
        opened = max(text.rfind(c, 0, s1) for c in _SENTENCE_END) + 1
        if (
            _YEAR_SAID.search(text, s1, e2)
            or not (_MONTH_SAID.search(text, s1, e1) and _MONTH_SAID.search(text, s2, e2))
            or any(c in between for c in _SENTENCE_END)
            or not _BOOKING_DAY_BEFORE.search(text, max(0, s1 - 8), s1)
            or not (_TARGET_BEFORE.search(between) or _ARRANGED_RE.search(text, opened, s1))
        ):
            continue
        years = (today.year - 1, today.year, today.year + 1)
        target = pick(
            [d for y in years if (d := _shift(a2, y - a2.year))], today, "future", strong=False
        )
        if target is None:
            continue
        day = max(
            (d for y in years if (d := _shift(a1, y - a1.year)) and d <= target), default=None
        )
        end1, end2 = (
            _shift(b1, 0 if day is None else day.year - a1.year),
            _shift(b2, target.year - a2.year),
        )
        if day is None or end1 is None or end2 is None:
            continue
        out[i] = (s1, e1, day, end1)
        out[i + 1] = (s2, e2, target, end2)
    return out
