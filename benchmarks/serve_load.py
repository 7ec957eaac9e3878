"""Bounded load on ``mirix-py serve``: mixed adds and searches from several users.

Run: ``python -m benchmarks.serve_load [--requests 400] [--duration 300] [--users 4]
[--concurrency 8] [--add-share 0.3]``

Without ``--url`` it starts ``mirix-py serve`` itself (a separate process on a free
loopback port, a temporary database, one generated API key per user) and stops
it afterwards. With ``--url`` it loads a running server (``--api-key`` must cover
the users, or the server runs in development mode).

The client sends a fixed, seeded list of requests from ``--concurrency`` threads
and stops early when ``--duration`` seconds have passed. It prints requests/s,
p50/p95 latency (all, adds, searches) and errors, then checks through the API
that every acknowledged add is stored: every memory id its receipt names is
listed for its user, and every source message id it reports is cited by one of
that user's stored memories. The exit status is 1 on any error or missing write.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

CITIES = ["Lisbon", "Oslo", "Kyoto", "Lima", "Accra", "Hanoi", "Quito", "Perth", "Riga", "Cork"]
FRIENDS = ["Maya", "Rui", "Ines", "Tomas", "Lena", "Omar", "Priya", "Jonas", "Ada", "Kofi"]
THINGS = ["a kite", "a teapot", "a scarf", "a lamp", "a map", "a drum", "a bowl", "a print"]
QUERIES = [
    "Where did I travel?",
    "Who did I travel with?",
    "What did I buy on my trips?",
    "Which city did I visit with {friend}?",
    "When was I in {city}?",
]


@dataclass(frozen=True)
class Planned:
    """One request of the fixed plan."""

    kind: str  # "add" or "search"
    user: str
    body: dict[str, Any]


@dataclass
class Outcome:
    """What happened to one request."""

    planned: Planned
    ms: float
    status: int
    error: str = ""
    receipt: dict[str, Any] | None = None


@dataclass
class LoadReport:
    """Throughput, latency, errors and the stored-writes check."""

    sent: int
    planned: int
    seconds: float
    outcomes: list[Outcome] = field(default_factory=list)
    acked_adds: int = 0
    ids_checked: int = 0
    missing_ids: list[str] = field(default_factory=list)
    missing_sources: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Outcome]:
        """Requests that failed (transport error or non-200)."""
        return [o for o in self.outcomes if o.error or o.status != 200]

    @property
    def ok(self) -> bool:
        """No errors and every acknowledged add stored."""
        return not self.errors and not self.missing_ids and not self.missing_sources

    def summary(self) -> dict[str, Any]:
        """The numbers, JSON-ready."""

        def stats(kind: str | None) -> dict[str, float | int]:
            times = sorted(o.ms for o in self.outcomes if kind is None or o.planned.kind == kind)
            return {
                "n": len(times),
                "p50_ms": round(_percentile(times, 50), 1),
                "p95_ms": round(_percentile(times, 95), 1),
                "max_ms": round(times[-1], 1) if times else 0.0,
            }

        return {
            "planned": self.planned,
            "sent": self.sent,
            "seconds": round(self.seconds, 2),
            "requests_per_s": round(self.sent / self.seconds, 2) if self.seconds else 0.0,
            "all": stats(None),
            "add": stats("add"),
            "search": stats("search"),
            "errors": len(self.errors),
            "error_samples": [f"{o.planned.kind} {o.status} {o.error}" for o in self.errors[:5]],
            "acked_adds": self.acked_adds,
            "memory_ids_checked": self.ids_checked,
            "missing_ids": len(self.missing_ids),
            "missing_sources": len(self.missing_sources),
            "ok": self.ok,
        }


def _percentile(sorted_values: list[float], pct: float) -> float:
    if not sorted_values:
        return 0.0
    rank = (len(sorted_values) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (rank - low)


def plan(users: list[str], *, requests: int, add_share: float, seed: int) -> list[Planned]:
    """A fixed, seeded mix of adds (each a unique fact) and searches."""
    rng = random.Random(seed)
    out: list[Planned] = []
    for i in range(requests):
        user = users[i % len(users)]
        city, friend, thing = rng.choice(CITIES), rng.choice(FRIENDS), rng.choice(THINGS)
        if i < len(users) or rng.random() < add_share:
            text = f"On trip number {i} I visited {city} with {friend} and bought {thing} there."
            out.append(Planned("add", user, {"user_id": user, "messages": text}))
        else:
            query = rng.choice(QUERIES).format(city=city, friend=friend)
            out.append(Planned("search", user, {"user_id": user, "query": query, "limit": 5}))
    return out


def run_load(
    base_url: str,
    keys: dict[str, str | None],
    *,
    requests: int = 400,
    duration: float = 300.0,
    concurrency: int = 8,
    add_share: float = 0.3,
    seed: int = 7,
) -> LoadReport:
    """Send the plan from ``concurrency`` threads (stopping after ``duration`` s), then verify."""
    todo = plan(sorted(keys), requests=requests, add_share=add_share, seed=seed)
    local = threading.local()
    started = time.perf_counter()
    deadline = started + duration

    def client() -> httpx.Client:
        if not hasattr(local, "client"):
            local.client = httpx.Client(base_url=base_url, timeout=120.0)
        c: httpx.Client = local.client
        return c

    def send(item: Planned) -> Outcome | None:
        if time.perf_counter() > deadline:
            return None
        path = "/v1/memories" if item.kind == "add" else "/v1/search"
        key = keys[item.user]
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        t0 = time.perf_counter()
        try:
            response = client().post(path, json=item.body, headers=headers)
        except httpx.HTTPError as exc:
            return Outcome(item, (time.perf_counter() - t0) * 1000, 0, type(exc).__name__)
        ms = (time.perf_counter() - t0) * 1000
        receipt = response.json() if item.kind == "add" and response.status_code == 200 else None
        error = "" if response.status_code == 200 else response.text[:200]
        return Outcome(item, ms, response.status_code, error, receipt)

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(send, todo))
    seconds = time.perf_counter() - started
    outcomes = [o for o in results if o is not None]
    report = LoadReport(sent=len(outcomes), planned=len(todo), seconds=seconds, outcomes=outcomes)
    verify(base_url, keys, report)
    return report


def verify(base_url: str, keys: dict[str, str | None], report: LoadReport) -> None:
    """Check that every acknowledged add's memories and source messages are stored."""
    acked = [o for o in report.outcomes if o.receipt is not None]
    report.acked_adds = len(acked)
    with httpx.Client(base_url=base_url, timeout=120.0) as http:
        stored: dict[str, dict[str, set[str]]] = {}
        for user, key in keys.items():
            headers = {"Authorization": f"Bearer {key}"} if key else {}
            ids: set[str] = set()
            sources: set[str] = set()
            offset: int | None = 0
            while offset is not None:
                page = http.get(
                    "/v1/memories",
                    params={
                        "user_id": user,
                        "limit": 500,
                        "offset": offset,
                        "include_superseded": "true",
                    },
                    headers=headers,
                )
                page.raise_for_status()
                body = page.json()
                for memory in body["items"]:
                    ids.add(memory["id"])
                    sources.update(memory["source_ids"])
                offset = body["next_offset"]
            stored[user] = {"ids": ids, "sources": sources}
    for outcome in acked:
        receipt = outcome.receipt or {}
        have = stored[outcome.planned.user]
        written = [
            a["memory_id"]
            for a in receipt.get("actions", [])
            if a.get("memory_id") and a["action"] in ("inserted", "updated", "superseded", "merged")
        ]
        report.ids_checked += len(written)
        report.missing_ids.extend(i for i in written if i not in have["ids"])
        report.missing_sources.extend(
            s for s in receipt.get("source_ids", []) if s not in have["sources"]
        )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def served(
    users: list[str], *, config: str | None = None
) -> Iterator[tuple[str, dict[str, str | None]]]:
    """Start ``mirix-py serve`` on a free loopback port with one key per user."""
    from cryptography.fernet import Fernet

    keys: dict[str, str | None] = {u: secrets.token_urlsafe(24) for u in users}
    port = _free_port()
    home = tempfile.mkdtemp(prefix="mirix-load-")
    env = {
        **os.environ,
        "MIRIX_PY_HOME": home,
        "MIRIX_PY_API_KEYS": ";".join(f"{k}={u}" for u, k in keys.items()),
        "MIRIX_PY_VAULT_KEY": Fernet.generate_key().decode(),
        "MIRIX_PY_LOG_LEVEL": "WARNING",
    }
    env.pop("MIRIX_PY_DB_URI", None)
    args = [sys.executable, "-m", "mirix_py.cli", "serve", "--port", str(port)]
    if config:
        args += ["--config", config]
    log = Path(home) / "server.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(args, env=env, stdout=sink, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited: {log.read_text(errors='replace')[-2000:]}")
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server did not become healthy in 180 s")
            time.sleep(0.2)
        yield url, keys
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--url", default=None, help="a running server (default: start one)")
    p.add_argument("--api-key", default=None, help="with --url: a key covering the users")
    p.add_argument("--config", default=None, help="config for the started server")
    p.add_argument("--users", type=int, default=4)
    p.add_argument("--requests", type=int, default=400, help="fixed request count")
    p.add_argument("--duration", type=float, default=300.0, help="stop sending after N s")
    p.add_argument("--concurrency", type=int, default=8)
    p.add_argument("--add-share", type=float, default=0.3)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = p.parse_args(argv)
    users = [f"load-user-{i}" for i in range(args.users)]
    options = {
        "requests": args.requests,
        "duration": args.duration,
        "concurrency": args.concurrency,
        "add_share": args.add_share,
        "seed": args.seed,
    }
    if args.url:
        report = run_load(args.url, dict.fromkeys(users, args.api_key), **options)
    else:
        with served(users, config=args.config) as (url, keys):
            report = run_load(url, keys, **options)
    summary = summary_text(report.summary())
    print(json.dumps(report.summary(), indent=2) if args.json else summary)
    return 0 if report.ok else 1


def summary_text(s: dict[str, Any]) -> str:
    """The report as a few lines of text."""

    def row(name: str) -> str:
        r = s[name]
        return f"  {name:<7} n={r['n']:<5} p50={r['p50_ms']:>8.1f} ms  p95={r['p95_ms']:>8.1f} ms"

    return "\n".join(
        [
            f"requests: {s['sent']}/{s['planned']} in {s['seconds']} s "
            f"= {s['requests_per_s']} requests/s; errors: {s['errors']}",
            row("all"),
            row("add"),
            row("search"),
            f"stored-writes check: {s['acked_adds']} acknowledged adds, "
            f"{s['memory_ids_checked']} memory ids; missing ids: {s['missing_ids']}, "
            f"missing source messages: {s['missing_sources']} -> {'OK' if s['ok'] else 'FAILED'}",
            *[f"  error: {e}" for e in s["error_samples"]],
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
