"""Query-focused excerpts of long memories: more distinct evidence per token.

A long message — an assistant's plan, a recipe, a list of suggestions — costs the
context budget of ten short ones, while a question usually needs one or two of its
sentences. :func:`excerpt` keeps, of a long text, the parts that say a word of the
question's topic, and marks what was left out with an ellipsis (``…``):

- Parts are sentences, and each item of a list written in the text ("1) …",
  "- **Tuesday:** …") is one part, whatever its sentences.
- A part is kept when it shares a content stem with the question's topic (the
  question's words, not the names of the people talking): the sentence that made
  the memory rank is never dropped. The first sentence is always kept: it says what
  the text is about, and a reply's first sentence is often its direct answer
  ("Usually 10 to 14 days. Meanwhile: …").
- A part that says a word of the turn right after the text, when that turn ranks among
  the best ("we'll take the glass studio" after a list of options), is kept too: the
  follow-up picked it (:mod:`mirix_py._chat.follow_ups`).
- An excerpt says at least :data:`EXCERPT_MIN_WORDS` content words of its text: the
  parts nearest the on-topic ones are added until it does, so a sentence is not shown
  without what it is part of.
- A kept sentence that leans on the one before it (it starts with "It", "That",
  "They", "So", …) keeps that one too; and a sentence that leans on an on-topic one
  is kept with it ("I went to a workshop. They talked about …": what it was about).
- A list stays whole when the question asks for an item by its place ("the third
  step") or for how to do something, when the words introducing the list say a
  word of the topic ("Here are some classics:" for "which classics did you
  suggest?"), or when the question asks for several things ("what are some …?",
  not a count) and an item is on topic.
- Nothing that the assistant said is cut for a question that names the assistant
  ("what did you suggest …?", "how many drinks did you allow?"), and nothing a speaker
  of the conversation said for a question that asks what that speaker said by their
  name ("according to Nico, …?", "what did Nico recommend …?"): their replies are then
  the evidence asked for, not the context. The other side's long turns are cut as for
  any question: shown whole, the user's long messages around the reply asked for took
  the room of that reply.
- A short text is kept whole (:data:`EXCERPT_MIN_CHARS`), and so is a text none of
  whose parts says a topic word (it ranked for another reason, say its meaning or
  its session: cutting it would drop what made it rank), or one whose excerpt would
  not save enough (:data:`EXCERPT_MAX_SHARE`).

An excerpt is *strong* when one of its parts says most of the topic
(:func:`strong_match`): the sentence that made the text rank is likely shown. The
context (:mod:`mirix_py._chat.compose`) packs a weak excerpt — parts that each say one
common word of the question — after the memories shown whole.

Everything here is sentence and list shape plus word overlap with the question;
nothing depends on a conversation's wording.

Measured (2026-12-02, ``--resume`` re-asks): keeping only the asked speaker's turns
whole (before, nothing was cut for such a question) took blind set 5's assistant-said
evidence recall from 0.938 to 1.000. The LOCOMO dev file (1,035 questions) and blind
sets 1–3 and the own set answered every question as before: their turns are seldom
this long.

Measured and dropped (2026-12-02; LOCOMO dev conversations 0–2, ``python -m
evals.coverage_gaps``): for a question asking for several things, excerpting texts from
240 characters (instead of :data:`EXCERPT_MIN_CHARS`) so that more turns fit. With
:data:`EXCERPT_MIN_WORDS` at 20 nothing changes (a turn that short keeps every part);
with 10 words multi-hop coverage fell 0.7813 → 0.7746 (pooled 0.8657 → 0.8644): in a
chat turn the sentence that answers a list question seldom says its words ("they spent
the whole day at the aquarium" for what someone's children enjoy). On all seven
conversations the parts excerpting or condensing leave out of shown turns hold 0.001
of multi-hop and open-domain coverage.

Estimated (s21, offline, not built): showing the ranking's tail for a list question as
only the sentences that name things (:func:`mirix_py._chat.named_items.named_things`).
On LOCOMO dev conversation 0 (``python -m evals.context_audit --dump``; its 45 multi-hop
and open-domain questions), the episodic memories ranked but not shown hold 0.107 gold
tokens not already shown per 1,000 characters whole (38 in 354,033 characters) and 0.119
in their thing-naming sentences alone (18 in 150,771): hardly denser than the whole
turns, so the room such cuts free would buy little.

Measured and dropped (2026-12-02): placing a long text left whole that says the topic
only in passing (no part says most of it) like a weak excerpt, at half its score. On
blind set 5, the dev set it was built on, it took knowledge-update evidence recall from
0.928 to 0.966 (coverage 0.894 → 0.917), multi-hop 0.930 → 0.974, temporal 0.979 →
1.000; on the held-out blind set 4 (``--resume`` on the same ingest, with and without
the rule) it lost multi-hop coverage 0.625 → 0.583 (below hybrid's 0.625), temporal
0.979 → 0.958, evidence recall 0.982 → 0.975 (multi-hop 0.958 → 0.931, temporal
1.000 → 0.969): a long turn that names the topic once is often the one that answers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mirix_py._chat.cues import QuestionCues, content_stems, sentences, stem, words
from mirix_py._chat.items import list_spans, ordinal_asked
from mirix_py._text import UPPER

EXCERPT_MIN_CHARS = 500
"""A text shorter than this (about 125 tokens: more than a chat turn of a few sentences)
is always shown whole. In a short turn the sentences around the one that says the
question's words often carry the answer ("I went to a workshop. They talked about
…"); measured on LOCOMO's turns, cutting texts from 240 characters on lost answer
words and evidence, while long replies (plans, lists) lose little."""
EXCERPT_MIN_WORDS = 20
"""An excerpt says at least this many distinct content words of its text: the parts
around the on-topic ones are added, nearest first (:func:`_grown`). A sentence lifted
alone out of a long message loses what it is about (the plan it is a step of, the
offer it answers); twenty content words also carry the message for evidence recall
(``evals.metrics.CARRY_MIN_WORDS``), while an excerpt stays a few lines of a long
text."""
EXCERPT_MAX_SHARE = 0.7
"""An excerpt longer than this share of its text is not worth the gap: the text is whole."""
GAP = "…"
"""The mark left where parts of a text were left out."""

_PARTIES = ("user", "assistant")
"""How a question names the two sides of a chat once read in the third person."""
_ASKS_REPLY = re.compile(r"\bassistant\b", re.I)
"""A question that names the assistant ("what did the assistant suggest …", "how many
drinks did the assistant allow …", as :mod:`.person` reads "… did you …"): it asks
about the exchange, and the assistant's replies are the evidence asked for."""
_SAID_BY = re.compile(
    rf"\b(?i:according\s+to)\s+(?P<by>{UPPER}[\w'’-]*)|"
    rf"\b(?i:did|does|do|has|had|would|will|should)\s+(?P<who>{UPPER}[\w'’-]*)\s+"
    r"(?:first\s+|originally\s+|initially\s+|once\s+)?"
    r"(?:say|said|suggest|recommend|advise|tell|mention|propose|explain|warn|"
    r"note|point\s+out|list|estimate|quote|prescribe)\b"
)
"""A question about what someone said, naming them ("according to Nico", "did Nico
suggest"): when the name is a speaker's, their replies are the evidence asked for."""
_HOW_MANY = re.compile(r"\s*how\s+(?:many|much)\b", re.I)
"""A count ("how many times a week …?") asks for a number, not for a list's items."""
_BARE_MARK = re.compile(r"\s*(?:step\s*)?\d{0,2}\s*[.):]?\s*[-•*]?\s*", re.I)
_LEANS_BACK = re.compile(
    r"^\W*(?:it|its|it's|that|that's|this|these|those|they|they're|them|there|then|so|"
    r"but|and|also|he|she|his|her|which|both|same)\b",
    re.I,
)


@dataclass(frozen=True)
class Excerpt:
    """What is shown of a long text: ``shown`` with gap marks, ``body`` without them
    (the kept parts, one a line: what an answer may quote). ``strong`` when one part
    says most of the question's topic (:func:`strong_match`): the sentence that made
    the text rank is shown, not only parts that each say one common word of it."""

    shown: str
    body: str
    strong: bool = False


@dataclass(frozen=True)
class _Part:
    text: str
    in_list: bool
    is_item: bool


def _sentences(text: str) -> list[_Part]:
    """The sentences of ``text``, a line break ending one too."""
    return [
        _Part(s, False, False)
        for line in text.splitlines()
        if line.strip()
        for s in sentences(line)
    ]


def _item_spans(text: str) -> list[tuple[int, int]]:
    """The list items of ``text`` (:func:`~mirix_py._chat.items.list_spans`), a bare
    number ("2." before "**Set a cut-off:** …") joined to the item it numbers."""
    spans: list[tuple[int, int]] = []
    for start, end in list_spans(text):
        if spans and _BARE_MARK.fullmatch(text[spans[-1][0] : spans[-1][1]]):
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def _parts(text: str) -> list[_Part]:
    """The sentences of ``text``, each list item one part (see the module docstring).
    The list ends at the line break after its last item: what follows is sentences."""
    spans = _item_spans(text)
    if not spans:
        return _sentences(text)
    parts = _sentences(text[: spans[0][0]])
    if parts:  # the sentence that introduces the list belongs to it
        parts[-1] = _Part(parts[-1].text, True, False)
    *items, (start, end) = spans
    body = len(text[start:end]) - len(text[start:end].lstrip())
    cut = text.find("\n", start + body, end)
    last = end if cut < 0 else cut
    for a, b in (*items, (start, last)):
        if text[a:b].strip():
            parts.append(_Part(" ".join(text[a:b].split()), True, True))
    return [*parts, *_sentences(text[last:])]


@dataclass(frozen=True)
class Excerpter:
    """The question's side of excerpting: its topic stems and whether lists stay whole."""

    topic: frozenset[str]
    whole_lists: bool = False
    several: bool = False
    asked_of: frozenset[str] = frozenset()
    """Words (lower-cased) of the speakers whose own words the question asks for: their
    texts are shown whole (see the module docstring)."""

    @classmethod
    def of(cls, cues: QuestionCues, names: frozenset[str] = frozenset()) -> Excerpter:
        """From a question's cues; ``names`` (lower-cased) are the names of the people
        talking, which are not topic words (every memory about a person names them; a
        place the question names is one)."""
        named = {stem(w) for n in (*names, *_PARTIES) for w in words(n)}
        whole = cues.is_howto or ordinal_asked(cues.asked or cues.text) is not None
        asked_of = set(_speakers_asked(cues.text, names))
        if _ASKS_REPLY.search(cues.text):
            asked_of.add("assistant")
        topic = cues.stems - named
        several = cues.asks_several and not _HOW_MANY.match(cues.text)
        return cls(frozenset(topic), whole, several, frozenset(asked_of))

    def excerpt(
        self, text: str, taken_up: frozenset[str] = frozenset(), speaker: str = ""
    ) -> Excerpt | None:
        """The query-focused excerpt of ``text``, or None when it is shown whole (see
        the module docstring); a part that says a stem of ``taken_up`` (what the next
        turn says, :mod:`mirix_py._chat.follow_ups`) is kept as on topic. A text whose
        ``speaker`` is one the question asks about (:attr:`asked_of`) is shown whole."""
        if len(text) < EXCERPT_MIN_CHARS or not self.topic or self.said_by_asked(speaker):
            return None
        parts = _parts(text)
        said = [len(self.topic & set(content_stems(p.text))) for p in parts]
        on_topic = [
            t or bool(taken_up & set(content_stems(p.text)))
            for t, p in zip((n > 0 for n in said), parts, strict=True)
        ]
        if not any(on_topic):
            return None
        keep = list(on_topic)
        keep[0] = True  # the lead: what the text is about, or the reply's direct answer
        if any(p.is_item for p in parts) and self._whole_list(parts, on_topic):
            keep = [k or p.in_list for k, p in zip(keep, parts, strict=True)]
        for k in range(len(parts) - 1, 0, -1):
            if keep[k] and not parts[k].is_item and _LEANS_BACK.match(parts[k].text):
                keep[k - 1] = True
        for k in range(1, len(parts)):  # "… a workshop. They talked about …": what it said
            if on_topic[k - 1] and not parts[k].is_item and _LEANS_BACK.match(parts[k].text):
                keep[k] = True
        keep = _grown(parts, keep, on_topic)
        if all(keep):
            return None
        kept = [p.text for p, k in zip(parts, keep, strict=True) if k]
        shown = _with_gaps(parts, keep)
        if len(shown) > EXCERPT_MAX_SHARE * len(text):
            return None
        return Excerpt(shown, "\n".join(kept), strong_match(max(said), len(self.topic)))

    def said_by_asked(self, speaker: str) -> bool:
        """Whether ``speaker`` (a turn's actor, several joined by commas) is one whose
        own words the question asks for; an unknown speaker counts as one, so a turn
        of unknown origin is never cut for such a question."""
        if not self.asked_of:
            return False
        said = {w.lower() for w in words(speaker)}
        return not said or bool(said & self.asked_of)

    def _whole_list(self, parts: list[_Part], on_topic: list[bool]) -> bool:
        if self.whole_lists:
            return True
        first = next(k for k, p in enumerate(parts) if p.is_item)
        introduced = first > 0 and on_topic[first - 1]  # "Here are some classics:"
        items = [t for p, t in zip(parts, on_topic, strict=True) if p.is_item]
        return introduced or (self.several and any(items))


def _grown(parts: list[_Part], keep: list[bool], on_topic: list[bool]) -> list[bool]:
    """``keep`` with the parts nearest the on-topic ones added (the one after before the
    one before: it goes on with what the on-topic part began) until the kept parts say
    :data:`EXCERPT_MIN_WORDS` distinct content words, or every part is kept."""
    out = list(keep)
    said = {s for p, k in zip(parts, out, strict=True) if k for s in content_stems(p.text)}
    anchors = [k for k, t in enumerate(on_topic) if t]

    def nearness(index: int) -> tuple[int, int, int]:
        gap = min(abs(index - a) for a in anchors)
        return gap, 0 if index - gap in anchors else 1, index

    for index in sorted(range(len(parts)), key=nearness):
        if len(said) >= EXCERPT_MIN_WORDS:
            break
        if not out[index]:
            out[index] = True
            said.update(content_stems(parts[index].text))
    return out


def _speakers_asked(question: str, names: frozenset[str]) -> list[str]:
    """The speakers (``names``, lower-cased) whose words ``question`` asks for, naming
    them (:data:`_SAID_BY`)."""
    out: list[str] = []
    for m in _SAID_BY.finditer(question):
        who = (m.group("by") or m.group("who") or "").lower()
        if who in names:
            out.append(who)
    return out


def strong_match(said: int, topic: int) -> bool:
    """Whether a part saying ``said`` of a question's ``topic`` stems says most of it:
    all of one or two, two of three or four, half of more."""
    return said >= min(topic, max(2, -(-topic // 2)))


def _with_gaps(parts: list[_Part], keep: list[bool]) -> str:
    """The kept parts in order, a :data:`GAP` mark wherever parts were left out."""
    out: list[str] = []
    gap = False
    for part, k in zip(parts, keep, strict=True):
        if not k:
            gap = True
            continue
        if gap:
            out.append(GAP)
            gap = False
        out.append(part.text)
    if gap:
        out.append(GAP)
    return " ".join(out)
