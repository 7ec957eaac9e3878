"""Questions that ask for the object of a verb: "Which game does Viktor play?".

"Which instrument does she play?", "What language is he learning?", "Which route does
she cycle?" end with the verb whose object is the answer. The sentence that says the verb
with an object after it ("I play the cello", "learning Welsh now") answers, even when
another sentence says the question's noun ("the game was slow") and so shares as many of
its words. :func:`verb_asked` reads the verb; :func:`says_object` tells whether a span says
it with an object; :func:`object_sentence` finds the sentence of a message that does.
"""

from __future__ import annotations

import re

from mirix_py._chat.answer_text import utterances
from mirix_py._text import STOPWORDS, stem

_VERB_LAST = re.compile(
    r"^\s*(?:which|what)\s+[a-z]+\s+(?:do|does|did|is|are|was|were|will)\s+"
    r"(?:[\w'’-]+\s+){1,3}?(?P<verb>[a-z]+)\s*\?\s*$",
    re.I,
)
_WORD = re.compile(r"[A-Za-z][\w'’-]*")


def verb_asked(question: str) -> str | None:
    """The stem of the verb a "which/what N does S V?" question ends with, else None."""
    m = _VERB_LAST.match(question)
    if m is None or m.group("verb").lower() in STOPWORDS:
        return None
    return stem(m.group("verb").lower())


def says_object(verb: str, span: str) -> bool:
    """True when ``span`` says the verb (by its stem ``verb``) followed by a content word,
    its object ("i speedrun lantern keep", "plays the cello")."""
    found = [w.group(0).lower() for w in _WORD.finditer(span)]
    for at, word in enumerate(found):
        if stem(word) == verb and any(w not in STOPWORDS for w in found[at + 1 : at + 4]):
            return True
    return False


def object_sentence(verb: str, span: str, body: str) -> str | None:
    """``span`` when it says the verb with an object, else the first sentence of ``body``
    that does ("hey, pim here. i host kitchen table talks" → the second), else None."""
    if says_object(verb, span):
        return span
    return next((p for p in utterances(body) if says_object(verb, p)), None)
