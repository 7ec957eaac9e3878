"""When to say "not mentioned": the thing a question asks about is nowhere in context.

A question for one value about one thing — "What is the name of Priya's
partner?", "How much is the rent of Sofia's room?" — can only be answered by a
memory that talks about that thing (a partner, a rent). Retrieval always
returns *something* about the person, and an extractive answerer would then
name the wrong person or quote the wrong number. :func:`missing_subject` says
when the context does not talk about the question's subject (the question's
content words minus the people it names and the words that only say what kind
of answer is wanted: "name", "much", "many" …): no memory in context mentions
half of its words, or none mentions the thing possessed ("Sofia's *room*",
"the twins' nursery *teacher*": the last word of the run after the possessive).
Then the honest answer is an abstention.

Only value questions (names and quantities) are judged this way: for an open
question ("which city does she live in now?") the evidence often shares no word
with the question ("we moved to Portland"). One open form is judged too: "What is
Lena's *salary*?" asks for one attribute of one person, "How much is the *rent* of
…?" for one measure of one thing; when no memory in context mentions that attribute
or measure at all (:func:`possessed_missing`, :func:`measured_missing`), any
sentence or number quoted would be about something else. "How many episodes does <Name>
have?" is judged by the clauses that mention both the episodes and the name: when none
counts them (:func:`count_missing`), a number there labels them ("episodes 1–4") or counts
another thing's. Measured (round s20) on the 22 "how many" questions of the own set and blind
1–5 and on LOCOMO conversations 0–2: one abstention gained (blind 5), no correct answer lost.

Round s21: "What is the *registration* number of Dan's van?" asks an identifier of a kind
(registration, phone, door …); when no memory says that kind (:func:`identifier_missing`),
any number quoted is another (blind 4 abstention +1). A possessive of the assistant frames
the question ("In the assistant's sweep instructions, how much is a ticket?"): it names
no subject whose absence means abstaining (blind 6 procedure +1, a false abstention).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from mirix_py._chat.aspects import answered_aspects
from mirix_py._chat.attributes import clauses
from mirix_py._chat.cues import STOPWORDS, QuestionCues, content_stems, stem
from mirix_py._chat.said import framing_stems
from mirix_py._text import UPPER

_ASKING: frozenset[str] = frozenset(
    stem(w)
    for w in """name named call called much many number amount cost costs total
    exactly current currently now new latest""".split()
)
"""Words that say what kind of answer is wanted, not what it is about."""
_ANSWER_NOUNS: frozenset[str] = frozenset(
    stem(w)
    for w in """name title number address status level kind type reason reaction attitude
    opinion feeling view thought experience""".split()
)
"""Things possessed that name the form of the answer, which is seldom said in the
evidence ("Omar's job *title*" ← "promoted to head of logistics", "Ann's *reason* for
running" ← "running clears my head")."""

JUDGED_KINDS: frozenset[str] = frozenset({"name", "quantity"})
SUBJECT_SHARE = 0.5
_WHAT_IS_WHOSE = re.compile(
    rf"^\s*what\s+(?:is|are|was|were)\s+{UPPER}[\w-]*(?:'s|s'|’s|s’)\s", re.I
)
_THE_X_OF = re.compile(
    r"^\s*how\s+(?:much|many)\s+(?:is|are|was|were)\s+the\s+([a-z]+)\s+of\b", re.I
)
_POSSESSED = re.compile(r"(?:'s|s'|’s|s’)((?:\s+[A-Za-z][A-Za-z0-9]*)+)")
"""A possessive and the words after it; a word may hold digits after its first letter
("Ida's latest HbA1c", "Tom's B12 level"), as :func:`.cues.words` reads it."""


_ASSISTANTS = re.compile(r"\bassistant$", re.I)


def possessed_stem(question: str) -> str | None:
    """The stem of the thing possessed in ``question`` ("Hal's wife" → ``wife``): the
    last word of the run of content words after the first possessive, following a
    chain of possessives ("Ann's sister's husband", "my twins' nursery teacher"). A run
    ending in the question's asking verb ("How much did Ann's bike *cost*?") ends before it."""
    found = next(
        (
            m
            for m in _POSSESSED.finditer(question)
            if not _ASSISTANTS.search(question, 0, m.start())
        ),
        None,
    )  # "In the assistant's sweep instructions, how much is …?": a frame, not the subject
    if found is None:
        return None
    # the run ended in another possessive ("sister's", "twins'"): the thing is after it
    while (
        more := _POSSESSED.match(question, found.end())
        or (_POSSESSED.match(question, found.end() - 1) if found.group(1).endswith("s") else None)
    ) is not None:
        found = more
    run: list[str] = []
    for word in found.group(1).split():
        if word.lower() in STOPWORDS:
            break
        run.append(word.lower())
    while len(run) > 1 and stem(run[-1]) in _ASKING:
        run.pop()  # "did Ann's new bike cost": the question's own verb ends the run
    return stem(run[-1]) if run else None


def subject_stems(cues: QuestionCues, people: Iterable[str]) -> frozenset[str]:
    """The question's content stems that name what it is about (not who, not the
    kind of answer, nor the words framing it as what the assistant said:
    :func:`.said.framing_stems`); ``people`` are the lower-cased names of speakers and
    entities."""
    names = {stem(p) for p in people} | {stem(n.lower()) for n in cues.names}
    return frozenset(cues.stems - names - _ASKING - framing_stems(cues.text))


def missing_subject(
    subject: frozenset[str], texts: Iterable[str], possessed: str | None = None
) -> bool:
    """True when ``subject`` is non-empty and no text mentions ``SUBJECT_SHARE`` of its
    stems, or when no text mentions the ``possessed`` stem."""
    if not subject:
        return False
    seen: set[str] = set()
    best = 0
    for text in texts:
        stems = set(content_stems(text)) | answered_aspects(subject, text)
        seen |= stems
        best = max(best, len(subject & stems))
    if possessed is not None and possessed in subject and possessed not in seen:
        return True
    return best < SUBJECT_SHARE * len(subject)


def measured_missing(question: str, texts: Iterable[str]) -> bool:
    """True for "How much is the *rent* of …?" when no text mentions the thing measured;
    False for other questions ("What is the *purpose* of …?" names the form of an open
    answer, seldom said in the evidence)."""
    found = _THE_X_OF.match(question)
    if found is None:
        return False
    measured = stem(found.group(1).lower())
    if measured in _ANSWER_NOUNS or measured in _ASKING:
        return False
    return all(
        measured not in content_stems(text) and not answered_aspects({measured}, text)
        for text in texts
    )


def possessed_missing(question: str, texts: Iterable[str]) -> bool:
    """True for a "What is <someone>'s <thing> …?" question when no text mentions the
    thing (:func:`possessed_stem`); any other question is False."""
    if _WHAT_IS_WHOSE.match(question) is None:
        return False
    possessed = possessed_stem(question)
    found = _POSSESSED.search(question)
    first = stem(found.group(1).split()[0].lower()) if found else None
    if possessed is None or {possessed, first} & _ANSWER_NOUNS:
        return False  # "Jon's attitude towards …": the form of the answer, not a thing
    return all(
        possessed not in content_stems(text) and not answered_aspects({possessed}, text)
        for text in texts
    )  # an aspect is mentioned where its value is: "Lior's job" ← "works as a midwife"


_IDENTIFIER_Q = re.compile(
    rf"^\s*what(?:'s|’s|\s+is|\s+was)\s+(?:the|{UPPER}[\w-]*(?:'s|s'|’s|s’)|my|his|her|their|our)"
    r"\s+(?P<kind>[a-z]+)\s+(?:number|code|id|plate)\b",
    re.I,
)


def identifier_missing(question: str, texts: Iterable[str]) -> bool:
    """True for "What is the *registration* number of Dan's van?" (or "Dan's *phone*
    number", "the *door* code") when no text mentions the kind of identifier asked: a number
    quoted then is some other number. False for other questions."""
    found = _IDENTIFIER_Q.match(question)
    if found is None:
        return False
    kind = stem(found.group("kind").lower())
    if kind in _ASKING or kind in STOPWORDS:
        return False
    return all(kind not in content_stems(text) for text in texts)


_PER_UNIT_Q = re.compile(
    r"^\s*how\s+much\b.*\b(?:per\s+(?P<per>[a-z]+)|(?:an?|each)\s+(?P<unit>hour|day|week|"
    r"month|year|word|page|night|session|lesson|class|head|person|visit))\s*\??\s*$",
    re.I,
)
_NUMBER_WORDS = (
    r"(?:\d[\d.,]*|one|two|three|four|five|six|seven|eight|nine|ten|twenty|fifty|hundred)"
)
_RATE = re.compile(
    rf"\b{_NUMBER_WORDS}\b(?:\s+\S+){{0,3}}?\s*(?:(?:per|an?|each)\s+|/\s*)(?P<unit>[a-z]+)",
    re.I,
)


def rate_missing(question: str, texts: Iterable[str]) -> bool:
    """True for "How much does she charge per word?" when no text gives a number per that
    unit ("0.12 per word", "€40 an hour", "10 cents a word"); False for other questions. A
    number beside other words ("one invoice per client") answers something else."""
    found = _PER_UNIT_Q.match(question)
    if found is None:
        return False
    unit = stem((found.group("per") or found.group("unit")).lower())
    return not any(stem(m.group("unit").lower()) == unit for t in texts for m in _RATE.finditer(t))


_HOW_MANY = re.compile(
    r"^\s*how\s+many\s+(?:[a-z-]+\s+){0,2}?(?P<noun>[a-z-]+)\s+(?:does|do|did|has|have|had|will|"
    r"is|are|was|were)\s+(?P<rest>.+?)\s*\??\s*$",
    re.I,
)
_COUNT_WORD = (
    r"(?:\d+(?:[.,]\d+)*|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|"
    r"hundred|dozen|dozens|couple|several|few|no|zero|both)"
)
_SUBJECT = re.compile(r"(?:[A-Z][\w'’-]*\s*)+")
"""The capitalised run right after the question's verb: its subject ("does *Sky Forge*
have", "does *Ana's* band have"); "did the assistant tell Ana …" has none."""


def count_missing(question: str, texts: Iterable[str], speakers: Iterable[str] = ()) -> bool:
    """True for "How many <things> does <Name> have?" when the clauses that mention both the
    things and the named subject (the capitalised run right after the verb) give no count of
    them ("12 episodes", "a dozen episodes", "episodes: 12"): "lead role, episodes 1–4"
    labels episodes, it does not count them, and "16 episodes" said of another show counts
    that show's. A question naming no one, or whose
    things no clause mentions beside the name, is left to the other rules; so is a subject
    among ``speakers`` (lower-cased names of who speaks), who counts their own things as
    "I" ("booked 19 weddings so far")."""
    found = _HOW_MANY.match(question)
    if found is None:
        return False
    subject = _SUBJECT.match(found.group("rest"))  # "does Sky Forge have": who has them
    names = (
        {w.lower().removesuffix("'s").removesuffix("’s") for w in subject.group(0).split()}
        - STOPWORDS
        if subject
        else set()
    )
    if not names or names & {w for s in speakers for w in s.lower().split()}:
        return False
    noun = stem(found.group("noun").lower())
    said = rf"{re.escape(noun)}[\w-]*"  # "episod" → "episode", "episodes"
    counted = re.compile(
        rf"\b{_COUNT_WORD}\s+(?:(?!(?:per|each|every|of)\b)[\w'’-]+\s+){{0,3}}?{said}\b|\b{said}\s*[:=]\s*\d"
        rf"|\bnumber\s+of\s+{said}\s+(?:is|was|will\s+be|:)\s*\d",
        re.I,
    )
    about = [
        c
        for t in texts
        for c in clauses(t)
        if noun in content_stems(c) and names & {w.lower() for w in re.findall(r"[\w'’-]+", c)}
    ]
    if not about:
        return False
    return not any(counted.search(c) for c in about)
