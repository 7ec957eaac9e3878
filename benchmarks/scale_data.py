"""Synthetic, varied conversations for ``benchmarks.scale`` (no benchmark data needed).

Each user gets a seeded persona (name, city, job, pets, hobbies, people) and
sessions of turns that mix small talk, plans, facts that change, dates and
numbers, so that the write path extracts a realistic mix of episodes and facts.
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

NAMES = "Ava Ben Chloe Dev Elena Farid Grace Hiro Iris Jonas Kira Liam Mara Noah Omar Priya".split()
CITIES = "Lisbon Denver Osaka Leeds Austin Porto Quito Dublin Tartu Perth Oslo Lyon".split()
JOBS = "nurse architect teacher welder chef pilot librarian plumber analyst florist".split()
PETS = "beagle parrot tabby cat goldfish terrier rabbit hamster corgi tortoise".split()
HOBBIES = (
    "sourdough baking|rock climbing|salsa dancing|chess|pottery|birdwatching|trail running|"
    "knitting|astronomy|kayaking|gardening|photography|woodworking|choir singing"
).split("|")
PLACES = "the lake|the old market|a ramen bar|the botanical garden|my aunt's farm|the museum".split(
    "|"
)
TEMPLATES = (
    "I finally tried {hobby} last {day} and I think I'm hooked.",
    "My {pet} {pet_name} knocked over the lamp again this morning.",
    "We're planning a trip to {city} in {month}, maybe for {n} days.",
    "Work as a {job} has been hectic; I did {n} overtime hours this week.",
    "{friend} and I went to {place} on {day}, it was lovely.",
    "I switched my gym to the one near {place}, it costs {n} dollars a month.",
    "Do you think I should take the {job} course starting in {month}?",
    "My sister {friend} is moving to {city} next {month}.",
    "I read a book about {hobby} and learned {n} new techniques.",
    "The doctor said I should sleep at least {n} hours; I'm trying.",
    "I lost my keys at {place} and found them {n} hours later.",
    "{friend} recommended a podcast about {hobby}, I listened to {n} episodes.",
)
REPLIES = (
    "That sounds great, tell me more!",
    "Oh no, how did that happen?",
    "I'll remember that.",
    "Nice, how do you feel about it?",
    "Good luck with it!",
)
MONTHS = "January February March April May June July August September October November".split()
DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()


def _persona(rng: random.Random) -> dict[str, str]:
    return {
        "name": rng.choice(NAMES),
        "city": rng.choice(CITIES),
        "job": rng.choice(JOBS),
        "pet": rng.choice(PETS),
        "pet_name": rng.choice(["Biscuit", "Momo", "Rex", "Luna", "Pip", "Olive", "Taco"]),
    }


def turn_text(rng: random.Random, persona: dict[str, str]) -> str:
    """One varied user turn."""
    return rng.choice(TEMPLATES).format(
        hobby=rng.choice(HOBBIES),
        day=rng.choice(DAYS),
        pet=persona["pet"],
        pet_name=persona["pet_name"],
        city=rng.choice(CITIES),
        month=rng.choice(MONTHS),
        n=rng.randint(2, 40),
        job=persona["job"],
        friend=rng.choice(NAMES),
        place=rng.choice(PLACES),
    )


def sessions(user_index: int, n_sessions: int, turns: int) -> list[list[dict[str, Any]]]:
    """``n_sessions`` sessions of ``turns`` messages (user and assistant alternating)."""
    rng = random.Random(user_index)
    persona = _persona(rng)
    start = datetime(2024, 1, 1) + timedelta(days=rng.randint(0, 300))
    out = []
    for s in range(n_sessions):
        when = (start + timedelta(days=3 * s, hours=rng.randint(8, 20))).isoformat()
        msgs: list[dict[str, Any]] = []
        for t in range(turns):
            user_turn = t % 2 == 0
            msgs.append(
                {
                    "role": "user" if user_turn else "assistant",
                    "content": turn_text(rng, persona) if user_turn else rng.choice(REPLIES),
                    "id": f"u{user_index}-s{s}-t{t}",
                    "timestamp": when,
                    **({"name": persona["name"]} if user_turn else {}),
                }
            )
        out.append(msgs)
    return out


def questions(user_index: int) -> list[str]:
    """A few questions a user might ask of their memory."""
    rng = random.Random(10_000 + user_index)
    return [
        f"What did I say about {rng.choice(HOBBIES)}?",
        "Where am I planning to travel?",
        "What is my pet's name?",
        f"When did I go to {rng.choice(PLACES)}?",
    ]


def longmemeval_file(path: Path, users: int, *, sessions_per_user: int, turns: int) -> Path:
    """A LongMemEval-format file: one item (user) per entry, synthetic haystacks."""
    items = []
    for u in range(users):
        rng = random.Random(50_000 + u)
        convo = sessions(u, sessions_per_user, turns)
        dates = [
            datetime.fromisoformat(s[0]["timestamp"]).strftime("%Y/%m/%d (%a) %H:%M") for s in convo
        ]
        haystack = [[{"role": m["role"], "content": m["content"]} for m in s] for s in convo]
        answer_session = rng.randrange(len(convo))
        answer_turn = haystack[answer_session][0]["content"]
        items.append(
            {
                "question_id": f"scale_{u:05d}",
                "question_type": "single-session-user",
                "question": "What did I tell you at the start of one of our chats?",
                "answer": answer_turn,
                "question_date": dates[-1],
                "haystack_dates": dates,
                "haystack_session_ids": [f"scale_{u}_{i}" for i in range(len(convo))],
                "haystack_sessions": haystack,
                "answer_session_ids": [f"scale_{u}_{answer_session}"],
            }
        )
    path.write_text(json.dumps(items), encoding="utf-8")
    return path
