"""The earlier value of a superseded fact, kept as a current fact ("used to live in Leeds").

When a new value supersedes a stored one (a move, a new manager, a flipped
preference), the old record leaves the current view; this module writes the
statement that it *was* the value, so "before"/"used to" questions find it
among current facts while present-tense questions get the new value.
"""

from __future__ import annotations

import re

from mirix_py._memory.base import MemoryRecord
from mirix_py._memory.semantic import SemanticMemory, fact_id
from mirix_py._text import UPPER

_PREVIOUS = (
    (re.compile(r"^lives in (?P<x>.+)$"), "used to live in {x}"),
    (re.compile(r"^works (?P<p>at|for|as) (?P<x>.+)$"), "used to work {p} {x}"),
    (re.compile(rf"^(?P<r>[a-z ]+) is (?P<x>{UPPER}.*)$"), "{r} used to be {x}"),
    (re.compile(r"^(?:likes|loves|enjoys) (?P<x>.+)$"), "used to like {x}"),
    (re.compile(r"^is (?P<x>.+)$"), "used to be {x}"),
    (re.compile(r"^studies (?P<x>.+)$"), "used to study {x}"),
)


def previous_value(old: MemoryRecord, new: MemoryRecord) -> SemanticMemory | None:
    """A current fact recording that ``old`` (superseded by ``new``) was the earlier value:
    "used to live in Leeds". It carries ``old``'s sources (it says what they said) and is
    valid from the change, so "before"/"used to" questions find it among current facts."""
    if not isinstance(old, SemanticMemory) or not isinstance(new, SemanticMemory):
        return None
    summary = next(
        (tpl.format(**m.groupdict()) for rx, tpl in _PREVIOUS if (m := rx.match(old.summary))),
        f"previously {old.summary}",
    )
    return SemanticMemory(
        id=fact_id(old.user_id, old.name, summary),
        user_id=old.user_id,
        name=old.name,
        summary=summary,
        source=old.source,
        occurred_at=old.occurred_at,
        valid_from=new.valid_from,
        source_ids=list(old.source_ids),
    )
