"""Semantic memory: facts and concepts independent of time, keyed by the entity they describe."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, ClassVar

from pydantic import Field

from mirix_py._memory.base import MemoryRecord, MemoryType, utcnow
from mirix_py._memory.changes import (
    ROLE_WORDS,
    change_slot,
    change_statements,
    role_of,
    role_statements,
    role_twin,
)
from mirix_py._memory.extract_common import (
    Turn,
    clip,
    norm_key,
    record_id,
    short_date,
    split_sentences,
)
from mirix_py._memory.people import MAX_CANDIDATES, known_stored_people
from mirix_py._memory.profiles import combine, profile_fields
from mirix_py._memory.registry import MemoryTypeSpec, summary_line_kept
from mirix_py._memory.statements import STATEMENT, turn_statements
from mirix_py._memory.traits import trait_items
from mirix_py._text import statement_stems


class SemanticMemory(MemoryRecord):
    """A fact about an entity (person, place, thing, concept)."""

    memory_type: ClassVar[MemoryType] = MemoryType.SEMANTIC

    name: str = Field(min_length=1, max_length=256)
    summary: str = Field(min_length=1)
    details: str = ""
    source: str = ""
    aspect: str = Field(
        default="",
        max_length=64,
        description="'statement' for a clause the entity stated about themselves "
        "(mirix_py._memory.statements); empty for an attribute fact",
    )

    def embed_text(self) -> str:
        """Entity name, summary and details."""
        text = f"{self.name}: {self.summary}"
        return f"{text} {self.details}" if self.details else text

    def render(self) -> str:
        """``Caroline: is a counselor (since 7 May 2023)``."""
        return f"{self.name}: {self.summary} ({self.short_date()})"


# --------------------------------------------------------------------------
# Offline rules: statements of fact about people, places and things.
# --------------------------------------------------------------------------

_PROFESSIONS = (
    "accountant actor actress analyst architect artist assistant astronaut athlete attorney "
    "author baker banker barber barista bartender biologist blogger bookkeeper builder "
    "butcher carpenter cashier chef chemist cleaner clerk coach comedian consultant cook "
    "counselor counsellor dancer data scientist dentist designer detective developer "
    "dietitian director doctor driver economist editor electrician engineer entrepreneur "
    "farmer firefighter photographer florist freelancer gardener geologist graphic designer "
    "hairdresser historian illustrator instructor intern investor janitor jeweler journalist "
    "judge landscaper lawyer lecturer librarian lifeguard manager marketer mechanic medic "
    "midwife model musician nanny novelist nurse nutritionist officer painter paralegal "
    "paramedic pastor pharmacist physician physicist physiotherapist pilot plumber poet "
    "police officer politician potter priest producer professor programmer psychiatrist "
    "psychologist publisher rabbi realtor receptionist recruiter reporter researcher "
    "sailor salesman saleswoman scientist sculptor secretary singer social worker soldier "
    "software engineer songwriter surgeon tailor tattoo artist teacher technician therapist "
    "trainer translator tutor veterinarian vet waiter waitress web developer welder writer "
    "youth worker student grad student phd student volunteer activist advocate mentor"
).split()
_PROF = r"(?:" + "|".join(sorted(set(_PROFESSIONS), key=len, reverse=True)) + r")"
_REL = (
    r"(?:best friend|wife|husband|partner|spouse|boyfriend|girlfriend|fianc[eé]e?|son|daughter|"
    r"kid|child|baby|mom|mother|dad|father|brother|sister|sibling|grandma|grandmother|grandpa|"
    r"grandfather|grandson|granddaughter|aunt|uncle|cousin|niece|nephew|friend|roommate|boss|"
    r"coworker|co-worker|colleague|neighbor|neighbour|mentor|teacher|therapist|doctor|dog|cat|"
    r"puppy|kitten|pet|bird|parrot|horse|rabbit|bunny|hamster|turtle|tortoise|fish|snake)"
)
_NUMW = r"(?:\d{1,2}|two|three|four|five|six|seven|eight|nine|ten)"
_NAME = r"[A-Z][a-z]+(?:[ -][A-Z][a-z]+)?"
_SUBJ = rf"(?P<subj>\bI\b|\b{_NAME})"
_BE = rf"(?:(?P<i>\bI(?:'m| am))|(?P<subj>\b{_NAME})(?: is|'s))"
_OBJ = r"(?P<obj>[^,;:!?()\[\]]+)"
_STOP_NAMES = frozenset(
    (
        "I The This That These Those It He She They We You My Our Your His Her Their Its There "
        "Here What When Where Who Why How Yes No Oh Hey Hi Hello Wow Thanks Thank Well So But And "
        "Also Just Really Maybe Today Yesterday Tomorrow Tonight Monday Tuesday Wednesday "
        "Thursday Friday Saturday Sunday January February March April June July August "
        "September October November December Mom Dad Mum Everyone Everything Someone Something "
        "Nothing Anyone Life Love God Sure Okay Ok Yeah Yep Nope Great Good Nice Cool Awesome "
        "Congrats Congratulations Sorry Please Let Lol Haha Omg Btw Anyway Plus Then Now Once "
        "Being Having Doing Getting Going Made Make Both All Each Every Some Any Many Most"
    ).split()
)
_LEADING_FILLERS = frozenset(
    "oh well so and but yeah yes wow hey also plus anyway honestly actually ok okay".split()
)
_SKIP_SENTENCE = re.compile(
    r"^(?:if|would|could|should|maybe|perhaps|imagine|i wish|i hope|hoping|when i was)\b|"
    r"\bused to\b|\bwould\b|\bif i\b|\bpretend\b",
    re.IGNORECASE,
)
_PRONOUN_START = re.compile(
    r"^(?:it|that|this|them|you|him|her|his|their|its|those|these|us|what|how|when|where|who|"
    r"which|to see|"
    r"to hear|the way|the idea|the fact|your|there|here|so|too|a lot|all|everything|one|"
    # "I like the second one": it points back at something said before, not a thing
    r"the\s+(?:first|second|third|fourth|fifth|last|other|next|previous|latter|former|same|"
    r"new|old)\s+ones?)\b",
    re.IGNORECASE,
)
_CUT = re.compile(
    r"\s+[-–—]\s.*|"
    r"\s+(?:about|around|almost|over|nearly|for|like)?\s*(?:\d+|a|an|one|two|three|four|five|six|"
    r"seven|eight|nine|ten|a few|few|a couple of|couple of)\s+(?:years?|months?|weeks?|days?)"
    r"(?:\s+ago|\s+now)?\b.*|"
    r"\s+(?:and|&)\s+(?:i|we|he|she|they|it|my|you|that|this)\b.*|"
    r"\s+(?:but|because|since|so|which|who|that|when|where|while|if|though|although|as well|"
    r"lol|haha|right now|these days|at the moment)\b.*|"
    r"\s+(?:last|this|next|every|each)\s+(?:week|month|year|weekend|night|morning|summer|"
    r"winter|spring|fall|autumn|time|day)\b.*|"
    r"\s+(?:yesterday|today|tonight|tomorrow|recently|lately|now|again|anymore|ago|too|"
    r"so much|a lot|very much|more and more)\b.*|"
    r"\s+(?:in|on|at|since|for|during)\s+(?:\d{4}|the past|the last|a while|years|months|"
    r"weeks|days|ages)\b.*",
    re.IGNORECASE,
)
_DOING_JUNK = re.compile(
    r"^doing (?:great|well|good|ok|okay|fine|better|alright|amazing|awesome|pretty|so|really|"
    r"much|a lot|things|stuff|something|nothing|that|this|it)\b",
    re.IGNORECASE,
)
_MAX_OBJECT_WORDS = 8
_CLAUSE = re.compile(r"\b(?:is|are|was|were|am)\b", re.IGNORECASE)
_DANGLING = frozenset(
    "on with for to at of in about called named from by as and or the a an my your under over "
    "around than into onto just".split()
)
_LEADING_ADVERBS = re.compile(
    r"^(?:(?:also|really|just|especially|totally|absolutely|so|still|definitely|even)\s+)+",
    re.IGNORECASE,
)
_VAGUE = re.compile(
    r"\b(?:I|we|us|you|him|her|them|this|that|these|those|it|something|anything|everything|"
    r"stuff|things|myself|ever|usual)\b",
    re.IGNORECASE,
)
_VAGUE_INFINITIVE = re.compile(
    r"^to (?:say|do|be|get|see|know|think|hear|go|try|have|make)$", re.IGNORECASE
)
_DETERMINERS = frozenset("my your his her our their the a an this that its".split())
_CONTRACTIONS = re.compile(r"\bI'(m|ve|d|ll)\b")
_EXPANSIONS = {"m": "I am", "ve": "I have", "d": "I would", "ll": "I will"}
_FUNCTION_WORDS = frozenset(
    "to a an the of in on at for with and or but it be do go get have so very really just "
    "too also more much".split()
)


@dataclass(frozen=True)
class Fact:
    """One statement of fact found in a turn, before it becomes a record."""

    entity: str
    summary: str
    kind: str
    turn: Turn
    about_speaker: bool


class _Ctx:
    def __init__(self, turn: Turn, sentence: str, known: frozenset[str]) -> None:
        self.turn = turn
        self.sentence = sentence
        self.known = known
        self.me = speaker_entity(turn)

    def subject(self, match: re.Match[str], *, strict: bool = True) -> str | None:
        if match.groupdict().get("i"):
            return self.me
        subj = match.group("subj")
        if subj == "I":
            return self.me
        if subj.split()[0] in _STOP_NAMES:
            return None
        before = self.sentence[: match.start("subj")].strip(" ,!-—").lower()
        if before.split()[-1:] and before.split()[-1] in _DETERMINERS:
            return None
        initial = not before or before in _LEADING_FILLERS
        if strict and initial and subj not in self.known:
            return None
        return subj

    def mine(self, text: str) -> str:
        """Rewrite first-person possessives to the speaker's name."""
        owner = f"{self.me}'s" if self.me and self.me != "User" else "the user's"
        text = re.sub(r"\b(?:my|our)\b", owner, text)
        return re.sub(r"\bme\b", self.me or "the user", text)


def speaker_entity(turn: Turn) -> str | None:
    """The entity first-person statements are about: the speaker's name, or ``User``."""
    if turn.speaker.lower() in ("assistant", "system", "tool", "ai"):
        return None
    if turn.speaker.lower() in ("user", "human"):
        return "User"
    return turn.speaker


def clean_object(text: str) -> str | None:
    """The object of a statement cut at clause and time boundaries; None if unusable."""
    obj = _CUT.sub("", " " + text.strip()).strip(" -—.!'\"“”")
    obj = _LEADING_ADVERBS.sub("", re.sub(r"\s+", " ", obj))
    if not obj or _PRONOUN_START.match(obj) or _DOING_JUNK.match(obj):
        return None
    if "[stored in vault" in obj or "[redacted" in obj or _CLAUSE.search(obj):
        return None
    if _VAGUE.search(obj) or _VAGUE_INFINITIVE.match(obj):
        return None
    words = obj.split()
    if len(words) > _MAX_OBJECT_WORDS or len(obj) < 2 or words[-1].lower() in _DANGLING:
        return None
    if all(w.lower() in _FUNCTION_WORDS for w in words):
        return None
    return obj


def _place(text: str) -> str | None:
    words: list[str] = []
    for raw in text.strip().split():
        word = raw.rstrip(".,!?;:")
        connector = bool(words) and word in ("of", "de", "la", "del", "upon", "on")
        if word[:1].isupper() or connector or (not words and word.lower() == "the"):
            words.append(word)
        else:
            break
        if word != raw:
            break
    while words and words[-1] in ("of", "de", "la", "del", "upon", "on", "the"):
        words.pop()
    place = " ".join(words)
    return place if place and place[0].isupper() and place.split()[0] not in _STOP_NAMES else None


_Handler = Callable[[re.Match[str], _Ctx], list[tuple[str, str, str]]]
_RULES: list[tuple[re.Pattern[str], _Handler]] = []


def _rule(pattern: str) -> Callable[[_Handler], _Handler]:
    def register(fn: _Handler) -> _Handler:
        _RULES.append((re.compile(pattern), fn))
        return fn

    return register


def _simple(
    kind: str, template: str, clean: Callable[[str], str | None] = clean_object
) -> _Handler:
    def handler(m: re.Match[str], ctx: _Ctx) -> list[tuple[str, str, str]]:
        who = ctx.subject(m)
        obj = clean(m.group("obj")) if "obj" in m.re.groupindex else ""
        if not who or obj is None or (kind == "activity" and len(obj.split()) < 2):
            return []
        groups = {k: v for k, v in m.groupdict().items() if v and k != "obj"}
        return [(who, template.format(**groups, obj=ctx.mine(obj)), kind)]

    return handler


def _simple_mine(kind: str, template: str) -> _Handler:
    """A rule whose subject is always the speaker (``X is my favourite``)."""

    def handler(m: re.Match[str], ctx: _Ctx) -> list[tuple[str, str, str]]:
        obj = clean_object(m.group("obj"))
        if not ctx.me or obj is None:
            return []
        return [(ctx.me, template.format(obj=ctx.mine(obj)), kind)]

    return handler


_WORK = r"(?:work|works|am working|'m working|is working|'s working)"
_rule(rf"{_SUBJ}\s+{_WORK}\s+as\s+{_OBJ}")(_simple("occupation", "works as {obj}"))
_rule(rf"{_BE}\s+(?P<obj>an?\s+(?:[a-z]+\s+)?{_PROF})\b(?!\s+(?:of|at heart))")(
    _simple("occupation", "works as {obj}")
)
_rule(
    rf"{_SUBJ}\s+{_WORK}\s+(?:at|for)\s+(?!(?:home|night|the moment|least|all|myself|"
    rf"\d)\b){_OBJ}"
)(_simple("employer", "works at {obj}"))
_rule(rf"{_SUBJ}\s+(?:live|lives|am living|'m living|is living|'s living)\s+in\s+{_OBJ}")(
    _simple("residence", "lives in {obj}", _place)
)
_rule(
    rf"{_SUBJ}\s+(?:(?:have|'ve|has|'s)\s+)?(?:just|recently|finally)\s+(?:moved|relocated)"
    rf"\s+(?:back\s+)?to\s+{_OBJ}"
)(_simple("residence", "lives in {obj}", _place))
_rule(rf"{_BE}\s+(?:originally\s+)?from\s+{_OBJ}")(_simple("origin", "is from {obj}", _place))
_rule(rf"{_SUBJ}\s+grew\s+up\s+in\s+{_OBJ}")(_simple("origin", "grew up in {obj}", _place))
_rule(rf"{_BE}\s+(?P<obj>\d{{1,3}})\s+years?\s+old\b")(_simple("age", "is {obj} years old"))
_rule(rf"{_SUBJ}\s+(?:just\s+)?turned\s+(?P<obj>\d{{1,3}})\b(?!\s*(?:%|percent|am|pm|:))")(
    _simple("age", "is {obj} years old")
)
_rule(rf"{_BE}\s+(?:now\s+)?(?P<obj>single|married|divorced|engaged|widowed|separated)\b(?!\s+to)")(
    _simple("relationship_status", "is {obj}")
)
_rule(rf"{_SUBJ}\s+(?:just\s+)?got\s+(?P<obj>married|engaged|divorced)\b")(
    _simple("relationship_status", "is {obj}")
)
_rule(
    rf"{_BE}\s+(?:a\s+)?(?P<obj>trans(?:gender)?(?:\s+(?:woman|man|person))?|non-?binary|gay|"
    r"lesbian|bisexual|queer|asexual|pansexual)\b"
)(_simple("identity", "is {obj}"))
_rule(
    rf"{_BE}\s+(?:a\s+)?(?P<obj>vegan|vegetarian|pescatarian|gluten[- ]free|lactose intolerant|"
    r"diabetic|celiac|coeliac|sober)\b"
)(_simple("diet", "is {obj}"))
_rule(rf"{_BE}\s+(?:severely\s+|very\s+|really\s+)?allergic\s+to\s+{_OBJ}")(
    _simple("allergy", "is allergic to {obj}")
)
_rule(
    rf"{_SUBJ}\s+(?:study|studies|am studying|'m studying|is studying|'s studying|majored in|"
    rf"major in|am majoring in|'m majoring in|is majoring in)\s+{_OBJ}"
)(_simple("study", "studies {obj}"))
_rule(
    rf"{_SUBJ}\s+(?:have|has|'ve got|have got|'s got|has got)\s+(?P<n>{_NUMW})\s+"
    r"(?P<obj>kids|children|sons|daughters|dogs|cats|siblings|brothers|sisters|pets|"
    r"grandkids|grandchildren|horses|birds)\b"
)(_simple("count", "has {n} {obj}"))
_rule(
    rf"{_SUBJ}\s+(?:(?:really|absolutely|totally|also|just|truly|genuinely|definitely|still)\s+)?"
    rf"(?:love|loves|like|likes|enjoy|enjoys|adore|adores)\s+{_OBJ}"
)(_simple("likes", "likes {obj}"))
_rule(rf"{_SUBJ}\s+(?:(?:really|absolutely|also|just|always)\s+)?loved\s+{_OBJ}")(
    _simple("likes", "loved {obj}")
)
_rule(r"^(?P<obj>[A-Z][^,;:!?]{2,60}?) (?:is|are) my (?:absolute |all-time )?favou?rite\b")(
    _simple_mine("likes", "likes {obj} most")
)
_rule(
    rf"{_SUBJ}\s+(?:(?:really|absolutely|totally|also|just|truly)\s+)?"
    rf"(?:hate|hates|dislike|dislikes|can't stand)\s+{_OBJ}"
)(_simple("dislikes", "dislikes {obj}"))
_rule(rf"{_SUBJ}\s+(?:really\s+|much\s+)?(?:prefer|prefers)\s+{_OBJ}")(
    _simple("prefers", "prefers {obj}")
)
_rule(
    rf"{_BE}\s+(?:(?:really|so|totally|super)\s+)?(?:into|a (?:big |huge |massive )?fan of|"
    rf"passionate about|obsessed with)\s+{_OBJ}"
)(_simple("likes", "likes {obj}"))
_ACT = (
    r"(?:learning|practicing|practising|training for|studying|volunteering|taking (?:a |an )?"
    r"(?:\w+ )?(?:class|classes|course|courses|lessons)|working on)"
)
_HOBBY = (
    r"(?:learning|playing|practicing|practising|taking|doing|studying|training|running|"
    r"painting|writing|volunteering|working on|reading|knitting|cooking|baking|hiking|"
    r"swimming|dancing|singing|coaching|teaching|building|making|collecting|gardening|"
    r"journaling|fostering|mentoring|climbing|surfing|skating|cycling|drawing|sewing)"
)
_rule(rf"{_BE}\s+(?:currently\s+|now\s+)?(?P<obj>{_ACT}\s+[^,.;:!?()\[\]\"]+)")(
    _simple("activity", "is {obj}")
)
_rule(rf"{_SUBJ}\s+(?:have|'ve|has|'s)\s+been\s+(?P<obj>{_HOBBY}\b[^,.;:!?()\[\]\"]*)")(
    _simple("activity", "has been {obj}")
)
_rule(
    rf"{_SUBJ}\s+(?:recently\s+|just\s+)?(?:started|began|took up|picked up)\s+"
    rf"(?P<obj>{_HOBBY}\b[^,.;:!?()\[\]\"]*)"
)(_simple("activity", "started {obj}"))


@_rule(rf"\b[Mm]y name is (?P<obj>{_NAME})\b|\b[Cc]all me (?P<obj2>{_NAME})\b")
def _my_name(m: re.Match[str], ctx: _Ctx) -> list[tuple[str, str, str]]:
    name = m.group("obj") or m.group("obj2")
    if not ctx.me or name.split()[0] in _STOP_NAMES:
        return []
    return [(ctx.me, f"is named {name}", "name")]


def _relation(ctx: _Ctx, rel: str, name: str) -> list[tuple[str, str, str]]:
    if not ctx.me or name.split()[0] in _STOP_NAMES or name == ctx.me:
        return []
    owner = ctx.me if ctx.me != "User" else "the user"
    role = role_of(rel)
    if role:  # single-valued: one current holder, superseded when it changes
        return role_statements(ctx.me, role, name)
    return [
        (ctx.me, f"has a {rel.lower()} named {name}", "relation"),
        (name, f"is {owner}'s {rel.lower()}", "relation"),
    ]


@_rule(
    rf"\b[Mm]y (?:(?:little|older|younger|big|baby|new|late|oldest|youngest|eldest)\s+)?"
    rf"(?P<rel>{_REL})(?:'s name is| is named| is called| named| called)?\s+(?P<obj>{_NAME})\b"
)
def _my_rel(m: re.Match[str], ctx: _Ctx) -> list[tuple[str, str, str]]:
    return _relation(ctx, m.group("rel"), m.group("obj"))


@_rule(rf"(?P<subj>\b{_NAME}) is my (?:(?:little|older|younger|big|best)\s+)?(?P<rel>{_REL})\b")
def _is_my(m: re.Match[str], ctx: _Ctx) -> list[tuple[str, str, str]]:
    name = ctx.subject(m, strict=False)
    return _relation(ctx, m.group("rel"), name) if name else []


@_rule(
    rf"{_SUBJ}\s+(?:have|has|'ve got|have got)\s+an?\s+(?:(?:new|little|cute|pet|rescue)\s+)?"
    rf"(?P<rel>{_REL})\s+(?:named|called)\s+(?P<obj>{_NAME})\b"
)
def _has_named(m: re.Match[str], ctx: _Ctx) -> list[tuple[str, str, str]]:
    who = ctx.subject(m)
    return _relation(ctx, m.group("rel"), m.group("obj")) if who == ctx.me else []


@_rule(
    rf"\b(?:[Mm]y|(?P<subj>{_NAME})'s)\s+favou?rite\s+(?P<what>[a-z]+(?: [a-z]+)?)\s+"
    rf"(?:is|are)\s+{_OBJ}"
)
def _favorite(m: re.Match[str], ctx: _Ctx) -> list[tuple[str, str, str]]:
    who = ctx.subject(m) if m.group("subj") else ctx.me
    obj = clean_object(m.group("obj"))
    if not who or not obj:
        return []
    return [(who, f"favorite {m.group('what')} is {ctx.mine(obj)}", "favorite")]


_PERSONAL = (
    r"(?:birthday|anniversary|hometown|job|profession|major|goal|dream|hobby|passion|religion|"
    r"nationality|native language|first language|zodiac sign|star sign)"
)


@_rule(rf"\b(?:[Mm]y|(?P<subj>{_NAME})'s)\s+(?P<what>{_PERSONAL})\s+is\s+{_OBJ}")
def _personal(m: re.Match[str], ctx: _Ctx) -> list[tuple[str, str, str]]:
    who = ctx.subject(m) if m.group("subj") else ctx.me
    obj = clean_object(m.group("obj"))
    if not who or not obj:
        return []
    return [(who, f"{m.group('what')} is {ctx.mine(obj)}", "personal")]


@_rule(rf"(?P<subj>\b{_NAME}) is (?P<obj>(?:a|an|the|my|our)\s+[^,.;:!?()\[\]\"]{{2,80}})")
def _copula(m: re.Match[str], ctx: _Ctx) -> list[tuple[str, str, str]]:
    who = ctx.subject(m)
    obj = clean_object(m.group("obj"))
    if not who or not obj or len(obj.split()) < 2 or who == ctx.me:
        return []
    return [(who, f"is {ctx.mine(obj)}", "is")]


SLOT_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^is named "), "name"),
    (re.compile(r"^is \d{1,3} years old$"), "age"),
    (re.compile(r"^works as "), "occupation"),
    (re.compile(r"^works (?:at|for) "), "employer"),
    (re.compile(r"^lives in "), "residence"),
    (re.compile(r"^(?:is from|grew up in) "), "origin"),
    (re.compile(r"^is (?:single|married|divorced|engaged|widowed|separated)$"), "relationship"),
    (re.compile(r"^studies "), "study"),
    (re.compile(r"^favou?rite (?P<a>.+?) (?:is|are) "), "favorite"),
    (re.compile(rf"^has {_NUMW} (?P<a>\w+)$"), "count"),
    (re.compile(rf"^(?P<a>{_PERSONAL}) is "), "personal"),
)
"""Single-valued attributes: a new value for the same entity supersedes the old one."""

_PREFERENCE = re.compile(r"^(?:likes|dislikes|prefers|loved) (?P<obj>.+)$")
_SPECIFIC = re.compile(r"^(?:the|a|an|this|that|these|those|his|her|their|its|some)\b|'s\b")


def is_lasting_preference(summary: str) -> bool:
    """True for a preference about a kind of thing (``likes jazz``, ``likes to travel``),
    not about one particular thing (``likes the colours in that photo``)."""
    m = _PREFERENCE.match(summary)
    if not m:
        return False
    obj = m.group("obj")
    return len(obj.split()) <= 3 and not _SPECIFIC.search(obj)


CORE_KINDS = frozenset(
    "name age occupation employer residence origin relationship_status identity diet allergy "
    "study count prefers favorite personal relation role pet".split()
)
"""Fact kinds that describe a person's identity or stable preferences (for core memory).

"I love …" statements join them only when they name a kind of thing (see
:func:`is_lasting_preference`): in conversation they are as often a passing remark
("I love the colours in that photo") as a lasting preference, and the core block
is in every prompt.
"""


def slot_of(summary: str) -> str | None:
    """The single-valued attribute a canonical summary sets (``occupation``…), or None."""
    for pattern, name in SLOT_PATTERNS:
        m = pattern.match(summary)
        if m:
            return f"{name}:{m.group('a')}" if "a" in pattern.groupindex else name
    return change_slot(summary)


def _known_names(turns: Sequence[Turn], stored: frozenset[str]) -> frozenset[str]:
    known = {t.speaker for t in turns} | stored
    for turn in turns:
        for sentence in split_sentences(turn.plain_text):
            for m in re.finditer(_NAME, sentence):
                if m.start() > 0 and m.group().split()[0] not in _STOP_NAMES:
                    known.add(m.group())
    return frozenset(known)


def subject_candidates(turns: Sequence[Turn]) -> list[str]:
    """The capitalised words that open a sentence of the batch and are not yet known
    names: the subjects a stored relation fact could make known (at most
    :data:`~mirix_py._memory.people.MAX_CANDIDATES`)."""
    known = _known_names(turns, frozenset())
    found: dict[str, None] = {}
    for turn in turns:
        for raw in _statements(turn.plain_text.replace("’", "'")):
            m = re.match(rf"[\s\"'“(]*({_NAME})\b", raw)
            if m and m.group(1) not in known and m.group(1).split()[0] not in _STOP_NAMES:
                found.setdefault(m.group(1))
    return list(found)[:MAX_CANDIDATES]


_RELATION_FACT = re.compile(rf"^is (?:the user|{_NAME})'s (?:{_REL}|{ROLE_WORDS})$")


def names_a_person(summary: str) -> bool:
    """Whether a stored fact's summary says its entity is someone's relation or role
    holder ("is the user's sister", "is Anna's cat", "is the user's nanny"): that
    entity is a known name."""
    return bool(_RELATION_FACT.match(summary))


_JOINED = re.compile(r"\s+[—–]\s+|\s+-\s+|;\s+")
"""Where one sentence joins two statements: a wish or a hypothetical before a dash ("I'd
like it to be low effort — I prefer low-maintenance plants") does not make the statement
after it one."""


def _statements(text: str) -> list[str]:
    """The sentences of ``text``, each cut where a dash or semicolon joins two statements."""
    return [part for raw in split_sentences(text) for part in _JOINED.split(raw) if part.strip()]


def extract_facts(turns: Sequence[Turn]) -> list[Fact]:
    """Facts stated in the batch, in order (questions and hypotheticals skipped).

    Memoised per batch: routing, the core manager and the semantic manager all
    ask for the same batch's facts.
    """
    key = tuple(
        (t.id, t.role, t.speaker, t.text, t.timestamp, t.sequence, t.session_id) for t in turns
    )
    return list(_extract_facts(key, known_stored_people()))


_TurnKey = tuple[str, str, str, str, datetime, int, str]


@lru_cache(maxsize=16)
def _extract_facts(key: tuple[_TurnKey, ...], stored: frozenset[str]) -> tuple[Fact, ...]:
    # keyed and rebuilt from the redacted text only: the cache never holds raw content
    turns = [
        Turn(
            id=i, role=r, speaker=sp, content=tx, text=tx, timestamp=ts, sequence=sq, session_id=ss
        )
        for i, r, sp, tx, ts, sq, ss in key
    ]
    known = _known_names(turns, stored)
    facts: list[Fact] = []
    for turn in turns:
        me = speaker_entity(turn)
        plain = split_sentences(turn.plain_text.replace("’", "'"))
        for entity, summary, kind in change_statements(plain, me):
            facts.append(Fact(entity, summary, kind, turn, entity == me))
        for raw in _statements(turn.plain_text.replace("’", "'")):
            sentence = _CONTRACTIONS.sub(lambda m: _EXPANSIONS[m.group(1)], raw.strip())
            if sentence.endswith("?") or _SKIP_SENTENCE.search(sentence):
                continue
            ctx = _Ctx(turn, sentence, known)
            found: list[tuple[int, int, str, str, str]] = []
            for order, (pattern, handler) in enumerate(_RULES):
                for m in pattern.finditer(sentence):
                    for entity, summary, kind in handler(m, ctx):
                        summary = re.sub(r"\s+", " ", summary).strip()
                        found.append((m.start(), order, entity, summary, kind))
            seen = {(f.entity, f.summary) for f in facts if f.turn is turn}
            for _, _, entity, summary, kind in sorted(found, key=lambda f: f[:2]):
                if (entity, summary) not in seen:
                    seen.add((entity, summary))
                    facts.append(Fact(entity, summary, kind, turn, entity == ctx.me))
        if me is not None:
            facts.extend(_new_statements(turn, me, [f for f in facts if f.turn is turn]))
    return tuple(facts)


def _new_statements(turn: Turn, me: str, found: Sequence[Fact]) -> list[Fact]:
    """The speaker's statements in ``turn`` that say more than the attribute facts
    ``found`` in it ("works as a counselor now" adds nothing to "works as a counselor")."""
    known = frozenset().union(*(statement_stems(f.summary) for f in found))
    own = statement_stems(me)
    return [
        Fact(me, clause, STATEMENT, turn, True)
        for clause in turn_statements(turn, me)
        if not statement_stems(clause) - own <= known
    ]


def fact_id(user_id: str, name: str, summary: str) -> str:
    """Content-keyed id: the same fact about the same entity is one record."""
    return record_id(
        user_id, MemoryType.SEMANTIC, kind=f"fact:{norm_key(name)}:{norm_key(summary)}"
    )


def fact_record(fact: Fact, *, user_id: str) -> SemanticMemory:
    """A semantic record for one extracted fact."""
    return SemanticMemory(
        id=fact_id(user_id, fact.entity, fact.summary),
        user_id=user_id,
        name=fact.entity[:256],
        summary=fact.summary,
        source=f"said by {fact.turn.speaker} on {short_date(fact.turn.timestamp)}",
        occurred_at=fact.turn.timestamp,
        valid_from=min(fact.turn.timestamp, utcnow()),
        source_ids=[fact.turn.id],
        aspect=STATEMENT if fact.kind == STATEMENT else "",
    )


def extract_offline(turns: Sequence[Turn], *, user_id: str) -> list[SemanticMemory]:
    """Semantic records for the facts stated in the batch, and the profiles its
    statements add to (:mod:`mirix_py._memory.profiles`)."""
    facts = extract_facts(turns)
    said = [(f.entity, f.summary, f.turn) for f in facts if f.kind == STATEMENT]
    records = [fact_record(f, user_id=user_id) for f in facts]
    traits = trait_items(turns, speaker_entity)
    return [*records, *profile_records(said, user_id=user_id, traits=traits)]


def profile_records(
    statements: Sequence[tuple[str, str, Turn]],
    *,
    user_id: str,
    traits: Sequence[tuple[str, str, str, Turn]] = (),
) -> list[SemanticMemory]:
    """The profile records the batch's ``(person, clause, turn)`` statements and its
    values and qualities (:mod:`mirix_py._memory.traits`) add to
    (:mod:`mirix_py._memory.profiles`)."""
    fields = profile_fields(statements, user_id=user_id, traits=traits)
    return [SemanticMemory(**f) for f in fields]


def route_reason(records: Sequence[MemoryRecord]) -> str | None:
    """Why a batch whose extraction is ``records`` concerns semantic memory."""
    facts = [r for r in records if isinstance(r, SemanticMemory)]
    if not facts:
        return None
    entities = ", ".join(dict.fromkeys(f.name for f in facts))
    return f"{len(facts)} fact(s) about {entities}"


def detect(turns: Sequence[Turn]) -> str | None:
    """Why the batch concerns semantic memory (facts found), or None."""
    return route_reason(extract_offline(turns, user_id="detect"))


def dedupe_key(record: MemoryRecord) -> str | None:
    """Facts about the same entity are compared for near-duplicates. A record with an
    aspect is not: a profile is one record per person and aspect, found by its id,
    and a statement is one clause of one turn (the same words again are the same id;
    "went camping with the kids" in May and in August are two outings, not one)."""
    if not isinstance(record, SemanticMemory) or record.aspect:
        return None
    return norm_key(record.name)


def slot_key(record: MemoryRecord) -> str | None:
    """Entity plus single-valued attribute: a different value there is a contradiction."""
    if not isinstance(record, SemanticMemory) or record.aspect:
        return None  # a statement or a profile keeps the speaker's words: no attribute
    slot = slot_of(record.summary)
    return f"{norm_key(record.name)}|{slot}" if slot else None


def twin_ids(record: MemoryRecord) -> list[str]:
    """The facts that state ``record`` from its other side and hold only while it does:
    a role fact's holder fact ("User: nanny is Rosa" → "Rosa: is the user's nanny")."""
    if not isinstance(record, SemanticMemory) or record.aspect:
        return []
    twin = role_twin(record.name, record.summary)
    return [fact_id(record.user_id, twin[0], twin[1])] if twin else []


def archive_summary(
    members: Sequence[MemoryRecord], common: dict[str, Any], per: int, dates: str
) -> MemoryRecord:
    """Retention's archive summary of some facts: one clause per fact."""
    facts = [r for r in members if isinstance(r, SemanticMemory)]
    return SemanticMemory(
        **common,
        name=facts[0].name if facts else "archive",
        summary=f"archived facts ({len(members)}, {dates}): "
        + "; ".join(clip(r.summary, per) for r in facts),
        source=f"archived by retention ({len(members)} facts)",
    )


# --------------------------------------------------------------------------
# The type's spec (see mirix_py._memory.registry).
# --------------------------------------------------------------------------


def _evidence(record: Mapping[str, Any]) -> str:
    who = record.get("name")
    prefix = f"{who}: " if who else ""
    return f"{prefix}{record.get('summary', '')} {record.get('details', '')}".strip()


SPEC = MemoryTypeSpec(
    name="semantic",
    record=SemanticMemory,
    id_prefix="se",
    title="Semantic",
    blurb="facts and concepts",
    describe=(
        "facts about people, places, things and concepts that hold over time "
        '("Anna works at the library", "Luna is Bob\'s cat").'
    ),
    extract_hint=(
        "facts about a named entity: name = the entity, summary = the fact in third "
        'person ("works as a nurse"). One fact per item.'
    ),
    main_field="summary",
    evidence=_evidence,
    hidden_fields=frozenset({"aspect"}),
    section="Facts",
    section_order=10,
    detect=detect,
    route_reason=route_reason,
    extract=extract_offline,
    dedupe_key=dedupe_key,
    slot_key=slot_key,
    twins=twin_ids,
    combine=combine,
    cleaned=True,
    cue=lambda cues: bool(cues.names),
    summarise=archive_summary,
    summary_cites=summary_line_kept,
)
