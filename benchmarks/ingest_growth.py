"""Does one user's ingest get slower as the whole database grows?

Run: ``python -m benchmarks.ingest_growth [--users 150] [--group 20] [--profile out.prof]``

Ingests ``--users`` synthetic users through the public API (``MemorySystem.add``,
offline mode), each 5 sessions of 20 varied turns (one ``add`` per session), into
one database, and prints the median per-user time of the first and of the last
``--group`` users and their ratio (1.0 = writes cost only their own batch), in
wall time and in CPU time of the whole process (all threads: steadier than wall
time on a shared machine). With
``--profile`` the last group runs under cProfile and the stats go to that file
(and the top functions by cumulative time are printed). ``--optimize-every N``
compacts the tables every N users (untimed), standing in for the maintenance
step, to separate what the write path does from fragment growth.

The conversations are generated from templates (names, places, hobbies, dates,
preferences, plans, how-tos, links, numbers) with a seeded RNG so that every
memory type sees writes and no two users say the same thing.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import shlex
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from langchain_core.embeddings import DeterministicFakeEmbedding, Embeddings

from mirix_py._config import LoggingConfig, load_config
from mirix_py._embeddings import CachedEmbeddings, OnnxMiniLMEmbeddings
from mirix_py._logging import configure_logging
from mirix_py._memory import EpisodicMemory, MemoryRecord, SemanticMemory
from mirix_py._system import MemorySystem

NAMES = (
    "Alice Bruno Chen Dana Emeka Farah Goran Hana Ivan Jules Kemal Lena Mateo Nadia Omar "
    "Priya Quinn Rosa Sami Tara Umar Vera Wen Ximena Yusuf Zora"
).split()
CITIES = (
    "Lisbon Denver Osaka Nairobi Krakow Austin Porto Seoul Lyon Quito Perth Tallinn Dakar "
    "Boston Leeds Hanoi Bergen Cusco Tbilisi Halifax"
).split()
HOBBIES = (
    "pottery",
    "bouldering",
    "birdwatching",
    "salsa dancing",
    "woodworking",
    "chess",
    "sourdough baking",
    "trail running",
    "watercolor painting",
    "beekeeping",
    "kayaking",
    "knitting",
    "astronomy",
    "origami",
    "fencing",
    "gardening",
    "photography",
    "cycling",
)
FOODS = (
    "ramen",
    "lentil soup",
    "tacos",
    "sushi",
    "paella",
    "dumplings",
    "falafel",
    "pho",
    "risotto",
    "curry",
    "pierogi",
    "ceviche",
    "moussaka",
    "bibimbap",
)
JOBS = (
    "nurse",
    "teacher",
    "software engineer",
    "architect",
    "chef",
    "lawyer",
    "pharmacist",
    "electrician",
    "journalist",
    "accountant",
    "veterinarian",
    "librarian",
)
PETS = ("dog", "cat", "parrot", "rabbit", "hamster", "turtle")
PET_NAMES = "Biscuit Mochi Pepper Luna Ziggy Olive Rocket Maple Noodle Pixel".split()
EVENTS = (
    "went to a {h} workshop in {c}",
    "visited my sister in {c}",
    "ran a half marathon in {c}",
    "started a new job as a {j}",
    "adopted a {p} named {n}",
    "cooked {f} for ten friends",
    "flew to {c} for a conference",
    "finished reading a novel about {c}",
    "signed up for {h} lessons",
    "broke my wrist while {h}",
)
FILLERS = (
    "That sounds wonderful, tell me more!",
    "Ha, I would never have guessed that.",
    "How did that make you feel?",
    "Wow, that is a lot to take in.",
    "I remember you mentioned something like that before.",
    "Nice! Did anyone go with you?",
    "Oh no, I hope it gets better soon.",
    "What are you planning next?",
)


def _turn(rng: random.Random, day: datetime) -> str:
    h, c, f = rng.choice(HOBBIES), rng.choice(CITIES), rng.choice(FOODS)
    j, p, n = rng.choice(JOBS), rng.choice(PETS), rng.choice(PET_NAMES)
    kind = rng.randrange(9)
    if kind == 0:
        event = rng.choice(EVENTS).format(h=h, c=c, j=j, p=p, n=n, f=f)
        return f"Last {day.strftime('%A')} I {event}."
    if kind == 1:
        return f"My favorite food is {f} and I really love {h}."
    if kind == 2:
        return f"I work as a {j} and I live in {c}."
    if kind == 3:
        return f"I'm planning a trip to {c} on {(day + timedelta(days=rng.randint(3, 90))):%B %d}."
    if kind == 4:
        return (
            f"To make {f}, first soak the ingredients overnight, then simmer for "
            f"{rng.randint(10, 90)} minutes, and finally season with {rng.choice(FOODS)} spice."
        )
    if kind == 5:
        link = f"https://example.org/{h.replace(' ', '-')}/{rng.randint(1, 99999)}"
        return f"Here is the article about {h} I mentioned: {link}"
    if kind == 6:
        return f"My {p} {n} is {rng.randint(1, 15)} years old and loves the park near {c}."
    if kind == 7:
        return f"My gym locker code is {rng.randint(1000, 9999)}, don't tell anyone."
    return rng.choice(FILLERS)


def synthetic_user(seed: int, *, sessions: int = 5, turns: int = 20) -> list[list[dict[str, Any]]]:
    """``sessions`` sessions of ``turns`` alternating turns for one synthetic user."""
    rng = random.Random(seed)
    me, friend = rng.sample(NAMES, 2)
    start = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=rng.randint(0, 300))
    out: list[list[dict[str, Any]]] = []
    for s in range(sessions):
        day = start + timedelta(days=7 * s + rng.randint(0, 3))
        out.append(
            [
                {
                    "role": "user" if t % 2 == 0 else "assistant",
                    "name": me if t % 2 == 0 else friend,
                    "content": _turn(rng, day) if t % 2 == 0 else rng.choice(FILLERS),
                    "timestamp": (day + timedelta(minutes=t)).isoformat(),
                }
                for t in range(turns)
            ]
        )
    return out


def ingest_user(system: MemorySystem, seed: int) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the whole process) to ingest one synthetic user."""
    started, cpu = time.perf_counter(), time.process_time()
    for messages in synthetic_user(seed):
        system.add(messages, user_id=f"user-{seed:05d}")
    return time.perf_counter() - started, time.process_time() - cpu


def prefill(system: MemorySystem, rows: int, *, batch: int = 5000) -> None:
    """Store ``rows`` episodic and ``rows`` semantic records of 1,000 other users in bulk
    (random unit vectors; text from the same templates), then compact the tables."""
    rng = random.Random(99)
    nrng = np.random.default_rng(99)
    day = datetime(2023, 1, 1, tzinfo=UTC)
    for start in range(0, rows, batch):
        n = min(batch, rows - start)
        vectors = nrng.standard_normal((2 * n, 384)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        records: list[MemoryRecord] = []
        for k in range(n):
            user = f"other-{(start + k) % 1000:04d}"
            records.append(
                EpisodicMemory(
                    user_id=user,
                    actor="user",
                    summary=_turn(rng, day),
                    occurred_at=day + timedelta(minutes=start + k),
                    embedding=vectors[2 * k].tolist(),
                )
            )
            records.append(
                SemanticMemory(
                    user_id=user,
                    name=rng.choice(NAMES),
                    summary=_turn(rng, day),
                    embedding=vectors[2 * k + 1].tolist(),
                )
            )
        system.store.upsert(records, actor="prefill")
    optimize = getattr(system.store, "optimize", None)
    if callable(optimize):
        optimize()


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the report."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--users", type=int, default=150)
    parser.add_argument("--group", type=int, default=20, help="users in first/last group")
    parser.add_argument("--profile", default=None, help="cProfile the last group into FILE")
    parser.add_argument("--db", default=None, help="database folder (default: a temp dir)")
    parser.add_argument(
        "--prefill",
        type=int,
        default=0,
        help="first store this many episodic and as many semantic rows of 1,000 other "
        "users (random vectors, bulk upserts), then compact: the database the measured "
        "users are ingested into",
    )
    parser.add_argument(
        "--fake-embeddings",
        action="store_true",
        help="deterministic fake vectors instead of the ONNX model (isolates the store)",
    )
    parser.add_argument(
        "--optimize-every",
        type=int,
        default=0,
        help="compact and re-index (store.optimize) every N users, outside the timings "
        "(stands in for the maintenance step; 0 = never)",
    )
    args = parser.parse_args(argv)
    print(
        "$ python -m benchmarks.ingest_growth " + shlex.join(sys.argv[1:] if argv is None else argv)
    )
    configure_logging(LoggingConfig(level="WARNING"))
    home = args.db or tempfile.mkdtemp(prefix="mirix-growth-")
    config = load_config("default", environ={}, home=home, logging={"level": "WARNING"})
    embeddings: Embeddings = (
        DeterministicFakeEmbedding(size=384)
        if args.fake_embeddings
        else CachedEmbeddings(OnnxMiniLMEmbeddings())
    )
    system = MemorySystem(config, embeddings=embeddings)
    if args.prefill:
        started = time.perf_counter()
        prefill(system, args.prefill)
        took = time.perf_counter() - started
        print(f"prefilled {args.prefill} + {args.prefill} rows in {took:.0f} s")
    ingest_user(system, 10_000_000)  # warm-up (model, graph) outside the measured users
    times: list[float] = []
    cpus: list[float] = []
    profiler = cProfile.Profile() if args.profile else None
    for i in range(args.users):
        last_group = i >= args.users - args.group
        if profiler is not None and last_group:
            profiler.enable()
        wall, cpu = ingest_user(system, i)
        times.append(wall)
        cpus.append(cpu)
        if profiler is not None and last_group:
            profiler.disable()
        if args.optimize_every and (i + 1) % args.optimize_every == 0:
            optimize = getattr(system.store, "optimize", None)
            if callable(optimize):
                optimize()
        if (i + 1) % 25 == 0:
            print(f"  {i + 1} users, last {times[-1]:.2f} s ({cpus[-1]:.2f} s CPU)", flush=True)
    first = statistics.median(times[: args.group])
    last = statistics.median(times[-args.group :])
    first_cpu = statistics.median(cpus[: args.group])
    last_cpu = statistics.median(cpus[-args.group :])
    print(
        f"{args.users} users x 5 adds x 20 turns; {os.cpu_count()} CPUs, load average "
        + " ".join(f"{x:.1f}" for x in os.getloadavg())
    )
    print(
        f"median per-user ingest: first {args.group} {first:.2f} s, last {args.group} "
        f"{last:.2f} s, ratio {last / first:.2f}"
    )
    print(
        f"median per-user CPU (all threads): first {args.group} {first_cpu:.2f} s, last "
        f"{args.group} {last_cpu:.2f} s, ratio {last_cpu / first_cpu:.2f}"
    )
    if profiler is not None:
        profiler.dump_stats(args.profile)
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
        print(out.getvalue())
    system.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
