"""Semantic memory's offline pattern rules: statements of fact about people, places and
things ("I work as a nurse", "my sister Anna", "Luna is my cat"), read one sentence at a
time into ``(entity, summary, kind)`` triples."""

from __future__ import annotations

import re
from collections.abc import Callable

from mirix_py._memory.changes import role_of, role_statements
from mirix_py._memory.extract_common import Turn
from mirix_py._text import LOWER, UPPER

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
RELATION_WORD = (
    r"(?:best friend|wife|husband|partner|spouse|boyfriend|girlfriend|fianc[eé]e?|son|daughter|"
    r"kid|child|baby|mom|mother|dad|father|brother|sister|sibling|grandma|grandmother|grandpa|"
    r"grandfather|grandson|granddaughter|aunt|uncle|cousin|niece|nephew|friend|roommate|boss|"
    r"coworker|co-worker|colleague|neighbor|neighbour|mentor|teacher|therapist|doctor|dog|cat|"
    r"puppy|kitten|pet|bird|parrot|horse|rabbit|bunny|hamster|turtle|tortoise|fish|snake)"
)
"""A relation or pet word (``sister``, ``boss``, ``cat``): ``my sister Anna``."""
NUMBER_WORD = r"(?:\d{1,2}|two|three|four|five|six|seven|eight|nine|ten)"
"""A small count, in digits or words."""
NAME = rf"{UPPER}{LOWER}+(?:[ -]{UPPER}{LOWER}+)?"
"""A capitalised name of one or two words (``Anna``, ``New York``, ``Zoë``, ``Łukasz``)."""
_SUBJ = rf"(?P<subj>\bI\b|\b{NAME})"
_BE = rf"(?:(?P<i>\bI(?:'m| am))|(?P<subj>\b{NAME})(?: is|'s))"
_OBJ = r"(?P<obj>[^,;:!?()\[\]]+)"
STOP_NAMES = frozenset(
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
"""Capitalised words that are not names (pronouns, greetings, days, months …)."""
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
        if subj.split()[0] in STOP_NAMES:
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
    return place if place and place[0].isupper() and place.split()[0] not in STOP_NAMES else None


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
_rule(
    rf"{_SUBJ}\s+(?:(?:now|currently|still)\s+)?(?:live|lives|am living|'m living|is living|"
    rf"'s living)\s+in\s+{_OBJ}"
)(_simple("residence", "lives in {obj}", _place))
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
    rf"{_SUBJ}\s+(?:have|has|'ve got|have got|'s got|has got)\s+(?P<n>{NUMBER_WORD})\s+"
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
_rule(rf"^(?P<obj>{UPPER}[^,;:!?]{{2,60}}?) (?:is|are) my (?:absolute |all-time )?favou?rite\b")(
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


@_rule(rf"\b[Mm]y name is (?P<obj>{NAME})\b|\b[Cc]all me (?P<obj2>{NAME})\b")
def _my_name(m: re.Match[str], ctx: _Ctx) -> list[tuple[str, str, str]]:
    name = m.group("obj") or m.group("obj2")
    if not ctx.me or name.split()[0] in STOP_NAMES:
        return []
    return [(ctx.me, f"is named {name}", "name")]


def _relation(ctx: _Ctx, rel: str, name: str) -> list[tuple[str, str, str]]:
    if not ctx.me or name.split()[0] in STOP_NAMES or name == ctx.me:
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
    rf"(?P<rel>{RELATION_WORD})(?:'s name is| is named| is called| named| called)?"
    rf"\s+(?P<obj>{NAME})\b"
)
def _my_rel(m: re.Match[str], ctx: _Ctx) -> list[tuple[str, str, str]]:
    return _relation(ctx, m.group("rel"), m.group("obj"))


@_rule(
    rf"(?P<subj>\b{NAME}) is my (?:(?:little|older|younger|big|best)\s+)?"
    rf"(?P<rel>{RELATION_WORD})\b"
)
def _is_my(m: re.Match[str], ctx: _Ctx) -> list[tuple[str, str, str]]:
    name = ctx.subject(m, strict=False)
    return _relation(ctx, m.group("rel"), name) if name else []


@_rule(
    rf"{_SUBJ}\s+(?:have|has|'ve got|have got)\s+an?\s+(?:(?:new|little|cute|pet|rescue)\s+)?"
    rf"(?P<rel>{RELATION_WORD})\s+(?:named|called)\s+(?P<obj>{NAME})\b"
)
def _has_named(m: re.Match[str], ctx: _Ctx) -> list[tuple[str, str, str]]:
    who = ctx.subject(m)
    return _relation(ctx, m.group("rel"), m.group("obj")) if who == ctx.me else []


@_rule(
    rf"\b(?:[Mm]y|(?P<subj>{NAME})'s)\s+favou?rite\s+(?P<what>[a-z]+(?: [a-z]+)?)\s+"
    rf"(?:is|are)\s+{_OBJ}"
)
def _favorite(m: re.Match[str], ctx: _Ctx) -> list[tuple[str, str, str]]:
    who = ctx.subject(m) if m.group("subj") else ctx.me
    obj = clean_object(m.group("obj"))
    if not who or not obj:
        return []
    return [(who, f"favorite {m.group('what')} is {ctx.mine(obj)}", "favorite")]


PERSONAL_ATTRIBUTE = (
    r"(?:birthday|anniversary|hometown|job|profession|major|goal|dream|hobby|passion|religion|"
    r"nationality|native language|first language|zodiac sign|star sign)"
)
"""A personal attribute stated as ``my <attribute> is …`` (birthday, hometown …)."""


@_rule(rf"\b(?:[Mm]y|(?P<subj>{NAME})'s)\s+(?P<what>{PERSONAL_ATTRIBUTE})\s+is\s+{_OBJ}")
def _personal(m: re.Match[str], ctx: _Ctx) -> list[tuple[str, str, str]]:
    who = ctx.subject(m) if m.group("subj") else ctx.me
    obj = clean_object(m.group("obj"))
    if not who or not obj:
        return []
    return [(who, f"{m.group('what')} is {ctx.mine(obj)}", "personal")]


@_rule(rf"(?P<subj>\b{NAME}) is (?P<obj>(?:a|an|the|my|our)\s+[^,.;:!?()\[\]\"]{{2,80}})")
def _copula(m: re.Match[str], ctx: _Ctx) -> list[tuple[str, str, str]]:
    who = ctx.subject(m)
    obj = clean_object(m.group("obj"))
    if not who or not obj or len(obj.split()) < 2 or who == ctx.me:
        return []
    return [(who, f"is {ctx.mine(obj)}", "is")]


def rule_matches(turn: Turn, raw: str, known: frozenset[str]) -> list[tuple[str, str, str]]:
    """The ``(entity, summary, kind)`` triples the rules find in one sentence ``raw`` of
    ``turn``, in sentence order (rule order at the same place); none for a question or a
    hypothetical. ``known`` holds the names a sentence may open with."""
    sentence = _CONTRACTIONS.sub(lambda m: _EXPANSIONS[m.group(1)], raw.strip())
    if sentence.endswith("?") or _SKIP_SENTENCE.search(sentence):
        return []
    ctx = _Ctx(turn, sentence, known)
    found: list[tuple[int, int, str, str, str]] = []
    for order, (pattern, handler) in enumerate(_RULES):
        for m in pattern.finditer(sentence):
            for entity, summary, kind in handler(m, ctx):
                summary = re.sub(r"\s+", " ", summary).strip()
                found.append((m.start(), order, entity, summary, kind))
    return [
        (entity, summary, kind)
        for _, _, entity, summary, kind in sorted(found, key=lambda f: f[:2])
    ]
