"""Reading a question: what it asks for (cues), its content words, and text helpers.

Everything here is general-purpose English heuristics: question words ("when",
"how do I"), capitalised names, secret-seeking words, time expressions. Words
are lower-cased and Porter-stemmed so that "hiking" matches "hike".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from mirix_py._chat.acronyms import acronym_stems
from mirix_py._chat.aspects import answered_aspects
from mirix_py._chat.person import USER_NAME, third_person

# the shared tokenizer, stemmer and stop words, re-exported for the read path
from mirix_py._text import IRREGULAR_VERBS, NOT_AFTER_ABBREVIATION
from mirix_py._text import STOPWORDS as STOPWORDS
from mirix_py._text import stem as stem
from mirix_py._text import words as words

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")

_QUESTION_WORDS = frozenset(
    {
        "what",
        "when",
        "where",
        "who",
        "whom",
        "whose",
        "which",
        "why",
        "how",
        "did",
        "does",
        "do",
        "is",
        "are",
        "was",
        "were",
        "can",
        "could",
        "would",
        "should",
        "has",
        "have",
        "will",
        "tell",
        "please",
        "remind",
        "describe",
        "name",
        "list",
        "give",
        "show",
    }
)
_ASKED_NEXT = (
    r"(?=\s+(?:did|do|does|is|was|were|are|will|would|should|can|could|has|have|had|of|in|"
    r"on|for)\b|\s*[?,]|\s*$)"
)
"""After "what day"/"which year": the question goes on with a verb (or ends) when it asks
for a time; "which day trip did you recommend?" asks for a trip."""
_NOT_A_CLAUSE = (
    r"(?!\s+(?!(?:did|do|does|is|was|were|are|will|would|should|can|could|has|have|had)\b)"
    r"[^?,]*,\s*(?:what|which|who|whom|whose|where|how|why)\b)"
)
"""After a leading "when": not a clause then a comma and a question word. "When hanging the
shelves, which screws go first?" opens with a clause that sets the scene; the question is the
one after it ("When did she move, and to which town?" still asks when)."""
_WHEN = re.compile(
    rf"^\s*(?:(?:from|since|until|till)\s+when\b|when\b{_NOT_A_CLAUSE}|what\s+(?:date|day|time|year|month|week)\b{_ASKED_NEXT}|on\s+what\s+(?:dates?|day)\b|on\s+which\s+(?:dates?|day)\b(?!\s+of\s+the\b)|"
    rf"(?:for|by)\s+(?:what|which)\s+(?:dates?|day)\b{_ASKED_NEXT}|"
    rf"in\s+what\s+(?:year|month)\b|how\s+long\s+ago\b|which\s+(?:year|month|day|date)\b{_ASKED_NEXT})",
    re.I,
)
_HOWTO = re.compile(
    r"\b(?:how\s+(?:do|can|should|would|did)\s+(?:i|we|you)\b|how\s+to\b|steps?\s+(?:to|for)\b|"
    r"procedure|workflow|instructions?\s+(?:to|for)\b|process\s+for\b|recipe\s+for\b)",
    re.I,
)
_SECRET = re.compile(
    r"\b(?:password|passcode|passphrase|pin|api[\s_-]?key|token|secret|credential|combination|"
    r"combo|(?:door|gate|alarm|lock|garage|safe|security|locker|entry|keypad|access)\s+code|(?:access|secret|license|licence|product|recovery)\s+key|"
    r"login|ssn|social\s+security|account\s+number|card\s+number|iban|routing\s+number|"
    r"licen[cs]e\s+(?:number|plate)|passport\s+number|wifi|wi-fi|door\s+code|access\s+code|"
    r"phone\s+number|address|e-?mail)\b",
    re.I,
)
_RESOURCE = re.compile(
    r"\b(?:document|doc|file|pdf|link|url|article|paper|spreadsheet|slides?|notes?|"
    r"code|snippet|repo(?:sitory)?|page|report)\b",
    re.I,
)
_RECENT = re.compile(
    r"\b(?:now|current(?:ly)?|latest|most\s+recent(?:ly)?|recently|still|these\s+days)\b", re.I
)
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_TIME_EXPRESSION = re.compile(
    r"\b(?:yesterday|today|tonight|tomorrow|last\s+(?:night|week|weekend|month|year|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|spring|summer|fall|autumn|winter)|"
    r"this\s+(?:morning|afternoon|evening|week|weekend|month|year|past)|next\s+(?:week|month|year)|"
    r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|few|couple(?:\s+of)?|\d+)\s+"
    r"(?:days?|weeks?|months?|years?)\s+(?:ago|back|earlier|before)|ago|recently|"
    r"(?:19|20)\d{2}|" + _MONTHS + r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"weekend|\d{1,2}(?:st|nd|rd|th)\b)",
    re.I,
)
_SEVERAL = re.compile(
    r"\b(?:how\s+many|both|in\s+common|(?:what|which)\s+(?:are\s+)?(?:some|all)\b|"
    r"(?:what|which)\s+(?:kinds|types|sorts|ways)\s+of\b|\bnames\s+of\b|"
    r"(?:what|which)\s+people\b)",
    re.I,
)
_WHAT_HEAD = re.compile(r"^\s*(?:what|which)\s+([A-Za-z+/-]+)(?:\s+([A-Za-z]+))?", re.I)
_NOT_PLURAL = frozenset(
    "does has was is us this its his hers yours ours theirs always perhaps news".split()
)
_SENTENCE = re.compile(
    r"(?<=[.!?])" + NOT_AFTER_ABBREVIATION + r"\s+(?=[\"'“A-Z0-9*•-])"
    r"|\s*\n\s*(?=[-•*]\s|\*\*|\d{1,2}[.)]\s|(?i:step)\s*\d)"
)
"""A sentence ends at a full stop (not after a title: "Dr.") before a capital, a digit, a
quote or a list marker, and at a line break before a list item ("Our plan:\n1. …", "…
note.\n- **Bayati** …")."""


def content_stems(text: str) -> list[str]:
    """Stems of the content words of ``text`` (stopwords dropped), in order."""
    return [stem(w) for w in words(text) if w not in STOPWORDS and len(w) > 1]


def stem_share(stems: frozenset[str], text: str) -> float:
    """The share of ``stems`` (a question's topic) among the content stems of ``text``; an
    irregular past counts as its verb ("what did she teach?" ← "she taught maths"), and an
    aspect counts as said where its value is ("job" ← "works as a midwife",
    :mod:`mirix_py._chat.aspects`), and words as said where their acronym is ("personal
    best" ← "new pb", :mod:`mirix_py._chat.acronyms`)."""
    if not stems:
        return 0.0
    irregular = irregular_stems() | unit_stems()
    said = {irregular.get(s, s) for s in content_stems(text)} | answered_aspects(stems, text)
    said |= {irregular.get(s, s) for s in acronym_stems(stems, text)}  # "pb": personal best
    return sum(1 for s in stems if irregular.get(s, s) in said) / len(stems)


_UNITS = {
    "kilogram": "kg kgs kilo kilos kilograms kilogramme kilogrammes",
    "gram": "grams gramme grammes",
    "kilometre": "km kms kilometres kilometer kilometers",
    "metre": "metres meter meters",
    "centimetre": "cm cms centimetres centimeter centimeters",
    "millimetre": "mm millimetres millimeter millimeters",
    "litre": "litres liter liters ltr",
    "millilitre": "ml millilitres milliliter milliliters",
    "pound": "lb lbs pounds",
    "ounce": "oz ounces",
    "hour": "hr hrs hours",
    "minute": "min mins minutes",
}
"""Units of measure and their abbreviations and spellings ("kg" for "kilograms")."""


@cache
def unit_stems() -> dict[str, str]:
    """The stem of each abbreviation or spelling of a unit mapped to its unit's stem ("kg",
    "kilos" → "kilogram"), so that "how many kilograms …?" finds "2 kg"."""
    return {stem(form): stem(unit) for unit, forms in _UNITS.items() for form in forms.split()}


@cache
def irregular_stems() -> dict[str, str]:
    """The stems of irregular past forms mapped to their verbs' stems ("taught" → "teach")."""
    return {
        stem(form): stem(base)
        for base, forms in IRREGULAR_VERBS.items()
        if base not in _LIGHT_VERBS
        for form in forms
    }


_LIGHT_VERBS = frozenset("go get make take come give have do".split())
"""Verbs that carry little meaning of their own ("went to", "got a", "made it", "took part"):
their past forms would tie a question to nearly every memory."""


def has_time_expression(text: str) -> bool:
    """True if ``text`` mentions a time: a date, month, weekday, year, "last week", "ago" …"""
    return _TIME_EXPRESSION.search(text) is not None


def sentences(text: str) -> list[str]:
    """Split ``text`` into sentences (keeps each sentence's punctuation)."""
    parts = [p.strip() for p in _SENTENCE.split(text) if p.strip()]
    return parts or [text.strip()]


@dataclass(frozen=True)
class QuestionCues:
    """What a question is about and what kind of answer it wants."""

    text: str
    keywords: tuple[str, ...]
    stems: frozenset[str]
    names: tuple[str, ...]
    is_when: bool = False
    is_howto: bool = False
    asks_secret: bool = False
    asks_resource: bool = False
    asks_recent: bool = False
    asks_several: bool = False
    """The question asks for several things (a list, a count, what two people share):
    its evidence is spread over many memories rather than one."""
    labels: tuple[str, ...] = field(default=())
    asked: str = ""
    """The question as asked when ``text`` is its third-person reading (:mod:`.person`),
    else empty."""

    @property
    def name_stems(self) -> frozenset[str]:
        """The stems of the names of the people the question asks about."""
        return frozenset(stem(w) for name in self.names for w in words(name))

    @property
    def topic_stems(self) -> frozenset[str]:
        """The question's content stems without the asked names (every message about a
        person names them, so they say nothing of the topic)."""
        return self.stems - self.name_stems

    @property
    def keyword_query(self) -> str:
        """The question reduced to its content words (for the full-text side)."""
        return " ".join(self.keywords) or self.text


def asks_for_several(question: str) -> bool:
    """True when ``question`` asks for several things rather than one: a count ("how
    many times …"), what people share ("both", "in common"), or a plural thing after
    "what"/"which" ("what books has …", "which cities …", "what are some …")."""
    if _SEVERAL.search(question):
        return True
    head = _WHAT_HEAD.match(question)
    if head is None:
        return False
    first, second = head.group(1).lower(), (head.group(2) or "").lower()
    if _plural(first):
        return True
    return first not in _QUESTION_WORDS and first not in STOPWORDS and _plural(second)


def _plural(word: str) -> bool:
    """A plural noun, roughly: a longer word ending in "s" (not "ss", "us", "is")."""
    return (
        len(word) > 3
        and word.endswith("s")
        and not word.endswith(("ss", "us", "is"))
        and word not in _NOT_PLURAL
    )


def read_question(question: str, user: str = USER_NAME) -> QuestionCues:
    """Extract the cues of a question (see :class:`QuestionCues`).

    A question in the first or second person is read in the third person first
    ("where do I live?" → "where does User live?", :mod:`.person`), so the rules
    that find the person asked about work for an unnamed user and the assistant;
    ``user`` is the asker's stored name when known ("where does Sam live?").
    """
    asked = question
    question = third_person(question, user)
    raw_tokens = _WORD.findall(question)
    names: list[str] = []
    for index, token in enumerate(raw_tokens):
        bare = token.removesuffix("'s").removesuffix("’s").rstrip("'’")
        lowered = bare.lower()
        if not bare[:1].isupper() or lowered in STOPWORDS or lowered in _QUESTION_WORDS:
            continue
        if index == 0 and lowered in _QUESTION_WORDS:
            continue
        if bare.upper() == bare and len(bare) <= 1:
            continue
        names.append(bare)
    keywords = [
        w for w in words(question) if w not in STOPWORDS and w not in _QUESTION_WORDS and len(w) > 1
    ]
    is_when = _WHEN.search(question) is not None
    is_howto = _HOWTO.search(question) is not None
    asks_secret = _SECRET.search(question) is not None
    asks_resource = _RESOURCE.search(question) is not None
    asks_recent = _RECENT.search(question) is not None
    asks_several = asks_for_several(question)
    labels = [
        label
        for label, on in (
            ("when", is_when),
            ("howto", is_howto),
            ("secret", asks_secret),
            ("resource", asks_resource),
            ("recent", asks_recent),
            ("several", asks_several),
        )
        if on
    ]
    labels.extend(f"name:{n}" for n in dict.fromkeys(names))
    return QuestionCues(
        text=question,
        keywords=tuple(dict.fromkeys(keywords)),
        stems=frozenset(stem(w) for w in keywords),
        names=tuple(dict.fromkeys(names)),
        is_when=is_when,
        is_howto=is_howto,
        asks_secret=asks_secret,
        asks_resource=asks_resource,
        asks_recent=asks_recent,
        asks_several=asks_several,
        labels=tuple(labels),
        asked=asked if asked != question else "",
    )
