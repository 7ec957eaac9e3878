"""What a person values and the qualities others see in them, as profile items.

Questions that ask for a judgement about someone ("what attributes describe X?",
"would X be considered generous?", "what might X say Y is like?") are answered by
remarks scattered over months: "Family time means a lot to me" in one session,
"you're so thoughtful!" from a friend in another, "I care about making a
difference" in a third. None of them shares a word with the question. This module
reads them, per batch, into two profiles (:mod:`mirix_py._memory.profiles`: one
record per person and aspect, found by its deterministic id):

- :data:`VALUES` — what a speaker says matters to them: "<thing> means a lot / the
  world to me", "<thing> is important to me", "I care (deeply) about <thing>",
  "I'm passionate about <thing>", "I value / believe in / cherish <thing>";
- :data:`QUALITIES` — what the other person tells them they are: "you're so
  <quality>", "you are such a <quality> <person-noun>", "your <virtue> is …"
  (a short list of virtue nouns: drive, kindness, courage …).

A remark in the second person is about the one addressed: the previous turn's
speaker when a different person spoke it (a conversation takes turns). A remark
that opens a batch has no previous turn in view and is skipped. Formulas of
thanks ("your support means a lot to me", "you're so welcome") are not values or
qualities and are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from mirix_py._memory.extract_common import Turn

VALUES = "profile:values"
"""The aspect of the what-matters-to-them profile."""
QUALITIES = "profile:qualities"
"""The aspect of the qualities-others-see profile."""

MAX_ITEM_WORDS = 6
"""An item is cut after this many words."""

_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_LEADING = re.compile(
    r"^(?:(?:and|but|so|oh|yeah|yes|well|honestly|really|just|also|plus|now|"
    r"because|cause|that's why|i think|i guess|i know)\b[\s,]*)+",
    re.I,
)
_LETTER = r"[^\W\d_]"  # any letter, accented ones too ("São Paulo")
_THING = rf"(?P<item>{_LETTER}(?:{_LETTER}|[' -]){{1,60}}?)"
_AFTER = rf"(?P<item>{_LETTER}(?:{_LETTER}|[' -]){{1,80}})"
_TO_ME = r"\s+to\s+(?:me|us)\b"
_VALUE_PATTERNS = tuple(
    re.compile(p, re.I)
    for p in (
        rf"(?:^|[,;:]\s*){_THING}\s+(?:really\s+|truly\s+|always\s+)?"
        r"(?:means?|meant|matters?|mattered)\s+(?:(?:so\s+much|a\s+lot|the\s+world|"
        r"everything|a\s+great\s+deal)\s+)?" + _TO_ME[3:],
        rf"(?:^|[,;:]\s*){_THING}\s+(?:is|are|was|were|has\s+always\s+been)\s+"
        r"(?:so\s+|really\s+|very\s+|super\s+|incredibly\s+)?(?:important|precious|dear|"
        r"special)" + _TO_ME,
        r"\b(?:I|we)\s+(?:really\s+|truly\s+|deeply\s+|also\s+|always\s+)?"
        r"(?:care|cared)\s+(?:a\s+lot\s+|deeply\s+|so\s+much\s+)?about\s+" + _AFTER,
        r"\b(?:I'm|I\s+am|we're|we\s+are)\s+(?:so\s+|really\s+|very\s+|deeply\s+)?"
        r"passionate\s+about\s+" + _AFTER,
        r"\b(?:I|we)\s+(?:really\s+|truly\s+|deeply\s+|strongly\s+)?"
        r"(?:value|believe\s+in|cherish)\s+" + _AFTER,
    )
)
_QUALITY = re.compile(
    r"\byou(?:'re|\s+are)\s+(?:such\s+an?|a\s+really|a\s+truly|an\s+incredibly|"
    r"always\s+so|so|such|really|very|truly|incredibly|an?)\s+"
    r"(?P<item>[a-z]+(?:\s+(?:person|friend|mom|dad|mother|father|parent|leader|role\s+model|"
    r"soul|listener|teacher|partner|human|example|inspiration))?)\b",
    re.I,
)
_VIRTUE = re.compile(
    r"\byour\s+(?P<item>drive|kindness|strength|courage|passion|dedication|creativity|"
    r"determination|positivity|resilience|compassion|generosity|honesty|enthusiasm|"
    r"patience|bravery|optimism|commitment|empathy|selflessness|persistence|"
    r"thoughtfulness|authenticity|confidence|talent|work\s+ethic)\b",
    re.I,
)
_CUT = re.compile(
    r"\s+(?:and\s+(?:I|we|it|that|this|they)|but|because|so\s+(?:I|we)|since|which|when|"
    r"while|as\s+well|too)\b.*$|[.!?,;:—–-]\s.*$|[.!?,;:]$",
    re.I,
)
_NOT_ITEMS = frozenset(
    """it this that these those you your yours he she they them his her their him what
    everything something anything nothing all much lot so us and but or""".split()
)
"""Words an item must not start with: pronouns, conjunctions and empty words ("it
means a lot")."""
_NOT_QUALITIES = frozenset(
    """welcome right sure wrong going doing not lucky close far late early back here there
    much many one the in on at to of for about with that this making doing showing
    getting having taking trying working helping giving putting being becoming""".split()
)
"""Words after "you're so/a" that say nothing about the person addressed (a verb in
"you're really making a difference" is what they do, not what they are)."""


def _clauses(text: str) -> list[str]:
    sentences = [s.strip() for s in _SENTENCE.split(text.replace("’", "'")) if s.strip()]
    return [_LEADING.sub("", s) for s in sentences if not s.endswith("?")]


def _item(raw: str) -> str | None:
    """A raw match cut at a clause boundary, lower-cased, at most
    :data:`MAX_ITEM_WORDS` words; None when it is a pronoun or empty."""
    text = _CUT.sub("", " ".join(raw.split())).strip(" '\"-")
    parts = text.lower().split()[:MAX_ITEM_WORDS]
    if not parts or parts[0] in _NOT_ITEMS:
        return None
    return " ".join(parts)


def value_items(text: str) -> list[str]:
    """What the speaker of ``text`` says matters to them, in order."""
    items: list[str] = []
    for clause in _clauses(text):
        for pattern in _VALUE_PATTERNS:
            for m in pattern.finditer(clause):
                item = _item(m.group("item"))
                if item:
                    items.append(item)
    return list(dict.fromkeys(items))


def quality_items(text: str) -> list[str]:
    """The qualities ``text`` tells the person addressed they have, in order."""
    items: list[str] = []
    for clause in _clauses(text):
        for m in _QUALITY.finditer(clause):
            item = m.group("item").lower()
            if item.split()[0] not in _NOT_QUALITIES:
                items.append(item)
        items.extend(m.group("item").lower() for m in _VIRTUE.finditer(clause))
    return list(dict.fromkeys(items))


def trait_items(
    turns: Sequence[Turn], person: Callable[[Turn], str | None]
) -> list[tuple[str, str, str, Turn]]:
    """``(person, aspect, item, turn)`` for the values and qualities the batch's
    ``turns`` (in order) state; ``person`` maps a turn to the entity its speaker is
    stored under (None: not a person, e.g. the assistant)."""
    out: list[tuple[str, str, str, Turn]] = []
    previous: Turn | None = None
    for turn in turns:
        me = person(turn)
        text = turn.plain_text
        if me is not None:
            out.extend((me, VALUES, item, turn) for item in value_items(text))
        if previous is not None and previous.speaker != turn.speaker:
            addressed = person(previous)
            if addressed is not None:
                out.extend((addressed, QUALITIES, item, turn) for item in quality_items(text))
        previous = turn
    return out
