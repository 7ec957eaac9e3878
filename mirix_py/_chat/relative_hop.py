"""Two-step questions through a relative clause, answered over the shown context.

"How old is the grandchild who wants to grow the beans?" asks an attribute (an age) of a
person the question never names: the relative clause ("who wants to grow the beans") is
said of someone in one sentence ("Ottilie wants to help, she'll grow the beans"), and the
attribute is said of that name in another ("Ottilie is turning 7"). :func:`relative_hop`
splits the question at its relative clause, finds the context sentence that says the
clause best, takes the name that sentence is said of, and rewrites the question with that
name in place of the described person ("How old is Ottilie?"); the caller answers the
rewritten question and credits the resolving sentence as evidence too.

"What does Ines's current flatmate do for a living?" names the person by a role and a
time instead of a clause: :func:`role_question` asks the role's holder first ("Who is
Ines's flatmate now?", answered by the current-value rules), and :func:`with_holder` puts
the holder's name in its place ("What does Odile do for a living?").

Only the hits already in the context are read; nothing touches the store.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from mirix_py._chat.answer_text import hit_text
from mirix_py._chat.cues import STOPWORDS, sentences, stem, words
from mirix_py._chat.models import Hit
from mirix_py._text import UPPER

_RELATIVE = re.compile(
    rf"^(?P<head>.*?)\b(?:the|her|his|their|my|your|{UPPER}[\w-]*['’]s)\s+"
    r"(?P<noun>[a-z][a-z-]*)\s+(?:who|that)\s+(?P<clause>[^?]+?)\s*\??\s*$"
)
"""'<head> the <noun> who|that <clause>?': the described person or thing ends the question."""
_ROLE = re.compile(
    rf"\b(?P<owner>{UPPER}[\w-]*['’]s|her|his|their|my|your|the)\s+"
    r"(?:(?P<time>current|present|new|former|previous|old)\s+|(?P<ex>ex-))"
    r"(?P<noun>[a-z][a-z-]*)\b"
)
"""'Ines's current flatmate', 'his former coach': a role's holder named by a time."""
_NOW = frozenset({"current", "present", "new"})
_WHO = re.compile(r"^\s*(?:who|whom|whose)\b", re.IGNORECASE)
_CALENDAR = re.compile(
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|mon(?:day)?"
    r"|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:rs(?:day)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?",
    re.IGNORECASE,
)
_NEAR = re.compile(r"\s*(?:[^\s,.;:!?]+\s+){0,5}")
"""Between a role's noun and its holder's name: a few words in the same clause."""
_SUBJECT = re.compile(r"\s+(?:is|was|became|will\s+be)\s+(?:[^\s,.;:!?]+\s+){0,3}")
"""Between a holder's name and the role's noun: 'is my new', 'became her'."""
_NAME = re.compile(rf"\b{UPPER}[\w’'-]*[\w]")
_MIN_SHARE = 0.6
"""The least share of the clause's content stems a resolving sentence must say."""
_MIN_STEMS = 2
"""A clause must carry at least this many content stems to be resolved at all."""


@dataclass(frozen=True)
class Hop:
    """A relative clause resolved to a name: the rewritten question and the index (into
    the hits given) of the hit whose sentence said the clause."""

    name: str
    question: str
    index: int


def _clause_stems(clause: str, names: Sequence[str]) -> frozenset[str]:
    named = {w for n in names for w in words(n)}
    return frozenset(stem(w) for w in words(clause) if w not in STOPWORDS and w not in named)


def _mid_sentence_names(texts: Sequence[str]) -> set[str]:
    """Capitalised words seen somewhere other than at a sentence's start: names, not
    sentence-initial common words."""
    seen: set[str] = set()
    for text in texts:
        for sentence in sentences(text):
            for match in _NAME.finditer(sentence):
                if match.start() > 0:
                    seen.add(match.group(0))
    return seen


def relative_hop(question: str, names: Sequence[str], hits: Sequence[Hit]) -> Hop | None:
    """The question rewritten with the name its relative clause describes, or ``None``
    when it has no such clause or no context sentence says the clause of a name."""
    found = _RELATIVE.match(question.strip())
    if found is None or not found.group("head").strip() or _WHO.match(question):
        return None
    clause = _clause_stems(found.group("clause"), names)
    if len(clause) < _MIN_STEMS:
        return None
    texts = [hit_text(h) for h in hits]
    known = _mid_sentence_names(texts)
    asked = {w.lower() for n in names for w in words(n)} | set(words(question))
    best: tuple[float, int, str] | None = None
    for index, text in enumerate(texts):
        for sentence in sentences(text):
            said = {stem(w) for w in words(sentence)}
            share = len(clause & said) / len(clause)
            if share < _MIN_SHARE or (best is not None and share <= best[0]):
                continue
            candidates = [
                m
                for m in _NAME.finditer(sentence)
                if m.group(0) in known
                and m.group(0).lower() not in STOPWORDS
                and m.group(0).lower() not in asked
            ]
            candidates = _beside_noun(found.group("noun"), sentence, candidates)
            if candidates:  # the first name is the one the clause is said of
                best = (share, index, candidates[0].group(0))
    if best is None:
        return None
    _, index, name = best
    rewritten = f"{found.group('head').rstrip()} {name}?"
    return Hop(name=name, question=rewritten, index=index)


_APPOSED_AFTER = re.compile(r"\s*[,(:]?\s*(?:(?:is|was|named|called)\s+)?")
_APPOSED_BEFORE = re.compile(
    r"(?:\s*,\s*|\s+(?:is|was)\s+)(?:my|his|her|their|our|the|an?)\s+(?:[a-z-]+\s+){0,2}"
)


def _beside_noun(noun: str, sentence: str, names: list[re.Match[str]]) -> list[re.Match[str]]:
    """The ``names`` the sentence says are the described ``noun``: all of them when the
    sentence does not mention the noun, else only one right beside it ("my cousin Thabo",
    "Thabo, my cousin"). "Tom is away, my cousin told us" says the clause of the cousin,
    who goes unnamed, not of Tom."""
    mentions = list(re.finditer(rf"\b{re.escape(noun)}(?:s|es)?\b", sentence, re.IGNORECASE))
    if not mentions:
        return names
    return [
        m
        for m in names
        for n in mentions
        if (m.start() >= n.end() and _APPOSED_AFTER.fullmatch(sentence[n.end() : m.start()]))
        or (m.end() <= n.start() and _APPOSED_BEFORE.fullmatch(sentence[m.end() : n.start()]))
    ]


@dataclass(frozen=True)
class RoleAsk:
    """A role named by a time in a question that asks something else of its holder."""

    holder_question: str
    span: tuple[int, int]
    noun: str


def role_question(question: str) -> RoleAsk | None:
    """The question for the holder of a timed role ("Ines's current flatmate" → "Who is
    Ines's flatmate now?"), or ``None`` when the question names none or asks the holder."""
    if _WHO.match(question):
        return None
    found = _ROLE.search(question)
    if found is None:
        return None
    owner, noun, time = found.group("owner"), found.group("noun"), found.group("time")
    if time in _NOW:
        asked = f"Who is {owner} {noun} now?"
    elif time is None:
        asked = f"Who was {owner} ex-{noun}?"
    else:
        asked = f"Who was {owner} {time} {noun}?"
    return RoleAsk(asked[0].upper() + asked[1:], found.span(), noun)


def holder_name(answer: str, role: RoleAsk, names: Sequence[str]) -> str | None:
    """The holder's name in the answer to the holder question: the answer itself when it is
    a bare name (a role fact's holder), else a name said right after the role's noun ("new
    flatmate from 1 March is Odile", "my coach Sven said") or right before it as its
    subject ("Odile is my new flatmate"), in the same clause. Month and weekday names are
    dates, and the question's own names are not the holder; a noun no name is said of
    ("promoted to Head Chef, new salary 40k") has no holder."""
    asked = {w.lower() for n in names for w in words(n)}
    found = [
        m
        for m in _NAME.finditer(answer)
        if m.group(0).lower() not in STOPWORDS
        and m.group(0).lower() not in asked
        and not _CALENDAR.fullmatch(m.group(0))
    ]
    noun = re.search(rf"\b{re.escape(role.noun)}\b", answer, re.IGNORECASE)
    if noun is None:
        bare = len(found) == 1 and found[0].group(0) == answer.strip().rstrip(".")
        return found[0].group(0) if bare else None
    for m in found:
        if m.start() >= noun.end() and _NEAR.fullmatch(answer[noun.end() : m.start()]):
            return m.group(0)
    for m in reversed(found):
        if m.end() <= noun.start() and _SUBJECT.fullmatch(answer[m.end() : noun.start()]):
            return m.group(0)
    return None


def names_people(noun: str, texts: Sequence[str]) -> bool:
    """True when the context says a name right after ``noun`` ("my flatmate Odile", "the
    coach Sven"): the noun names a person, unlike "her new salary" or "the new flat"."""
    after = re.compile(rf"\b{re.escape(noun)}s?\s+(?P<name>{UPPER}[\w’'-]*)", re.IGNORECASE)
    for text in texts:
        for m in after.finditer(text):
            name = m.group("name")
            if (
                name[:1].isupper()
                and not any(ch.isdigit() for ch in name)  # "gate R9,000": an amount
                and name.lower() not in STOPWORDS
                and not _CALENDAR.fullmatch(name)
            ):
                return True
    return False


def with_holder(question: str, role: RoleAsk, holder: str) -> str:
    """The question with the holder's name in place of the role."""
    start, end = role.span
    return f"{question[:start]}{holder}{question[end:]}"
