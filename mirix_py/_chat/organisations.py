"""Answering "which company / firm / studio …?" with an organisation's name.

"Which company does Tove work for?" wants an organisation, not the first capitalised
place after a preposition ("a truck driver from Romania"). :func:`organisation_answer`
reads the organisation out of the memories, best-ranked first, in this order of cues:

1. a name after an organisation noun and "called"/"named" ("a studio called Inkwell"),
   or in brackets after it ("a small agency in Porto (Mar Azul)");
2. a name right after the question's verb and its preposition, past an article and
   the organisation noun ("I drive for a Dutch firm, Van Dam Logistics"; "works at
   Northwind"); a user who writes in lower case gives the name in lower case, so in a
   clause without capitals the words after the organisation noun are the name ("i work
   for a small firm blue fox digital from leeds" → "blue fox digital");
3. (before 2.) for a question about an earlier employer ("before", "used to"), a name after "left",
   "quit" or "former" ("left Brightline Media after 4 years");
4. a capitalised name ending in a word that names organisations ("Ltd", "Studios",
   "Press", "Labs" …).

All of it is English sentence shape, never a dataset's wording.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from mirix_py._chat.answer_text import body_text, strip_annotations
from mirix_py._chat.cues import STOPWORDS, content_stems, stem
from mirix_py._chat.draft import Draft
from mirix_py._chat.models import Hit
from mirix_py._text import UPPER

_ORG_NOUNS = (
    r"company|companies|firm|employer|business|organi[sz]ation|studio|agency|start-?up|"
    r"corporation|outfit|publisher|consultancy|practice"
)
_ORG_Q = re.compile(
    rf"^\s*(?:(?:at|for|with|in|from)\s+)?(?:which|what)\s+(?:{_ORG_NOUNS})\b", re.I
)
_CAP = rf"{UPPER}[\w&'’.-]*(?:\s+(?:&\s+)?{UPPER}[\w&'’.-]*)*"
_NOT_ORGS = frozenset(
    "I The A An My Our Your His Her Their This That It He She They We You Then So But And "
    "Also Just Yes No Oh Hi Thanks".split()
)
_CALLED = re.compile(
    rf"(?i:\b(?:{_ORG_NOUNS})\b(?:\s+(?:called|named)\s+|(?:\s+(?:in|at|from|based\s+in)\s+"
    rf"[\w'’-]+(?:\s+[\w'’-]+)?)?\s*\(\s*))(?P<org>{_CAP})"
)
_SUFFIX = re.compile(
    rf"\b(?P<org>{_CAP}\s+(?:Ltd|Inc|GmbH|LLC|AG|SA|BV|plc|Co|Corp|Group|Studios?|Games|"
    r"Animation|Press|Publishing|Media|Labs?|Systems|Solutions|Technologies|Software|"
    r"Consulting|Partners|Capital|Analytics|Logistics|Realty|Payments|Agency))\b"
)
_FORMER = re.compile(
    rf"(?i:\b(?:left|quit|leaving|former|used\s+to\s+work\s+(?:at|for)|worked\s+(?:at|for))"
    rf"\s+(?:(?:my\s+job|working)\s+(?:at|for)\s+)?)(?P<org>{_CAP})"
)
_LOWER_NAME = re.compile(r"\s*,?\s*(?P<org>[a-z][\w&'’-]*(?:\s+[a-z][\w&'’-]*){0,2})")


def asks_organisation(question: str) -> bool:
    """True for "which company / firm / studio / agency …?" (also "at which studio …?")."""
    return _ORG_Q.match(question) is not None


def _verb(question: str) -> tuple[str, str] | None:
    """The question's verb stem and the preposition that ends or follows it ("Which company
    does Tove drive for?" → (drive, for); "Which firm did Ali join?" → (join, ""))."""
    aux = r"\b(?:does|did|do|will|is|was|has|had)\s+"
    stranded = re.search(
        aux + r"(?:[\w'’-]+\s+){1,3}?(?P<verb>[a-z]+)\s+(?P<prep>for|at|with|in)\b", question
    )  # "does her brother work for?"
    found = stranded or re.search(aux + rf"(?:{UPPER}[\w'’-]*\s+)+(?P<verb>[a-z]+)\b", question)
    if found is None:
        return None
    prep = found.groupdict().get("prep") or ""
    return stem(found.group("verb")), prep.lower()


def _clean(org: str) -> str | None:
    words = org.split()
    while words and words[0] in _NOT_ORGS:
        words.pop(0)
    name = " ".join(words).rstrip(".,'’").removesuffix("'s").removesuffix("’s")
    return name or None


def _found(pattern: re.Pattern[str], text: str) -> str | None:
    m = pattern.search(text)
    return _clean(m.group("org")) if m else None


def _after_verb(text: str, verb: str, prep: str) -> str | None:
    """The name after the question's verb (and preposition) in ``text`` (cue 2)."""
    lead = r"(?:\s+(?:for|at|with|in))?" if not prep else rf"\s+{prep}"
    pattern = re.compile(
        rf"\b(?P<verb>[a-z]+){lead}\s+(?P<article>(?:an?|the|my|our|this)\s+)?"
        rf"(?:(?P<adjectives>(?:[\w-]+\s+){{0,2}}?)(?P<noun>(?:{_ORG_NOUNS})\b))?",
        re.I,
    )
    for m in pattern.finditer(text):
        if stem(m.group("verb").lower()) != verb:
            continue
        rest = text[m.end() :]
        capital = re.match(rf"\s*,?\s*(?P<org>{_CAP})", rest)
        if capital and not m.group("adjectives"):
            return _clean(capital.group("org"))
        if capital and m.group("noun"):
            return _clean(capital.group("org"))
        if m.group("noun") and not re.search(r"[A-Z]", text[m.start() : m.end() + 40]):
            lower = _LOWER_NAME.match(rest)
            if lower is not None:
                words = lower.group("org").split()
                while words and words[-1] in STOPWORDS:
                    words.pop()
                cut = next((i for i, w in enumerate(words) if w in STOPWORDS), len(words))
                if words[:cut]:
                    return " ".join(words[:cut])
    return None


def organisation_answer(
    question: str, ranked: Sequence[tuple[int, Hit]], *, past: bool
) -> Draft | None:
    """The organisation a "which company …?" question asks for, from the best-ranked memory
    that names one (see the module docstring), or None."""
    if not asks_organisation(question):
        return None
    verb = _verb(question)
    asked = {w.lower() for w in re.findall(r"[\w'’-]+", question)}
    texts = [(ref, strip_annotations(body_text(hit))) for ref, hit in ranked]

    def fresh(org: str | None) -> str | None:
        if org is None or all(w.lower() in asked for w in org.split()):
            return None
        return org if set(content_stems(org)) else None

    finders: list[Callable[[str], str | None]] = [lambda t: _found(_CALLED, t)]
    if past:  # "which studio did she work at before …?": the one she left
        finders.append(lambda t: _found(_FORMER, t))
    if verb is not None:
        finders.append(lambda t: _after_verb(t, *verb))
    finders.append(lambda t: _found(_SUFFIX, t))
    for finder in finders:
        for ref, text in texts:
            org = fresh(finder(text))
            if org is not None:
                return Draft(org, (ref,), False)
    return None
