"""LongMemEval-style haystacks: pad each conversation with other conversations' sessions.

A short conversation fits in any context budget, so every system's context holds the
answer and retrieval is not measured. :func:`pad_with_haystack` makes the setting
hard: each conversation gets ``sessions`` distractor sessions drawn from the OTHER
conversations of the same dataset, interleaved with its own sessions.

The padding is deterministic (a seeded random draw per conversation) and keeps every
question valid:

* a distractor session is moved in time into a gap between two of the conversation's
  own sessions, or before its first one — never after its last, so "now" and
  "latest" questions keep their answer — and its turns keep their spacing;
* gold evidence ids, questions and the conversation's own turns are unchanged;
* distractor turns get new ids, ``"<conversation>~hay<k>~<original turn id>"``, and
  their sessions ``"<conversation>~hay<k>~<original session id>"``, so they can never
  be mistaken for evidence;
* speakers keep their names: a borrowed session is another person talking to the
  assistant, so it adds no facts about this conversation's people;
* secrets declared by a source conversation and said in a borrowed session are added
  to the padded conversation's secrets, so the secret scans still see them.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from evals.datasets.model import Conversation, Session, Turn, unique

_BEFORE_FIRST_MAX_DAYS = 60
"""A session placed before the conversation starts lies up to this many days earlier."""


@dataclass(frozen=True, slots=True)
class _Borrowed:
    source: Conversation
    session: Session


def pad_with_haystack(
    conversations: Sequence[Conversation], sessions: int, *, seed: int = 0
) -> list[Conversation]:
    """Each conversation padded with ``sessions`` sessions of the other conversations.

    ``sessions`` <= 0 returns the conversations unchanged. When the other
    conversations hold fewer sessions than asked, all of them are used. The same
    input, ``sessions`` and ``seed`` always give the same output.
    """
    if sessions <= 0 or len(conversations) < 2:
        return list(conversations)
    return [
        _pad_one(conv, [c for c in conversations if c.id != conv.id], sessions, seed)
        for conv in conversations
    ]


def pad_from_pool(
    conversations: Sequence[Conversation],
    pool: Sequence[Session],
    sessions: int,
    *,
    seed: int = 0,
    tag: str = "gen",
) -> list[Conversation]:
    """Each conversation padded with ``sessions`` sessions drawn from ``pool``.

    Like :func:`pad_with_haystack`, but the distractors come from a separate pool
    (for example generic everyday-help sessions with no personal facts) instead of
    the other conversations; distractor ids are ``"<conversation>~<tag><k>~<id>"``.
    Placement rules are the same: in gaps or before the first own session, never
    after the last.
    """
    if sessions <= 0 or not pool:
        return list(conversations)
    return [_pad_with(conv, list(pool), sessions, seed, tag) for conv in conversations]


def _pad_with(
    conv: Conversation, pool: Sequence[Session], wanted: int, seed: int, tag: str
) -> Conversation:
    rng = random.Random(f"{tag}:{seed}:{conv.id}")
    drawn = rng.sample(list(pool), min(wanted, len(pool)))
    padded = list(conv.sessions)
    for number, session in enumerate(drawn, start=1):
        start = _placement(conv.sessions, _duration(session), rng)
        padded.append(_moved(session, f"{conv.id}~{tag}{number:02d}~", start))
    own = {id(session) for session in conv.sessions}
    padded.sort(key=lambda s: (s.timestamp is None, s.timestamp or datetime.min, id(s) not in own))
    return replace(conv, sessions=padded)


def _pad_one(
    conv: Conversation, others: Sequence[Conversation], wanted: int, seed: int
) -> Conversation:
    rng = random.Random(f"haystack:{seed}:{conv.id}")
    pool = [_Borrowed(source, session) for source in others for session in source.sessions]
    drawn = rng.sample(pool, min(wanted, len(pool)))
    padded = list(conv.sessions)
    secrets = list(conv.secrets)
    for number, borrowed in enumerate(drawn, start=1):
        tag = f"{conv.id}~hay{number:02d}~"
        start = _placement(conv.sessions, _duration(borrowed.session), rng)
        padded.append(_moved(borrowed.session, tag, start))
        said = " ".join(turn.text for turn in borrowed.session.turns)
        secrets += [value for value in borrowed.source.secrets if value in said]
    own = {id(session) for session in conv.sessions}
    # chronological; sessions without a time keep their place (own ones first)
    padded.sort(key=lambda s: (s.timestamp is None, s.timestamp or datetime.min, id(s) not in own))
    return replace(conv, sessions=padded, secrets=unique(secrets))


def _duration(session: Session) -> timedelta:
    stamps = [turn.timestamp for turn in session.turns if turn.timestamp is not None]
    return max(stamps) - min(stamps) if stamps else timedelta(0)


def _bounds(session: Session) -> tuple[datetime, datetime] | None:
    stamps = [turn.timestamp for turn in session.turns if turn.timestamp is not None]
    return (min(stamps), max(stamps)) if stamps else None


def _placement(own: Sequence[Session], duration: timedelta, rng: random.Random) -> datetime | None:
    """A start time for a distractor session: in a gap between own sessions, or before them."""
    spans = [b for b in (_bounds(s) for s in own) if b is not None]
    if not spans:
        return None
    spans.sort()
    # gaps long enough to hold the session with a minute to spare on each side
    margin = timedelta(minutes=1)
    gaps = [
        (end, nxt_start)
        for (_, end), (nxt_start, _) in itertools.pairwise(spans)
        if nxt_start - end > duration + 2 * margin
    ]
    choice = rng.randrange(len(gaps) + 1)
    if choice == len(gaps):  # before the first session
        days = rng.uniform(1, _BEFORE_FIRST_MAX_DAYS)
        start = spans[0][0] - duration - timedelta(days=days)
    else:
        lo, hi = gaps[choice]
        room = (hi - lo) - duration - 2 * margin
        start = lo + margin + room * rng.random()
    return start.replace(microsecond=0)


def _moved(session: Session, tag: str, start: datetime | None) -> Session:
    """A copy of ``session`` with new ids, its turns shifted so it starts at ``start``."""
    bounds = _bounds(session)
    shift = start - bounds[0] if start is not None and bounds is not None else None
    turns = [
        Turn(
            id=tag + turn.id,
            speaker=turn.speaker,
            text=turn.text,
            timestamp=(
                turn.timestamp + shift if turn.timestamp is not None and shift is not None else None
            ),
            session_id=tag + session.id,
            role=turn.role,
        )
        for turn in session.turns
    ]
    stamps = [turn.timestamp for turn in turns if turn.timestamp is not None]
    return Session(id=tag + session.id, timestamp=min(stamps, default=None), turns=turns)
