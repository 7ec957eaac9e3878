"""Statements a shown turn already says: shown once, as the turn.

First-person statements (:mod:`mirix_py._memory.statements`) are clauses taken
from a turn (``Maria: joined a gym`` from "I joined a gym last week, it's great"),
and a question that finds the statement often finds its turn too. Shown side by
side, the two say the same thing twice, and the budget they share would hold
another memory. The turn says more — its neighbouring sentences, its speaker and
its session's date — so the statement is the one left out. Attribute facts
("roommate: Pei", "weight: 80 kg") are not compared: they are typed, and the
answer step reads their aspect and which value is current, which the turn does not
say in so many words (measured: leaving them out lost correct answers).

:func:`restated` compares content words: a fact is restated by a shown event when
every content stem of the fact — its subject's name included, the ``(with
others)`` mark of a ``we`` statement aside, negations and comparison words kept
(:func:`mirix_py._text.statement_stems`) — is in the event's shown text or its
speaker's name (so a fact about Ann is said by Ann's turn, or by a turn that
names her), and both are dated the same day: the same words said on another
day may tell of another time it happened ("we went camping" in June and again in
September), and the fact's date is then information of its own. The event's
*shown* text counts — an excerpt's sentences, not the whole turn — so a fact whose
clause was cut from the excerpt stays. Only word overlap and dates; nothing depends
on a conversation's wording.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from mirix_py._memory.statements import WITH_OTHERS
from mirix_py._text import statement_stems


@dataclass(frozen=True)
class Shown:
    """One memory's shown text with the person it is about (a fact's subject, or an
    event's speaker) and the day it is dated (empty when undated)."""

    memory_id: str
    who: str
    text: str
    day: str = ""


def _fact_stems(fact: Shown) -> frozenset[str]:
    """The content stems a fact says, its subject's name included."""
    text = fact.text.strip()
    if text.startswith(WITH_OTHERS):
        text = text[len(WITH_OTHERS) :]
    return statement_stems(f"{fact.who} {text}")


def restated(facts: Iterable[Shown], events: Sequence[Shown]) -> set[str]:
    """The ids of the ``facts`` one of the shown ``events`` says whole (see the module
    docstring); a fact with no content word of its own is never counted restated."""
    said = [(e.day, statement_stems(f"{e.who} {e.text}")) for e in events]
    out: set[str] = set()
    for fact in facts:
        need = _fact_stems(fact)
        if need and any(day == fact.day and need <= turn for day, turn in said):
            out.add(fact.memory_id)
    return out
