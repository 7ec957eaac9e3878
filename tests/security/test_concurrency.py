"""Concurrency: four processes add to the same user at once while a fifth one reads.

Each writer adds its own messages and a set of *shared* messages (same source
ids in every writer, so the same record ids race to be inserted — the case that
made LanceDB create duplicates without the store's cross-process lock). The
reader opened its database before the writers started and checks, over and
over, that every write a writer has acknowledged is visible to it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from mirix_py._memory import MemoryType
from mirix_py._store.lancedb_store import HISTORY_TABLE
from tests.security._helpers import FIGURES, table_ids
from tests.security._worker import SHARED_USER, acknowledged, open_system

WRITERS = 4
OWN = 8
SHARED = 6
REPO = Path(__file__).resolve().parents[2]
TABLES = [*(t.value for t in MemoryType), HISTORY_TABLE]


def _spawn(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.security._worker", *args],
        cwd=REPO,
        env={**os.environ, "MIRIX_PY_LOG_LEVEL": "ERROR"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _wait_ready(paths: list[Path], procs: list[subprocess.Popen[bytes]]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if all(p.exists() and "ready" in p.read_text() for p in paths):
            return
        for proc in procs:
            assert proc.poll() is None, (proc.stderr.read() if proc.stderr else b"").decode()
        time.sleep(0.02)
    raise AssertionError("workers did not start")


def _finish(proc: subprocess.Popen[bytes]) -> None:
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err.decode()[-3000:]


@pytest.mark.slow  # five interpreters start up: about 15 s on two cores
def test_four_writers_one_user_no_lost_or_duplicate_writes(tmp_path: Path) -> None:
    home = tmp_path / "home"
    open_system(str(home)).close()  # tables exist before the race starts
    go, stop = tmp_path / "go", tmp_path / "stop"
    writer_acks = [tmp_path / f"writer-{i}.txt" for i in range(WRITERS)]
    reader_ack = tmp_path / "reader.txt"
    reader = _spawn(
        "reader",
        "--home",
        str(home),
        "--ack",
        str(reader_ack),
        "--stop",
        str(stop),
        "--watch",
        *map(str, writer_acks),
    )
    writers = [
        _spawn(
            "writer",
            "--home",
            str(home),
            "--ack",
            str(ack),
            "--name",
            f"w{i}",
            "--own",
            str(OWN),
            "--shared",
            str(SHARED),
            "--go",
            str(go),
        )
        for i, ack in enumerate(writer_acks)
    ]
    _wait_ready([*writer_acks, reader_ack], [*writers, reader])
    go.touch()
    for proc in writers:
        _finish(proc)
    stop.touch()
    _finish(reader)

    acked = acknowledged(writer_acks)
    expected = WRITERS * OWN + SHARED
    assert len(set(acked)) == expected
    reader_lines = reader_ack.read_text().split("\n")
    checks = [int(line.split()[1]) for line in reader_lines if line.startswith("R ")]
    assert checks[-1] == expected, "the reader must end up seeing every committed write"
    assert len(checks) >= 2 and checks == sorted(checks)

    ids = table_ids(str(home / "db"), TABLES)
    for name, column in ids.items():
        dupes = [i for i, n in Counter(column).items() if n > 1]
        assert not dupes, f"duplicate ids in {name}: {dupes[:5]}"
    system = open_system(str(home))
    assert system.store.count(user_id=SHARED_USER) == expected
    records = system.get_all(user_id=SHARED_USER, limit=1000)
    assert {r.id for r in records} == set(acked)
    (raced,) = [r for r in records if r.source_ids == ["shared-0"]]
    history = system.history(raced.id, user_id=SHARED_USER)
    assert [e.event for e in history].count("insert") == 1, "one insert, the rest updates"
    system.close()
    FIGURES["concurrency.writers"] += WRITERS
    FIGURES["concurrency.acknowledged_writes"] += len(acked)
    FIGURES["concurrency.distinct_records"] += expected
    FIGURES["concurrency.reader_checks"] += len(checks)
