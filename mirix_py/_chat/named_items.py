"""Memories that name things, ranked up for a question whose answer is a set of things.

"Which cities has Ines been to?", "what books has Teo read?", "what games does Ravi
play?": the answer is a list of named things — "Porto", "*The Overstory*", "Hollow
Knight" — each said in its own message, and those messages often share no word with
the question ("Porto was lovely, we ate by the river every night"). Meanwhile the
messages that do share the question's words ("I love visiting new cities!") name
nothing, and at a small budget they fill the context first.

For a question that asks for several things (:attr:`QuestionCues.asks_several`, not a
count), :func:`lift_named` adds :data:`NAMED_BOOST` to the score of an event or fact
for each distinct thing it names, up to :data:`NAMED_MAX`: a capitalised word inside a
sentence (not its first word) or a quoted title, that is not a speaker's or a fact's
subject's name, a word of the question, a month or a weekday, nor text inside brackets
(resolved dates, photo captions). Memories that name nothing keep their score.

Everything here is capitalisation and quoting; nothing depends on a conversation's
wording.

Measured (2026-12-02, s21) and dropped: the same lift for the *values of an aspect* the
list question names (:func:`mirix_py._chat.aspects.question_aspects`: "what sports …",
"what pets …", "what instruments …"; +0.2 per distinct value the memory gives, e.g.
"surfing", at most 2; not for counts, nor for values the question states, "besides
basketball"). It touches few questions: 14 of LOCOMO dev's 1,035 (4 not fully covered)
and 2 of the own set's 188 (answers unchanged). ``python -m evals.coverage_gaps`` on a
copy of the base ingest: conversations 0–2 unchanged (0.8657); conversations 3–6 against
the base run, one list question gained ("foods that Audrey likes" 0.5 → 0.625) and one
lost ("do both James and John have pets?" 1.0 → 0.0: pet-naming turns took the room of
the turns that answer it), multi-hop 0.6565 → 0.6491 there. The values the lexicon knows
are seldom the items a chat's list question misses (those are named things, which
:func:`lift_named` already ranks up).

Measured (s21) and left at 0.1: :data:`NAMED_BOOST` 0.2 (``coverage_gaps`` on copies of
the base ingest). Conversations 0–2: pooled 0.8657 → 0.8662, multi-hop 0.7813 → 0.7839
(three list questions up, two down); :data:`NAMED_MAX` 3 at 0.1 changed nothing.
Conversations 3–6 against the base run: multi-hop 0.6565 → 0.6519 (six up, e.g. "what
books has Tim read?" 0.75 → 0.94, but "which career-high performances …" 1.0 → 0.2 and
"what books has John read?" 0.86 → 0.64), single-hop lost "the personalities of Audrey's
four fur babies" (0.94 → 0.56); all seven, multi-hop 0.705 → 0.703. Blind set 6 (``evals.jsonl
--resume`` on a copy of its ingest): coverage 0.921, correct 0.503 and evidence recall
0.983 unchanged, cited recall 0.973 → 0.962. A memory naming more things is as often
the wrong list's as the asked one's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from mirix_py._chat.cues import QuestionCues, sentences, words
from mirix_py._chat.models import Hit
from mirix_py._chat.rescore import best_first, raise_to
from mirix_py._memory import MemoryType
from mirix_py._text import UPPER

NAMED_BOOST = 0.1
"""Score added per distinct thing a memory names."""
NAMED_MAX = 2
"""At most this many named things count."""

_BRACKETS = re.compile(r"\[[^\]]*\]?|\([^)]*\)")
_QUOTED = re.compile(r"\"([^\"]{2,80})\"|“([^”]{2,80})”")
_CAPITAL = re.compile(rf"(?<![\w'’])({UPPER}[\w'’-]*(?:[ ]+{UPPER}[\w'’-]*)*)")
_HOW_MANY = re.compile(r"^\s*how\s+(?:many|much|often)\b", re.I)
_CALENDAR = frozenset(
    """january february march april may june july august september october november
    december monday tuesday wednesday thursday friday saturday sunday i i'm i've i'll
    i'd ok okay hey hi wow omg""".split()
)


def _said(hit: Hit) -> str:
    rec = hit.record
    return f"{rec.get('summary', '')} {rec.get('details') or ''}"


def named_things(text: str, known: frozenset[str]) -> set[str]:
    """The things ``text`` names (lower-cased; see the module docstring), leaving out
    the ``known`` words (lower-cased: people's names, the question's words)."""
    plain = _BRACKETS.sub(" ", text)
    found = {" ".join(words(q)) for pair in _QUOTED.findall(plain) for q in pair if q}
    for sentence in sentences(_QUOTED.sub(" ", plain)):
        for k, match in enumerate(_CAPITAL.finditer(sentence)):
            at_start = k == 0 and not sentence[: match.start()].strip(" \"'“‘-*")
            name = [w for w in words(match.group(1)) if len(w) > 1 and w not in known | _CALENDAR]
            if name and not at_start:
                found.add(" ".join(name))
    return {f for f in found if f and f not in known}


def lift_named(hits: Sequence[Hit], cues: QuestionCues) -> list[Hit]:
    """``hits`` with the events and facts that name things ranked up when the question
    asks for several things (see the module docstring); best first again."""
    if not cues.asks_several or _HOW_MANY.match(cues.text):
        return list(hits)
    people = {
        w for h in hits for w in words(str(h.record.get("actor") or h.record.get("name") or ""))
    }
    known = frozenset(people | set(words(cues.text)) | {w for n in cues.names for w in words(n)})
    out: list[Hit] = []
    for hit in hits:
        if hit.memory_type in (MemoryType.EPISODIC, MemoryType.SEMANTIC):
            count = min(NAMED_MAX, len(named_things(_said(hit), known)))
            hit = raise_to(hit, hit.score.score + NAMED_BOOST * count)
        out.append(hit)
    return best_first(out)
