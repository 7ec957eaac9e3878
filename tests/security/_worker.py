"""A subprocess that writes to a mirix-py database and acknowledges what was written.

Run as ``python -m tests.security._worker MODE --home DIR --ack FILE ...``.
Every acknowledgement line is written *after* the call it reports returned, then
flushed and fsynced, so the parent can kill the process at any moment and know
which writes the library had confirmed:

``W id id ...``   ``add`` for the main user returned these record ids
``S id id ...``   ``add`` for the scratch user returned these ids
``d? id``         about to delete this scratch memory (it may or may not go)
``D id``          the delete returned
``f?``            about to forget the scratch user
``F run step``    ``delete_all`` of the scratch user returned (scratch notes are
                  tagged ``r<run>s<step>``)
``R n``           (reader) saw every id acknowledged so far, n in all

Modes: ``crash`` ingests a long conversation (from a given batch, looping) with a
forget cycle for a scratch user every few batches; ``writer`` adds its own and
shared messages to one user; ``reader`` keeps checking that every acknowledged
write of the writers is visible, until a stop file appears.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from mirix_py._config import load_config
from mirix_py._system import MemorySystem
from tests.security._helpers import HashEmbeddings

MAIN = "main-user"
SCRATCH = "scratch-user"
SHARED_USER = "shared-user"
BATCH_SIZES = (3, 1, 5, 2, 4)
TOPICS = ("gardening", "a trip to Oslo", "the new job", "a beagle named Biscuit", "baking")


def conversation(turns: int) -> list[dict[str, Any]]:
    """A deterministic long conversation with stable message ids."""
    start = datetime(2023, 5, 1, 9, 0, tzinfo=UTC)
    return [
        {
            "id": f"D{i // 20 + 1}:{i % 20 + 1}",
            "name": "Ann" if i % 2 == 0 else "Bob",
            "role": "user" if i % 2 == 0 else "assistant",
            "content": f"turn {i}: we talked about {TOPICS[i % len(TOPICS)]} and word{i}",
            "timestamp": (start + timedelta(minutes=7 * i)).isoformat(),
        }
        for i in range(turns)
    ]


def batches(turns: int) -> list[list[dict[str, Any]]]:
    """The conversation cut into batches of varying size (always the same cut)."""
    messages = conversation(turns)
    out: list[list[dict[str, Any]]] = []
    i = 0
    while i < len(messages):
        size = BATCH_SIZES[len(out) % len(BATCH_SIZES)]
        out.append(messages[i : i + size])
        i += size
    return out


def open_system(home: str) -> MemorySystem:
    """The default config rooted at ``home``, with the cheap deterministic embedder."""
    config = load_config("default", environ={}, home=home)
    return MemorySystem(config, embeddings=HashEmbeddings())


def ack(fh: IO[str], line: str) -> None:
    """Write one acknowledgement durably."""
    fh.write(line + "\n")
    fh.flush()
    os.fsync(fh.fileno())


def run_crash(args: argparse.Namespace, fh: IO[str]) -> None:
    system = open_system(args.home)
    ack(fh, "ready")
    all_batches = batches(args.turns)
    for step in range(3 * len(all_batches)):  # loops until killed (bounded for safety)
        index = (args.start + step) % len(all_batches)
        receipt = system.add(all_batches[index], user_id=MAIN)
        ack(fh, "W " + " ".join(receipt.ids()))
        if step % args.scratch_every == args.scratch_every - 1:
            scratch = system.add(
                [f"scratch note r{args.run}s{step}n{n}" for n in range(2)], user_id=SCRATCH
            ).ids()
            ack(fh, "S " + " ".join(scratch))
            ack(fh, f"d? {scratch[0]}")
            system.delete(scratch[0], user_id=SCRATCH)
            ack(fh, f"D {scratch[0]}")
            ack(fh, "f?")
            system.delete_all(user_id=SCRATCH)
            ack(fh, f"F {args.run} {step}")


def run_writer(args: argparse.Namespace, fh: IO[str]) -> None:
    system = open_system(args.home)
    ack(fh, "ready")
    while not Path(args.go).exists():
        time.sleep(0.01)
    own = [
        {"id": f"{args.name}-{i}", "content": f"{args.name} message {i} about {TOPICS[i % 5]}"}
        for i in range(args.own)
    ]
    shared = [{"id": f"shared-{i}", "content": f"shared message {i}"} for i in range(args.shared)]
    mixed: list[dict[str, str]] = []
    for i in range(max(len(own), len(shared))):  # own and shared messages interleaved
        mixed.extend(own[i : i + 1])
        mixed.extend(shared[i : i + 1])
    for start in range(0, len(mixed), 2):
        receipt = system.add(mixed[start : start + 2], user_id=SHARED_USER)
        ack(fh, "W " + " ".join(receipt.ids()))


def run_reader(args: argparse.Namespace, fh: IO[str]) -> None:
    system = open_system(args.home)  # opened before any writer starts writing
    ack(fh, "ready")
    ack_files = [Path(p) for p in args.watch]
    while True:
        stop = Path(args.stop).exists()
        acked = sorted(set(acknowledged(ack_files)))
        found = system.store.get_many(acked, user_id=SHARED_USER)
        if len(found) != len(acked):
            missing = sorted(set(acked) - {r.id for r in found})
            ack(fh, "MISSING " + " ".join(missing))
            sys.exit(3)
        ack(fh, f"R {len(acked)}")
        if stop:
            return
        time.sleep(0.05)


def acknowledged(files: list[Path]) -> list[str]:
    """Every id in complete ``W`` lines of the given acknowledgement files."""
    ids: list[str] = []
    for path in files:
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        for line in text.splitlines(keepends=True):
            if line.endswith("\n") and line.startswith("W "):
                ids.extend(line.split()[1:])
    return ids


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["crash", "writer", "reader"])
    parser.add_argument("--home", required=True)
    parser.add_argument("--ack", required=True)
    parser.add_argument("--turns", type=int, default=300)
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--run", type=int, default=0)
    parser.add_argument("--scratch-every", type=int, default=4)
    parser.add_argument("--name", default="w")
    parser.add_argument("--own", type=int, default=10)
    parser.add_argument("--shared", type=int, default=6)
    parser.add_argument("--go", default="")
    parser.add_argument("--stop", default="")
    parser.add_argument("--watch", nargs="*", default=[])
    args = parser.parse_args()
    with open(args.ack, "a", encoding="utf-8") as fh:
        {"crash": run_crash, "writer": run_writer, "reader": run_reader}[args.mode](args, fh)


if __name__ == "__main__":
    main()
