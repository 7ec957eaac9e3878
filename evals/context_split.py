"""What a rendered context's characters are: core, headers, numbers, speakers, text.

:func:`split_chars` sorts each character of a context rendered by
:func:`mirix_py._chat.compose.build_context` into one part: ``core`` (the
``<core_memory>`` block), ``struct`` (the ``<memories>`` tags and section titles),
``day`` (an event group's date line), ``indent``, ``speaker`` (a line's ``Name: ``
prefix), ``date`` (an event's ``(date)`` prefix or a fact's closing ``(date)``),
``ref`` (the ``[3] `` numbers; ``[3, 7] `` on a turn facts were folded into),
``annotation`` (bracketed notes in a memory's text: resolved dates, photo captions)
and ``text:<section>`` for the rest of each memory's text. The context audit
(:mod:`evals.context_audit`) reports the shares, so a change to the rendering can be
weighed by what it saves.
"""

from __future__ import annotations

import re
from collections import Counter

_DATE = r"\d{1,2} [A-Za-z]{3,9} \d{4}"  # "3 May 2024", "14 September 2024"
_DAY = re.compile(rf"^(?:{_DATE}|undated):$")
_SPEAKER = re.compile(r"^[^\[\]:]{1,60}: (?=\(|\[)")
_DATE_PREFIX = re.compile(rf"^\({_DATE}\) ")
_REF = re.compile(r"^\[\d+(?:, \d+)*\] ")  # "[3] ", "[3, 7] " (facts folded into a turn)
_DATE_SUFFIX = re.compile(rf" \({_DATE}\)$")
_ANNOTATION = re.compile(r"\[[^\[\]]*\]")


def _memory_line(line: str, section: str, parts: Counter[str]) -> None:
    body = line.lstrip(" ")
    parts["indent"] += len(line) - len(body)
    for name, pattern in (("speaker", _SPEAKER), ("date", _DATE_PREFIX), ("ref", _REF)):
        found = pattern.match(body)
        if found:
            parts[name] += found.end()
            body = body[found.end() :]
    suffix = _DATE_SUFFIX.search(body)
    if suffix:
        parts["date"] += len(suffix.group(0))
        body = body[: suffix.start()]
    notes = sum(len(n) for n in _ANNOTATION.findall(body))
    parts["annotation"] += notes
    parts[f"text:{section}"] += len(body) - notes + 1  # the line break


def split_chars(context: str) -> Counter[str]:
    """The characters of ``context`` counted by part (see the module docstring); the
    counts sum to ``len(context) + 1`` (each line with its line break)."""
    parts: Counter[str] = Counter()
    in_core, section = False, ""
    for line in context.split("\n"):
        if line.startswith("<core_memory>"):
            in_core = True
        if in_core:
            parts["core"] += len(line) + 1
            in_core = not line.startswith("</core_memory>")
            continue
        if _DAY.match(line):
            parts["day"] += len(line) + 1
        elif line.startswith("<") or (line.endswith(":") and "[" not in line and line[:1] != " "):
            parts["struct"] += len(line) + 1
            if not line.startswith("<"):
                section = line[:-1].lower()
        else:
            _memory_line(line, section, parts)
    return parts
