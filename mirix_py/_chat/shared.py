"""Shared-aspect retrieval: what two people have in common.

"What do Kofi and Lena have in common?", "Which city have both Ana and Tomás
visited?", "What hobby do Kofi and Lena share?" need evidence from each person,
and the answer is what both sides hold: a question embedding leans to one name,
and each person's best matches need not be the items they share. For such a
question (:func:`shared_pair`: "in common", "both", "share", "same", "alike" and
two names joined by "and"), this module:

1. reads each person's attribute facts and profiles (one indexed lookup for both)
   and their statements nearest the question's topic (one bounded search each);
2. finds the *shared topics*: content stems (names, glue and generic words left
   out) found in the items of both people;
3. ranks first, alternating between the two people, the items holding the most
   shared topics (those on the question's own topic first), so the context shows
   both sides' evidence.

:func:`shared_answer` names the shared items for the offline answerer: those both
people's facts hold when there are such, else those of all the memories shown (a
conversation's turns share many words that are no topic: "around", "photo").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import structlog

from mirix_py._chat.bridge import StoreFacts, merge_hits
from mirix_py._chat.cues import STOPWORDS, QuestionCues, stem, words
from mirix_py._chat.hits import to_hit
from mirix_py._chat.models import Hit, ScoreBreakdown
from mirix_py._chat.scope import owner
from mirix_py._context import MemoryContext
from mirix_py._memory import MemoryRecord, MemoryType, SemanticMemory
from mirix_py._memory.profiles import ACTIVITIES, HEADINGS, LIVED, PLACES, VISITED
from mirix_py._memory.statements import GLUE
from mirix_py._store.keys import entity_key, fact_key
from mirix_py._text import UPPER

log = structlog.get_logger(__name__)

_SHARED = re.compile(r"\b(?:in common|both|share|shared|same|alike)\b", re.I)
_PAIR = re.compile(rf"\b(?P<a>{UPPER}[\w-]*) and (?P<b>{UPPER}[\w-]*)\b")
_COMPARISON = frozenset(
    stem(w) for w in "common both share shared same alike similar together kind type".split()
)
_GENERIC = frozenset(
    stem(w)
    for w in """time times day days week weeks month months year years thing things way ways
    people person lot lots bit new old first last next little big much many more most other
    some every also just really still even make made get got go went going come came take
    took like likes liked love loves loved enjoy enjoys enjoyed want wants wanted need try
    tried use used look looking start started help helps helped keep feel life today tomorrow
    yesterday work working with others has have had been being is are was were do does did
    activities hobbies places visited lived named called name""".split()
)
MAX_SHARED = 4
"""Items per person ranked first."""
MAX_WORDS = 4
"""Shared items the offline answer names."""
SHARED_SCALE = 1.01
"""Shared items rank just above the question's best hit (the gate is narrow)."""

Lookup = Callable[[list[str]], list[MemoryRecord]]
Search = Callable[[list[str]], list[MemoryRecord]]
"""Facts nearest each of several people's names (one batch of bounded searches)."""


@dataclass(frozen=True)
class SharedPair:
    """The two people a shared-aspect question compares, and its topic stems."""

    first: str
    second: str
    topic: frozenset[str]


def shared_pair(cues: QuestionCues) -> SharedPair | None:
    """The pair a question asks what they share (see the module docstring), or None."""
    if not _SHARED.search(cues.text):
        return None
    names = set(cues.names)
    for m in _PAIR.finditer(cues.text):
        a, b = m.group("a"), m.group("b")
        if a in names and b in names and a != b:
            name_stems = {stem(w) for w in words(f"{a} {b}")}
            topic = frozenset(cues.stems - name_stems - _COMPARISON - _GENERIC)
            return SharedPair(a, b, topic)
    return None


def item_text(record: dict[str, object]) -> str:
    """The text of a memory's item: a fact's summary without a profile heading, or a
    turn's summary."""
    text = str(record.get("summary") or "")
    for heading in HEADINGS.values():
        text = text.removeprefix(heading)
    return text


def topic_stems(text: str, names: set[str]) -> set[str]:
    """The content stems of ``text`` that can be a shared topic."""
    out: set[str] = set()
    for w in words(text):
        if len(w) < 3 or w in STOPWORDS or w in GLUE or w in names or w.isdigit():
            continue
        s = stem(w)
        if s not in _GENERIC and s not in _COMPARISON:
            out.add(s)
    return out


def _owned(pair: SharedPair, hit: Hit) -> str | None:
    who = entity_key(owner(hit))
    for name in (pair.first, pair.second):
        if who == entity_key(name) or who.split(" ")[:1] == [entity_key(name)]:
            return name
    return None


def people_words(pair: SharedPair, hits: Sequence[Hit]) -> set[str]:
    """The words of the pair's names and of every speaker or entity among ``hits``: a
    person's name is no shared topic."""
    return {w for n in (pair.first, pair.second, *map(owner, hits)) for w in words(n)}


def _item(pair: SharedPair, who: str, hit: Hit) -> str | None:
    """The item text of a memory of ``who``, or None when it names the other person of
    the pair (how the two are related is not something they share)."""
    other = pair.second if who == pair.first else pair.first
    text = item_text(hit.record)
    return None if re.search(rf"\b{re.escape(other)}\b", text) else text


def shared_topics(pair: SharedPair, hits: Sequence[Hit]) -> Counter[str]:
    """The stems both people's items hold, counted over the items that hold them."""
    names = people_words(pair, hits)
    per: dict[str, Counter[str]] = {pair.first: Counter(), pair.second: Counter()}
    for hit in hits:
        who = _owned(pair, hit)
        text = None if who is None else _item(pair, who, hit)
        if who is not None and text is not None:
            per[who].update(topic_stems(text, names))
    both = set(per[pair.first]) & set(per[pair.second])
    return Counter({s: per[pair.first][s] + per[pair.second][s] for s in both})


def shared_hits(
    pair: SharedPair, hits: Sequence[Hit], *, lookup: Lookup, search: Search
) -> list[Hit]:
    """Each person's items holding the most shared topics, ranked just above the best of
    ``hits`` and alternating between the two (see the module docstring)."""
    keys = [
        k
        for n in (pair.first, pair.second)
        for k in (fact_key(n), *(fact_key(n, a) for a in (ACTIVITIES, LIVED, VISITED, PLACES)))
    ]
    found = [*lookup(keys), *search([pair.first, pair.second])]
    by_id = {h.memory_id: h for h in hits}
    for record in found:
        if record.id not in by_id and isinstance(record, SemanticMemory):
            by_id[record.id] = to_hit(
                record, reveal=False, stage="entity", query=f"shared:{record.name}"
            )
    pool = list(by_id.values())
    topics = shared_topics(pair, pool)
    if not topics:
        return []
    names = people_words(pair, pool)
    ranked: dict[str, list[tuple[float, Hit]]] = {pair.first: [], pair.second: []}
    for hit in pool:
        who = _owned(pair, hit)
        text = None if who is None else _item(pair, who, hit)
        if who is None or text is None:
            continue
        stems = topic_stems(text, names)
        held = stems & set(topics)
        if not held:
            continue
        weight = sum(topics[s] for s in held) + 10.0 * len(stems & pair.topic)
        ranked[who].append((weight + hit.score.score, hit))
    top = max((h.score.score for h in hits), default=1.0) or 1.0
    out: list[Hit] = []
    firsts = sorted(ranked[pair.first], key=lambda p: (-p[0], p[1].memory_id))[:MAX_SHARED]
    seconds = sorted(ranked[pair.second], key=lambda p: (-p[0], p[1].memory_id))[:MAX_SHARED]
    rank = 0
    for i in range(MAX_SHARED):
        for side in (firsts, seconds):
            if i < len(side):
                score = top * SHARED_SCALE * (1.0 - 0.001 * rank)
                hit = side[i][1]
                out.append(hit.model_copy(update={"score": ScoreBreakdown(score=score)}))
                rank += 1
    return out


def shared_answer(cues: QuestionCues, hits: Sequence[Hit]) -> tuple[str, list[int]] | None:
    """For a "what do X and Y share" question, the shared items the context shows (the
    words of the topics both people's items hold, most supported first) and the
    positions in ``hits`` of the items that hold them; None when the question is of
    another form, asks yes or no, or no topic is shared."""
    pair = shared_pair(cues)
    if pair is None or not re.match(r"^\s*(?:what|which|how)\b", cues.text, re.I):
        return None
    names = people_words(pair, hits)
    facts = [h for h in hits if h.memory_type is MemoryType.SEMANTIC]
    topics = _answer_topics(pair, facts, names) or _answer_topics(pair, hits, names)
    if not topics:
        return None
    chosen = {s for s, _ in sorted(topics.items(), key=lambda p: (-p[1], p[0]))[:MAX_WORDS]}
    phrases: dict[str, int] = {}
    surface: dict[str, str] = {}
    refs: list[int] = []
    for i, hit in enumerate(hits):
        who = _owned(pair, hit)
        text = None if who is None else _item(pair, who, hit)
        if text is None:
            continue
        found = shared_phrases(text, chosen, names)
        if found:
            refs.append(i)
        for phrase in found:
            key = phrase.lower()
            surface.setdefault(key, phrase)
            support = max(topics[s] for s in topic_stems(phrase, names) & chosen)
            phrases[key] = max(phrases.get(key, 0), support)
    if not phrases:
        return None
    shown = sorted(phrases, key=lambda k: (-phrases[k], -len(k), k))
    kept: list[str] = []
    for phrase in shown:  # "fat freddy's drop" covers "drop"
        if not any(phrase in other for other in kept):
            kept.append(phrase)
    return ", ".join(surface[k] for k in kept[:MAX_WORDS]), refs


def _answer_topics(pair: SharedPair, hits: Sequence[Hit], names: set[str]) -> Counter[str]:
    """The shared topics an answer names: those of the items on the question's topic
    ("what volunteering have X and Y both done?": the items about volunteering) when
    both people have such items, else those of all their items; never the question's
    own words."""
    on_topic = [h for h in hits if topic_stems(item_text(h.record), names) & pair.topic]
    for pool in (on_topic, hits) if pair.topic else (hits,):
        topics = shared_topics(pair, pool)
        for s in pair.topic:
            topics.pop(s, None)
        if topics:
            return topics
    return Counter()


_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")
_SEGMENT = re.compile(r"[,;:.!?()\[\]\"]|\s(?:and|or|but|with)\s")


def shared_phrases(text: str, chosen: set[str], names: set[str]) -> list[str]:
    """The runs of words in ``text`` that name a chosen shared topic ("Fat Freddy's
    Drop", "spicy stews"): consecutive topic words within one clause part, with the
    stop words between them ("Lord of the Rings")."""
    out: list[str] = []
    for segment in _SEGMENT.split(text):
        run: list[str] = []
        gap: list[str] = []
        for token in _TOKEN.findall(segment):
            if topic_stems(token, names) & chosen:
                run.extend([*gap, token] if run else [token])
                gap = []
            elif run and all(w in STOPWORDS for w in words(token)):
                gap.append(token)
            else:
                if run:
                    out.append(" ".join(run))
                run, gap = [], []
        if run:
            out.append(" ".join(run))
    return out


def with_shared(
    ctx: MemoryContext, user_id: str, cues: QuestionCues, hits: list[Hit], as_of: datetime | None
) -> list[Hit]:
    """``hits`` with the shared items merged in when the question asks what two people
    share (the retriever's hook; unchanged, and no read made, for other questions)."""
    pair = shared_pair(cues)
    if pair is None:
        return hits
    facts = StoreFacts(ctx, user_id, as_of)
    topic = [k for k in cues.keywords if stem(k) in pair.topic]
    depth = ctx.config.retrieval.fine_k

    def search(names: list[str]) -> list[MemoryRecord]:
        return facts.nearest([" ".join([name, *topic]) for name in names], depth)

    extra = shared_hits(pair, hits, lookup=facts.lookup, search=search)
    if extra:
        log.debug("chat.shared", pair=[pair.first, pair.second], items=len(extra))
    return merge_hits(hits, extra)
