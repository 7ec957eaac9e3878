"""A value read from the list item labelled with the thing a question asks about.

A reply that lays out a plan, a build or a budget often writes one item per thing, each
labelled: "- Rent: 900 a month - Food: 350 …", "- GPU: RX 6600 (about 4,000)". Asked "how
much did you budget for food?", the answer is the value after the label "Food", not the
number the question's words sit closest to elsewhere ("… 350 is 20 percent less than in
March"). :func:`labelled_value` reads it.
"""

from __future__ import annotations

import re

from mirix_py._chat.cues import content_stems
from mirix_py._chat.items import list_items
from mirix_py._chat.spans import AnswerKind, typed_span

_LABELLED = re.compile(r"^(?P<label>[^:]{1,40}?)\s*:\s*(?P<value>\S.*)$")
_FIRST_CLAUSE = re.compile(r"[,;]\s|\(|\.\s")


def labelled_value(kind: AnswerKind, question: str, text: str) -> str | None:
    """The ``kind`` of value (a quantity) in the item of ``text``'s list whose label the
    question names: every content word of the label is one of the question's ("RAM",
    "Food and drinks"). The value is read from the start of the item, up to its first comma,
    bracket or sentence end; a label the question does not name is skipped, and so is a
    label that only repeats the question's subject across several items."""
    asked = set(content_stems(question))
    found: list[str] = []
    for item in list_items(text):
        m = _LABELLED.match(item)
        if m is None:
            continue
        label = set(content_stems(m.group("label")))
        if not label or not label <= asked:
            continue
        value = m.group("value")
        while (inner := _LABELLED.match(value)) is not None and not any(
            ch.isdigit() for ch in inner.group("label")
        ):
            value = inner.group("value")  # "Restaurant: food and drinks: 36,000 lei"
        head = _FIRST_CLAUSE.split(value, maxsplit=1)[0]
        got = typed_span(kind, head, question)
        if got:
            found.append(got)
    return found[0] if len(found) == 1 else None
