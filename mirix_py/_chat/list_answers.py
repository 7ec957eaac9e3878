"""Answers read from a list: the n-th item asked for, or a procedure's steps."""

from __future__ import annotations

from collections.abc import Sequence

from mirix_py._chat.answer_text import body_text, strip_annotations
from mirix_py._chat.draft import Draft
from mirix_py._chat.items import list_items, nth
from mirix_py._chat.models import Hit
from mirix_py._chat.unit_items import unit_item
from mirix_py._memory import MemoryType


def nth_item(
    ordinal: int,
    numbered: Sequence[tuple[int, Hit]],
    evidence: dict[int, float],
    told: Sequence[tuple[int, Hit]] = (),
) -> Draft | None:
    """Item ``ordinal`` of the list ("the third step", "the first tip") in the best
    supported memory that holds a list: a procedure's steps or a list inside a message.
    A message without a list that another speaker answered right after (among ``told``,
    the memories in context) gives the list of that reply: "I never know what to bring
    to my 1:1s" is where the question's words are, the tips are in the answer to it."""
    floor = 0.5 * max(evidence.values())
    for ref, hit in sorted(numbered, key=lambda p: -evidence[p[0]]):
        if evidence[ref] < floor:
            break
        if hit.memory_type is MemoryType.PROCEDURAL:
            items = [str(s) for s in hit.record.get("steps") or []]
        else:
            items = list_items(body_text(hit))
        found = nth(items, ordinal)
        if found:
            return Draft(strip_annotations(found), (ref,), False)
        reply = _reply_to(hit, told) if not items else None
        found = nth(list_items(body_text(reply[1])), ordinal) if reply is not None else None
        if reply is not None and found:
            return Draft(strip_annotations(found), (reply[0], ref), False)
    return None


def _reply_to(hit: Hit, told: Sequence[tuple[int, Hit]]) -> tuple[int, Hit] | None:
    """The message right after ``hit`` in its session, said by another speaker."""
    if hit.memory_type is not MemoryType.EPISODIC or hit.session is None or hit.position is None:
        return None
    actor = hit.record.get("actor")
    for ref, other in told:
        if (
            other.memory_type is MemoryType.EPISODIC
            and other.session == hit.session
            and other.position == hit.position + 1
            and other.record.get("actor") != actor
        ):
            return ref, other
    return None


def unit_answer(
    asked: tuple[str, int], numbered: Sequence[tuple[int, Hit]], evidence: dict[int, float]
) -> Draft | None:
    """The part labelled with the unit and number asked ("Day 2: …" for "on day two") in the
    best supported memory that labels its parts so (:mod:`.unit_items`)."""
    floor = 0.5 * max(evidence.values())
    for ref, hit in sorted(numbered, key=lambda p: -evidence[p[0]]):
        if evidence[ref] < floor:
            break
        found = unit_item(body_text(hit), *asked)
        if found:
            return Draft(strip_annotations(found), (ref,), False)
    return None


def steps_answer(hit: Hit) -> str:
    """A procedure's description and its numbered steps."""
    steps = [str(s) for s in hit.record.get("steps") or []]
    description = str(hit.record.get("description", "")).strip().rstrip(":")
    listed = " ".join(f"{i}) {step}" for i, step in enumerate(steps, 1))
    return f"{description}: {listed}" if listed else description
