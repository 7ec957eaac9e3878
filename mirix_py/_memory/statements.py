"""First-person statements as short facts about the speaker.

The pattern rules of :mod:`mirix_py._memory.fact_rules` read a handful of attribute
shapes ("I work as …", "my sister Ana …"). Most of what people say about
themselves has no such shape: "I just signed up for a pottery class", "we went
camping with the kids", "my kids love dinosaurs". Those clauses are what a
question about a person gathers ("what activities does X do?", "where has X
travelled?"), yet each sits inside a long turn among greetings and questions to
the other speaker, so a few such turns fill a context budget.

:func:`statement_facts` keeps, from each sentence a speaker states about
themselves, one clause rewritten in the third person: ``Maria: joined a gym
(with a resolved date when the turn carried one)``. Rules, all plain English:

- the sentence is a statement (no question, no wish or hypothetical: the caller
  skips those) whose subject, after leading interjections and a vocative, is
  ``I``, ``we`` or ``my``/``our`` + noun;
- it does not address the other person (``you``/``your``): those are replies
  ("I'm so proud of you"), not facts about the speaker;
- it carries at least :data:`MIN_CONTENT` content words that are not
  conversational glue (:data:`GLUE`) — "I'm so happy" is not a fact;
- the clause is cut at a dash, semicolon or a clause joined by "but"/"because",
  and after :data:`MAX_WORDS` words (at a comma when there is one), so the record
  stays a fraction of its turn.

A clause that opens with where the speaker lives ("I live in Denver and work as a
data engineer") gives no statement of that residence: the write rules keep it as
its own changeable fact (``lives in Denver``, slot ``residence``), which a later
move supersedes with history, while a statement, kept as said, is superseded by
nothing and went on saying "lives in Denver …" after the move. The clause joined
to it by "and" is the statement instead, with its own verb put in the third person
(``works as a data engineer``); an independent clause after it ("… and the commute
is short") is not about the speaker, so nothing is kept.

The verb after ``I`` is put in the third person (``am`` → ``is``, ``have`` →
``has``, ``love`` → ``loves``; past forms and modals unchanged); ``my``/``our``
become the speaker's name (``Maria's kids love nature``); a ``we`` clause keeps
its verb and is marked ``(with others)``.
"""

from __future__ import annotations

import re

from mirix_py._memory.extract_common import Turn, split_sentences, strip_annotations
from mirix_py._text import IRREGULAR_VERBS, LOWER, STOPWORDS, UPPER, words

STATEMENT = "statement"
"""The fact kind (and :attr:`SemanticMemory.aspect`) of a first-person statement."""

MAX_WORDS = 16
"""A clause is cut after this many words (at the last comma before, when there is one)."""
MIN_CONTENT = 2
"""A clause needs this many content words that are not conversational glue."""
MIN_TURN_WORDS = 12
"""Turns shorter than this are their own summary: no statement is taken from them."""

GLUE: frozenset[str] = frozenset(
    """hey hi hello bye thanks thank welcome wow yeah yes yep no nope ok okay oh ah aw
    ha haha lol hmm cool nice great awesome amazing wonderful fantastic incredible glad
    sorry congrats congratulations cheers good fun hear heard sound sounds seem seems
    totally definitely absolutely sure true right agree exactly indeed course luck care
    soon talk chat later mean means lot appreciate bet guess know think see yo gonna
    gotta wanna happy excited thrilled proud grateful thankful lucky blessed love loved
    feel felt feeling hope hoping wish believe agree appreciated inspiring inspired
    beautiful cute sweet special touching tough hard rough cool keep going doing
    stuff something anything everything always never sometimes lately recently""".split()
)
"""Words of conversational glue and bare sentiment: a clause needs other words too."""

_LEAD = re.compile(
    r"^(?:(?:oh|ah|aw+|wow|yeah|yes|yep|well|so|and|but|also|plus|haha|lol|ok(?:ay)?|hey|hi|"
    r"hello|honestly|actually|anyway|btw|thanks|thank you|sure|totally|definitely|absolutely)"
    r"\b[,!.]?\s+|" + UPPER + LOWER + r"+[,!]\s+)+",
    re.IGNORECASE,
)
_ADVERBS = frozenset(
    "just really also finally recently actually still always never usually often even "
    "totally definitely absolutely sometimes already currently now once again truly "
    "officially".split()
)
_SUBJECT = re.compile(r"^(?P<subj>I|We|My|Our)\b(?P<rest>.*)$", re.DOTALL)
_SETTING = re.compile(
    r"^(?:[^,;:!?]{1,40}),\s+(?=(?:I|We|My|Our)\b)|^(?:(?:just|last|this|earlier)\s+"
    r"(?:\w+\s+)?(?:week|weekend|month|year|night|morning|evening|summer|winter|spring|fall|"
    r"friday|saturday|sunday|monday|tuesday|wednesday|thursday)|(?:just\s+)?(?:yesterday|today|recently)|"
    r"lately|finally)\s+(?=(?:I|we|my|our)\b)",
    re.IGNORECASE,
)
_HYPOTHETICAL = re.compile(
    r"^(?:if|would|could|should|maybe|perhaps|imagine)\b|\b(?:would|wish|hope|hoping|if i|"
    r"pretend|someday|one day)\b",
    re.IGNORECASE,
)
_I_FORMS = {
    "'m": "is",
    "am": "is",
    "'ve": "has",
    "have": "has",
    "'ll": "will",
    "was": "was",
    "do": "does",
    "don't": "doesn't",
    "haven't": "hasn't",
    "'d": "",
}
_MODALS = frozenset(
    "can can't could couldn't should must might will won't didn't did wanna gonna gotta".split()
)
_INNER_I = {"m": "is", "ve": "has", "ll": "will", "d": "would"}
_PAST: frozenset[str] = frozenset(p for forms in IRREGULAR_VERBS.values() for p in forms) | {
    "put",
    "set",
    "cut",
    "let",
    "hit",
    "quit",
    "read",
    "had",
    "was",
    "were",
}
_CUT = re.compile(
    r"\s+[-–—]\s.*|;.*|,?\s+(?:but|because|though|although|so that|which|who|if|when|"
    r"while|until|unless|whereas)\s.*|,\s+(?:and\s+)?(?:i|we|it|that|this|they|he|she)\s.*",
    re.IGNORECASE | re.DOTALL,
)
_ADDRESSEE = re.compile(r"\b(?:you|your|yours|you're|you've|you'll|ya)\b", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"\[(?:stored in vault|redacted)", re.IGNORECASE)
"""A redacted value: the sentence is the vault's, not a fact to repeat."""
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'"})


def _third_person(verb: str) -> str:
    """``verb`` (a present-tense form after "I") in the third person singular."""
    low = verb.lower()
    if low in _MODALS or low in _PAST or low.endswith("ed") or not low.isalpha():
        return verb
    if re.search(r"(?:s|sh|ch|x|z|o)$", low):
        return verb + "es"
    if re.search(r"[^aeiou]y$", low):
        return verb[:-1] + "ies"
    return verb + "s"


def _inner_verb(word: str) -> str:
    """The word after an "I" inside a clause, in the third person when it is a verb form."""
    low = word.lower()
    if low in _I_FORMS:
        return _I_FORMS[low] or word
    return word if low in _ADVERBS else _third_person(word)


def _i_clause(rest: str) -> str | None:
    """The clause after "I" with its verb in the third person; None for "I'd" (a wish)."""
    contraction = re.match(r"^'(m|ve|ll|d)\b", rest)
    if contraction:
        form = _I_FORMS[f"'{contraction.group(1)}"]
        return f"{form}{rest[contraction.end() :]}".strip() if form else None
    tokens = rest.split()
    out: list[str] = []
    for index, token in enumerate(tokens):
        bare = token.strip(",")
        if bare.lower() in _ADVERBS:
            out.append(token)
            continue
        low = bare.lower()
        verb = _I_FORMS[low] if low in _I_FORMS else _third_person(bare)
        if not verb:
            return None
        return " ".join([*out, verb + token[len(bare) :], *tokens[index + 1 :]])
    return None


def _content_words(text: str, speaker: str) -> list[str]:
    own = {w for w in words(speaker)}
    return [w for w in words(text) if w not in STOPWORDS and w not in GLUE and w not in own]


_DANGLING = frozenset(
    "a an the of to for with and or but in on at by from as about into than that my our "
    "their his her its very so just".split()
)


def _clip(clause: str, speaker: str) -> str:
    """``clause`` cut after :data:`MAX_WORDS` words (date annotations not counted), at
    its last comma when that keeps most of it, without a dangling function word."""
    tokens = clause.split()
    kept: list[str] = []
    count = 0
    for token in tokens:
        in_note = "[" in "".join(kept).rsplit("]", 1)[-1]
        if not in_note and not token.startswith("["):
            count += 1
        if count > MAX_WORDS:
            break
        kept.append(token)
    if len(kept) < len(tokens):
        head = " ".join(kept)
        comma = head.rfind(",")
        kept = (head[:comma] if comma > len(head) // 2 else head).split()
    while kept and kept[-1].lower().strip(",") in {*_DANGLING, f"{speaker.lower()}'s"}:
        kept.pop()
    return " ".join(kept)


_RESIDENCE = re.compile(
    rf"^(?P<we>\(with others\)\s+)?(?:(?:just|still|now|currently)\s+)?(?:lives|live)\s+in\s+"
    rf"(?P<place>{UPPER}[\w'.-]*(?:\s+{UPPER}[\w'.-]*)*)(?:,\s*{UPPER}[\w'.-]*)?"
    r"(?:\s+(?:now|currently|these\s+days|at\s+the\s+moment))?(?P<rest>.*)$",
    re.DOTALL,
)
_AND_MORE = re.compile(r"^,?\s+and\s+(?:also\s+)?(?P<more>\S.*)$", re.DOTALL)
_OWN_SUBJECT = re.compile(
    r"^(?:the|a|an|this|that|these|those|it|its|it's|there|they|he|she|my|our|his|her|their|"
    r"i|we|everyone|everything|nothing|someone)\b",
    re.IGNORECASE,
)


_SPEAKER_LATER = re.compile(r"\b(?:I|we)\b")
_PREPOSITIONS = frozenset(
    "for in on at by from to with of about since after before during as than into".split()
)


def _without_residence(clause: str, lived: frozenset[str]) -> str | None:
    """``clause`` without a leading "lives in <Place>" when ``lived`` (the places the
    turn's facts say the speaker lives in) holds the place (see the module docstring):
    the clause joined to it by "and", its verb in the third person, or None when
    nothing about the speaker is left; any other clause as is."""
    m = _RESIDENCE.match(clause)
    if m is None or m.group("place") not in lived:
        return clause
    more = _AND_MORE.match(m.group("rest"))
    if more is None or _OWN_SUBJECT.match(more.group("more")):
        return None
    rest = more.group("more")
    if _SPEAKER_LATER.search(rest):  # "… and for years I have kept bees": its own subject
        return f"(with others) {rest}" if m.group("we") else rest
    if rest.split()[0].lower() in _PREPOSITIONS:  # "… and for work": no verb of the speaker's
        return None
    return f"(with others) {rest}" if m.group("we") else _i_clause(rest)


def statement(sentence: str, speaker: str, lived: frozenset[str] = frozenset()) -> str | None:
    """The third-person clause a first-person ``sentence`` states about ``speaker``
    (see the module docstring), or None when it states nothing about them; ``lived``
    are the places the turn's own facts say the speaker lives in."""
    text = sentence.translate(_APOSTROPHES).strip()
    text = _LEAD.sub("", text).strip()
    if _HYPOTHETICAL.search(text):
        return None
    text = _SETTING.sub("", text, count=1).strip()
    text = text[:1].upper() + text[1:]
    first = text.split(" ", 1)[0]
    if first[:1].isupper() and (first.lower() in _PAST or first.lower().endswith("ed")):
        text = f"I {first.lower()}{text[len(first) :]}"  # "Took a trip to Rome": "I" implied
    m = _SUBJECT.match(text)
    if m is None or text.endswith("?") or _ADDRESSEE.search(text) or _PLACEHOLDER.search(text):
        return None
    subj, rest = m.group("subj"), m.group("rest")
    rest = _CUT.sub("", rest).rstrip(" .!,:")
    owner = f"{speaker}'s"
    if subj == "I":
        clause = _i_clause(rest)
    elif subj == "We":
        rest = re.sub(
            r"^'(re|ve|ll)\b", lambda c: {"re": "are", "ve": "have", "ll": "will"}[c[1]], rest
        )
        clause = f"(with others) {rest.strip()}" if rest.strip() else None
    else:
        clause = f"{owner}{rest}" if rest.strip() else None
    clause = _without_residence(clause, lived) if clause else None
    if not clause:
        return None
    clause = re.sub(r"\b(?:my|our)\b", owner, clause, flags=re.IGNORECASE)
    clause = re.sub(r"\bI'(m|ve|ll|d)\b", lambda c: f"{speaker} {_INNER_I[c[1]]}", clause)
    clause = re.sub(r"\bI (\w+)\b", lambda c: f"{speaker} {_inner_verb(c[1])}", clause)
    clause = re.sub(r"\b(?:me|us|I)\b", speaker, clause)
    clause = re.sub(rf",\s+{UPPER}{LOWER}+$", "", clause)  # a closing vocative ("…, Mel")
    clause = re.sub(r"\bmyself\b", "themself", clause)
    clause = _clip(re.sub(r"\s+", " ", clause).strip(), speaker)
    if len(_content_words(strip_annotations(clause), speaker)) < MIN_CONTENT:
        return None
    return clause.rstrip(" ,")


def turn_statements(turn: Turn, speaker: str, lived: frozenset[str] = frozenset()) -> list[str]:
    """The clauses ``speaker`` states about themselves in ``turn`` (:func:`statement`),
    in order, each once; none for a short turn (it is as short as its facts). ``lived``
    are the places the turn's facts say the speaker lives in (``lives in Denver``)."""
    if len(strip_annotations(turn.text).split()) < MIN_TURN_WORDS:
        return []
    found = (statement(sentence, speaker, lived) for sentence in split_sentences(turn.text))
    return list(dict.fromkeys(c for c in found if c))
