"""A count of groups that says how big each group is: "3 sets of 15", "4 rounds of 12 reps".

Exercise plans, dosages and packing lists give a number of groups and the size of each in
one phrase. Read as a plain quantity it would end at the groups ("3 sets"), dropping the
half the question asks for ("how many sets and repetitions …?"). :func:`with_group_size`
keeps the size that follows.
"""

from __future__ import annotations

import re

from mirix_py._chat.cues import STOPWORDS

_GROUP_SIZE = re.compile(r"\s+of\s+(?P<size>\d+(?:[.,]\d+)?)(?:\s+(?P<unit>[a-zµ]+))?(?![\w.,]\d)")


def with_group_size(value: str, text: str, end: int) -> str:
    """``value`` (a number with its noun, "3 sets", read from ``text`` up to ``end``) with
    the group size said right after it ("… of 15", "… of 12 reps") when there is one. A
    bare number ("3 of 15") is a share, not groups, and stays as it is."""
    if not re.search(r"[a-zµ]", value, re.I):
        return value
    m = _GROUP_SIZE.match(text, end)
    if m is None:
        return value
    unit = m.group("unit")
    size = m.group("size") if not unit or unit.lower() in STOPWORDS else f"{m.group('size')} {unit}"
    return f"{value} of {size}"
