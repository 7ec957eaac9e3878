"""Offline reflection: deterministic, conservative pattern mining over episodes.

Two miners, both reading only first-person statements of real speakers
(never the assistant), one sentence at a time:

* **repeated actions** — the same speaker stating the same action ("I went
  running", "I had coffee at 3 pm") on at least ``min_sessions`` distinct days
  in at least as many sessions becomes a semantic item: ``went running
  repeatedly: 5 times (1–5 May 2023)``. The day of each occurrence is the date
  the sentence names ("yesterday" → that day), else the episode's date; the
  same event mentioned twice counts once. A time of day or a companion is
  added only when every occurrence names the same one.
* **routines** — two such actions that happen in the same order within a
  session, in at least ``max(3, min_sessions)`` sessions and never in the
  other order, become a procedural entry (``go running, then have a smoothie``).

Conservative on purpose: negated, hypothetical, future or question sentences
are skipped, only a closed list of concrete activity verbs is read, and
objects are short noun phrases. Better nothing than something false. Each
pattern lists exactly the episodes it summarises.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from mirix_py._dates import collapse_dates
from mirix_py._memory import EpisodicMemory
from mirix_py._memory.extract_common import norm_key, split_sentences, strip_annotations
from mirix_py._memory.fact_rules import clean_object
from mirix_py._temporal import resolve_time_expressions
from mirix_py._text import LOWER, UPPER

_NOT_PEOPLE = frozenset({"assistant", "system", "tool", "ai", "bot"})

# surface form -> (lemma, past tense, 3rd person)
_VERBS: dict[str, str] = {
    "went": "go", "go": "go",
    "played": "play", "play": "play",
    "ran": "run", "run": "run",
    "walked": "walk", "walk": "walk",
    "swam": "swim", "swim": "swim",
    "cooked": "cook", "cook": "cook",
    "baked": "bake", "bake": "bake",
    "painted": "paint", "paint": "paint",
    "visited": "visit", "visit": "visit",
    "watched": "watch", "watch": "watch",
    "attended": "attend", "attend": "attend",
    "practiced": "practice", "practised": "practice", "practice": "practice",
    "practise": "practice",
    "drank": "drink", "drink": "drink",
    "ate": "eat", "eat": "eat",
    "had": "have", "have": "have",
    "read": "read",
    "hiked": "hike", "hike": "hike",
    "cycled": "cycle", "cycle": "cycle", "biked": "cycle", "bike": "cycle",
    "danced": "dance", "dance": "dance",
    "sang": "sing", "sing": "sing",
    "wrote": "write", "write": "write",
    "meditated": "meditate", "meditate": "meditate",
    "volunteered": "volunteer", "volunteer": "volunteer",
    "took": "take", "take": "take",
    "joined": "join", "join": "join",
    "started": "start", "start": "start",
    "bought": "buy", "buy": "buy",
    "adopted": "adopt", "adopt": "adopt",
    "finished": "finish", "finish": "finish",
    "created": "create", "create": "create",
    "built": "build", "build": "build",
    "won": "win", "win": "win",
    "met": "meet", "meet": "meet",
    "tried": "try", "try": "try",
    "learned": "learn", "learnt": "learn", "learn": "learn",
    "organized": "organize", "organised": "organize", "organize": "organize",
    "hosted": "host", "host": "host",
    "performed": "perform", "perform": "perform",
    "camped": "camp", "camp": "camp",
    "traveled": "travel", "travelled": "travel", "travel": "travel",
    "participated": "participate", "participate": "participate",
}  # fmt: skip
_PAST = {
    "go": "went", "play": "played", "run": "ran", "walk": "walked", "swim": "swam",
    "cook": "cooked", "bake": "baked", "paint": "painted", "visit": "visited",
    "watch": "watched", "attend": "attended", "practice": "practiced", "drink": "drank",
    "eat": "ate", "have": "had", "read": "read", "hike": "hiked", "cycle": "cycled",
    "dance": "danced", "sing": "sang", "write": "wrote", "meditate": "meditated",
    "volunteer": "volunteered", "take": "took", "join": "joined", "start": "started",
    "buy": "bought", "adopt": "adopted", "finish": "finished", "create": "created",
    "build": "built", "win": "won", "meet": "met", "try": "tried", "learn": "learned",
    "organize": "organized", "host": "hosted", "perform": "performed", "camp": "camped",
    "travel": "traveled", "participate": "participated",
}  # fmt: skip
_INTRANSITIVE = frozenset(
    {"run", "swim", "hike", "cycle", "dance", "sing", "meditate", "camp", "perform"}
)
_PREPOSITIONAL = {
    "volunteer": ("at", "with", "for"),
    "participate": ("in",),
    "camp": ("at", "in", "by", "near", "on"),
    "travel": ("to", "around", "through", "across"),
}
_PREPOSITIONS = frozenset(
    "at in on with about from by into through over for of to out away off across up around "
    "near under after before".split()
)
_ADVERB_HEADS = frozenset(
    "often always never really just together there here back again too also so very much "
    "well all".split()
)
_OBJECT_STOP = re.compile(
    r"\s*(?:[,;:(]|\s[-–—]\s|\b(?:and|or|but|so|because|which|who|whom|where|when|while|"
    r"since|like|as well|for example|together|though|although|until)\b).*$",
    re.I,
)
_MEALS = re.compile(
    r"^(?:(?:a|an|some|my)\s+)?(?:(?:\w+\s+)?(?:coffee|tea|latte|espresso|cappuccino|smoothie|"
    r"breakfast|brunch|lunch|dinner|beer|wine|drink|drinks|salad|sandwich|pizza|burger|soup|"
    r"ice cream|dessert|snack))$",
    re.I,
)
_ADVERBS = (
    r"(?:(?:also|just|usually|always|often|regularly|finally|again|recently|then|still|even|"
    r"actually|sometimes|normally|first|later)\s+)?"
)
_VERB_ALT = "|".join(sorted(_VERBS, key=len, reverse=True))
_NEXT_CLAUSE = r",?\s+(?:and|but|then|so|because|while|when)\s+(?:then\s+)?(?:I|we)\b"
_ACTION = re.compile(
    rf"\b(?:I|[Ww]e)\s+{_ADVERBS}(?P<verb>{_VERB_ALT})\b(?!['’])"
    rf"(?P<rest>(?:(?!{_NEXT_CLAUSE})[^.!?;])*)"
)
_VAGUE_PAST = re.compile(
    r"\b(?:years?|months?|decades?|ages)\s+(?:ago|back)\b|\bback\s+(?:then|in|when)\b|"
    r"\bwhen\s+I\s+was\b|\bas\s+an?\s+(?:kid|child|teen|teenager|student)\b|\bgrowing\s+up\b|"
    r"\bused\s+to\b|\bin\s+(?:college|high\s+school|school|my\s+youth)\b|\bonce\b",
    re.I,
)
_GO = re.compile(
    r"^\s*(?:(?P<to>to)\s+(?P<to_obj>.+)|(?P<ing>[a-z]+ing)\b(?P<ing_rest>.*)|"
    r"(?P<prep>for|on)\s+(?P<prep_obj>(?:a|an)\s+.+))$",
    re.I,
)
_HYPOTHETICAL = re.compile(
    r"\b(?:if|unless|would|could|should|might|wish|hope|imagine|pretend|suppose)\b|n't\b|\bnot\b|"
    r"\bnever\b",
    re.I,
)
_TIME_OF_DAY = re.compile(
    r"\b(?:at\s+)?(?P<h>\d{1,2})(?::\d{2})?\s*(?P<ap>am|pm|a\.m\.|p\.m\.)|"
    r"\b(?:this|in the|every|each|one)\s+(?P<part>morning|afternoon|evening)\b|"
    r"\b(?P<night>tonight|at night|last night)\b",
    re.I,
)
_OBJECT_CUT = re.compile(
    r"\s+(?:at\s+\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.|o'clock)?|at\s+(?:noon|night|midnight)|"
    r"(?:this|in the|every|each|one)\s+(?:morning|afternoon|evening|day|night|week|weekend)|"
    r"tonight|before\s+\w+|after\s+\w+|with\s+.+|again|today|yesterday|as usual|"
    r"every\s+\w+|on\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?|"
    r"(?:last|this|next)\s+\w+|[0-9]+\s+(?:days?|weeks?|months?|years?)\s+ago)\b.*$",
    re.I,
)
_NAME = f"{UPPER}{LOWER}+"
_COMPANION = re.compile(
    rf"\bwith\s+(?P<who>(?:my\s+[a-z]+(?:\s+{_NAME})?)|(?:{_NAME}(?:\s+and\s+{_NAME})?))"
)
_DETERMINERS = frozenset("a an the my our some his her their your this that".split())


@dataclass(frozen=True)
class Occurrence:
    """One statement of an action in one episode."""

    episode: EpisodicMemory
    sentence: str
    position: int
    label: str
    day: date | None
    part_of_day: str | None
    companion: str | None


@dataclass
class Pattern:
    """A repeated action by one speaker and the occurrences that show it."""

    entity: str
    lemma: str
    obj: str
    occurrences: list[Occurrence] = field(default_factory=list)

    @property
    def key(self) -> str:
        """``alice|go|to gym``: the pattern's identity (stable as occurrences grow)."""
        return f"{norm_key(self.entity)}|{self.lemma}|{_object_key(self.obj)}"

    @property
    def episodes(self) -> list[EpisodicMemory]:
        """The episodes it summarises, oldest first, each once."""
        seen: dict[str, EpisodicMemory] = {}
        for occ in sorted(self.occurrences, key=lambda o: (o.episode.when, o.episode.id)):
            seen.setdefault(occ.episode.id, occ.episode)
        return list(seen.values())

    def events(self) -> dict[str, Occurrence]:
        """One occurrence per distinct event (its date label)."""
        out: dict[str, Occurrence] = {}
        for occ in sorted(self.occurrences, key=lambda o: (o.episode.when, o.position)):
            out.setdefault(occ.label, occ)
        return out

    def sessions(self) -> set[str]:
        """The sessions it occurs in."""
        return {session_of(o.episode) for o in self.occurrences}

    def phrase(self, *, tense: str = "past") -> str:
        """``went running``, ``go running`` (``tense="base"``), with the shared
        time of day and companion when every occurrence names the same one."""
        verb = _PAST[self.lemma] if tense == "past" else self.lemma
        words = [verb, self.obj] if self.obj else [verb]
        parts = {o.part_of_day for o in self.occurrences}
        if len(parts) == 1 and None not in parts:
            words.append(f"in the {parts.pop()}")
        companions = {o.companion for o in self.occurrences}
        if len(companions) == 1 and None not in companions:
            words.append(f"with {companions.pop()}")
        return " ".join(words)

    def dates_text(self) -> str:
        """Occurrence dates collapsed into ranges; coarse dates listed by their label."""
        events = self.events().values()
        days = [o.day for o in events if o.day is not None]
        coarse = sorted({o.label for o in events if o.day is None})
        return ", ".join(p for p in [*coarse, collapse_dates(days)] if p)


def session_of(episode: EpisodicMemory) -> str:
    """The session an episode belongs to (its session id, else its date)."""
    return episode.session_id or f"day:{episode.when.date().isoformat()}"


def speaker_entity(actor: str) -> str | None:
    """The entity first-person statements of ``actor`` are about (None for the assistant)."""
    name = actor.strip()
    if not name or name.lower() in _NOT_PEOPLE or "," in name:
        return None
    return "User" if name.lower() in ("user", "human") else name


def _object_key(obj: str) -> str:
    words = [w for w in norm_key(obj).split() if w not in _DETERMINERS]
    return " ".join(words)


def _part_of_day(sentence: str) -> str | None:
    m = _TIME_OF_DAY.search(sentence)
    if not m:
        return None
    if m.group("part"):
        return m.group("part").lower()
    if m.group("night"):
        return "evening"
    hour = int(m.group("h")) % 12 + (12 if m.group("ap").lower().startswith("p") else 0)
    if 5 <= hour < 12:
        return "morning"
    if 12 <= hour < 17:
        return "afternoon"
    if 17 <= hour < 23:
        return "evening"
    return None


def _clean(raw: str) -> str | None:
    """The object phrase cut at clause, time and list boundaries; "" if nothing is
    left, None if what is left is not a usable noun phrase."""
    text = _OBJECT_CUT.sub("", " " + raw.strip())
    text = _OBJECT_STOP.sub("", text).strip(" ,-–—'\"")
    if not text:
        return ""
    obj = clean_object(text)
    if obj is None or len(obj.split()) > 5 or not re.match(r"^[A-Za-z]", obj):
        return None
    if obj.split()[0].lower() in _ADVERB_HEADS:
        return None
    return obj


def _object(lemma: str, rest: str) -> str | None:
    """The action's object phrase, or None when the statement does not fit the verb."""
    if lemma == "go":
        m = _GO.match(rest)
        if not m:
            return None
        if m.group("to"):
            obj = _clean(m.group("to_obj"))
            if not obj or obj.split()[0].lower() in _PREPOSITIONS:
                return None
            return f"to {obj}"
        if m.group("ing"):
            tail = _clean(m.group("ing_rest") or "")
            return m.group("ing").lower() if tail == "" else None
        obj = _clean(m.group("prep_obj"))
        return f"{m.group('prep').lower()} {obj}" if obj else None
    obj = _clean(rest)
    if obj is None:
        return None
    if not obj:
        return "" if lemma in _INTRANSITIVE else None
    head = obj.split()[0].lower()
    if head in _PREPOSITIONS and head not in _PREPOSITIONAL.get(lemma, ()):
        return None
    if lemma in _PREPOSITIONAL and lemma not in _INTRANSITIVE and head not in _PREPOSITIONS:
        return None if lemma == "participate" else obj
    if lemma == "have" and not _MEALS.match(obj):
        return None
    return obj


def _event_label(sentence: str, episode: EpisodicMemory) -> tuple[str, date | None]:
    for mention in resolve_time_expressions(sentence, episode.when):
        if mention.granularity == "day" and (mention.end - mention.start).days == 1:
            return mention.start.date().isoformat(), mention.start.date()
        return mention.label, None
    day = episode.when.date()
    return day.isoformat(), day


def actions_in(episode: EpisodicMemory) -> list[tuple[str, str, str, Occurrence]]:
    """``(entity, lemma, object, occurrence)`` for each first-person action in an episode."""
    entity = speaker_entity(episode.actor)
    if entity is None or episode.status == "unprocessed":
        return []
    out: list[tuple[str, str, str, Occurrence]] = []
    position = 0
    for sentence in split_sentences(strip_annotations(episode.summary).replace("’", "'")):
        if sentence.rstrip().endswith("?") or _VAGUE_PAST.search(sentence):
            continue  # questions, and memories of an unknown time long ago
        for m in _ACTION.finditer(sentence):
            if _HYPOTHETICAL.search(sentence[: m.start("verb")]):
                continue
            lemma = _VERBS[m.group("verb").lower()]
            obj = _object(lemma, m.group("rest"))
            if obj is None:
                continue
            label, day = _event_label(sentence, episode)
            who = _COMPANION.search(m.group("rest"))
            occurrence = Occurrence(
                episode=episode,
                sentence=sentence.strip(),
                position=position,
                label=label,
                day=day,
                part_of_day=_part_of_day(sentence),
                companion=who.group("who") if who else None,
            )
            position += 1
            out.append((entity, lemma, obj, occurrence))
    return out


def mine_patterns(episodes: Sequence[EpisodicMemory], *, min_sessions: int) -> list[Pattern]:
    """Actions repeated on ``min_sessions`` distinct days in as many sessions, best first."""
    patterns: dict[str, Pattern] = {}
    for episode in sorted(episodes, key=lambda e: (e.when, e.sequence or 0, e.id)):
        for entity, lemma, obj, occurrence in actions_in(episode):
            candidate = Pattern(entity, lemma, obj)
            pattern = patterns.setdefault(candidate.key, candidate)
            pattern.occurrences.append(occurrence)
    found = [
        p
        for p in patterns.values()
        if len(p.events()) >= min_sessions and len(p.sessions()) >= min_sessions
    ]
    return sorted(found, key=lambda p: (-len(p.events()), p.key))


@dataclass
class Routine:
    """Actions one speaker does in the same order within sessions."""

    entity: str
    steps: list[Pattern]
    sessions: list[str]
    occurrences: list[Occurrence]

    @property
    def key(self) -> str:
        """``alice|go|running>have|smoothie``."""
        return ">".join(p.key for p in self.steps)

    @property
    def episodes(self) -> list[EpisodicMemory]:
        """The episodes it summarises, oldest first."""
        seen: dict[str, EpisodicMemory] = {}
        for occ in sorted(self.occurrences, key=lambda o: (o.episode.when, o.episode.id)):
            seen.setdefault(occ.episode.id, occ.episode)
        return list(seen.values())


def _order_in_sessions(pattern: Pattern) -> dict[str, tuple[float, int, int]]:
    """Per session, where the pattern first occurs on the session's own day:
    (time, sequence, sentence position). Mentions of other days ("yesterday I…")
    say nothing about the order of that day's actions and are left out."""
    first: dict[str, tuple[float, int, int]] = {}
    for occ in pattern.occurrences:
        ep = occ.episode
        if occ.day != ep.when.date():
            continue
        spot = (ep.when.timestamp(), ep.sequence or 0, occ.position)
        key = session_of(ep)
        if key not in first or spot < first[key]:
            first[key] = spot
    return first


def mine_routines(patterns: Sequence[Pattern], *, min_sessions: int) -> list[Routine]:
    """Chains of repeated actions that happen in one fixed order within sessions.

    A chain needs at least ``max(3, min_sessions)`` sessions where all its steps
    occur in that order, and no session where any two of them occur reversed.
    """
    need = max(3, min_sessions)
    by_entity: dict[str, list[Pattern]] = {}
    for p in patterns:
        by_entity.setdefault(norm_key(p.entity), []).append(p)
    routines: list[Routine] = []
    for members in by_entity.values():
        spots = {p.key: _order_in_sessions(p) for p in members}
        before: dict[str, set[str]] = {p.key: set() for p in members}
        for a in members:
            for b in members:
                if a.key == b.key:
                    continue
                shared = set(spots[a.key]) & set(spots[b.key])
                forward = [s for s in shared if spots[a.key][s] < spots[b.key][s]]
                backward = [s for s in shared if spots[a.key][s] > spots[b.key][s]]
                if len(forward) >= need and not backward:
                    before[b.key].add(a.key)
        routines.extend(_chains(members, before, spots, need))
    return sorted(routines, key=lambda r: r.key)


def _chains(
    members: Sequence[Pattern],
    before: dict[str, set[str]],
    spots: dict[str, dict[str, tuple[float, int, int]]],
    need: int,
) -> list[Routine]:
    """Maximal chains in the "always before" relation that hold in enough sessions.

    A step joins a chain only if every step already in it always comes before
    it, and the chain still occurs whole, in order, in ``need`` sessions that
    make up at least :data:`ROUTINE_COVERAGE` of the sessions where any of its
    steps occurs (an action that only sometimes follows is not part of it).
    """
    by_key = {p.key: p for p in members}
    linked = {k for k, preds in before.items() if preds} | {
        a for preds in before.values() for a in preds
    }
    ordered = sorted(linked, key=lambda k: (len(before[k]), k))
    chains: list[list[str]] = []
    for key in ordered:
        for chain in chains:
            if all(prev in before[key] for prev in chain) and _support([*chain, key], spots, need):
                chain.append(key)
                break
        else:
            chains.append([key])
    out: list[Routine] = []
    for chain in chains:
        sessions = _support(chain, spots, need) if len(chain) > 1 else []
        if not sessions:
            continue
        steps = [by_key[k] for k in chain]
        keep = set(sessions)
        occurrences = [
            o
            for p in steps
            for o in p.occurrences
            if session_of(o.episode) in keep and o.day == o.episode.when.date()
        ]
        out.append(Routine(steps[0].entity, steps, sessions, occurrences))
    return out


ROUTINE_COVERAGE = 2 / 3


def _support(
    chain: Sequence[str], spots: dict[str, dict[str, tuple[float, int, int]]], need: int
) -> list[str]:
    """The sessions where ``chain`` occurs whole and in order, if they are enough."""
    every = set.intersection(*(set(spots[k]) for k in chain))
    sessions = sorted(
        s for s in every if all(spots[a][s] < spots[b][s] for a, b in itertools.pairwise(chain))
    )
    seen = set.union(*(set(spots[k]) for k in chain))
    if len(sessions) < need or len(sessions) < ROUTINE_COVERAGE * len(seen):
        return []
    return sessions
