"""``mirix-py serve`` as a real process, and the load script against a live server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from benchmarks.serve_load import LoadReport, Outcome, Planned, run_load, summary_text, verify
from mirix_py._server.app import create_app
from mirix_py._system import MemorySystem
from tests.serve.conftest import ALICE_KEY, BOB_KEY, running_server

REPO = Path(__file__).resolve().parents[2]


def test_load_script_mixes_users_and_checks_every_acknowledged_add(
    keyed_system: MemorySystem,
) -> None:
    keys: dict[str, str | None] = {"alice": ALICE_KEY, "bob": BOB_KEY}
    with running_server(create_app(keyed_system)) as url:
        report = run_load(url, keys, requests=24, concurrency=4, add_share=0.4, seed=3)
        assert report.sent == 24 and not report.errors
        assert report.acked_adds >= 2 and report.ids_checked >= report.acked_adds
        assert report.ok, report.summary()
        summary = report.summary()
        assert (
            summary["requests_per_s"] > 0 and summary["all"]["p95_ms"] >= summary["all"]["p50_ms"]
        )
        assert "errors: 0" in summary_text(summary)
        kinds = {o.planned.kind for o in report.outcomes}
        users = {o.planned.user for o in report.outcomes}
        assert kinds == {"add", "search"} and users == {"alice", "bob"}

        # The check is not vacuous: an acknowledged id that is not stored is reported.
        fake = Outcome(
            Planned("add", "alice", {}),
            1.0,
            200,
            receipt={
                "source_ids": ["m-never-sent"],
                "actions": [{"memory_id": "se-not-there", "action": "inserted"}],
            },
        )
        check = LoadReport(sent=1, planned=1, seconds=1.0, outcomes=[fake])
        verify(url, keys, check)
        assert check.missing_ids == ["se-not-there"] and check.missing_sources == ["m-never-sent"]
        assert not check.ok


@pytest.mark.slow
def test_serve_command_announces_development_mode(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "MIRIX_PY_HOME": str(tmp_path), "PYTHONPATH": str(REPO)}
    env.pop("MIRIX_PY_API_KEYS", None)
    log = tmp_path / "serve.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "mirix_py._cli", "serve", "--port", str(port)],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            cwd=REPO,
        )
    try:
        deadline = time.monotonic() + 120
        health = None
        while health is None:
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "server did not start"
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).json()
            except httpx.HTTPError:
                time.sleep(0.2)
        assert health["auth"] == "development"
        added = httpx.post(
            f"http://127.0.0.1:{port}/v1/memories",
            json={"user_id": "dev-user", "messages": "I like green tea."},
            timeout=60,
        )
        assert added.status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=30)
    output = log.read_text()
    assert "DEVELOPMENT MODE" in output and "loopback" in output
    assert f"http://127.0.0.1:{port}" in output
