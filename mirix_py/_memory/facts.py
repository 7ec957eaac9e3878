"""Semantic memory's offline facts: the pattern rules (:mod:`mirix_py._memory.fact_rules`),
changes and first-person statements of a batch as :class:`Fact` items, and what a fact's
summary says (its single-valued slot, a lasting preference, a named person)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from mirix_py._memory.changes import ROLE_WORDS, change_slot, change_statements
from mirix_py._memory.extract_common import Turn, split_sentences
from mirix_py._memory.fact_rules import (
    NAME,
    NUMBER_WORD,
    PERSONAL_ATTRIBUTE,
    RELATION_WORD,
    STOP_NAMES,
    rule_matches,
    speaker_entity,
)
from mirix_py._memory.people import MAX_CANDIDATES, known_stored_people
from mirix_py._memory.statements import STATEMENT, turn_statements
from mirix_py._text import statement_stems


@dataclass(frozen=True)
class Fact:
    """One statement of fact found in a turn, before it becomes a record."""

    entity: str
    summary: str
    kind: str
    turn: Turn
    about_speaker: bool


SLOT_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^is named "), "name"),
    (re.compile(r"^is \d{1,3} years old$"), "age"),
    (re.compile(r"^works as "), "occupation"),
    (re.compile(r"^works (?:at|for) "), "employer"),
    (re.compile(r"^lives in "), "residence"),
    (re.compile(r"^(?:is from|grew up in) "), "origin"),
    (re.compile(r"^is (?:single|married|divorced|engaged|widowed|separated)$"), "relationship"),
    (re.compile(r"^studies "), "study"),
    (re.compile(r"^favou?rite (?P<a>.+?) (?:is|are) "), "favorite"),
    (re.compile(rf"^has {NUMBER_WORD} (?P<a>\w+)$"), "count"),
    (re.compile(rf"^(?P<a>{PERSONAL_ATTRIBUTE}) is "), "personal"),
)
"""Single-valued attributes: a new value for the same entity supersedes the old one."""

_PREFERENCE = re.compile(r"^(?:likes|dislikes|prefers|loved) (?P<obj>.+)$")
_SPECIFIC = re.compile(r"^(?:the|a|an|this|that|these|those|his|her|their|its|some)\b|'s\b")


def is_lasting_preference(summary: str) -> bool:
    """True for a preference about a kind of thing (``likes jazz``, ``likes to travel``),
    not about one particular thing (``likes the colours in that photo``)."""
    m = _PREFERENCE.match(summary)
    if not m:
        return False
    obj = m.group("obj")
    return len(obj.split()) <= 3 and not _SPECIFIC.search(obj)


CORE_KINDS = frozenset(
    "name age occupation employer residence origin relationship_status identity diet allergy "
    "study count prefers favorite personal relation role pet".split()
)
"""Fact kinds that describe a person's identity or stable preferences (for core memory).

"I love …" statements join them only when they name a kind of thing (see
:func:`is_lasting_preference`): in conversation they are as often a passing remark
("I love the colours in that photo") as a lasting preference, and the core block
is in every prompt.
"""


def slot_of(summary: str) -> str | None:
    """The single-valued attribute a canonical summary sets (``occupation``…), or None."""
    for pattern, name in SLOT_PATTERNS:
        m = pattern.match(summary)
        if m:
            return f"{name}:{m.group('a')}" if "a" in pattern.groupindex else name
    return change_slot(summary)


def _known_names(turns: Sequence[Turn], stored: frozenset[str]) -> frozenset[str]:
    known = {t.speaker for t in turns} | stored
    for turn in turns:
        for sentence in split_sentences(turn.plain_text):
            for m in re.finditer(NAME, sentence):
                if m.start() > 0 and m.group().split()[0] not in STOP_NAMES:
                    known.add(m.group())
    return frozenset(known)


def subject_candidates(turns: Sequence[Turn]) -> list[str]:
    """The capitalised words that open a sentence of the batch and are not yet known
    names: the subjects a stored relation fact could make known (at most
    :data:`~mirix_py._memory.people.MAX_CANDIDATES`)."""
    known = _known_names(turns, frozenset())
    found: dict[str, None] = {}
    for turn in turns:
        for raw in _statements(turn.plain_text.replace("’", "'")):
            m = re.match(rf"[\s\"'“(]*({NAME})\b", raw)
            if m and m.group(1) not in known and m.group(1).split()[0] not in STOP_NAMES:
                found.setdefault(m.group(1))
    return list(found)[:MAX_CANDIDATES]


_RELATION_FACT = re.compile(rf"^is (?:the user|{NAME})'s (?:{RELATION_WORD}|{ROLE_WORDS})$")


def names_a_person(summary: str) -> bool:
    """Whether a stored fact's summary says its entity is someone's relation or role
    holder ("is the user's sister", "is Anna's cat", "is the user's nanny"): that
    entity is a known name."""
    return bool(_RELATION_FACT.match(summary))


_JOINED = re.compile(r"\s+[—–]\s+|\s+-\s+|;\s+")
"""Where one sentence joins two statements: a wish or a hypothetical before a dash ("I'd
like it to be low effort — I prefer low-maintenance plants") does not make the statement
after it one."""


def _statements(text: str) -> list[str]:
    """The sentences of ``text``, each cut where a dash or semicolon joins two statements."""
    return [part for raw in split_sentences(text) for part in _JOINED.split(raw) if part.strip()]


def extract_facts(turns: Sequence[Turn]) -> list[Fact]:
    """Facts stated in the batch, in order (questions and hypotheticals skipped).

    Memoised per batch: routing, the core manager and the semantic manager all
    ask for the same batch's facts.
    """
    key = tuple(
        (t.id, t.role, t.speaker, t.text, t.timestamp, t.sequence, t.session_id) for t in turns
    )
    return list(_extract_facts(key, known_stored_people()))


_TurnKey = tuple[str, str, str, str, datetime, int, str]


@lru_cache(maxsize=16)
def _extract_facts(key: tuple[_TurnKey, ...], stored: frozenset[str]) -> tuple[Fact, ...]:
    # keyed and rebuilt from the redacted text only: the cache never holds raw content
    turns = [
        Turn(
            id=i, role=r, speaker=sp, content=tx, text=tx, timestamp=ts, sequence=sq, session_id=ss
        )
        for i, r, sp, tx, ts, sq, ss in key
    ]
    known = _known_names(turns, stored)
    facts: list[Fact] = []
    for turn in turns:
        me = speaker_entity(turn)
        plain = split_sentences(turn.plain_text.replace("’", "'"))
        for entity, summary, kind in change_statements(plain, me):
            facts.append(Fact(entity, summary, kind, turn, entity == me))
        for raw in _statements(turn.plain_text.replace("’", "'")):
            found = rule_matches(turn, raw, known)
            seen = {(f.entity, f.summary) for f in facts if f.turn is turn}
            for entity, summary, kind in found:
                if (entity, summary) not in seen:
                    seen.add((entity, summary))
                    facts.append(Fact(entity, summary, kind, turn, entity == me))
        if me is not None:
            facts.extend(_new_statements(turn, me, [f for f in facts if f.turn is turn]))
    return tuple(facts)


def _new_statements(turn: Turn, me: str, found: Sequence[Fact]) -> list[Fact]:
    """The speaker's statements in ``turn`` that say more than the attribute facts
    ``found`` in it ("works as a counselor now" adds nothing to "works as a counselor");
    a residence ``found`` holds is left to that fact (:mod:`.statements`)."""
    known = frozenset().union(*(statement_stems(f.summary) for f in found))
    own = statement_stems(me)
    lived = frozenset(
        f.summary.removeprefix("lives in ")
        for f in found
        if f.about_speaker and f.summary.startswith("lives in ")
    )
    return [
        Fact(me, clause, STATEMENT, turn, True)
        for clause in turn_statements(turn, me, lived)
        if not statement_stems(clause) - own <= known
    ]
