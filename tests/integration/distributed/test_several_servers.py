"""Three ``mirix-py serve`` processes on one bucket of a real S3-compatible server.

A load client spreads adds, searches, chats and forgets for 20 users over the
three servers (failing over, as a load balancer would, when one stops
answering) and one server is SIGKILLed mid-load. Afterwards, through every live
server: no acknowledged write is lost, no id is duplicated, a write acknowledged
by one server is listed by the others, and a forgotten memory is gone
everywhere. Finally a memory forgotten through one server is purged from the
bucket: after a maintenance run (in another process, as an operator would run
``mirix-py maintain``) and the object store's own garbage collection, no byte of
it is left in SeaweedFS's data folder.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from benchmarks.serve_load import run_load, served_cluster
from tests.s3_server import ACCESS_KEY, REGION, SECRET_KEY

REPO = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.slow


def _aws_env(s3_server: Any) -> dict[str, str]:
    return {
        "AWS_ENDPOINT_URL": s3_server.endpoint,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_REGION": REGION,
        "AWS_ALLOW_HTTP": "true",
        "PYTHONPATH": str(REPO),
    }


def _files_holding(folder: Path, marker: bytes) -> list[str]:
    hits = []
    for root, _dirs, files in os.walk(folder):
        for name in files:
            path = Path(root) / name
            try:
                if marker in path.read_bytes():
                    hits.append(str(path.relative_to(folder)))
            except OSError:
                continue
    return hits


def _headers(cluster: Any, user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {cluster.keys[user]}"}


def _listed(cluster: Any, url: str, user: str) -> set[str]:
    page = httpx.get(
        f"{url}/v1/memories",
        params={"user_id": user, "limit": 100},
        headers=_headers(cluster, user),
        timeout=120,
    )
    assert page.status_code == 200, page.text[:300]
    return {m["id"] for m in page.json()["items"]}


def test_three_servers_one_memory_with_a_server_killed_mid_load(s3_server: Any) -> None:
    users = [f"user-{i:02d}" for i in range(20)]
    uri = s3_server.uri(f"cluster-{uuid.uuid4().hex[:8]}")
    with served_cluster(users, servers=3, db_uri=uri, env=_aws_env(s3_server)) as cluster:
        victim = cluster.processes[2]
        killed = threading.Event()

        def kill_mid_load(sent: int) -> None:
            if sent >= 40 and not killed.is_set():
                killed.set()
                os.kill(victim.pid, signal.SIGKILL)

        report = run_load(
            cluster.urls,
            cluster.keys,
            requests=100,
            concurrency=6,
            add_share=0.5,
            chat_share=0.1,
            forget_share=0.1,
            seed=11,
            on_sent=kill_mid_load,
        )
        assert killed.is_set() and victim.wait(timeout=30) == -signal.SIGKILL
        summary = report.summary()
        failed = {  # only the checks, so a failure names which one (the summary is long)
            "error_samples": summary["error_samples"],
            "missing_ids": report.missing_ids[:5],
            "missing_sources": report.missing_sources[:5],
            "still_visible": report.still_visible[:5],
            "duplicate_ids": report.duplicate_ids[:5],
            "verify_errors": report.verify_errors[:5],
        }
        assert report.ok, failed
        assert summary["errors"] == 0 and summary["servers_checked"] == 2
        assert report.acked_adds >= 20 and report.forgotten
        assert {o.planned.kind for o in report.outcomes} >= {"add", "search", "chat", "forget"}


def test_a_forget_through_one_server_is_seen_by_all_and_purged_from_the_bucket(
    s3_server: Any,
) -> None:
    marker = f"okapi-{uuid.uuid4().hex[:10]}"
    uri = s3_server.uri(f"purge-{uuid.uuid4().hex[:8]}")
    env = _aws_env(s3_server)
    with served_cluster(["ana"], servers=2, db_uri=uri, env=env) as cluster:
        first, second = cluster.urls
        receipt = httpx.post(
            f"{first}/v1/memories",
            json={"user_id": "ana", "messages": f"My cousin keeps an okapi named {marker}."},
            headers=_headers(cluster, "ana"),
            timeout=120,
        ).json()
        ids = [a["memory_id"] for a in receipt["actions"] if a.get("memory_id")]
        assert set(ids) <= _listed(cluster, second, "ana")  # written by one, seen by the other
        assert _files_holding(s3_server.data_dir, marker.encode())  # the scan can see it

        forgotten = httpx.delete(
            f"{second}/v1/memories",
            params={"user_id": "ana"},
            headers=_headers(cluster, "ana"),
            timeout=120,
        )
        assert forgotten.status_code == 200
        for url in cluster.urls:
            assert _listed(cluster, url, "ana") == set()

        # An operator's maintenance run in another process; a short retention window so
        # that the versions from before the rewrite go in the second run. A run is
        # skipped while a server's own background maintainer holds the lease.
        config = Path(cluster.homes[0]) / "maintain.yaml"
        config.write_text("maintenance:\n  retention_seconds: 1\n  purge_delay_seconds: 5\n")
        maintain_env = {
            **os.environ,
            **env,
            "MIRIX_PY_DB_URI": uri,
            "MIRIX_PY_HOME": str(cluster.homes[0]),
            "MIRIX_PY_VAULT_KEY": cluster.vault_key,
        }
        outputs = []
        for _ in range(20):
            maintain = subprocess.run(
                [
                    *(sys.executable, "-m", "mirix_py._cli", "maintain", "--purge-now"),
                    *("--config", str(config), "--json"),
                ],
                env=maintain_env,
                capture_output=True,
                text=True,
                timeout=600,
                cwd=REPO,
            )
            assert maintain.returncode == 0, maintain.stderr[-2000:]
            outputs.append(maintain.stdout)
            result = json.loads(maintain.stdout)
            if result["ran"] and result["purges_pending"] == 0:
                break
            time.sleep(2)
        else:
            pytest.fail(f"purge did not complete: {outputs[-3:]}")

    deadline = time.monotonic() + 60
    hits = _files_holding(s3_server.data_dir, marker.encode())
    while hits and time.monotonic() < deadline:
        s3_server.vacuum()  # SeaweedFS frees deleted objects' bytes in its own vacuum
        time.sleep(2)
        hits = _files_holding(s3_server.data_dir, marker.encode())
    assert hits == []
