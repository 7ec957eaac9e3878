"""Answers to "when" questions: a stated or implied date, a habit, a time relative to an event."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime

from mirix_py import _temporal as temporal
from mirix_py._chat.answer_text import body_text, strip_annotations, utterances
from mirix_py._chat.booked_dates import event_date
from mirix_py._chat.cues import QuestionCues, has_time_expression, sentences, stem_share
from mirix_py._chat.current_value import REPLACES
from mirix_py._chat.draft import Draft
from mirix_py._chat.models import Hit
from mirix_py._chat.moved_dates import (
    asks_original,
    codes,
    followed_moves,
    held,
    moved_dates,
    moves_of,
    names_other,
)
from mirix_py._chat.stated_dates import annotated, finer_date, said_of_other, topic_date
from mirix_py._dates import full_date
from mirix_py._text import DATE_LABEL

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)


_DATE_PATTERNS = (
    re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+(?:19|20)\d{{2}}\b", re.I),
    re.compile(rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d{{2}}\b", re.I),
    re.compile(r"\b(?:19|20)\d{2}-\d{2}-\d{2}\b"),
    re.compile(rf"\b{_MONTH}\s+(?:19|20)\d{{2}}\b", re.I),
    re.compile(r"\b(?:in|since|during)\s+((?:19|20)\d{2})\b", re.I),
)


_ANNOTATED = re.compile(rf"\[({DATE_LABEL})\]")


def resolve_date(text: str, anchor: datetime | None) -> str | None:
    """The absolute date a text states or implies, if any (see the module docstring)."""
    annotated = _ANNOTATED.search(text)
    if annotated:
        return annotated.group(1).strip()
    for pattern in _DATE_PATTERNS:
        found = pattern.search(text)
        if found:
            return (found.group(1) if found.groups() else found.group(0)).strip()
    if anchor is not None and has_time_expression(text):
        resolved = _resolve_relative(text, anchor)
        if resolved:
            return resolved
    return None


_DAYS = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_HABIT_Q = re.compile(
    r"^\s*when\s+(?:do|does)\s+(?!.*\b(?:start|begin|end|finish|leave|arrive|return|open|"
    r"close|move|happen|take\s+place)\b)",
    re.I,
)


_HABIT = re.compile(
    rf"\b(?:(?:every|each)\s+(?:other\s+)?(?:{_DAYS}|morning|evening|afternoon|night|weekend|"
    rf"day|week|month)|(?:on\s+)?{_DAYS}s|(?:on\s+)?weekends|(?:on\s+)?weekdays|"
    r"(?:in\s+the\s+)?(?:mornings|evenings|afternoons|nights)|before\s+(?:breakfast|lunch|"
    r"dinner|work|bed)|after\s+(?:breakfast|lunch|dinner|work))\b",
    re.I,
)
"""Habitual times: the answer to "when does she usually …?" is a habit, not a date."""


_HABIT_LOOK = 5
"""How many of the best spans a habit question reads: the habit is often said in passing
("I hate mornings, so … evenings only"), in a message that covers few of its words."""


_SAME_DATE = re.compile(r"\b(?:the\s+)?same\s+(?:date|dates|day|days|weekend)\b", re.I)
"""A date said again only as "same date" ("moved the wedding to the gardens, same date"):
the date is in an earlier memory, which may rank lower than the ones that mention it."""


_SHOULD_Q = re.compile(r"^\s*when\s+(?:should|must|do\s+(?:i|we|you)\s+(?:need|have)\s+to)\b", re.I)
_EVENT_RELATIVE = re.compile(
    r"\b(?:(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|twelve|a\s+few|\d+)\s+"
    r"(?:hours?|days?|weeks?|months?)|the\s+(?:day|night|week|month|morning|evening))\s+"
    r"(?:before|after|ahead\s+of|prior\s+to)\s+(?:the|your|my|our|their|his|her)\s+[a-z]+",
    re.I,
)
"""A time relative to an event ("two weeks before the day", "the night before the race"):
the answer to a question about when something should be done, which no calendar date
gives (the event's date may change)."""


def _and_next(text: str, span: str) -> str:
    """``span`` and the sentence after it in ``text`` ("… helps me with flashcards. He
    quizzes me every Sunday."), annotations removed."""
    parts = utterances(strip_annotations(text))
    plain = strip_annotations(span)
    for k, part in enumerate(parts):
        if plain in part or part in plain:
            return " ".join(parts[k : k + 2])
    return plain


def _nearby_date(topic: frozenset[str], text: str, anchor: datetime | None) -> str | None:
    """The date stated next to what the question asks about: in the sentence of ``text``
    that covers the most of ``topic``, else in the next one when it goes on about the
    same thing ("I booked my exam! It is on 26 February.")."""
    parts = sentences(text)
    covers = [stem_share(topic, p) for p in parts]
    if not parts or max(covers) <= 0:
        return None
    best = covers.index(max(covers))
    found = resolve_date(parts[best], anchor)
    if found is None and best + 1 < len(parts) and _GOES_ON.match(parts[best + 1]):
        found = resolve_date(parts[best + 1], anchor)  # "… my exam! It is on 26 February."
    return found


_GOES_ON = re.compile(r"^\W*(?:it|that|this|i|we|she|he|they|\w+ing)\b", re.I)
"""A sentence that goes on about the one before: a pronoun or a verb without subject
("Moving on 25 April.")."""


_DAY_RANGE = re.compile(rf"^(\d{{1,2}})-(\d{{1,2}}) ({_MONTH}) ((?:19|20)\d\d)$")
_START_Q = re.compile(r"\b(?:start|starts|begin|begins|from\s+when|since\s+when)\b", re.I)
_END_Q = re.compile(r"\b(?:end|ends|finish|finishes|until\s+when|till\s+when)\b", re.I)


def _range_end(label: str, question: str) -> str:
    """The first day of a day range ("22-25 July 2026") when the question asks when
    something starts, the last when it asks when it ends; else the range."""
    m = _DAY_RANGE.match(label)
    if m is None:
        return label
    first, last, month, year = m.groups()
    if _START_Q.search(question):
        return f"{first} {month} {year}"
    if _END_Q.search(question):
        return f"{last} {month} {year}"
    return label


def _resolve_relative(text: str, anchor: datetime) -> str | None:
    mentions = temporal.resolve_time_expressions(text, anchor)
    return mentions[0].label if mentions else None


def when_answer(
    cues: QuestionCues,
    topic: frozenset[str],
    scored: Sequence[tuple[float, int, str]],
    refs: Mapping[int, Hit],
    ref: int,
) -> Draft | None:
    """The answer to a "when" question from the ranked spans ``scored`` (weight, ref,
    span), ``ref`` the best: a habit, a time relative to an event, a date a span states
    or implies, else the best memory's own date; None when it has no date either."""
    if _HABIT_Q.match(cues.text):
        for _, when_ref, when_span in scored[:_HABIT_LOOK]:
            habits = _HABIT.findall(_and_next(body_text(refs[when_ref]), when_span))
            if habits:  # "when does she prefer to write?" → "in the mornings", not a date
                return Draft(habits[-1], (when_ref,), False)
    if _SHOULD_Q.match(cues.text):
        for _, rule_ref, rule_span in scored[:3]:
            rule = _EVENT_RELATIVE.search(strip_annotations(rule_span))
            if rule:  # "when should we send it?" → "two weeks before the day", not a date
                return Draft(rule.group(0), (rule_ref,), False)
    same = any(_SAME_DATE.search(body_text(refs[r])) for _, r, _ in scored[:3])
    original = asks_original(cues.text)  # "originally scheduled for …?": the first date
    looked = list(scored[: 6 if same else 3])
    if not original:
        looked = _corrected_first(topic, looked, refs, scored[:_MOVE_LOOK])
    asked = codes(cues.text)  # "the N2 exam": only a span naming N2 dates it
    coded = [t for t in scored[:_MOVE_LOOK] if asked & codes(t[2])]
    if coded:
        looked = [*coded, *(t for t in looked if t not in coded)]
    others = [refs[r] for _, r, _ in scored]
    later = [(h.when, body_text(h)) for h in refs.values() if h.when is not None]
    by_q = _BY_Q.match(cues.text) is not None  # "by what date …?": the limit said with "by"
    # first pass: skip spans whose dates are said of something else ("moved in ✅ and I
    # climbed my first 6A last week"); the second pass takes any stated date
    for strict in (True, False):
        for _, when_ref, when_span in looked:
            when_hit = refs[when_ref]
            if strict and said_of_other(topic, when_span):
                continue
            if strict and coded and not asked & codes(when_span) and codes(when_span):
                continue  # names another code ("N3") only
            body = body_text(when_hit)
            moves = moves_of(when_span, body)
            if original and moves.new and not moves.old:
                continue  # only the new date is said here: the first plan is elsewhere
            shifted = moves.old if original else moves.new  # the date asked for, if moved
            stated = (
                (shifted[0] if shifted else None)
                or (None if original else _moved_to(when_span, body, when_hit.when))
                or (_deadline(held(when_span, body) or when_span) if by_q else None)
                or topic_date(topic, when_span)
                or resolve_date(when_span, when_hit.when)
                or (  # the strict pass takes a date from the rest only on the topic
                    topic_date(topic, body, on_topic=True)
                    if strict and annotated(body)
                    else _nearby_date(topic, body, when_hit.when)
                )
            )
            if stated and strict and names_other(asked, when_span, stated):
                continue  # "passed N3 …, next: N2 on 5 July" does not date N3
            if stated:  # "booked it today [3 May]! we fly 14 June": the trip's date
                stated = event_date(cues.text, stated, body, when_hit.when) or stated
                stated = finer_date(stated, when_hit, others, topic)
                if not original and when_hit.when is not None:  # moved since: its new date
                    said = held(when_span, body) or when_span
                    told = moved_dates(body)  # "we hoped for the 30th … now it is the 4th"
                    if stated in told.old and told.new:
                        stated = told.new[-1]
                    stated = followed_moves(stated, when_hit.when, said, later)
                if original:  # the date found is one a plan was moved to: the one before
                    stated = _moved_from(stated, [refs[r] for _, r, _ in scored[:_MOVE_LOOK]])
                return Draft(_as_range(_range_end(stated, cues.text)), (when_ref,), False)
    hit = refs[ref]
    if hit.when is not None:
        return Draft(full_date(hit.when), (ref,), False)
    return None


def _moved_from(label: str, hits: Sequence[Hit]) -> str:
    """The first of the old dates of a move to ``label`` that one of ``hits`` tells ("we
    wanted to move in on 5 April … now the move is the 1st of July" → 5 April for 1 July),
    else ``label``: asked for the first plan, the date a plan was moved to is no answer."""
    for hit in hits:
        moves = moved_dates(body_text(hit))
        if label in moves.new and moves.old:
            return moves.old[0]
    return label


_BY_Q = re.compile(r"^\s*(?:by|until|till)\s+(?:what|which|when)\b", re.I)
_BY_DATE = re.compile(
    r"\b(?:by|before|until|till|no\s+later\s+than|deadline\s+(?:is\s+)?)\s+[^\[\],;]{0,24}"
    rf"\[({DATE_LABEL})\]",
    re.I,
)


def _deadline(span: str) -> str | None:
    """The date a span gives as a limit ("… by 31 March [31 March 2026] at the latest"),
    for a "by what date …?" question; other dates in the span are context."""
    found = _BY_DATE.search(span)
    return found.group(1).strip() if found else None


_MOVE_LOOK = 6
"""How many of the best spans may hold a move of the date asked about ("moved our trip to
12 to 19 September"), or the span that names the code asked about ("N2")."""


_RANGE_DASH = re.compile(rf"^(\d{{1,2}})-(\d{{1,2}}) ({_MONTH} (?:19|20)\d\d)$")
_RANGE_SPACED = re.compile(
    rf"^(\d{{1,2}} {_MONTH}(?: (?:19|20)\d\d)?) - (\d{{1,2}} {_MONTH} (?:19|20)\d\d)$"
)


def _as_range(label: str) -> str:
    """A range of days said as one: "2-7 March 2026" → "2 to 7 March 2026"."""
    if m := _RANGE_DASH.match(label):
        return f"{m.group(1)} to {m.group(2)} {m.group(3)}"
    if m := _RANGE_SPACED.match(label):
        return f"{m.group(1)} to {m.group(2)}"
    return label


_MOVED = re.compile(
    r"\b(?:moved|postponed|rescheduled|pushed\s+back|brought\s+forward|put\s+off)\b", re.I
)


def _moved_to(span: str, body: str, anchor: datetime | None) -> str | None:
    """The new date of a moved event: the one after the change in ``span`` ("married in
    May, so we moved the trip to 12 June" → 12 June), before "instead" or ", not" in its
    clause ("so we go on 2 May instead of 9 May" → 2 May), or, when ``span`` only says the event
    moved ("the dentist is moved, ugh"), the one in the next sentence of ``body`` that says
    the replacement ("now it's 4 May instead"); None when neither holds."""
    changed = REPLACES.search(span)
    if changed is not None and changed.group(0)[0] in ",iI":  # "on 2 May instead of 9 May"
        clause = re.split(r"[,;:.!?]\s", span[: changed.start()])[-1]
        return resolve_date(clause, anchor)  # the new date is before it, the old one after
    if changed is not None:
        return resolve_date(span[changed.start() :], anchor)
    if _MOVED.search(span) is None:
        return None
    after = body[body.find(span) + len(span) :] if span in body else ""
    for sentence in sentences(after)[:2]:
        if REPLACES.search(sentence):
            return resolve_date(sentence, anchor)
    return None


def _corrected_first(
    topic: frozenset[str],
    looked: Sequence[tuple[float, int, str]],
    refs: Mapping[int, Hit],
    pool: Sequence[tuple[float, int, str]] = (),
) -> list[tuple[float, int, str]]:
    """``looked`` with a later statement that corrects or moves a date on the topic first
    ("presented it on the 24th, not the 20th" over "the demo is planned for the 20th"); a
    move from the date the best span gives ("ill on the 14th, so it was done on the 16th
    instead") is on the same event, and may come from further down ``pool``."""
    first = refs[looked[0][1]].when if looked else None
    cover = stem_share(topic, looked[0][2]) if looked else 0.0
    first_dates = set(_ANNOTATED.findall(looked[0][2])) if looked else set()
    for item in [*looked[1:], *(t for t in pool if t not in looked)]:
        when = refs[item[1]].when
        body = body_text(refs[item[1]])
        said = [p for p in sentences(body) if item[2] in p or p in item[2]]
        moved = moves_of(item[2], body)
        on_topic = stem_share(topic, item[2]) >= max(0.5 * cover, 1e-9)
        corrects = item in looked and any(REPLACES.search(p) for p in said)
        if (
            (((corrects or moved.new) and on_topic) or first_dates & {*moved.old})
            and first is not None
            and when is not None
            and when > first
        ):
            return [item, *(t for t in looked if t is not item)]
    return list(looked)
