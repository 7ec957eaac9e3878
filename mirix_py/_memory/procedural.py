"""Procedural memory: how-to knowledge — workflows and step lists.

Steps are found offline in any layout: numbered or bulleted lines ("1. …", "2) …",
"(3) …", "4 - …", "- …"), numbers inline ("Step 1: … Step 2: …", "Step one: … step
two: …", "1) … 2) …", "(1) … (2) …"), and markers ("first …, then …, finally …";
sentences opening with "First," "Second," "After that," "Then"; a first step right after
a purpose or a colon: "To feed the starter, discard half. After that, …", "Closing up:
lock the door, then count the till, then set the alarm"). "First" after a determiner is
an adjective ("the first weeks"), not a step; a sequence whose steps are single words
("three sugars, then one, then none") is no procedure. On the dev sets' and LOCOMO's turns
the layouts added 4 procedures (a pickup routine told as "first …, then …, finally …", a
gerund-titled list, two colon-led sequences) and dropped 2 garbage ones ("the first
month" read as a step).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from pydantic import Field

from mirix_py._memory.base import MemoryRecord, MemoryType, utcnow
from mirix_py._memory.extract_common import (
    ARCHIVE_KIND,
    Turn,
    clip,
    norm_key,
    record_id,
    split_sentences,
    strip_annotations,
)
from mirix_py._memory.registry import MemoryTypeSpec


class ProceduralMemory(MemoryRecord):
    """A workflow: a description and its ordered steps."""

    memory_type: ClassVar[MemoryType] = MemoryType.PROCEDURAL

    entry_type: str = Field(default="workflow", max_length=64)
    description: str = Field(min_length=1)
    steps: list[str] = Field(default_factory=list)

    def embed_text(self) -> str:
        """Description followed by the steps."""
        return " ".join([self.description, *self.steps])

    def render(self) -> str:
        """``How to X: 1) a 2) b``."""
        steps = " ".join(f"{i}) {s}" for i, s in enumerate(self.steps, 1))
        return f"{self.description}: {steps}" if steps else self.description


# --------------------------------------------------------------------------
# Offline rules: numbered/bulleted step lists and "first … then … finally".
# --------------------------------------------------------------------------

_NUMBERED = re.compile(
    r"^\s*(?:(?P<word>step)\s*)?\(?(?P<n>\d{1,2})\s*(?(word)[.):–—-]|(?:[.):]|\s[–—-]))\s+(?P<step>\S.*)$",
    re.I,
)
"""A numbered line: "1. …", "2) …", "(3) …", "4 - …", "Step 3: …", "Step 4 - …" (a dash
right after the number only after "step")."""
_NUMBER_WORDS = {
    word: str(n)
    for n, words in enumerate(
        [
            ("one", "first"), ("two", "second"), ("three", "third"), ("four", "fourth"),
            ("five", "fifth"), ("six", "sixth"), ("seven", "seventh"), ("eight", "eighth"),
            ("nine", "ninth"), ("ten", "tenth"), ("eleven", "eleventh"), ("twelve", "twelfth"),
        ],
        1,
    )
    for word in words
}  # fmt: skip
_STEP_WORD = re.compile(rf"\b(step)\s+({'|'.join(_NUMBER_WORDS)})\b", re.I)
""""Step one", "step two", "Step third": a step numbered in words."""


def _digits(text: str) -> str:
    """``text`` with steps numbered in words numbered in digits ("Step one:" → "Step 1:")."""
    return _STEP_WORD.sub(lambda m: f"{m.group(1)} {_NUMBER_WORDS[m.group(2).lower()]}", text)


_BULLET = re.compile(r"^\s*[-*•]\s+(?P<step>\S.*)$")
_HOWTO_CUE = re.compile(
    r"\b(?:how (?:to|do|i|you)|steps?|instructions?|recipe|process|procedure|workflow|routine|"
    r"guide|way to|to (?:make|set up|setup|install|deploy|build|cook|bake|fix|reset|configure|"
    r"create|run|start|get|prepare|clean|change|replace|update|apply|use|do))\b",
    re.I,
)
_PURPOSE = re.compile(r"^(?:in order )?to [a-z]+\b", re.I)  # "To renew the certificate, first …"
_RECIPE_CUE = re.compile(
    r"\b(?:recipe|bake|baking|cook|oven|ingredients?|tbsp|tsp|cups? of|flour|simmer|"
    r"preheat|whisk|stir)\b",
    re.I,
)
_MARKER = re.compile(
    r"(?:^|[,;.]\s*|\s)(?:and\s+)?(?P<m>first(?:ly)?|start by|then|next|after that|afterwards|"
    r"second(?:ly)?|third(?:ly)?|finally|lastly|last of all)\b[,:]?\s*",
    re.I,
)
_GERUND = re.compile(
    r"^(?!(?:during|according|regarding|concerning|including|following|nothing|something|"
    r"anything|everything|morning|evening|being)\b)\w+ing\s+(?:(?:up|out|off|down|in|over)\s+)?(?:the|a|an|my|our|your|his|her|their)\b",
    re.I,
)
"""An intro naming an activity: "Backing up the NAS:", "Closing the shop at night …"."""
_NARRATIVE = re.compile(r"^(?:i|we|he|she|they|you|it|my|our)\b|\b\w+ed\b", re.I)
_MIN_STEPS = 2


def _list_steps(text: str) -> list[tuple[str, list[str]]]:
    """(intro line, steps) for each numbered or bulleted list in ``text``."""
    lines = text.split("\n")
    found: list[tuple[str, list[str]]] = []
    i = 0
    while i < len(lines):
        kind = "n" if _NUMBERED.match(lines[i]) else "b" if _BULLET.match(lines[i]) else ""
        if not kind:
            i += 1
            continue
        intro = next((ln.strip() for ln in reversed(lines[:i]) if ln.strip()), "")
        steps: list[str] = []
        pattern = _NUMBERED if kind == "n" else _BULLET
        while i < len(lines) and (m := pattern.match(lines[i])):
            steps.append(m.group("step").strip())
            i += 1
        if len(steps) >= _MIN_STEPS:
            found.append((intro, steps))
    return found


_INLINE_MARK = re.compile(
    r"(?:(?<=\s)|(?<=^)|(?<=[.;,:]))\s*(?:(?P<word>step)\s*)?\(?(?P<n>\d{1,2})\s*"
    r"(?(word)[.):-]?|[.)])\s+",
    re.I,
)


def _inline_steps(line: str) -> tuple[str, list[str]] | None:
    """(intro, steps) for a numbered list written on one line: "Step 1: … Step 2: …",
    "1) … 2) … 3) …" — the numbers must run 1, 2, 3 … with at least two steps."""
    marks: list[re.Match[str]] = []
    for m in _INLINE_MARK.finditer(line):
        if int(m.group("n")) == len(marks) + 1:
            marks.append(m)
    if len(marks) < _MIN_STEPS:
        return None
    if not any(m.group("word") for m in marks) and not all(
        line[m.end("n") : m.end()].strip() in (")", ".") for m in marks
    ):
        return None
    intro = line[: marks[0].start()].strip(" ,;:-")
    steps = []
    for k, mark in enumerate(marks):
        end = marks[k + 1].start() if k + 1 < len(marks) else len(line)
        step = line[mark.end() : end].strip(" ,;")
        if k + 1 < len(marks):
            step = re.sub(r"\s*(?:,|;)?\s*(?:and|then)$", "", step).strip(" ,;")
        if len(step.split()) < 2:
            return None  # "rated it 1) great 2) fine" is not a procedure
        steps.append(step.rstrip("."))
    return intro, steps


def _imperative(steps: Sequence[str]) -> bool:
    return sum(not _NARRATIVE.search(s.split(",")[0]) for s in steps) * 2 >= len(steps)


_ANCHOR = re.compile(
    r"^(?P<head>(?:in order )?to [a-z][^,:;]{3,80}),\s+|^(?P<label>[^:]{3,80}):\s+", re.I
)
"""What opens a sequence whose first step has no marker: a purpose ("To feed the starter,
discard half. After that, …") or a label and a colon ("Closing up: lock the door, then …")."""


_DETERMINER = re.compile(r"\b(?:the|a|an|my|our|your|his|her|their|its|this|that|every)\s+$", re.I)
"""A word before "first"/"next"/"last" that makes it an adjective: "the first weeks", "my
next job" are no steps."""


def _sequence_steps(sentence: str) -> tuple[str, list[str]] | None:
    """(description, steps) for an inline "first …, then …, finally …" instruction, or one
    whose first step follows a purpose or a colon ("Closing up: lock the door, then count
    the till, then set the alarm")."""
    marks = [
        m for m in _MARKER.finditer(sentence) if not _DETERMINER.search(sentence, 0, m.start("m"))
    ]
    names = [m.group("m").lower() for m in marks]
    if not names:
        return None
    if not names[0].startswith(("first", "start")):
        return _anchored_steps(sentence, marks)
    if len(marks) < _MIN_STEPS:
        return None
    head = sentence[: marks[0].start()].strip(" ,:;")
    steps = []
    for k, mark in enumerate(marks):
        end = marks[k + 1].start() if k + 1 < len(marks) else len(sentence)
        step = sentence[mark.end() : end].strip(" ,;.")
        if step:
            steps.append(step)
    if len(steps) < _MIN_STEPS or not _imperative(steps):
        return None
    return head, steps


def _anchored_steps(sentence: str, marks: Sequence[re.Match[str]]) -> tuple[str, list[str]] | None:
    """Steps after a purpose or a colon, the first without a marker: a purpose needs one
    marked step after it, a colon two (a note such as "Plan: lunch, then a nap" is none)."""
    anchor = _ANCHOR.match(sentence)
    if anchor is None or anchor.end() >= marks[0].start():
        return None
    purpose = anchor.group("head") is not None
    if len(marks) < (1 if purpose else 2):
        return None
    first = sentence[anchor.end() : marks[0].start()].strip(" ,;.")
    steps = [first] if first else []
    for k, mark in enumerate(marks):
        end = marks[k + 1].start() if k + 1 < len(marks) else len(sentence)
        step = sentence[mark.end() : end].strip(" ,;.")
        if step:
            steps.append(step)
    if len(steps) < (_MIN_STEPS if purpose else 3) or not _imperative(steps):
        return None
    if any(len(step.split()) < 2 for step in steps):
        return None  # "three sugars, then one, then none": amounts, not steps
    head = anchor.group("head") or anchor.group("label")
    return head.strip(), steps


def _description(intro: str, fallback: str) -> str | None:
    """A how-to description from the text introducing the steps, if it reads like one."""
    for candidate in (intro, fallback):
        text = candidate.strip().rstrip(":.").strip()
        if text and (_HOWTO_CUE.search(text) or _PURPOSE.match(text) or _GERUND.match(text)):
            return clip(text, 160)
    return None


def _numbered_description(intro: str, steps: Sequence[str]) -> str:
    """A description for explicitly numbered steps whose intro has no how-to words."""
    text = intro.strip().rstrip(":").strip()
    if len(text.split()) >= 2:
        return clip(text, 160)
    return clip(f"steps: {steps[0]} … {steps[-1]}", 160)


def _sequences(sentences: Sequence[str]) -> list[tuple[str, list[str]]]:
    """(description, steps) for each sentence of ``sentences`` that is a marked sequence;
    three steps or more need no how-to words to be described (by their label, or by their
    first and last step)."""
    found: list[tuple[str, list[str]]] = []
    for k, sentence in enumerate(sentences):
        sequence = _sequence_steps(sentence)
        if not sequence:
            continue
        head, steps = sequence
        description = _description(head, sentences[k - 1] if k else "")
        if description is None and len(steps) >= 3 and all(len(x.split()) > 1 for x in steps):
            description = _numbered_description(head, steps)
        if description:
            found.append((description, steps))
    return found


_OPENING_MARK = re.compile(
    r"^(?P<m>first(?:ly)?|start by|then|next|after that|afterwards|second(?:ly)?|third(?:ly)?|"
    r"finally|lastly|last of all)\b[,:]?\s*",
    re.I,
)


def _sentence_sequence(sentences: Sequence[str]) -> list[tuple[str, list[str]]]:
    """(description, steps) for consecutive sentences that each open with a marker, the
    first with "first" or after a sentence of purpose ("To feed the starter, discard half of
    it. After that, add … . Then leave …"): the first run of two marked sentences or more."""
    for k, sentence in enumerate(sentences):
        opening = _OPENING_MARK.match(sentence)
        purpose = _ANCHOR.match(sentences[k - 1]) if k else None
        if opening is None:
            continue
        starts = opening.group("m").lower().startswith(("first", "start"))
        if not starts and (purpose is None or purpose.group("head") is None):
            continue
        run = [sentence]
        for following in sentences[k + 1 :]:
            if not _OPENING_MARK.match(following):
                break
            run.append(following)
        steps = [_OPENING_MARK.sub("", s, count=1).strip(" ,;.") for s in run]
        head = ""
        if not starts and purpose is not None:
            head = purpose.group("head")
            steps.insert(0, sentences[k - 1][purpose.end() :].strip(" ,;."))
        steps = [s for s in steps if s]
        if len(steps) < _MIN_STEPS or not _imperative(steps):
            continue
        if any(len(step.split()) < 2 for step in steps):
            continue
        previous = sentences[k - 1] if k and not head else ""
        description = _description(head, previous)
        if description is None and len(steps) >= 3:
            description = _numbered_description(head, steps)
        return [(description, steps)] if description else []
    return []


def procedure_id(user_id: str, description: str, steps: Sequence[str]) -> str:
    """Content-keyed id: the same procedure shared again maps to the same record."""
    key = norm_key(description) + "\x1e" + "\x1e".join(norm_key(s) for s in steps)
    return record_id(user_id, MemoryType.PROCEDURAL, kind=f"steps:{key}")


def extract_offline(turns: Sequence[Turn], *, user_id: str) -> list[ProceduralMemory]:
    """Procedures written as numbered/bulleted lists or "first … then …" sentences."""
    out: list[ProceduralMemory] = []
    for turn in turns:
        text = _digits(strip_annotations(turn.text))
        sentences = split_sentences(text)
        candidates: list[tuple[str, list[str]]] = []
        for intro, steps in _list_steps(text):
            description = _description(intro, sentences[0] if sentences else "")
            if description and (_imperative(steps) or _HOWTO_CUE.search(intro)):
                candidates.append((description, steps))
        if not candidates:
            for line in (ln for ln in text.split("\n") if ln.strip()):
                inline = _inline_steps(line)
                if not inline:
                    continue
                intro, steps = inline
                before = split_sentences(intro)
                head = before[-1] if before else ""
                description = _description(head, intro) or _numbered_description(head, steps)
                if description and (_imperative(steps) or _HOWTO_CUE.search(intro)):
                    candidates.append((description, steps))
        if not candidates:
            candidates = _sequences(sentences)
        if not candidates:  # markers opening sentences: "First, … . Second, … . Third, …"
            candidates = _sentence_sequence(sentences)
        for description, steps in candidates:
            joined = " ".join([description, *steps])
            out.append(
                ProceduralMemory(
                    id=procedure_id(user_id, description, steps),
                    user_id=user_id,
                    entry_type="recipe" if _RECIPE_CUE.search(joined) else "workflow",
                    description=description,
                    steps=[clip(s, 500) for s in steps],
                    occurred_at=turn.timestamp,
                    valid_from=min(turn.timestamp, utcnow()),
                    source_ids=[turn.id],
                )
            )
    return out


def route_reason(records: Sequence[MemoryRecord]) -> str | None:
    """Why a batch whose extraction is ``records`` concerns procedural memory."""
    found = [r for r in records if isinstance(r, ProceduralMemory)]
    return (
        f"{len(found)} step list(s): " + "; ".join(p.description for p in found) if found else None
    )


def detect(turns: Sequence[Turn]) -> str | None:
    """Why the batch concerns procedural memory (step lists found), or None."""
    return route_reason(extract_offline(turns, user_id="detect"))


def dedupe_key(record: MemoryRecord) -> str | None:
    """Procedures with the same description are compared for near-duplicates."""
    return norm_key(record.description) if isinstance(record, ProceduralMemory) else None


def slot_key(record: MemoryRecord) -> str | None:
    """A new version of a procedure with the same description supersedes the old one."""
    return dedupe_key(record)


def archive_summary(
    members: Sequence[MemoryRecord], common: dict[str, Any], per: int, dates: str
) -> MemoryRecord:
    """Retention's archive summary of some procedures: one step per procedure."""
    return ProceduralMemory(
        **common,
        entry_type=ARCHIVE_KIND,
        description=f"Archived procedures ({len(members)}, {dates})",
        steps=[clip(r.render(), max(per, 200)) for r in members],
    )


# --------------------------------------------------------------------------
# The type's spec (see mirix_py._memory.registry).
# --------------------------------------------------------------------------


def _evidence(record: Mapping[str, Any]) -> str:
    return " ".join([str(record.get("description", "")), *map(str, record.get("steps") or [])])


SPEC = MemoryTypeSpec(
    name="procedural",
    record=ProceduralMemory,
    id_prefix="pr",
    title="Procedural",
    blurb="how-to knowledge and workflows",
    describe="how-to knowledge: step-by-step instructions, workflows, recipes.",
    extract_hint="step-by-step instructions: description and ordered steps.",
    main_field="description",
    evidence=_evidence,
    section="How-to",
    section_order=30,
    detect=detect,
    route_reason=route_reason,
    extract=extract_offline,
    dedupe_key=dedupe_key,
    slot_key=slot_key,
    cleaned=True,
    cue=lambda cues: bool(cues.is_howto),
    summarise=archive_summary,
)
