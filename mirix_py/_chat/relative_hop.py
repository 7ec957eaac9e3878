"""Two-step questions through a relative clause, answered over the shown context.

"How old is the grandchild who wants to grow the beans?" asks an attribute (an age) of a
person the question never names: the relative clause ("who wants to grow the beans") is
said of someone in one sentence ("Ottilie wants to help, she'll grow the beans"), and the
attribute is said of that name in another ("Ottilie is turning 7"). :func:`relative_hop`
splits the question at its relative clause, finds the context sentence that says the
clause best, takes the name that sentence is said of, and rewrites the question with that
name in place of the described person ("How old is Ottilie?"); the caller answers the
rewritten question and credits the resolving sentence as evidence too.

Only the hits already in the context are read; nothing touches the store.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from mirix_py._chat.answer_text import hit_text
from mirix_py._chat.cues import STOPWORDS, sentences, stem, words
from mirix_py._chat.models import Hit

_RELATIVE = re.compile(
    r"^(?P<head>.*?)\b(?:the|her|his|their|my|your|[A-Z][\w-]*['’]s)\s+"
    r"(?P<noun>[a-z][a-z-]*)\s+(?:who|that)\s+(?P<clause>[^?]+?)\s*\??\s*$"
)
"""'<head> the <noun> who|that <clause>?': the described person or thing ends the question."""
_NAME = re.compile(r"\b[A-Z][\w’'-]*[\w]")
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
    if found is None or not found.group("head").strip():
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
                m.group(0)
                for m in _NAME.finditer(sentence)
                if m.group(0) in known
                and m.group(0).lower() not in STOPWORDS
                and m.group(0).lower() not in asked
            ]
            if candidates:  # the first name is the one the clause is said of
                best = (share, index, candidates[0])
    if best is None:
        return None
    _, index, name = best
    rewritten = f"{found.group('head').rstrip()} {name}?"
    return Hop(name=name, question=rewritten, index=index)
