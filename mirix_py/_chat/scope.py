"""Whose memories may answer a question: the person it names and the people around them.

One user's memory often holds other people's words and facts too: friends in a
group chat, both sides of a conversation, a household sharing an assistant,
imported history of several people. When a question names a person who speaks or
has facts in the retrieved memories ("Who is Ravi's manager now?", "What is the
name of Hal's wife?"), a fact or message about somebody else — "Jamal: manager is
Patricia Nguyen", Ravi saying "my wife Ananya" — must not answer it, and must not
stop an abstention either.

:func:`in_scope` keeps the memories about the people asked and about the people
around them:

- the *asked* people: owners (an event's speaker, a fact's entity) whose name the
  question says;
- the people who speak in the same sessions as them (a friend in the
  conversation, the assistant) — but a *hub*, a speaker who also talks with people
  outside the circle (the assistant of many users), only in those sessions;
- the people named in memories about them (Ingrid's "my partner Eirik" makes
  Eirik's facts relevant to "where does Ingrid's partner work?").

A memory is *someone else's* when it has an owner outside that circle and its
text does not name an asked person. A question that names nobody in the
memories is not scoped, and when every memory would be dropped nothing is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from mirix_py._chat.cues import words
from mirix_py._chat.models import Hit
from mirix_py._memory import MemoryType
from mirix_py._text import UPPER

_CAPITALISED = re.compile(rf"\b{UPPER}[\w'’-]+")


def owner(hit: Hit) -> str:
    """Who a memory is about: an event's speaker, a fact's entity ('' for other types)."""
    if hit.memory_type is MemoryType.EPISODIC:
        return str(hit.record.get("actor") or "").strip()
    if hit.memory_type is MemoryType.SEMANTIC:
        return str(hit.record.get("name") or "").strip()
    return ""


def _text(hit: Hit) -> str:
    rec = hit.record
    return f"{rec.get('summary', '')} {rec.get('details', '')}"


def _is_named(name: str, said: set[str]) -> bool:
    """``name`` (an owner) is among the lower-cased words ``said``: all its words, or its
    first word ("Ravi" names "Ravi Shankar")."""
    parts = words(name)
    return bool(parts) and (parts[0] in said or set(parts) <= said)


def asked_people(names: Iterable[str], hits: Sequence[Hit]) -> frozenset[str]:
    """The lower-cased owners among ``hits`` whose name the question says (``names`` are
    the question's capitalised words)."""
    said = {w for n in names for w in words(n)}
    owners = {owner(h) for h in hits} - {""}
    return frozenset(o.lower() for o in owners if _is_named(o, said))


@dataclass(frozen=True)
class Circle:
    """The people around the ones a question asks about, and the sessions they speak in."""

    asked: frozenset[str]
    people: frozenset[str]
    sessions: frozenset[str]


def circle(asked: frozenset[str], hits: Sequence[Hit]) -> Circle:
    """The :class:`Circle` of the ``asked`` people (see the module docstring).

    A speaker of their sessions is in the circle everywhere, unless it also talks with
    people outside the circle (a hub, such as the assistant of many users): then only
    its words in the asked people's sessions are.
    """
    asked_words = {w for a in asked for w in words(a)}
    about = [h for h in hits if owner(h).lower() in asked or asked_words & set(words(_text(h)))]
    sessions = {h.session for h in about if h.memory_type is MemoryType.EPISODIC and h.session}
    mentioned = {w for h in about for t in _CAPITALISED.findall(_text(h)) for w in words(t)}
    named = {owner(h).lower() for h in hits if owner(h) and _is_named(owner(h), mentioned)}
    core = asked | named
    talkers: dict[str, set[str]] = {}
    for h in hits:
        if h.memory_type is MemoryType.EPISODIC and h.session and owner(h):
            talkers.setdefault(h.session, set()).add(owner(h).lower())
    near = {who for key in sessions for who in talkers.get(key, set())} - core
    hubs = {
        who for people in talkers.values() for who in people & near if people - core - {who} - near
    }
    return Circle(frozenset(asked), frozenset((core | near) - hubs - {""}), frozenset(sessions))


def someone_else(hit: Hit, around: Circle) -> bool:
    """True when ``hit`` is about a person outside the circle (outside the asked people's
    sessions, for a hub) and does not name an asked person."""
    who = owner(hit).lower()
    if not who or who in around.people:
        return False
    if hit.memory_type is MemoryType.EPISODIC and hit.session in around.sessions:
        return False
    asked_words = {w for a in around.asked for w in words(a)}
    return not asked_words & set(words(_text(hit)))


def in_scope(names: Iterable[str], numbered: Sequence[tuple[int, Hit]]) -> list[tuple[int, Hit]]:
    """``numbered`` (context refs and hits) without the memories about someone else than
    the people a question names (see the module docstring); unchanged when the question
    names nobody in them or when nothing would be left."""
    hits = [h for _, h in numbered]
    asked = asked_people(names, hits)
    if not asked:
        return list(numbered)
    around = circle(asked, hits)
    kept = [(ref, h) for ref, h in numbered if not someone_else(h, around)]
    return kept or list(numbered)
