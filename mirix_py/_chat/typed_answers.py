"""Answers of one type: who holds a role, who does something, a name, a place, a quantity."""

from __future__ import annotations

import re
from collections.abc import Sequence

from mirix_py._chat.answer_text import body_text, strip_annotations
from mirix_py._chat.cues import STOPWORDS, QuestionCues, sentences, stem
from mirix_py._chat.draft import Draft
from mirix_py._chat.items import list_items
from mirix_py._chat.models import Hit
from mirix_py._chat.spans import AnswerKind, place_cue, typed_span
from mirix_py._memory import MemoryType
from mirix_py._memory.changes import roles_named
from mirix_py._text import LOWER, UPPER


def role_holders(hits: Sequence[Hit]) -> list[str]:
    """The people named by the role facts among ``hits`` ("partner is Mei Ling")."""
    found = (
        ROLE_FACT.match(str(h.record.get("summary", "")))
        for h in hits
        if h.memory_type is MemoryType.SEMANTIC
    )
    return [m.group("name") for m in found if m is not None]


def named_explicitly(name: str, text: str) -> bool:
    """True when ``text`` gives ``name`` as somebody's or something's name ("her name is
    Dona Chica", "a kitten called Pip"), not just a capitalised word after "is"."""
    cue = r"\b(?:named|called|name\s+is|name's|name\s+was)\s+"
    return re.search(cue + re.escape(name), strip_annotations(text)) is not None


def typed_answer(kind: AnswerKind, hit: Hit, span: str, question: str, *, past: bool) -> str | None:
    """The typed answer in a hit's best span, else in the rest of its text (the answer may
    sit in the next sentence); a semantic fact is read with its entity's name."""
    text = strip_annotations(span)
    body = strip_annotations(body_text(hit))
    semantic = hit.memory_type is MemoryType.SEMANTIC
    if semantic and kind in ("name", "who"):
        text = body = f"{hit.record.get('name', '')} {text}"
    if kind == "who" and not semantic:
        return None  # a sentence names many people: only a fact's name is the person asked
    if kind in ("name", "who") and PLACE_FACT.match(str(hit.record.get("summary", ""))):
        return None  # "works at Kiezkauf", "lives in Leeds": a place, not a person's name
    cue = place_cue(question) if kind == "where" else None
    for candidate in (text, body) if cue else ():
        found = typed_span(kind, candidate, question, past=past, cue=cue)
        if found:
            return found
    nearby = neighbours(text, body) if kind == "where" else []
    for candidate in (text, *nearby, body):  # "go to the appointment" ← "book it at X"
        found = typed_span(kind, candidate, question, past=past, strict=True)
        if found:
            return found
    return typed_span(kind, text, question, past=past, allow_initial=semantic)


def neighbours(span: str, body: str) -> list[str]:
    """The list item (or else sentence) of ``body`` holding ``span``, then the ones right
    before and right after it: a clause that says what a place offers ("which serves
    vegan ramen") names the place earlier in its sentence, and a step that says where
    without naming the place ("go to the appointment …") names it in the step before ("book
    an appointment at the clinic on Dock Road")."""
    for parts in (list_items(body), [p for p in sentences(body) if len(p.split()) > 2]):
        at = next((i for i, p in enumerate(parts) if span and span in p), None)
        if at is not None:
            return [parts[i] for i in (at, at - 1, at + 1) if 0 <= i < len(parts)]
    return []


ROLE_FACT = re.compile(rf"^(?P<role>[a-z -]+) is (?P<name>{UPPER}[\w'’.-]*(?: {UPPER}[\w'’.-]*)*)$")


def role_holder(
    cues: QuestionCues, numbered: Sequence[tuple[int, Hit]], *, past: bool
) -> Draft | None:
    """Who holds a role the question names ("who is Priya's manager now?", "the name of
    Wei's fiancée"): the current holder from the role facts in context, or the earlier one
    for a "before" question; facts about a person the question names come first."""
    roles = roles_named(cues.text)
    if not roles:
        return None
    asked = {n.lower() for n in cues.names}
    found: list[tuple[tuple[bool, bool, float], int, str]] = []
    for ref, hit in numbered:
        if hit.memory_type is not MemoryType.SEMANTIC:
            continue
        m = ROLE_FACT.match(str(hit.record.get("summary", "")))
        if m is None or m.group("role") not in roles:
            continue
        superseded = hit.record.get("valid_to") is not None
        about = str(hit.record.get("name", "")).lower() in asked
        found.append(((about, superseded == past, hit.score.score), ref, m.group("name")))
    if not found:
        return None
    if past and not any(f[0][1] for f in found):
        return None  # no earlier holder in context: the memories may still name one
    _, ref, name = max(found, key=lambda f: f[0])
    return Draft(name, (ref,), False)


def holder_bonus(hit: Hit, holder: str) -> float:
    """For a question about a role holder ("where does Ingrid's partner work?", holder
    ``eirik``): the holder's own facts first; the role fact only names the holder."""
    if hit.memory_type is not MemoryType.SEMANTIC:
        return 0.0
    if str(hit.record.get("name", "")).lower() == holder:
        return 0.4
    return -0.4 if ROLE_FACT.match(str(hit.record.get("summary", ""))) else 0.0


_WHO_DOES = re.compile(
    r"^\s*who\s+(?:(?:will|would|is\s+going\s+to|can|did|does|is|was)\s+)?(?P<verb>[a-z]+)", re.I
)


_AUX = r"(?:\s+(?:will|would|can|could|is\s+going\s+to|'ll|is|was|also|then))?"


def doer_answer(question: str, numbered: Sequence[tuple[int, Hit]]) -> Draft | None:
    """Who does what the question asks ("who will drive Hal home?"): a capitalised name
    right before the question's verb in a memory ("Karen's friend Joe will drive me")."""
    asked = _WHO_DOES.match(question)
    if asked is None or asked.group("verb").lower() in ("is", "was", "are", "were"):
        return None
    if asked.group("verb").lower() in STOPWORDS:
        return None  # "who is the coach now?" asks for a role's holder, not a doer of "the"
    verb = stem(asked.group("verb").lower())
    for ref, hit in numbered:
        text = strip_annotations(body_text(hit))
        for m in re.finditer(
            rf"\b(?P<name>{UPPER}{LOWER}+(?: {UPPER}{LOWER}+)?){_AUX}\s+(?P<v>[a-z]+)", text
        ):
            name = m.group("name")
            if stem(m.group("v")) != verb or name.split()[0] in _NOT_DOERS:
                continue
            if name.lower() in question.lower():
                continue
            return Draft(name, (ref,), False)
    return None


_NOT_DOERS = frozenset("I The A An My Our Your This That It He She They We You Then So".split())
PLACE_FACT = re.compile(r"^(?:(?:used to )?(?:works?|worked|live[sd]?|work) (?:at|for|in)) ")
