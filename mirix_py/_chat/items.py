"""The items of a list written inside a message, and which item a question asks for.

Long assistant replies (plans, recipes, runbooks, comparisons) and some user
messages carry lists in one block of text: "1) check … 2) look …", "Step 1: …
Step 2: …", "- **Tuesday:** intervals … - **Thursday:** …", "**Day 2 —
Nørrebro:** …". :func:`list_items` splits such a text into its items (markdown
emphasis dropped) so that an answer can be one item rather than the whole
reply, and :func:`ordinal_asked` reads which item a question wants ("the
third step" → 3, "the first tip" → 1, "the last step" → -1).

Only the shape of lists is used, never a conversation's wording.
"""

from __future__ import annotations

import re

from mirix_py._text import ORDINAL_WORDS

_MARK = re.compile(
    r"(?:^|(?<=\s))(?:(?:step\s*)?\d{1,2}\s*[.)]|step\s*\d{1,2}\s*[:–—-]|[-•*](?!\*))\s+"
    r"|(?:^|(?<=\s))\*\*(?=[^*\n]{1,60}?(?::\*\*|\*\*\s*[:—–-]))",
    re.I,
)
_EMPHASIS = re.compile(r"\*\*|__|`")
_MIN_ITEMS = 2

_ORDINALS = {w: n for w, n in ORDINAL_WORDS.items() if n <= 10} | {"last": -1, "final": -1}
_ORDINAL_Q = re.compile(
    r"\b(?P<word>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last|final)\s+"
    r"(?:\w+\s+)?(?:step|tip|item|thing|point|stage|part|idea|suggestion|option)s?\b"
    r"|\bstep\s+(?:number\s+)?(?P<n>\d{1,2})\b",
    re.I,
)


def list_spans(text: str) -> list[tuple[int, int]]:
    """Where the items of the list in ``text`` lie: ``(start, end)`` character offsets,
    each from its marker to the next item's marker (the last runs to the end of the
    text: a closing remark shares the list's intro); ``[]`` when the text holds fewer
    than two items. Numbered items
    ("1.", "2)", "Step 3 -") counting up make the list: a dash inside one ("Good morning,
    Ann - …", "… covering the whole teat - this is …") is then no item of its own."""
    marks: list[re.Match[str]] = []
    counted = 0
    for mark in _MARK.finditer(text):
        number = re.search(r"\d+", mark.group(0))
        if number is not None:  # "1) … 2) …" must count up: "room 2. Sign …" is no item
            if int(number.group(0)) != counted + 1:
                continue
            counted += 1
        marks.append(mark)
    if counted >= _MIN_ITEMS:  # numbered items: a dash inside one is a pause, not an item
        marks = [m for m in marks if re.search(r"\d", m.group(0))]
    if len(marks) < _MIN_ITEMS:
        return []
    ends = [m.start() for m in marks[1:]] + [len(text)]
    return [(m.start(), end) for m, end in zip(marks, ends, strict=True)]


def _item_text(text: str, start: int, end: int) -> str:
    mark = _MARK.match(text, start)
    body = text[mark.end() if mark is not None else start : end]
    return " ".join(_EMPHASIS.sub("", body).split()).strip(" ,;")


def list_items(text: str) -> list[str]:
    """The items of the list in ``text`` (emphasis markers removed), or ``[]`` when it
    holds fewer than two."""
    items = [item for start, end in list_spans(text) if (item := _item_text(text, start, end))]
    return items if len(items) >= _MIN_ITEMS else []


def ordinal_asked(question: str) -> int | None:
    """Which item a question asks for: 1-based, -1 for the last one, None for none."""
    m = _ORDINAL_Q.search(question)
    if m is None:
        return None
    if m.group("n"):
        return int(m.group("n"))
    return _ORDINALS[m.group("word").lower()]


def nth(items: list[str], n: int) -> str | None:
    """Item ``n`` (1-based, -1 for the last) of ``items``, if there is one."""
    if n == -1:
        return items[-1] if items else None
    return items[n - 1] if 0 < n <= len(items) else None
