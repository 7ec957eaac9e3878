"""The library's quiet defaults for native loggers, and access flushes held back
while maintenance runs."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Mapping

from mirix_py._logging import quiet_native_logs
from mirix_py._store.access_buffer import AccessBuffer, PendingKey


def test_native_log_defaults_never_override_the_host() -> None:
    env = {"LANCE_LOG": "debug"}
    quiet_native_logs(env)
    assert env == {"LANCE_LOG": "debug", "LANCEDB_LOG": "off"}
    empty: dict[str, str] = {}
    quiet_native_logs(empty)
    # pylance reads the first plain level as a Python logging level: it must be one
    assert empty["LANCE_LOG"].split(",")[0].upper() == "ERROR"
    assert empty["LANCE_LOG"].split(",")[-1] == "off"


def test_background_flushes_wait_while_held_and_run_after() -> None:
    flushed: list[int] = []
    done = threading.Event()

    def write(pending: Mapping[PendingKey, Counter[str]]) -> int:
        flushed.append(sum(len(c) for c in pending.values()))
        done.set()
        return flushed[-1]

    buffer = AccessBuffer(write, interval=0.01)
    with buffer.held():
        buffer.add("u1", "episodic", ["a", "b"])
        time.sleep(0.2)  # many intervals pass: the background thread writes nothing
        assert flushed == [] and buffer.pending == 2
        assert buffer.flush() == 2  # an explicit flush (maintenance's own) still writes
        buffer.add("u1", "episodic", ["c"])
    assert done.wait(60), "the held counts were never written"
    deadline = time.monotonic() + 60
    while buffer.pending:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert flushed == [2, 1]
    buffer.close()
