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
_SET_ASIDE = 0.3
_REPLACEMENT = 0.5  # the whole sentence, whose list of replacements may span its clauses
_CLAUSE = re.compile(r"\s*(?:(?<!\d)[,;:]|[,;:](?!\d)|\s-\s|—|\bbut\b|\bso\b)\s*", re.I)
"""A clause boundary; a comma or colon inside a number ("3,000,000 won", "1:42:17") is none."""


def _clauses(sentence: str) -> list[str]:
    """The clauses of ``sentence`` of three words or more; a shorter piece that holds a
    number stays with the clause before it ("new personal best today, 24:10!"), since a
    value said after a comma is what that clause is about."""
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
    if aside:
        topic = topic - aside
    for sentence in dict.fromkeys([*_with_values(sentences(text)), *chat_parts, *items]):
        clauses = _clauses(sentence) or [sentence]
        heading = intro if sentence in items else ""  # a list's intro applies to each item
        for candidate in dict.fromkeys([sentence, *clauses]):
            coverage = stem_share(topic, candidate)
            if heading:  # half credit for what only the list's intro says
                coverage += 0.5 * (stem_share(topic, f"{heading} {candidate}") - coverage)
            novel = {s for s in content_stems(candidate) if s not in cues.stems}
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
            if quote_asked and _QUOTED.search(candidate):
                score += 0.5  # "what example sentence …?" is answered by the quoted one
            if score > best_score:
                best, best_score = candidate.strip(), score
            if advised and coverage > 0 and score > advice[1] and recommendation(candidate):
                advice = (candidate.strip(), score)
    if advice[0]:  # "which account did you suggest?" ← "My suggestion: … your own ISK …"
        return advice[0], best_score
    return best, best_score
