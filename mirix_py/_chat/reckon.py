"""Date arithmetic for the offline answerer: how long ago, how long between, which first.

"How many days ago did I …?", "How many weeks passed between X and Y?", "How many days after
X did I Y?", "How many days until X?" (a day a memory names, still to come) and "Which did I
do first, X or Y?" are not answered by any one sentence: each event the question names is
*dated* — the memory in the context whose sentence best covers the event's words, dated by
the day that sentence names (resolved against the memory's own date: "yesterday", "on
Thursday", "[26 February 2026]") or else by the memory's own date — and the dates are
compared with each other or with when the question is asked. "What was I reading when I X?"
is answered by what else the message that tells of X says, and "… before I X?" questions are
read as of the day before X (:func:`event_cutoff`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date, datetime

from mirix_py import _temporal as temporal
from mirix_py._chat.cues import QuestionCues, content_stems, stem_share
from mirix_py._chat.event_days import MIN_COVER as _MIN_COVER
from mirix_py._chat.event_days import Dated
from mirix_py._chat.event_days import cover as _cover
from mirix_py._chat.event_days import day_of as _day_of
from mirix_py._chat.event_days import event_stems as _event_stems
from mirix_py._chat.event_days import irregular_stems as _irregular
from mirix_py._chat.event_days import plain_text as _plain
from mirix_py._chat.event_days import rarity as _rarity
from mirix_py._chat.event_days import speaker_stems as _people
from mirix_py._chat.event_days import told_stems as _stems
from mirix_py._chat.event_days import utterances as _utterances
from mirix_py._chat.models import Hit
from mirix_py._chat.replies import by_assistant
from mirix_py._chat.rescheduled import moved
from mirix_py._dates import full_date

_UNIT = r"(?P<unit>day|week|month|year)s?"
_END = r"[?.!\s]*$"
_AGO_Q = re.compile(
    rf"^\s*how\s+(?:many\s+{_UNIT}|long)\s+ago\s+(?:did|was|were|had|have|has)\s+(?P<a>.+?){_END}",
    re.I,
)
_BETWEEN_Q = re.compile(
    rf"^\s*how\s+(?:many\s+{_UNIT}|long|much\s+time)\b[^?]*?\bbetween\s+(?P<a>.+?)\s+and\s+"
    rf"(?P<b>.+?){_END}",
    re.I,
)
_AFTER_Q = re.compile(
    rf"^\s*how\s+many\s+{_UNIT}\s+(?P<rel>after|before)\s+(?P<a>.+?)\s+"
    rf"(?:did|was|were|had|do|does)\s+(?P<b>.+?){_END}",
    re.I,
)
_UNTIL_Q = re.compile(
    rf"^\s*how\s+(?:many\s+{_UNIT}|long|much\s+time)\s+(?:(?:is\s+it|are\s+there|is\s+there|"
    r"are|is|do\s+(?:i|we|you|they)\s+have|does\s+\w+\s+have)\s+)?(?:(?:left|remaining)\s+)?"
    r"(?:until|till|before)\s+"
    rf"(?P<a>.+?){_END}",
    re.I,
)
_PAST_AUX = re.compile(r"(?i)\b(?:did|was|were|had)\b")
"""In "how long before the wedding did you buy the dress?" the event is a past one."""
_FIRST_Q = re.compile(
    r"^\s*(?:which|what)\b[^,?]*?\b(?P<order>first|earlier|sooner|last|later)\s*[,:]?\s+"
    rf"(?:(?:did|was|were)\s+(?:it\s+)?)?(?P<a>.+?),?\s+or\s+(?P<b>.+?){_END}",
    re.I,
)
_DOING_WHEN_Q = re.compile(
    r"^\s*what\b(?P<main>[^?]*?\b(?:was|were)\s+(?:i|we|you|he|she|they|\w+)\s+\w+ing\b[^?]*?)"
    rf"\s+when\s+(?P<a>.+?){_END}",
    re.I,
)
_BEFORE_EVENT = re.compile(
    r"\bbefore\s+(?P<a>(?:i|we|my|our|you|your)\b.+?)[?.!\s]*$",
    re.I,
)
_UNIT_DAYS = {"day": 1.0, "week": 7.0, "month": 30.44, "year": 365.25}


@dataclass(frozen=True)
class Reckoned:
    """A computed answer and the memories it rests on."""

    text: str
    refs: tuple[int, ...]


_NOUN_START = re.compile(r"^\s*(?:the|a|an|my|our|your|his|her|their|this|that)\b", re.I)


def _told_act(phrase: str, sentence: str) -> bool:
    """True when ``phrase`` starts with a verb the sentence says ("book the trip" and
    "Booked a trip to Valencia for 12-19 June"): the act is what the message tells of, so
    a later day it names is the planned event's, not the act's. A phrase starting with
    a capital (a name in the question: "before Tsagaan Sar") tells of no act."""
    if _NOUN_START.match(phrase):
        return False
    rest = re.sub(r"^\s*(?:i|we|you)\s+", "", phrase, flags=re.I)
    if rest[:1].isupper():  # "before Tsagaan Sar": a name, not a verb
        return False
    first = content_stems(rest)[:1]
    return bool(first) and _irregular().get(first[0], first[0]) in _stems(sentence)


_GERUND = re.compile(r"\b[a-z]{2,}ing\b")


def _shared_verb(a: str, b: str) -> str:
    """``b`` with the verb of ``a`` when ``b`` is one bare word: "between adopting Coco and
    Shadow" compares adopting Coco with adopting Shadow."""
    verb = _GERUND.search(a)
    if verb is None or len(b.split()) != 1 or _GERUND.search(b):
        return b
    return f"{verb.group(0)} {b}"


def date_pair(
    a: str, b: str, cues: QuestionCues, refs: Mapping[int, Hit]
) -> tuple[Dated, Dated] | None:
    """Events ``a`` and ``b`` dated by two different memories: when one message is the
    best telling of both ("the mechanic said the brake pads need replacing" next to "had
    the oil change today"), the pairing with the higher total keeps it for one event and
    gives the other its next-best telling — unless each event's sentence names its own day
    ("sent the draft on the 8th. the defence is set for 29 may")."""
    b = _shared_verb(a, b)
    first, second = date_event(a, cues, refs), date_event(b, cues, refs)
    if first is None or second is None:
        return None
    if first.ref != second.ref or (
        first.named and second.named and first.sentence != second.sentence
    ):  # one message may name both days, each in its own sentence
        return first, second
    pairs = []
    other_b = date_event(b, cues, {r: h for r, h in refs.items() if r != first.ref})
    if other_b is not None:
        pairs.append((first, other_b))
    other_a = date_event(a, cues, {r: h for r, h in refs.items() if r != second.ref})
    if other_a is not None:
        pairs.append((other_a, second))
    return max(pairs, key=lambda p: p[0].score + p[1].score) if pairs else None


def date_event(phrase: str, cues: QuestionCues, refs: Mapping[int, Hit]) -> Dated | None:
    """The event ``phrase`` names, dated by the memory of ``refs`` that best tells of it.

    Its words are weighted by their rarity in the context (:func:`_rarity`), and a telling
    is the sentence covering most of them, at least :data:`_MIN_COVER` (the sentence with
    the next one counting half — "I adopted a cat. She's called Miso." — the whole message
    a quarter, and the asker's own words preferred to the assistant's). A sentence that
    names a day may reach the share together with the sentence before or after it ("I
    found a caregiver. She starts on the 2nd."), and a named day counts
    :data:`_NAMED_BONUS`. Of equal tellings one naming its day wins, then the earliest,
    since later ones tend to look back on it; a later message that moves the day
    (:func:`.rescheduled.moved`) gives the current one."""
    stems = _event_stems(phrase, _people(cues, refs))
    if not stems:
        return None
    weights = _rarity(stems, [_plain(h) for h in refs.values()])
    best: Dated | None = None
    for ref, hit in sorted(refs.items()):
        when = hit.when
        if when is None:
            continue
        text = _plain(hit)
        whole = _cover(stems, text, weights)
        by_assistant = str(hit.record.get("actor", "")).lower() == "assistant"
        parts = _utterances(text)
        for k, sentence in enumerate(parts):
            if sentence.endswith("?"):
                continue
            cover = _cover(stems, sentence, weights)
            window = _cover(stems, " ".join(parts[k : k + 2]), weights)
            day, granularity, named = _day_of(sentence, when, act=_told_act(phrase, sentence))
            joint = max(window, _cover(stems, " ".join(parts[max(0, k - 1) : k + 1]), weights))
            if cover < _MIN_COVER and not (named and cover > 0 and joint >= _MIN_COVER):
                continue
            score = cover + 0.5 * window + 0.25 * whole - (0.2 if by_assistant else 0.0)
            score += _NAMED_BONUS if named else 0.0
            dated = Dated(ref, day, sentence, round(score, 6), granularity, named)
            if best is None or (dated.score, dated.named, -dated.day.toordinal()) > (
                best.score,
                best.named,
                -best.day.toordinal(),
            ):
                best = dated
    if best is None or not best.named:
        return best
    return moved(best, stems, weights, cues, refs) or best


_NAMED_BONUS = 0.25
"""What a sentence naming the event's day adds to its score over one dated only by its
message: asked how many days lie between two events, the day said is the evidence."""


def _calendar_count(first: date, last: date, unit: str) -> str:
    """Whole calendar months or years from ``first`` to ``last`` ("ten years ago", told
    in 2023, is 2013: ten years, however far into 2013 the event was)."""
    months = (last.year - first.year) * 12 + last.month - first.month
    n = months if unit == "month" else last.year - first.year
    return f"{n} {unit}{'' if n == 1 else 's'}"


def _count(days: int, unit: str) -> str:
    n = round(days / _UNIT_DAYS[unit])
    return f"{n} {unit}{'' if n == 1 else 's'}"


def _natural_unit(days: int, granularity: temporal.Granularity) -> str:
    """The unit "how long ago …?" is answered in: the one the event was told in ("ten
    years ago"), else one that keeps the count small."""
    if granularity != "day":
        return granularity
    if days < 14:
        return "day"
    if days < 60:
        return "week"
    return "month" if days < 730 else "year"


def _asked(cues: QuestionCues) -> str:
    return cues.asked or cues.text


def reckon(cues: QuestionCues, refs: Mapping[int, Hit], now: datetime | None) -> Reckoned | None:
    """The computed answer to a how-long-ago, how-long-between, which-first or
    what-was-going-on-when question, or None (not such a question, or an event not found)."""
    question = _asked(cues)
    m = _AGO_Q.match(question)
    if m and now is not None:
        event = date_event(m.group("a"), cues, refs)
        if event is None or event.day > now.date():
            return None
        days = (now.date() - event.day).days
        unit = (m.group("unit") or _natural_unit(days, event.granularity)).lower()
        count = _count(days, unit)
        if unit == event.granularity and unit in ("month", "year"):  # told in that unit
            count = _calendar_count(event.day, now.date(), unit)
        text = f"{count} ago ({full_date(event.day)})"
        return Reckoned(text, (event.ref,))
    m = _AFTER_Q.match(question) or _BETWEEN_Q.match(question)
    if m:
        pair = date_pair(m.group("a"), m.group("b"), cues, refs)
        if pair is None:
            return None
        first, second = pair
        days = abs((second.day - first.day).days)
        unit = (m.group("unit") or "day").lower()
        span = f"{full_date(min(first.day, second.day))} to {full_date(max(first.day, second.day))}"
        return Reckoned(f"{_count(days, unit)} ({span})", (first.ref, second.ref))
    m = _UNTIL_Q.match(question)
    if (
        m and now is not None and not _PAST_AUX.search(m.group("a"))
    ):  # "how many days until the fair?": from now to its day
        event = date_event(m.group("a"), cues, refs)
        if event is None or not event.named or event.day < now.date():
            return None
        days = (event.day - now.date()).days
        unit = (m.group("unit") or _natural_unit(days, "day")).lower()
        return Reckoned(f"{_count(days, unit)} ({full_date(event.day)})", (event.ref,))
    m = _FIRST_Q.match(question)
    if m:
        a, b = m.group("a"), m.group("b")
        pair = date_pair(a, b, cues, refs)
        if pair is None:
            return None
        da, db = pair
        if da.day == db.day:
            return None
        later = m.group("order").lower() in ("last", "later")
        pick, dated = (a, da) if (da.day < db.day) != later else (b, db)
        return Reckoned(f"{pick.strip()} ({full_date(dated.day)})", (da.ref, db.ref))
    m = _DOING_WHEN_Q.match(question)
    if m:
        return _going_on(m.group("main"), m.group("a"), cues, refs)
    return None


def _going_on(
    main: str, phrase: str, cues: QuestionCues, refs: Mapping[int, Hit]
) -> Reckoned | None:
    """What else the message that tells of the event said: the sentence covering most of
    ``main`` ("what book was I reading"), else the first other statement."""
    event = date_event(phrase, cues, refs)
    if event is None:
        return None
    others = [
        s
        for s in _utterances(_plain(refs[event.ref]))
        if s != event.sentence and not s.endswith("?")
    ]
    if not others:
        return None
    wanted = _event_stems(main, _people(cues, refs))
    best = max(others, key=lambda s: _cover(wanted, s))
    return Reckoned(best if _cover(wanted, best) > 0 else others[0], (event.ref,))


def event_cutoff(cues: QuestionCues, refs: Mapping[int, Hit]) -> date | None:
    """The day of the event a "… before I X?" question names ("How many cups was I
    drinking before I switched to tea?"): the answer is the value held until then."""
    m = _BEFORE_EVENT.search(_asked(cues))
    if m is None:
        return None
    event = date_event(m.group("a"), cues, refs)
    return None if event is None else event.day


_STOPPED = re.compile(
    r"\b(?:quit|quitted|stopped|gave\s+up|given\s+up|cut\s+out|no\s+longer|no\s+more)\b", re.I
)


def stopped_since(
    topic: frozenset[str], answer: Hit, told: Sequence[tuple[int, Hit]]
) -> tuple[int, str] | None:
    """A later statement of the asker, among ``told``, that they stopped what a count is
    about ("I've quit coffee completely" after "one coffee a day"): the count now is none.
    Returns that memory's ref and sentence. A stop followed by what replaced it on the
    topic ("stopped with the old bakery … now bread from the new one, 1.20 a loaf") is a
    switch, no stop: the count goes on with the new source."""
    if answer.when is None:
        return None
    for ref, hit in told:
        if hit.when is None or hit.when <= answer.when:
            continue
        if str(hit.record.get("actor", "")).lower() == "assistant":
            continue
        parts = _utterances(_plain(hit))
        for at, sentence in enumerate(parts):
            found = _STOPPED.search(sentence)
            if found and not sentence.endswith("?") and stem_share(topic, sentence[found.end() :]):
                if _switched(topic, [sentence[found.end() :], *parts[at + 1 :]]):
                    continue
                return ref, sentence.strip()
    return None


_SWITCHED = re.compile(
    r"\b(?:now|instead|switched\s+to|changed\s+to|moved\s+to|went\s+with)\b", re.I
)


def _switched(topic: frozenset[str], rest: Sequence[str]) -> bool:
    """Whether the words after a stop say what replaced it on the topic: a piece marked as
    the new state ("now …", "… instead", "switched to …") that names the topic."""
    pieces = [p for part in rest for p in re.split(r"[,;]\s+", part)]
    return any(_SWITCHED.search(p) and stem_share(topic, p) > 0 for p in pieces)


RECENT_MARGIN = 0.4
"""How much weaker than the best answer a later-told one may be and still replace it when
the question asks for the value now."""


def latest_close(
    topic: frozenset[str],
    scored: Sequence[tuple[float, int, str]],
    refs: Mapping[int, Hit],
    typed: Mapping[int, str],
    asks_assistant: bool,
    asked_speakers: AbstractSet[str] = frozenset(),
) -> tuple[float, int, str] | None:
    """Of the scored answers (weight, ref, span) nearly as good as the best (within
    :data:`RECENT_MARGIN`, saying most of the words the best-covering one says, holding
    the asked kind of value when any does), the latest told — asked what holds now, the
    last of several values told over time is the current one. The assistant's words
    count only when it is asked about: its own, or, when the question names speakers
    (``asked_speakers``), any other speaker's (:func:`.replies.by_assistant`) — an
    assistant called "Kai" answering "the pass went up to 62" repeats or reckons with the
    value ("a 7 jump"), it does not tell a newer one."""
    covers = {ref: stem_share(topic, span) for _, ref, span in scored}
    best_cover = max(covers.values(), default=0.0)
    if best_cover <= 0:
        return None
    close = [
        t
        for t in scored
        if t[0] >= scored[0][0] - RECENT_MARGIN
        and covers[t[1]] >= 0.6 * best_cover
        and not t[2].rstrip().endswith("?")
        and (not typed or t[1] in typed)
        and refs[t[1]].when is not None
        and (asks_assistant or not by_assistant(refs[t[1]], set(asked_speakers)))
    ]
    return max(close, key=lambda t: refs[t[1]].when or datetime.min) if close else None
