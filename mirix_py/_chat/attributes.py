"""Abstaining when a typed attribute of a known thing is never stated.

"What breed is Tove's dog Biscuit?", "What is the title of Omar's thesis?", "What score
did Lena get on the driving test?": the thing (the dog, the thesis, the test) is in
memory, but the attribute asked for (its breed, its title, its score) may never have been
said. An extractive answerer then quotes the sentence about the thing ("has a dog named
Biscuit"), which answers nothing. :func:`attribute_missing` reads the attribute a question
asks for, finds the clauses of the context that mention the thing, and says True when
none of them holds a value of the attribute's type:

* ``title`` — a quoted span, a cue ("titled", "called", "the title is"), or a capitalised
  run right after the thing's noun ("my novel Salt Roads");
* ``score``/``grade`` — a number that is no date, year, time or amount of money (and,
  when the question names the thing by a code, "the B2 exam", one that follows that code
  rather than another: "passed B1 with 81, B2 next"), a result ("won two to one"), or a
  letter grade ("got a B+", "6B", "with distinction");
* ``breed`` — "breed", "mix", "cross", a known breed, or a word before the animal's noun
  that is no size, age or colour ("a Bernese mountain dog"), and, in lower case, opens a
  noun phrase (after "a", "my", a number or a capitalised word: not "places stress dogs");
* ``colour`` — a colour word;
* ``brand``/``model`` — a capitalised word not opening the clause or a code with digits.

A clause that names the thing by another code ("the B1 exam" for "the B2 exam") is about
that other thing. A question whose thing no clause mentions is left to the other rules
(the thing may be worded otherwise: "a greyhound" for "dog"), so only a known thing
without its attribute abstains. All of it is English sentence shape and general
vocabulary, no dataset's words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from mirix_py._chat.answer_text import strip_annotations
from mirix_py._chat.aspects import ASPECTS
from mirix_py._chat.cues import STOPWORDS, content_stems, stem
from mirix_py._text import UPPER

_ATTRIBUTES = r"breed|title|score|grade|colou?r|brand|model"
_ATTRIBUTE_Q = re.compile(
    rf"^\s*(?:what|which)\s+(?:(?P<a1>{_ATTRIBUTES})\b|(?:is|was|are|were|'s)\s+(?:the\s+"
    rf"(?P<a2>{_ATTRIBUTES})\s+of\b|{UPPER}[\w-]*(?:'s|’s|s'|s’)\s+(?:(?!job\b)[a-z]+(?:'s|’s)?\s+){{0,2}}?"
    rf"(?P<a3>{_ATTRIBUTES})\b))",
    re.I,
)
_CANONICAL = {"color": "colour"}
_ATTRIBUTE_STEMS = frozenset(
    stem(w) for w in "breed title score grade colour color brand model".split()
)

_CLAUSE_END = re.compile(r"[.!?;()]+(?:\s|$)|\n|\s[-–—•]\s|^\s*[-•]\s")

_QUOTED = re.compile(r"[\"“«*][^\"”»*]{2,}[\"”»*]|(?<!\w)['‘][^'’]{2,}['’](?!\w)")
_TITLE_CUE = re.compile(
    r"\b(?:titled|entitled|called|named|title\s+(?:is|was|will\s+be)|working\s+title)\b", re.I
)

_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_NUMBER = re.compile(r"(?<![\w.,/:$€£¥₹])\d+(?:[.,]\d+)?(?![\w:])")
_NOT_A_SCORE_AFTER = re.compile(
    rf"\s*(?:%\s*)?(?:(?:st|nd|rd|th)\b|(?:{_MONTHS})\b|(?:seconds?|minutes?|mins?|hours?|hrs?|"
    r"days?|nights?|weeks?|months?|years?|am|pm|o'clock|h)\b|[$€£¥₹]|(?:euros?|dollars?|"
    r"pounds?|pesos?|yen|kr|lei|cents?|k|kg|km|g|ml|l)\b)",
    re.I,
)
_NOT_A_SCORE_BEFORE = re.compile(rf"(?:\b(?i:{_MONTHS})|[$€£¥₹]|\b[A-Z]{{2,3}}\$?)\s*$")
_COUNT = r"(?:\d+|nil|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_RESULT = re.compile(rf"\b{_COUNT}\s*(?:-|–|:|to)\s*{_COUNT}\b", re.I)
"""A match result ("won 3-1", "lost two to nil", "2:1")."""
_LETTER_GRADE = re.compile(
    r"\b(?i:got|gets|get|received|earned|scored|grade[ds]?|mark(?:ed)?|with)\s+(?:an?\s+)?"
    r"[A-F][+-]?(?![\w])|(?<![\w])\d[a-cA-C]\+?(?![\w])|\b(?:distinction|merit|honou?rs|"
    r"cum\s+laude|first[\s-]class)\b",
)

_BREED_WORD = re.compile(r"\b(?:breed|mix|mixed|cross|purebred|pedigree|mutt|mongrel)\b", re.I)
_SPECIES = frozenset(
    "dog dogs puppy pup cat cats kitten rabbit bunny horse pony bird parrot fish hamster".split()
)
_SPECIES_STEMS = frozenset(stem(w) for w in _SPECIES)
_NOT_A_BREED = frozenset(
    """old new young little big small tiny huge large fat lazy cute sweet good bad sick other
    own first second elderly senior baby rescue rescued stray indoor outdoor family pet house
    adopted lovely beautiful gorgeous naughty crazy silly grumpy anxious shy friendly male
    female boy girl""".split()
)
_NOUN_PHRASE_OPENS = re.compile(
    r"(?:\b(?:a|an|the|my|our|his|her|their|your|this|that|these|those|two|three|\d+)|"
    rf"\b{UPPER}[\w-]*)\s+$"
)
"""What may come right before a lower-case breed word ("my ragdoll cat", "a Bernese mountain
dog"); a verb before a bare plural ("stress dogs") is no breed."""
_PETS = next(a for a in ASPECTS if a.name == "pet").values
_COLOURS = next(a for a in ASPECTS if a.name == "colour").values

_CODE = re.compile(r"\b(?=[\w-]*[A-Za-z])(?=[\w-]*\d)[\w-]{2,}\b")
_CAPITALISED = re.compile(rf"(?<=\s){UPPER}[\w'’-]+")


def asked_attribute(question: str) -> str | None:
    """The typed attribute ``question`` asks for ("What breed is …?" → ``breed``; "What is
    the title of …?" → ``title``), or None. A job title is no title of a work."""
    found = _ATTRIBUTE_Q.match(question)
    if found is None:
        return None
    word = (found.group("a1") or found.group("a2") or found.group("a3")).lower()
    if re.search(r"\bjob\s+title\b", question, re.I):
        return None
    return _CANONICAL.get(word, word)


def clauses(text: str) -> list[str]:
    """``text`` (without annotations) cut at sentence ends, semicolons, brackets and list
    dashes: "passed the A1 test with 78 points! next up B1" is two clauses; a colon stays
    inside its clause ("essay: got a B+")."""
    return [c.strip() for c in _CLAUSE_END.split(strip_annotations(text)) if c and c.strip()]


def _bound_code(clause: str, start: int) -> str | None:
    """The code a number at ``start`` belongs to: the last one before it in ``clause``
    ("passed N3 with 128 points"), else the first after it ("128 points on the N3")."""
    codes = list(_CODE.finditer(clause))
    before = [m for m in codes if m.end() <= start]
    after = [m for m in codes if m.start() > start]
    found = before[-1] if before else (after[0] if after else None)
    return found.group(0).lower() if found else None


def _score(clause: str, question: str) -> bool:
    asked = set(re.findall(r"\d+(?:[.,]\d+)?", question))
    codes = _codes(question)
    for m in _NUMBER.finditer(clause):
        value = m.group(0)
        if value in asked or re.fullmatch(r"(?:19|20)\d\d", value):
            continue
        bound = _bound_code(clause, m.start()) if codes else None
        if bound is not None and bound not in codes:
            continue  # "passed N3 with 128 points, next up N2": N3's score, not N2's
        if _NOT_A_SCORE_AFTER.match(clause, m.end()):
            continue
        if _NOT_A_SCORE_BEFORE.search(clause[: m.start()]):
            continue
        return True
    return _LETTER_GRADE.search(clause) is not None or _RESULT.search(clause) is not None


def _title(clause: str, nouns: frozenset[str]) -> bool:
    if _QUOTED.search(clause) or _TITLE_CUE.search(clause):
        return True
    return any(
        stem(m.group(1).lower()) in nouns
        for m in re.finditer(rf"\b([a-z]+)\s+(?:The\s+|A\s+)?{UPPER}", clause)
    )


def _breed(clause: str, nouns: frozenset[str]) -> bool:
    if _BREED_WORD.search(clause):
        return True
    for p in _PETS:
        if any(stem(m.group(0).lower()) not in _SPECIES_STEMS for m in p.finditer(clause)):
            return True  # a breed, not the animal's kind: "a beagle", "our Maine Coon"
    species = _SPECIES_STEMS | nouns
    for m in re.finditer(r"\b([A-Za-z-]+)\s+(?=([a-z]+)\b)", clause):
        modifier, noun = m.group(1).lower(), stem(m.group(2))
        if noun not in species or modifier in STOPWORDS or modifier in _NOT_A_BREED:
            continue
        if stem(modifier) in species or any(p.fullmatch(modifier) for p in _COLOURS):
            continue
        if m.group(1).islower() and not _NOUN_PHRASE_OPENS.search(clause[: m.start()]):
            continue  # "new places stress dogs": a verb before a bare noun, no breed
        return True  # "a Bernese mountain dog", "my ragdoll cat"
    return False


def _brand(clause: str, question: str) -> bool:
    asked = {w.lower() for w in re.findall(r"[\w'’-]+", question)}
    if any(m.group(0).lower() not in asked for m in _CODE.finditer(clause)):
        return True
    return any(
        m.group(0).lower().removesuffix("'s") not in asked for m in _CAPITALISED.finditer(clause)
    )


def _has_value(attribute: str, clause: str, question: str, nouns: frozenset[str]) -> bool:
    if attribute == "title":
        return _title(clause, nouns)
    if attribute in ("score", "grade"):
        return _score(clause, question)
    if attribute == "breed":
        return _breed(clause, nouns)
    if attribute == "colour":
        return any(p.search(clause) for p in _COLOURS)
    return _brand(clause, question)


def _codes(text: str) -> set[str]:
    """The codes with digits in ``text`` ("B2", "N3", "XR-7"), lower-cased."""
    return {m.group(0).lower() for m in _CODE.finditer(text)}


def _other_code(codes: set[str], clause: str) -> bool:
    """True when the question names a thing by a code ("the B2 exam") and ``clause`` names
    only another one ("passed the B1 exam with 81 points"): it is about that other thing."""
    said = _codes(clause)
    return bool(codes) and bool(said) and not codes & said


def attribute_missing(question: str, texts: Iterable[str], people: Iterable[str] = ()) -> bool:
    """True when ``question`` asks for a typed attribute of a thing (:func:`asked_attribute`)
    that clauses of ``texts`` mention while none of them states a value of that type (see
    the module docstring); ``people`` are the lower-cased names of the speakers and
    entities, which say whose the thing is, not what it is."""
    attribute = asked_attribute(question)
    if attribute is None:
        return False
    who = {stem(p) for p in people}
    thing = frozenset(content_stems(question)) - _ATTRIBUTE_STEMS - who
    if not thing:
        return False
    nouns = (
        frozenset(
            stem(w.lower())
            for w in re.findall(r"\b[a-z][\w-]*\b", question)
            if w.lower() not in STOPWORDS
        )
        & thing
    )
    codes = _codes(question)
    about = [
        c
        for t in texts
        for c in clauses(t)
        if thing & set(content_stems(c)) and not _other_code(codes, c)
    ]
    if not about:
        return False  # the thing is worded otherwise, or not in context: other rules judge
    return not any(_has_value(attribute, c, question, nouns) for c in about)
