"""The best supporting span of a memory: the sentence or clause that answers a question."""

from __future__ import annotations

import re
from collections.abc import Sequence

from mirix_py._chat.answer_text import utterances
from mirix_py._chat.cues import (
    QuestionCues,
    content_stems,
    has_time_expression,
    sentences,
    stem_share,
)
from mirix_py._chat.items import list_items
from mirix_py._chat.said import (
    asks_recommendation,
    names_replacement,
    only_set_aside,
    recommendation,
    set_aside_stems,
)

_ASKED = 1.0
_ADVICE = 0.2
_SET_ASIDE = 0.3
_REPLACEMENT = 0.5  # the whole sentence, whose list of replacements may span its clauses
_CLAUSE = re.compile(r"\s*(?:;|(?<!\d)[,:]|[,:](?!\d)|\s-\s|—|\bbut\b|\bso\b)\s*", re.I)
"""Where a clause ends; a comma or colon inside a number ("2,100,000", "1:37:48") ends none."""


def _clauses(sentence: str) -> list[str]:
    """The clauses of ``sentence`` of three words or more; a shorter piece that holds a
    number stays with the clause before it ("new personal best today, 24:10!"), since a
    value said after a comma is what that clause is about. A list item of several
    sentences gives each sentence and its clauses: no clause runs across a sentence end
    ("… the hatch itself. Wear a mask")."""
    parts = _with_values(sentences(sentence))  # "I finished! 2 hours 4 minutes." stays one
    if len(parts) > 1:
        whole = [p for p in parts if len(p.split()) >= 3]
        return list(dict.fromkeys([*whole, *(c for p in parts for c in _clauses(p))]))
    bounds: list[tuple[int, int]] = []
    start = 0
    for sep in _CLAUSE.finditer(sentence):
        if sentence.count("(", 0, sep.start()) > sentence.count(")", 0, sep.start()):
            continue  # a list in brackets is one piece: "translator (Norwegian, English)"
        bounds.append((start, sep.start()))
        start = sep.end()
    bounds.append((start, len(sentence)))
    merged: list[tuple[int, int]] = []
    for lo, hi in bounds:
        piece = sentence[lo:hi]
        if merged and len(piece.split()) < 3 and any(ch.isdigit() for ch in piece):
            merged[-1] = (merged[-1][0], hi)
        else:
            merged.append((lo, hi))
    return [sentence[lo:hi] for lo, hi in merged if len(sentence[lo:hi].split()) >= 3]


_VALUE_FRAGMENT = re.compile(r"^[^\s?]*\d[^?]*$")


def _with_values(parts: Sequence[str]) -> list[str]:
    """``parts`` (sentences) with a short number fragment joined to the sentence before it
    ("I finished the half marathon! 2 hours 4 minutes."): the value said next is what that
    sentence is about, as for a short clause after a comma (:func:`_clauses`)."""
    out: list[str] = []
    for part in parts:
        if out and len(part.split()) <= 4 and _VALUE_FRAGMENT.match(part) and out[-1][-1] != "?":
            out[-1] = f"{out[-1]} {part}"
        else:
            out.append(part)
    return out


_QUOTE_Q = re.compile(
    r"\b(?:what|which)\s+(?:\w+\s+)?(?:sentence|phrase|quote|quotation|saying|slogan|motto|"
    r"line|wording)\b",
    re.I,
)


_QUOTED = re.compile(r"[\"“][^\"“”]{3,}?\s[^\"“”]{3,}?\s[^\"“”]*[\"”]")
"""A quoted passage of three words or more: the answer to "what sentence/phrase …?"."""


_HOW_OFTEN_Q = re.compile(r"\bhow\s+(?:often|frequently)\b", re.I)
_FREQUENCY = re.compile(
    r"\b(?:(?:once|twice|\w+\s+times)\s+(?:a|an|per|each|every)\s+\w+|"
    r"every\s+(?:other\s+)?(?:\d+\s+)?\w+|daily|weekly|fortnightly|monthly|yearly|hourly)\b",
    re.I,
)


_FRAME = re.compile(
    r"^\s*(?:according\s+to|in|from|as\s+per|per|based\s+on)\s+(?P<frame>[^,?]{1,80}?),\s*\S",
    re.I,
)
_FRAMED_BY = re.compile(r"\b(?:assistant|bot|you|your|according)\b", re.I)


def frame_stems(question: str) -> frozenset[str]:
    """The stems of a leading frame that says which reply a question is about, not what it
    asks: "*According to the assistant's mastitis plan*, what was the first step …?", "*In
    your packing list*, how many …?". They find the reply; the span inside it is chosen by
    the rest of the question."""
    found = _FRAME.match(question)
    if found is None or _FRAMED_BY.search(question, 0, found.end("frame")) is None:
        return frozenset()
    return frozenset(content_stems(found.group("frame")))


_WHICH_NOUN = re.compile(
    r"\b(?:which|what)\s+(?:kind\s+of\s+|type\s+of\s+|sort\s+of\s+)?(?P<noun>[a-z]{3,})\b",
    re.I,
)
_NOT_NOUNS = frozenset(
    "did does do was were is are has had will would should could can may might".split()
)
_NAMING = 0.3


_ONE_CHARACTER = re.compile(r"(?<![\w'’])(?![AI]\b)[A-Z0-9](?![\w'’])")
"""A one-character name or number ("Part *D*", "gate *4*"): an answer, though too short to
be a content word ("I" and "A" are pronoun and article)."""
_HEAD = 0.1
_NOUN_PHRASE = re.compile(
    r"\b(?:which\s+|what\s+(?:kind|type|sort)\s+of\s+)"
    r"(?!(?:did|does|do|was|were|is|are|has|had|will|would|should|could|can|may|might)\b)"
    r"(?P<words>(?:[a-z]{3,}\s+){0,2}?[a-z]{3,})"
    r"(?=\s+(?:did|does|do|was|were|is|are|has|had|will|would|should|could|can|of|in|on|"
    r"for|to|at|from|with)\b)",
    re.I,
)


def asked_head(question: str) -> str | None:
    """The stem of the noun a "which …" or "what kind of …" question asks for: "what kind
    of *collar* did …", "which housing *option* did …" (one of that kind is the answer);
    None when there is none. "What filling did she want?" names what it asks about, and
    is left to the question's other words."""
    found = _NOUN_PHRASE.search(question)
    if found is None:
        return None
    last = found.group("words").split()[-1].lower()
    if last in _NOT_NOUNS:
        return None
    stems = content_stems(last)
    return stems[0] if stems else None


def _common_words(text: str) -> str:
    """The words of ``text`` not written with a capital: the asked noun inside a name
    ("Harbour City" for "which city …?") says nothing of its kind."""
    return " ".join(w for w in text.split() if not w[:1].isupper())


def naming_pattern(question: str) -> re.Pattern[str] | None:
    """For "which *rhythm* …?", the shape of a span that names one: "the *rhythm called*
    samai", "a *breed named* …", "a *dance known as* …"; None for a question that asks for
    no kind of thing by name."""
    found = _WHICH_NOUN.search(question)
    if found is None or found.group("noun").lower() in _NOT_NOUNS:
        return None
    noun = re.escape(found.group("noun").lower().removesuffix("s"))
    return re.compile(rf"\b{noun}(?:s|es)?\s+(?:called|named|known\s+as)\s", re.I)


def best_span(cues: QuestionCues, topic: frozenset[str], text: str) -> tuple[str, float]:
    """The sentence, clause or list item of ``text`` that best answers the question, and
    its score: coverage of ``topic`` plus words the question does not already say. Asked
    what the assistant suggested, the span giving the speaker's own recommendation about
    the topic ("My suggestion: …") is the answer, with the text's best score."""
    best, best_score = text.strip(), -1.0
    quote_asked = _QUOTE_Q.search(cues.text) is not None
    how_often = _HOW_OFTEN_Q.search(cues.text) is not None
    items = list_items(text)
    intro = text[: text.find(items[0][:20])] if items else ""
    chat_parts = _with_values(utterances(text))
    aside = set_aside_stems(cues.text)  # "… instead of the Samaria gorge?": not the answer
    advised = asks_recommendation(cues.text)
    advice = ("", -9.0)  # the best span giving the speaker's own recommendation
    opening = _with_values(sentences(text))[0] if text.strip() else ""
    if aside:
        topic = topic - aside
    topic = (topic - frame_stems(cues.text)) or topic  # the frame names the reply, not the span
    naming = naming_pattern(cues.text)
    head = asked_head(cues.text)
    asked_tokens = set(cues.text.split())
    for sentence in dict.fromkeys([*_with_values(sentences(text)), *chat_parts, *items]):
        clauses = _clauses(sentence) or [sentence]
        # a list's intro applies to each item, and an item's head to each of its sentences
        heading = f"{intro} {sentence}" if sentence in items else ""
        for candidate in dict.fromkeys([sentence, *clauses]):
            coverage = stem_share(topic, candidate)
            if heading:  # half credit for what only the list's intro says
                coverage += 0.5 * (stem_share(topic, f"{heading} {candidate}") - coverage)
            novel = {s for s in content_stems(candidate) if s not in cues.stems}
            if not novel:  # "Part D is the drug cover": the letter is what is new
                novel = {t for t in _ONE_CHARACTER.findall(candidate) if t not in asked_tokens}
            score = coverage + (0.05 * min(len(novel), 4) if novel else -0.3)
            score -= 0.004 * len(candidate.split())
            if sentence.rstrip().endswith("?"):
                score -= _ASKED  # a question repeats the words asked, it does not answer them
            if aside and only_set_aside(candidate, aside):
                score -= _SET_ASIDE  # the thing the question sets aside is not what it asks
            if aside and candidate == sentence and names_replacement(candidate, aside):
                score += _REPLACEMENT  # "… choose oat porridge instead of the muffin"
            if cues.is_when and has_time_expression(candidate):
                score += 0.2
            if how_often and _FREQUENCY.search(candidate):
                score += 0.2  # "how often …?" is answered by a frequency ("once a week")
            if naming is not None and naming.search(candidate):
                score += _NAMING  # "which rhythm …?" ← "… in the rhythm called samai"
            if head and head in content_stems(_common_words(candidate)):
                score += _HEAD  # "what kind of collar …?" ← "use a martingale collar"
            if quote_asked and _QUOTED.search(candidate):
                score += 0.5  # "what example sentence …?" is answered by the quoted one
            if score > best_score:
                best, best_score = candidate.strip(), score
            leads = sentence == opening  # a reply's opening verdict answers what was asked
            if (
                advised
                and (coverage > 0 or leads)
                and score > advice[1]
                and recommendation(candidate)
            ):
                advice = (candidate.strip(), score)
    if advice[0]:  # "which account did you suggest?" ← "My suggestion: … your own ISK …"
        return advice[0], best_score + _ADVICE  # over a message that only lists the options
    return best, best_score
