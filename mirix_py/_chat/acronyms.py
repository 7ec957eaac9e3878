"""Acronyms that stand for a question's words: "pb" for "personal best", "SCC" for
"somatic cell count", "GP" for "general practitioner".

People write a long name once and its initials after ("our somatic cell count came back
at 310,000 … SCC is 190,000 now", "my pb is 1:42:17 … new pb 1:37:48"); a question asks in
the long form. A word of a text is read as an acronym when it looks like one — written in
capitals ("SCC", "GP"), or in small letters without a vowel ("pb", "bp") — and its
letters are the initials of as many of the question's stems, letter for letter: each
letter's count equals the number of stems starting with it, so an acronym never stands
for a choice among the stems. Those stems then count as said by the text.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from mirix_py._text import STOPWORDS

__all__ = ["acronym_stems"]

_SHORTHAND = frozenset(
    """bc bf gf bff tbh btw idk imo imho pls plz thx thnx ppl msg txt rn ngl smh lmk jk brb
    ttyl omg wtf hr hrs min mins km kg mg ml cm mm st nd rd th mr mrs ms dr vs""".split()
)
"""Chat shorthand and units written like acronyms ("bc" for "because", "km"): no question's
words."""
_CAPITALS = re.compile(r"(?<![\w'’])[A-Z]{2,4}(?![\w'’])")
_VOWELLESS = re.compile(r"(?<![\w'’])[b-df-hj-np-tv-xz]{2,4}(?![\w'’])")


@lru_cache(maxsize=4096)
def _acronyms(text: str) -> tuple[str, ...]:
    """The words of ``text`` that look like acronyms, lower-cased, each once."""
    found = [*_CAPITALS.findall(text), *_VOWELLESS.findall(text)]
    kept = (a.lower() for a in found if a.lower() not in STOPWORDS | _SHORTHAND)
    return tuple(dict.fromkeys(kept))


def acronym_stems(stems: frozenset[str], text: str) -> frozenset[str]:
    """The stems of ``stems`` that an acronym in ``text`` stands for (see the module
    docstring); empty when none does."""
    if len(stems) < 2:
        return frozenset()
    out: set[str] = set()
    for acronym in _acronyms(text):
        if acronym in stems:
            continue
        letters = Counter(acronym)
        meant = [s for s in stems if s[:1] in letters]
        starts = Counter(s[0] for s in meant)
        if starts == letters:
            out.update(meant)
    return frozenset(out)
