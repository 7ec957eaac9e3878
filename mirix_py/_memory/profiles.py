"""Per-person profile records: one record per person and aspect, kept up to date.

A question about what someone does ("what activities does X take part in?",
"what are X's hobbies?") gathers items said in many sessions: "I'm off to go
swimming with the kids" in May, "we went camping" in June, "I signed up for a
pottery class" in July. Each statement is its own fact
(:mod:`mirix_py._memory.statements`), so the question needs several of them to
rank together; a profile holds them in one short record that one search finds:
``Maria: activities and hobbies: swimming, camping, pottery class``.

- :func:`activity_items` reads the activities a statement names: a gerund after a
  verb of doing ("went camping", "has been running", "loves hiking") and a
  "<noun> class/lessons/workshop/course/club" ("pottery class").
- :func:`profile_fields` builds, per batch, one candidate record per person with
  the batch's items; its id is deterministic (user, person, aspect), so the write
  path finds the stored profile by id (one indexed lookup) and
  :func:`combine` folds the new items into it: an upsert on the declared key, whose
  cost is the batch's, never the person's history.
- Places are split by the verb that put them there (:func:`place_kinds`): a place
  someone lives, grew up, moved to or is based in goes to the *lived* profile
  (:data:`LIVED`), a place they took a trip to, visited, flew to or stayed in goes
  to the *visited* one (:data:`VISITED`), so "where does X live?" is never read
  off a holiday destination. A clause naming places with no such verb of its own
  takes the verb said just before it in the message ("And I moved! … to York",
  :func:`carried_place_kinds`). Records of the older single aspect (:data:`PLACES`,
  "places visited or lived") still load and are still found by the readers that
  want any place (the shared-interests pass) but no longer count as a residence;
  nothing new is folded into them (a new item goes to one of the two new profiles).
- A move or a residence the write rules read as the speaker's own
  (:mod:`mirix_py._memory.changes`: "we moved from Denver to Portland", "my wife
  and I moved to Boise", "I live in Denver" → ``lives in …``/``used to live in …``)
  adds its places to the lived profile too (:func:`residence_items`), the old place
  before the new, whether or not the turn also gave a statement: a short turn gives
  none, so the profile kept "Denver" as the latest place after the move.
- Each item keeps the ids of the turns it was read from (in ``source``); the
  record's ``source_ids`` are exactly those of the items it holds. At most
  :data:`MAX_ITEMS` items are kept, the most recently stated ones.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from mirix_py._memory.base import MemoryRecord, MemoryType, utcnow
from mirix_py._memory.extract_common import Turn, norm_key, record_id
from mirix_py._memory.traits import QUALITIES, VALUES
from mirix_py._text import LOWER, UPPER

ACTIVITIES = "profile:activities"
"""The aspect of the activities-and-hobbies profile."""
LIVED = "profile:lived"
"""The aspect of the places-lived profile (live, grew up, moved to, based in …)."""
VISITED = "profile:visited"
"""The aspect of the places-visited profile (trip, holiday, visited, flew, stayed …)."""
PLACES = "profile:places"
"""The aspect of the older places profile that mixed both; read, no longer written."""
HEADINGS = {
    ACTIVITIES: "activities and hobbies: ",
    LIVED: "places lived: ",
    VISITED: "places visited or traveled to: ",
    PLACES: "places visited or lived: ",
    VALUES: "values, cares about: ",
    QUALITIES: "qualities others see in them: ",
}
MAX_ITEMS = 40
"""The most items a profile keeps (the oldest are dropped first)."""

_DOING = (
    r"(?:go|goes|went|going|gone|been|started|starts|start|tried|tries|try|love|loves|loved|"
    r"enjoy|enjoys|enjoyed|like|likes|liked|took up|takes up|take up|do|does|did|done|"
    r"finished|practice|practices|practiced|keeps|kept|busy|off to go|out|is into|are into)"
)
_GERUND = re.compile(
    rf"\b{_DOING}\s+(?:(?:some|more|a lot of|lots of|a bit of|regular|back|again|to go)\s+)*"
    r"(?P<act>[a-z]{3,}ing)\b"
)
_CLASS = re.compile(r"\b(?P<act>[a-z]{3,}) (?P<kind>class|classes|lessons|workshop|course|club)\b")
_NOT_ACTIVITIES = frozenset(
    """going doing being having getting feeling thinking trying working looking planning
    hoping wondering talking saying taking giving putting coming seeing living spending
    starting making learning something nothing everything anything thing morning evening
    during bring amazing interesting exciting inspiring relaxing thing king ring spring
    telling asking helping finding keeping using waiting needing wanting showing saving
    letting sharing feeding handling dealing struggling facing chasing pursuing creating
    hitting reaching growing changing moving""".split()
)
_LIVING = (
    r"grew up|grow up|growing up|raised(?= in\b)|live|lives|lived|living|moved|move|moving|"
    r"relocated|relocate|relocating|settled|settle|based(?= in\b| out of\b)|home(?= in\b)|"
    r"reside|resides|resided"
)
_VISITING = (
    r"trip|trips|travel|travell?ed|travell?ing|visit|visits|visited|visiting|vacation|"
    r"vacations|holiday|holidays|went|been|flew|fly|drove|stayed|stay|staying|tour|toured|"
    r"touring"
)
_VERB = re.compile(rf"\b(?:(?P<lived>{_LIVING})|(?P<visited>{_VISITING}))\b")
_PLACE = re.compile(
    rf"\b(?:to|in|from|at|around|across)\s+(?P<place>{UPPER}{LOWER}+(?:\s+{UPPER}{LOWER}+){{0,2}})"
)
_NOT_PLACES = frozenset(
    """January February March April May June July August September October November December
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday Christmas Easter I The A""".split()
)
_DETERMINERS = frozenset(
    "the a an my our his her their this that new first and or to for of in".split()
)
_ITEM_SOURCES = re.compile(r"^(?P<item>.+?)=(?P<ids>.*)$")


def activity_items(clause: str) -> list[str]:
    """The activities a statement's clause names (see the module docstring), in order."""
    text = clause.lower()
    items: list[str] = []
    for m in _GERUND.finditer(text):
        if m.group("act") not in _NOT_ACTIVITIES:
            items.append(m.group("act"))
    for m in _CLASS.finditer(text):
        word = m.group("act")
        if word not in _DETERMINERS and word not in _NOT_ACTIVITIES:
            kind = "class" if m.group("kind") == "classes" else m.group("kind")
            items.append(f"{word} {kind}")
    return list(dict.fromkeys(items))


def _places(clause: str, known: frozenset[str]) -> list[re.Match[str]]:
    """The capitalised names after a preposition in ``clause`` that can be places."""
    return [
        m
        for m in _PLACE.finditer(clause)
        if m.group("place").split()[0] not in known | _NOT_PLACES
        and not m.group("place").endswith("'s")
    ]


def place_kinds(clause: str, known: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """The places a statement about travel or living names, each with the aspect of
    the verb that put it there: ``(place, LIVED)`` after a verb of living ("grew up
    in Tartu", "moved to Leeds"), ``(place, VISITED)`` after one of travel ("took a
    trip to Oregon"). A place takes the nearest such verb before it ("went back to
    live in Oslo": lived), else the first after it ("a flat in Oslo, where I grew up");
    a place is capitalised and follows a preposition; names in ``known`` (the people
    talking) are not places."""
    verbs = [(m.start(), LIVED if m.group("lived") else VISITED) for m in _VERB.finditer(clause)]
    if not verbs:
        return []
    found: dict[str, str] = {}
    for m in _places(clause, known):
        before = [kind for at, kind in verbs if at < m.start()]
        found.setdefault(m.group("place"), before[-1] if before else verbs[0][1])
    return list(found.items())


_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")


def carried_place_kinds(
    clause: str, said: str, known: frozenset[str] = frozenset()
) -> list[tuple[str, str]]:
    """The places of a clause with no verb of travel or living of its own, each with
    the kind of the last such verb said before them in ``said`` (the whole message):
    "And I moved! From Leeds to York." gives Leeds and York (lived). The verb must be
    in the places' sentence or the one just before, with no other place named between
    it and them (the verb of "I live in Leeds. Our power comes from Volt Co." is
    Leeds's, not the company's). A clause with its own verb is read by
    :func:`place_kinds`."""
    places = [m.group("place") for m in _places(clause, known)]
    at = min((i for i in (said.find(p) for p in places) if i >= 0), default=-1)
    if not places or at < 0 or _VERB.search(clause):
        return []
    ends = [e.end() for e in _SENTENCE_END.finditer(said, 0, at)]
    verbs = list(_VERB.finditer(said, ends[-2] if len(ends) >= 2 else 0, at))
    if not verbs or _places(said[verbs[-1].end() : at], known):
        return []
    kind = LIVED if verbs[-1].group("lived") else VISITED
    return [(place, kind) for place in dict.fromkeys(places)]


def place_items(clause: str, known: frozenset[str] = frozenset()) -> list[str]:
    """The places a statement about travel or living names (:func:`place_kinds`,
    either kind), in order."""
    return [place for place, _ in place_kinds(clause, known)]


_RESIDENCE = re.compile(r"^(?P<tense>lives in|used to live in) (?P<place>.+)$")


def residence_items(
    facts: Sequence[tuple[str, str, Turn]],
) -> list[tuple[str, str, str, Turn]]:
    """Lived-profile items ``(person, LIVED, place, turn)`` from the residence facts a
    speaker states about themselves (``(person, summary, turn)``: "lives in Portland",
    "used to live in Denver"); within a turn a place left comes before the place lived
    in now (the profile's last item is the latest), and only a turn that names the place
    lived in now gives the places left: "I used to live in Leeds" said after the move to
    York would otherwise make Leeds the latest."""
    turns: dict[str, int] = {}
    found: list[tuple[int, bool, str, str, Turn]] = []
    for person, summary, turn in facts:
        m = _RESIDENCE.match(summary)
        if m is not None:
            at = turns.setdefault(turn.id, len(turns))
            found.append((at, m.group("tense") == "lives in", person, m.group("place"), turn))
    found.sort(key=lambda e: e[:2])  # stable: a turn's places left, then its place now
    moved = {e[0] for e in found if e[1]}
    # a place left, said alone ("I used to live in Leeds"), is not the latest: kept out
    return [(person, LIVED, place, turn) for at, now, person, place, turn in found if at in moved]


def profile_id(user_id: str, person: str, aspect: str) -> str:
    """The deterministic id of ``person``'s profile for ``aspect``."""
    return record_id(user_id, MemoryType.SEMANTIC, kind=f"{aspect}:{norm_key(person)}")


def _encode(items: dict[str, list[str]]) -> str:
    return "; ".join(f"{item}={','.join(ids)}" for item, ids in items.items())


def _decode(source: str) -> dict[str, list[str]]:
    items: dict[str, list[str]] = {}
    for part in source.split("; "):
        m = _ITEM_SOURCES.match(part.strip())
        if m:
            items[m.group("item")] = [i for i in m.group("ids").split(",") if i]
    return items


def _fields(
    user_id: str,
    person: str,
    aspect: str,
    items: dict[str, list[str]],
    when: datetime,
    first: datetime,
) -> dict[str, Any]:
    """The fields of ``person``'s profile for ``aspect`` holding ``items`` (the last
    :data:`MAX_ITEMS`), its sources exactly those of the items it keeps."""
    kept = dict(list(items.items())[-MAX_ITEMS:])
    sources = list(dict.fromkeys(i for ids in kept.values() for i in ids))
    return {
        "id": profile_id(user_id, person, aspect),
        "user_id": user_id,
        "name": person[:256],
        "summary": HEADINGS[aspect] + ", ".join(kept),
        "source": _encode(kept),
        "aspect": aspect,
        "occurred_at": when,
        "valid_from": min(first, utcnow()),
        "source_ids": sources,
    }


def profile_fields(
    statements: Sequence[tuple[str, str, Turn]],
    *,
    user_id: str,
    traits: Sequence[tuple[str, str, str, Turn]] = (),
) -> list[dict[str, Any]]:
    """The fields of one profile record per person and aspect with items in
    ``statements`` (``(person, clause, turn)``) or in ``traits`` (``(person, aspect,
    item, turn)``, :func:`mirix_py._memory.traits.trait_items`), holding this batch's
    items (:func:`combine` adds the stored ones)."""
    people = frozenset(p for p, _, _ in statements)
    entries: list[tuple[str, str, str, Turn]] = [
        (person, aspect, item, turn)
        for person, clause, turn in statements
        for aspect, item in (
            *((ACTIVITIES, a) for a in activity_items(clause)),
            *(
                (kind, place)
                for place, kind in place_kinds(clause, people)
                or carried_place_kinds(clause, turn.text, people)
            ),
        )
    ]
    entries.extend(traits)
    # turn by turn (stable): an aspect fed by statements and by facts lists its items in
    # the order they were said, so the last item is the latest
    entries.sort(key=lambda e: (e[3].timestamp, e[3].sequence))
    found: dict[tuple[str, str], dict[str, list[str]]] = {}
    times: dict[tuple[str, str], list[datetime]] = {}
    for person, aspect, item, turn in entries:
        ids = found.setdefault((person, aspect), {}).setdefault(item, [])
        if turn.id not in ids:
            ids.append(turn.id)
        times.setdefault((person, aspect), []).append(turn.timestamp)
    return [
        _fields(user_id, person, aspect, items, max(times[key]), min(times[key]))
        for key, items in found.items()
        for person, aspect in [key]
    ]


def is_profile(record: MemoryRecord) -> bool:
    """Whether ``record`` is a profile (its aspect starts with ``profile:``)."""
    return str(getattr(record, "aspect", "")).startswith("profile:")


def combine(old: MemoryRecord, new: MemoryRecord) -> MemoryRecord | None:
    """``new`` (a batch's profile) folded into the stored ``old`` one: items of both,
    an item said again moved last (most recent; the same turns added again do not
    move it), each item with the turns it came from;
    None when the two are not profiles of the same aspect."""
    if not (is_profile(old) and is_profile(new)) or getattr(old, "aspect", "") != getattr(
        new, "aspect", ""
    ):
        return None
    items = _decode(str(getattr(old, "source", "")))
    for item, ids in _decode(str(getattr(new, "source", ""))).items():
        if item in items and set(ids) <= set(items[item]):
            continue  # the same turns again (a re-import): not said again, stays in place
        merged = list(dict.fromkeys([*items.pop(item, []), *ids]))
        items[item] = merged
    fields = _fields(
        new.user_id,
        str(getattr(new, "name", "")),
        str(getattr(new, "aspect", "")),
        items,
        max(old.when, new.when),
        old.valid_from,
    )
    return new.model_copy(update={**fields, "created_at": old.created_at})
