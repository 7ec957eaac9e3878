"""Offline reflection, second miner: one speaker's actions about the same thing.

Repeated identical actions are habits (:mod:`~mirix_py._consolidation.miners`).
Different actions about the same thing — "went to an LGBTQ support group",
"joined a new LGBTQ activist group", "went to an LGBTQ+ pride parade" — are a
*thread*: what this person did about that topic, in order, with dates. A topic
is a content word (Porter-stemmed) of the actions' objects; it becomes a
semantic item once the same speaker's actions about it span ``min_sessions``
distinct days in as many sessions. Each action joins at most one thread (the
biggest topic first), so threads do not repeat each other, and a topic whose
actions are all the same action is left to the habit miner.

The item lists the actions in the speaker's own words (verb and object as
said, in the past tense) with their dates; its sources are exactly the
episodes of the listed actions (at most :data:`MAX_ITEMS`, the latest).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from mirix_py._consolidation.miners import _PAST, Occurrence, actions_in, session_of
from mirix_py._dates import full_date
from mirix_py._memory import EpisodicMemory
from mirix_py._memory.extract_common import norm_key
from mirix_py._text import STOPWORDS, stem

MAX_ITEMS = 10
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’-])*[^\W\d_]")  # accented letters too
_NOT_TOPICS = STOPWORDS | frozenset(
    """every one ones two three new old good great nice little big small first last next
    another local amazing awesome fun cool special whole different lot lots bit stuff time
    times day days week weeks weekend month months year years way ways place places part
    parts today tonight morning evening afternoon night people person someone something
    everything anything nothing friend friends back home""".split()
)
"""Words that never name a thread's topic: the stop words and generic words of time,
size, quantity and praise."""


@dataclass(frozen=True)
class ThreadItem:
    """One action of a thread: its occurrence and how it reads."""

    occurrence: Occurrence
    phrase: str
    action_key: str

    @property
    def date_text(self) -> str:
        """``7 May 2023``, or the coarser label the sentence gave (``week of 1 May 2023``)."""
        day = self.occurrence.day
        return full_date(day) if day else self.occurrence.label


@dataclass
class Thread:
    """One speaker's actions about one topic."""

    entity: str
    topic: str
    stem: str
    items: list[ThreadItem] = field(default_factory=list)

    @property
    def key(self) -> str:
        """``caroline|lgbtq``: the thread's identity (stable as items are added)."""
        return f"{norm_key(self.entity)}|{self.stem}"

    @property
    def episodes(self) -> list[EpisodicMemory]:
        """The episodes of the listed items, oldest first, each once."""
        seen: dict[str, EpisodicMemory] = {}
        for item in self.items:
            seen.setdefault(item.occurrence.episode.id, item.occurrence.episode)
        return list(seen.values())

    def sessions(self) -> set[str]:
        """The sessions its items come from."""
        return {session_of(i.occurrence.episode) for i in self.items}

    def summary(self) -> str:
        """``LGBTQ: went to … (7 May 2023); joined … (23 June 2023); …`` (no filler words,
        so it matches questions about the topic, not every question about "activities")."""
        listed = "; ".join(f"{i.phrase} ({i.date_text})" for i in self.items)
        return f"{self.topic}: {listed}"


def _topics(obj: str) -> dict[str, str]:
    """Content-word stems of an object phrase, each with the word as written."""
    out: dict[str, str] = {}
    for raw in _WORD.findall(obj):
        word = raw.replace("’", "'").removesuffix("'s")
        if len(word) < 3 or word.lower() in _NOT_TOPICS:
            continue
        out.setdefault(stem(word.lower()), word)
    return out


def _third_person(phrase: str, entity: str) -> str:
    """``took my kids to a park`` → ``took Melanie's kids to a park``."""
    owner = "the user's" if entity == "User" else f"{entity}'s"
    phrase = re.sub(r"\b(?:my|our)\b", owner, phrase)
    return re.sub(r"\b(?:me|us)\b", "the user" if entity == "User" else entity, phrase)


def _event_key(item: ThreadItem) -> str:
    return f"{item.action_key}@{item.occurrence.label}"


def mine_threads(
    episodes: Sequence[EpisodicMemory], *, min_sessions: int, max_items: int = MAX_ITEMS
) -> list[Thread]:
    """Threads of actions about one topic per speaker (see the module docstring)."""
    by_topic: dict[tuple[str, str], list[ThreadItem]] = {}
    display: dict[tuple[str, str], str] = {}
    entities: dict[str, str] = {}
    ordered = sorted(episodes, key=lambda e: (e.when, e.sequence or 0, e.id))
    for episode in ordered:
        for entity, lemma, obj, occurrence in actions_in(episode):
            if not obj:
                continue
            who = norm_key(entity)
            entities.setdefault(who, entity)
            phrase = _third_person(f"{_PAST[lemma]} {obj}", entity)
            item = ThreadItem(occurrence, phrase, f"{lemma}|{norm_key(obj)}")
            for topic, word in _topics(obj).items():
                by_topic.setdefault((who, topic), []).append(item)
                display.setdefault((who, topic), word)
    taken: set[str] = set()
    threads: list[Thread] = []
    while True:
        best: tuple[int, str, tuple[str, str], list[ThreadItem]] | None = None
        for key, items in by_topic.items():
            events: dict[str, ThreadItem] = {}
            for item in items:
                if _event_key(item) not in taken:
                    events.setdefault(_event_key(item), item)
            chosen = list(events.values())
            days = {i.occurrence.label for i in chosen}
            sessions = {session_of(i.occurrence.episode) for i in chosen}
            actions = {i.action_key for i in chosen}
            if min(len(days), len(sessions)) < min_sessions or len(actions) < 2:
                continue
            rank = (len(chosen), key[1])
            if best is None or rank > (best[0], best[1]):
                best = (len(chosen), key[1], key, chosen)
        if best is None:
            return sorted(threads, key=lambda t: t.key)
        _, stem, key, chosen = best
        taken.update(_event_key(i) for i in chosen)
        thread = Thread(entities[key[0]], display[key], stem, chosen[-max_items:])
        threads.append(thread)
