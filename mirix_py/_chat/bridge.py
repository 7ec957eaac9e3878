"""Bridge retrieval: a chained question answered by a fact about someone else.

"Where does Juniper live now?" names a dog; the answer is a fact about the dog's
owner ("Dana: lives in Portland"), which does not mention the dog, so neither the
question's embedding nor its words find it. "Where does Ravi's sister work?"
names a person whose relative holds the answer. The write path records the links
("Dana: has a greyhound named Juniper", "Juniper: is Dana's dog", "Ravi: has a
sister named Mila"); this module follows one of them:

1. the question asks about an *aspect* a person's attribute facts hold — where
   someone lives (:data:`PLACE`) or works (:data:`WORK`) — and names an entity;
2. one indexed lookup reads the entity's own facts (``entity`` key, plus its
   statement and profile keys). An entity that states things itself (a speaker)
   or holds a fact on the aspect needs no bridge;
3. the *linked* person is read from the entity's relation facts ("is Dana's
   dog"), else from one small full-text search for the entity's name among the
   facts about others ("Dana: has a greyhound named Juniper"); for "X's <relative>"
   the relative is read from X's facts ("has a sister named Mila", "manager is …");
   for a role named without its holder ("my manager", "the twins' former nanny") the
   holders are read (one search) from their own relation facts ("is the user's nanny").
   A named person's owner link answers where they live, never where they work: "What is
   Rangi's job?" with "Rangi: is Aroha's spouse" would answer with Aroha's employer
   (blind set 6, round s21: an abstention question answered "Pine Hill Intermediate");
4. one indexed lookup reads the linked person's facts, and those on the aspect
   (current ones only: "used to live in Denver" stays out) join the hits with the
   linking fact, ranked at the top of the question's own hits.

Every step is a bounded lookup or search; nothing grows with the user's history.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import structlog

from mirix_py._chat.cues import STOPWORDS, QuestionCues, stem
from mirix_py._chat.hits import to_hit
from mirix_py._chat.models import Hit, ScoreBreakdown
from mirix_py._chat.person import USER_NAME
from mirix_py._context import MemoryContext
from mirix_py._memory import MemoryRecord, MemoryType, SemanticMemory
from mirix_py._memory.changes import ROLE_WORDS, role_of
from mirix_py._memory.profiles import HEADINGS, LIVED
from mirix_py._store.base import SearchQuery
from mirix_py._store.keys import entity_key, fact_key
from mirix_py._text import UPPER

log = structlog.get_logger(__name__)

MAX_NAMES = 2
"""At most this many entities a question names are bridged."""
MAX_LINKED = 2
"""At most this many linked people per entity."""
MENTION_K = 8
"""Depth of the full-text search for an entity's name among facts about others."""
FACTS_LIMIT = 60
"""The most facts one lookup reads."""
MAX_ASPECT_FACTS = 3
"""The most aspect facts taken per linked person."""
LINK_SCALE = 1.005
ASPECT_SCALE = 1.01
"""Bridged facts rank just above the question's best hit (the gate is narrow)."""

BRIDGE_QUERY = "bridge:"
"""The ``query`` of a bridged hit starts with this (the linked person's name follows)."""

ProfileKeys = tuple[str, ...]


@dataclass(frozen=True)
class Aspect:
    """What a question asks of a person: question stems that name it, and the shapes of
    the attribute facts that hold it."""

    name: str
    stems: frozenset[str]
    facts: re.Pattern[str]
    profiles: ProfileKeys = ()


def _stems(text: str) -> frozenset[str]:
    return frozenset(stem(w) for w in text.split())


PLACE = Aspect(
    "place",
    _stems("live lives living city town country state moved reside resides based neighbourhood"),
    re.compile(r"^(?:(?:lives in|moved to|relocated to|is based in|is living in)\b|places lived:)"),
    (LIVED,),
)
WORK = Aspect(
    "work",
    _stems("work works working job employer company employed profession occupation career"),
    re.compile(r"^(?:works (?:at|for|as)|employer is|job is|profession is|is employed)\b"),
)
ASPECTS = (PLACE, WORK)

_OWNER = re.compile(rf"^is (?P<owner>{UPPER}[\w-]*(?: {UPPER}[\w-]*)?)'s (?P<rel>[a-z][a-z -]*)$")
_THING = re.compile(
    r"\b(?:does|do|did|is|was|has)\s+the\s+(?P<thing>[a-z]+)\s+(?:now\s+|still\s+)?"
    r"(?P<verb>[a-z]+)"
)
_POSSESSED = re.compile(rf"\b(?P<who>{UPPER}[\w-]*)['’]s (?P<rel>[a-z]+)\b")
_ROLE_REF = re.compile(
    rf"\b(?:(?:[Mm]y|[Oo]ur|the|User['’]s|[a-z]+s['’])\s+"
    rf"(?:(?:(?P<former>former|old|previous|ex-)|new|current)\s*)?"
    rf"|{UPPER}[\w-]*['’]s\s+(?P<was>former|old|previous|ex-)\s*)"
    rf"(?P<role>{ROLE_WORDS})\b"
)
"""A role named without its holder ("my manager", which the cues read as "User's
manager", "the twins' former nanny"), or a named person's former one ("my former tutor"
of a user whose name is known reads "Hugo's former tutor": the current holder is read
from Hugo's own facts, the former one only from the holder's retired fact)."""


@dataclass(frozen=True)
class BridgePlan:
    """The entities to bridge from and the aspect asked."""

    aspect: Aspect
    names: tuple[str, ...]
    relatives: tuple[tuple[str, str], ...] = ()
    """``(person, relation word)`` for each "X's <relation>" the question says."""
    things: tuple[str, ...] = ()
    """The unnamed things the question asks about ("does the cat live …" → ``cat``)."""
    asked: tuple[str, ...] = ()
    """Every name the question says: a person it names is asked about directly, so a
    link to them is no bridge ("when did Ravi move to Pune?" is about Ravi)."""
    roles: tuple[str, ...] = ()
    """The roles the question names without a holder ("my manager" → ``manager``)."""
    former: tuple[str, ...] = ()
    """Those of ``roles`` asked of a former holder ("the twins' former nanny"): read
    from holder facts retired when the role changed hands."""


def question_aspect(cues: QuestionCues) -> Aspect | None:
    """The aspect a question asks about (its stems name one), or None."""
    for aspect in ASPECTS:
        if cues.stems & aspect.stems:
            return aspect
    return None


def bridge_plan(cues: QuestionCues) -> BridgePlan | None:
    """The bridge a question may need: it names an entity and asks an aspect (see the
    module docstring); None otherwise, so other questions pay nothing."""
    aspect = question_aspect(cues)
    if aspect is None:
        return None
    relatives = tuple(
        dict.fromkeys(
            (m.group("who"), m.group("rel"))
            for m in _POSSESSED.finditer(cues.text)
            if m.group("rel") not in aspect.stems and stem(m.group("rel")) not in aspect.stems
        )
    )[:MAX_NAMES]
    possessors = {who for who, _ in relatives}
    names = tuple(n for n in cues.names if n != USER_NAME and n not in possessors)[:MAX_NAMES]
    things = tuple(
        dict.fromkeys(
            m.group("thing")
            for m in _THING.finditer(cues.text)
            if stem(m.group("verb")) in aspect.stems and m.group("thing") not in STOPWORDS
        )
    )[:MAX_NAMES]
    asked_roles = [
        (role_of(m.group("role")) or m.group("role"), bool(m.group("former") or m.group("was")))
        for m in _ROLE_REF.finditer(cues.text)
    ]
    roles = tuple(dict.fromkeys(role for role, _ in asked_roles))[:MAX_NAMES]
    former = tuple(dict.fromkeys(role for role, old in asked_roles if old and role in roles))
    if not names and not relatives and not things and not roles:
        return None
    return BridgePlan(
        aspect=aspect,
        names=names,
        relatives=relatives,
        things=things,
        asked=cues.names,
        roles=roles,
        former=former,
    )


def entity_keys(name: str, aspect: Aspect) -> list[str]:
    """The ``entity`` keys of a name's attribute facts, statements and aspect profiles."""
    return [
        fact_key(name),
        fact_key(name, "statement"),
        *(fact_key(name, p) for p in aspect.profiles),
    ]


def about(name: str, records: Sequence[MemoryRecord]) -> list[SemanticMemory]:
    """The facts in ``records`` whose entity is ``name``."""
    key = entity_key(name)
    return [r for r in records if isinstance(r, SemanticMemory) and entity_key(r.name) == key]


def speaks(facts: Sequence[SemanticMemory]) -> bool:
    """True when the entity states things itself (it has statements or profiles): a
    speaker, whose own words answer questions about them."""
    return any(f.aspect for f in facts)


def aspect_facts(facts: Sequence[SemanticMemory], aspect: Aspect) -> list[SemanticMemory]:
    """The current facts on ``aspect``, attribute facts first, newest first (a past value,
    "used to live in Denver", has another shape and stays out). A profile, which lists
    every place lived, oldest first, stays out when an attribute fact holds the current
    value ("lives in Tartu"): it would only repeat it among the places left."""
    found = [f for f in facts if aspect.facts.search(f.summary)]
    if any(not f.aspect for f in found):
        found = [f for f in found if not str(f.aspect).startswith("profile:")]
    return sorted(found, key=lambda f: (bool(f.aspect), -f.when.timestamp(), f.id))[
        :MAX_ASPECT_FACTS
    ]


Lookup = Callable[[list[str]], list[MemoryRecord]]
"""Facts by ``entity`` keys (one indexed lookup)."""
Mentions = Callable[[str], list[MemoryRecord]]
"""Facts whose text holds a name (one bounded full-text search)."""


def _mentions(name: str, text: str) -> bool:
    return re.search(rf"\b{re.escape(name)}\b", text) is not None


def owners(
    name: str, own: Sequence[SemanticMemory], mentions: Mentions
) -> list[tuple[str, SemanticMemory]]:
    """The people ``name`` is linked to, each with the fact that links them: the owner a
    relation fact names ("is Dana's dog"), else (one search) the entity of a fact about
    someone else that names ``name`` ("Dana: has a greyhound named Juniper")."""
    found: dict[str, SemanticMemory] = {}
    for fact in own:
        m = _OWNER.match(fact.summary)
        if m and m.group("owner") != name:
            found.setdefault(m.group("owner"), fact)
    if not found:
        key = entity_key(name)
        for rec in mentions(name):
            if not isinstance(rec, SemanticMemory) or entity_key(rec.name) == key:
                continue
            if _mentions(name, rec.summary) and not _mentions(rec.name, name):
                found.setdefault(rec.name.strip(), rec)
    return list(found.items())[:MAX_LINKED]


def keepers(thing: str, mentions: Mentions) -> list[tuple[str, SemanticMemory]]:
    """The people a fact says have a ``thing`` ("Dana: has a greyhound named Juniper" for
    ``greyhound``; "Ravi: adopted a cat" for ``cat``), each with that fact (one search)."""
    shape = re.compile(
        rf"\b(?:has|have|had|got|adopted|owns|bought|rescued)\s+(?:an?|two|three|\w+'s)\s+"
        rf"(?:[a-z]+\s+){{0,2}}{re.escape(thing)}s?\b"
    )
    found: dict[str, SemanticMemory] = {}
    for rec in mentions(thing):
        if isinstance(rec, SemanticMemory) and shape.search(rec.summary):
            found.setdefault(rec.name.strip(), rec)
    return list(found.items())[:MAX_LINKED]


def holders(
    role: str, mentions: Mentions, *, former: bool = False
) -> list[tuple[str, SemanticMemory]]:
    """The people a fact says hold ``role`` for someone ("Priya: is the user's manager"),
    each with that fact (one search); with ``former``, those whose fact was retired
    when the role changed hands (``mentions`` must then read retired facts too)."""
    shape = re.compile(rf"^is (?:the user|{UPPER}[\w-]*(?: {UPPER}[\w-]*)?)'s {re.escape(role)}$")
    found: dict[str, SemanticMemory] = {}
    for rec in mentions(role):
        if former and rec.is_current:
            continue
        if isinstance(rec, SemanticMemory) and shape.match(rec.summary):
            found.setdefault(rec.name.strip(), rec)
    return list(found.items())[:MAX_LINKED]


def relatives_of(
    person: str, relation: str, facts: Sequence[SemanticMemory]
) -> list[tuple[str, SemanticMemory]]:
    """The people ``person``'s facts name as their ``relation`` ("has a sister named Mila",
    "manager is Helen Achterberg", "Ravi's sister Mila …")."""
    rel = "|".join(re.escape(r) for r in dict.fromkeys((relation, role_of(relation) or relation)))
    rel = f"(?:{rel})"
    name = rf"(?P<name>{UPPER}[\w-]*(?: {UPPER}[\w-]*)?)"
    shapes = (
        re.compile(rf"\bhas an? (?:[a-z]+ )?{rel} (?:named|called) {name}"),
        re.compile(rf"^{rel} is {name}"),
        re.compile(rf"\b{re.escape(person)}'s (?:[a-z]+ )?{rel},? {name}\b"),
    )
    found: dict[str, SemanticMemory] = {}
    for fact in facts:
        for shape in shapes:
            m = shape.search(fact.summary)
            if m and m.group("name") != person:
                found.setdefault(m.group("name"), fact)
                break
    return list(found.items())[:MAX_LINKED]


def bridge_hits(
    plan: BridgePlan,
    hits: Sequence[Hit],
    *,
    lookup: Lookup,
    mentions: Mentions,
    retired: Mentions | None = None,
) -> list[Hit]:
    """The linking facts and the linked people's facts on the aspect, as hits ranked just
    above the best of ``hits`` (see the module docstring); hits already retrieved are
    returned with the raised score (the caller keeps the higher). ``retired`` searches
    retired facts as well, for the former holders of a role (none read without it)."""
    speakers = {
        entity_key(str(h.record.get("actor") or ""))
        for h in hits
        if h.memory_type is MemoryType.EPISODIC
    }
    names = [n for n in plan.names if entity_key(n) not in speakers]  # speakers: no lookup
    if plan.aspect is WORK:
        names = []  # an owner's or a spouse's employer is not the named person's
    if not names and not plan.relatives and not plan.things and not plan.roles:
        return []
    keys = [k for n in names for k in entity_keys(n, plan.aspect)]
    first = lookup([*keys, *(fact_key(p) for p, _ in plan.relatives)])
    links: list[tuple[str, SemanticMemory]] = []
    for name in names:
        own = about(name, first)
        if speaks(own) or aspect_facts(own, plan.aspect):
            continue
        links.extend(owners(name, own, mentions))
    for person, relation in plan.relatives:
        links.extend(relatives_of(person, relation, about(person, first)))
    for thing in plan.things:
        links.extend(keepers(thing, mentions))
    for role in plan.roles:
        if role not in plan.former:
            links.extend(holders(role, mentions))
        elif retired is not None:
            links.extend(holders(role, retired, former=True))
    asked = {entity_key(n) for n in plan.asked}
    links = [(name, link) for name, link in links if entity_key(name) not in asked]
    if not links:
        return []
    linked = list(dict.fromkeys(name for name, _ in links))
    second = lookup([k for n in linked for k in entity_keys(n, plan.aspect)])
    top = max((h.score.score for h in hits), default=1.0) or 1.0
    out: dict[str, Hit] = {}
    for name, link in links:
        facts = aspect_facts(about(name, second), plan.aspect)
        if not facts:
            continue
        out.setdefault(
            link.id,
            to_hit(
                link,
                reveal=False,
                stage="entity",
                query=f"{BRIDGE_QUERY}{name}",
                score=ScoreBreakdown(score=LINK_SCALE * top),
            ),
        )
        for fact in facts:
            out.setdefault(
                fact.id,
                to_hit(
                    fact,
                    reveal=False,
                    stage="entity",
                    query=f"{BRIDGE_QUERY}{name}",
                    score=ScoreBreakdown(score=ASPECT_SCALE * top),
                ),
            )
    return list(out.values())


def merge_hits(hits: Sequence[Hit], extra: Sequence[Hit]) -> list[Hit]:
    """``hits`` with ``extra`` first (best first), each memory once at its higher score;
    the other hits keep their order (``hits`` itself when nothing is added or raised)."""
    by_id = {h.memory_id: h for h in hits}
    raised = {
        h.memory_id: h
        for h in extra
        if h.memory_id not in by_id or h.score.score > by_id[h.memory_id].score.score
    }
    if not raised:
        return list(hits)
    first = sorted(raised.values(), key=lambda h: (-h.score.score, h.memory_id))
    return [*first, *(h for h in hits if h.memory_id not in raised)]


class StoreFacts:
    """The two fact reads the bridge and shared-aspect rules make, on a store: facts by
    ``entity`` keys (one indexed lookup) and facts whose text holds a name (one small
    full-text search)."""

    def __init__(self, ctx: MemoryContext, user_id: str, as_of: datetime | None) -> None:
        self.ctx = ctx
        self.user_id = user_id
        self.as_of = as_of

    def lookup(self, keys: list[str]) -> list[MemoryRecord]:
        """The current facts (or those valid at ``as_of``) keyed by one of ``keys``."""
        if not keys:
            return []
        return self.ctx.store.by_keys(
            "entity",
            list(dict.fromkeys(keys)),
            user_id=self.user_id,
            memory_type=MemoryType.SEMANTIC,
            as_of=self.as_of,
            limit=FACTS_LIMIT,
        )

    def mentions(self, name: str, limit: int = MENTION_K) -> list[MemoryRecord]:
        """The facts a full-text search for ``name`` finds first."""
        return self._fts(name, limit, as_of=self.as_of)

    def retired(self, name: str, limit: int = MENTION_K) -> list[MemoryRecord]:
        """The facts a full-text search for ``name`` finds first among the current and
        the retired ones, those retired (by ``as_of`` when given) kept."""
        return [
            r
            for r in self._fts(name, limit, include_superseded=True)
            if r.valid_to is not None and (self.as_of is None or r.valid_to <= self.as_of)
        ]

    def _fts(
        self,
        name: str,
        limit: int,
        *,
        as_of: datetime | None = None,
        include_superseded: bool = False,
    ) -> list[MemoryRecord]:
        query = SearchQuery.configured(
            self.ctx.config.retrieval,
            mode="fts",
            user_id=self.user_id,
            text=name,
            memory_types=(MemoryType.SEMANTIC,),
            limit=limit,
            as_of=as_of,
            include_superseded=include_superseded,
        )
        return [s.record for s in self.ctx.store.search(query)]

    def nearest(self, texts: list[str], limit: int) -> list[MemoryRecord]:
        """The facts hybrid searches for ``texts`` rank first (one batch)."""
        queries = [
            SearchQuery.configured(
                self.ctx.config.retrieval,
                user_id=self.user_id,
                text=text,
                vector=tuple(self.ctx.embeddings.embed_query(text)),
                memory_types=(MemoryType.SEMANTIC,),
                limit=limit,
                as_of=self.as_of,
            )
            for text in texts
        ]
        return [s.record for found in self.ctx.store.search_many(queries) for s in found]


def bridged(
    ctx: MemoryContext, user_id: str, cues: QuestionCues, hits: list[Hit], as_of: datetime | None
) -> list[Hit]:
    """``hits`` with the bridge's facts merged in when the question needs a bridge (the
    retriever's hook; unchanged, and no read made, for other questions)."""
    plan = bridge_plan(cues)
    if plan is None:
        return hits
    facts = StoreFacts(ctx, user_id, as_of)
    extra = bridge_hits(
        plan, hits, lookup=facts.lookup, mentions=facts.mentions, retired=facts.retired
    )
    if extra:
        log.debug("chat.bridge", names=list(plan.names), aspect=plan.aspect.name, facts=len(extra))
    return merge_hits(hits, extra)


_VALUE = re.compile(
    r"^(?:lives in|moved to|relocated to|is based in|is living in|places lived:|"
    r"works (?:at|for|as)|employer is|job is|profession is|is employed (?:at|by|as))\s+(?P<v>.+)$"
)


_LIVED_HEADING = HEADINGS[LIVED]
_ASKS_PERSON = re.compile(r"^\s*(?:who|whom|whose)\b", re.I)


def bridge_answer(cues: QuestionCues, hits: Sequence[Hit]) -> tuple[str, int] | None:
    """For a bridged question, the value of the best bridged fact on the aspect ("lives in
    Portland" → "Portland") and its position in ``hits``; None when no bridged fact on
    the aspect is among ``hits``."""
    plan = bridge_plan(cues)
    if plan is None or cues.is_when or _ASKS_PERSON.match(cues.text):
        return None  # the bridged fact holds a place or an employer, not a date or a name
    best: tuple[bool, float, int, str] | None = None
    for i, hit in enumerate(hits):
        if not hit.query.startswith(BRIDGE_QUERY):
            continue
        summary = str(hit.record.get("summary") or "")
        m = _VALUE.match(summary)
        if m is None or not plan.aspect.facts.search(summary):
            continue
        value, single = _current(m.group("v").strip(), summary)
        if best is None or (single, hit.score.score) > best[:2]:
            best = (single, hit.score.score, i, value)
    return None if best is None else (best[3], best[2])


def _current(value: str, summary: str) -> tuple[str, bool]:
    """The current value a bridged fact states and whether the fact holds one value: a
    profile lists every place lived, oldest first ("places lived: Leeds, York"), so its
    last item is the latest; a single-valued fact ("lives in York"), replaced when the
    person moves, is preferred over it."""
    if summary.startswith(_LIVED_HEADING):
        return value.rsplit(",", 1)[-1].strip(), False
    return value, True
