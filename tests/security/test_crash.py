"""Crash safety: SIGKILL a process ingesting a long conversation, many times, at random moments.

Each trial starts a worker (``tests/security/_worker.py crash``) that ingests a
300-turn conversation through ``MemorySystem.add`` from a random batch onwards
and runs a forget cycle (add, delete, delete_all) for a scratch user every few
batches, acknowledging each returned receipt in a side file. The parent kills
it with SIGKILL — sometimes while it starts up and opens the tables, mostly in
the middle of writing or forgetting — and then checks, before the next trial
can repair anything: every table opens and reads in full, every acknowledged
write is present, no id appears twice, an acknowledged forget held. At the end
the whole conversation is ingested twice more: the second pass changes nothing.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from mirix_py._memory import MemoryType
from mirix_py._store.lancedb_store import HISTORY_TABLE, LanceDBStore
from tests.security._helpers import FIGURES, table_ids
from tests.security._worker import MAIN, SCRATCH, batches, open_system

TRIALS = 20
TURNS = 300
REPO = Path(__file__).resolve().parents[2]
TABLES = [*(t.value for t in MemoryType), HISTORY_TABLE]


def _spawn(home: Path, ack: Path, start: int, run: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.security._worker",
            "crash",
            "--home",
            str(home),
            "--ack",
            str(ack),
            "--turns",
            str(TURNS),
            "--start",
            str(start),
            "--run",
            str(run),
        ],
        cwd=REPO,
        env={**os.environ, "MIRIX_PY_LOG_LEVEL": "ERROR", "PYTHONHASHSEED": "0"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _wait_for(path: Path, text: str, proc: subprocess.Popen[bytes], limit: float) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if path.exists() and text in path.read_text(encoding="utf-8"):
            return
        if proc.poll() is not None:
            err = proc.stderr.read().decode() if proc.stderr else ""
            pytest.fail(f"worker exited early with {proc.returncode}: {err[-2000:]}")
        time.sleep(0.01)
    pytest.fail(f"worker did not write {text!r} in time")


def _complete_lines(path: Path) -> list[list[str]]:
    if not path.exists():
        return []
    return [
        line.split()
        for line in path.read_text(encoding="utf-8").splitlines(keepends=True)
        if line.endswith("\n") and line.strip()
    ]


def _check(home: Path, acks: list[Path]) -> tuple[int, int]:
    """The invariants after a kill; returns (acknowledged main ids, table rows read)."""
    system = open_system(str(home))  # every table opens
    store = system.store
    assert isinstance(store, LanceDBStore)
    ids = table_ids(system.config.storage.uri, TABLES)  # every table reads in full
    for name, column in ids.items():
        dupes = [i for i, n in Counter(column).items() if n > 1]
        assert not dupes, f"duplicate ids in {name}: {dupes[:5]}"
    written: set[str] = set()
    scratch: set[str] = set()
    scratch_uncertain: set[str] = set()
    last_forget = (-1, -1)
    for path in acks:
        for parts in _complete_lines(path):
            kind, rest = parts[0], parts[1:]
            if kind == "W":
                written.update(rest)
            elif kind == "S":
                scratch.update(rest)
            elif kind == "d?":
                scratch_uncertain.update(rest)
            elif kind == "f?":
                scratch_uncertain |= scratch
            elif kind == "D":
                scratch.difference_update(rest)
            elif kind == "F":
                scratch.clear()
                scratch_uncertain.clear()
                last_forget = (int(rest[0]), int(rest[1]))
    found = store.get_many(sorted(written), user_id=MAIN)
    missing = written - {r.id for r in found}
    assert not missing, f"acknowledged writes lost: {sorted(missing)[:10]}"
    present = store.list_records(user_id=SCRATCH, limit=100_000)
    assert scratch - scratch_uncertain <= {r.id for r in present}, "a scratch write was lost"
    for record in present:  # written before the last acknowledged forget: must be gone
        run, step = map(int, re.findall(r"r(\d+)s(\d+)n", record.embed_text())[0])
        assert (run, step) > last_forget, f"forget did not hold for {record.embed_text()!r}"
    assert system.search("gardening", user_id=MAIN, limit=5) is not None
    system.close()
    return len(written), sum(len(c) for c in ids.values())


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_nothing_acknowledged(tmp_path: Path) -> None:
    rng = random.Random(20261123)
    home = tmp_path / "home"
    all_batches = batches(TURNS)
    acks: list[Path] = []
    kills_before_ready = 0
    rows_read = 0
    for trial in range(TRIALS):
        ack = tmp_path / f"ack-{trial}.txt"
        acks.append(ack)
        proc = _spawn(home, ack, start=rng.randrange(len(all_batches)), run=trial)
        if trial % 5 == 4:  # during start-up: imports, config, opening/creating tables
            time.sleep(rng.uniform(0.3, 2.0))
            kills_before_ready += "ready" not in (ack.read_text() if ack.exists() else "")
        else:
            _wait_for(ack, "ready", proc, limit=60)
            time.sleep(rng.uniform(0.05, 1.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        if proc.stderr:
            proc.stderr.close()
        acked, rows = _check(home, acks)
        rows_read += rows
    FIGURES["crash.sigkill_trials"] += TRIALS
    FIGURES["crash.killed_during_startup"] += kills_before_ready
    FIGURES["crash.acknowledged_ids_checked"] += acked
    FIGURES["crash.rows_reread"] += rows_read

    # Re-ingesting the same messages (same source ids) is idempotent.
    system = open_system(str(home))
    first = [system.add(batch, user_id=MAIN) for batch in all_batches]
    count = system.store.count(user_id=MAIN)
    records = system.get_all(user_id=MAIN, limit=100_000, include_superseded=True)
    sources = {s for r in records for s in r.source_ids}
    assert {m["id"] for batch in all_batches for m in batch} <= sources
    second = [system.add(batch, user_id=MAIN) for batch in all_batches]
    assert system.store.count(user_id=MAIN) == count
    assert not [a for r in second for a in r.actions if a.action == "inserted"]
    assert {i for r in second for i in r.ids()} <= {r.id for r in records}
    assert all(r.ok for r in (*first, *second))
    system.close()
    ids = table_ids(str(home / "db"), TABLES)
    assert all(len(c) == len(set(c)) for c in ids.values())
