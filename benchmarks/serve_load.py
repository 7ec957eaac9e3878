"""Bounded load on ``mirix-py serve``: adds, searches, chats and forgets from several users.

Run: ``python -m benchmarks.serve_load [--requests 400] [--duration 300] [--users 4]
[--concurrency 8] [--add-share 0.3] [--chat-share 0] [--forget-share 0]
[--servers 1] [--s3] [--compare]``

Without ``--url`` it starts ``mirix-py serve`` itself: ``--servers N`` separate
processes on free loopback ports, sharing one database — a temporary local folder,
or with ``--s3`` a bucket on a SeaweedFS server it starts on loopback (credentials
reach the servers only through the standard ``AWS_*`` variables), one generated
API key per user, one vault key — and stops them afterwards. ``--compare`` runs the
same request mix twice, on one local-disk server and on ``--servers`` servers on
object storage, and prints the ratio of requests/s and of search p95.

The client sends a fixed, seeded list of requests from ``--concurrency`` threads,
spread round-robin over the servers (as a load balancer would; a server that
refuses connections is skipped and the request goes to the next one), and stops
early when ``--duration`` seconds have passed. Adds carry their own message ids,
so a retried add writes nothing twice. It prints requests/s, p50/p95 latency per
operation and errors, then checks through every server that every acknowledged
add is stored (every memory id its receipt names, every source message id it
reports) unless it was forgotten, and that every forgotten memory is gone
everywhere. The exit status is 1 on any error or missing write.
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
from collections.abc import Callable, Iterator, Sequence
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
    forgotten: dict[str, str] = field(default_factory=dict)
    still_visible: list[str] = field(default_factory=list)
    duplicate_ids: list[str] = field(default_factory=list)
    verify_errors: list[str] = field(default_factory=list)
    servers_checked: int = 0

    @property
    def errors(self) -> list[Outcome]:
        """Requests that failed (transport error or non-200)."""
        return [o for o in self.outcomes if o.error or o.status != 200]

    @property
    def ok(self) -> bool:
        """No errors and every acknowledged add stored."""
        return (
            not self.errors
            and not self.missing_ids
            and not self.missing_sources
            and not self.still_visible
            and not self.duplicate_ids
            and not self.verify_errors
        )

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
            "chat": stats("chat"),
            "forget": stats("forget"),
            "errors": len(self.errors),
            "error_samples": [f"{o.planned.kind} {o.status} {o.error}" for o in self.errors[:5]],
            "acked_adds": self.acked_adds,
            "memory_ids_checked": self.ids_checked,
            "missing_ids": len(self.missing_ids),
            "missing_sources": len(self.missing_sources),
            "forgotten": len(self.forgotten),
            "forgotten_still_visible": len(self.still_visible),
            "duplicate_ids": len(self.duplicate_ids),
            "verify_errors": self.verify_errors[:5],
            "servers_checked": self.servers_checked,
            "ok": self.ok,
        }


def _percentile(sorted_values: list[float], pct: float) -> float:
    if not sorted_values:
        return 0.0
    rank = (len(sorted_values) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (rank - low)


def plan(
    users: list[str],
    *,
    requests: int,
    add_share: float,
    seed: int,
    chat_share: float = 0.0,
    forget_share: float = 0.0,
) -> list[Planned]:
    """A fixed, seeded mix of adds (each a unique fact with its own message id), searches,
    chats and forgets (a forget takes one of the user's acknowledged memories at send time)."""
    rng = random.Random(seed)
    out: list[Planned] = []
    for i in range(requests):
        user = users[i % len(users)]
        city, friend, thing = rng.choice(CITIES), rng.choice(FRIENDS), rng.choice(THINGS)
        draw = rng.random()
        if i < len(users) or draw < add_share:
            text = f"On trip number {i} I visited {city} with {friend} and bought {thing} there."
            message = {"id": f"load-{seed}-{i}", "content": text, "role": "user"}
            out.append(Planned("add", user, {"user_id": user, "messages": [message]}))
        elif draw < add_share + chat_share:
            question = rng.choice(QUERIES).format(city=city, friend=friend)
            out.append(Planned("chat", user, {"user_id": user, "message": question}))
        elif draw < add_share + chat_share + forget_share:
            out.append(Planned("forget", user, {"user_id": user}))
        else:
            query = rng.choice(QUERIES).format(city=city, friend=friend)
            out.append(Planned("search", user, {"user_id": user, "query": query, "limit": 5}))
    return out


class _Acked:
    """Memory ids acknowledged per user, and the ones forgotten since (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.ids: dict[str, list[str]] = {}
        self.forgotten: dict[str, str] = {}  # memory id -> user

    def add(self, user: str, receipt: dict[str, Any]) -> None:
        with self._lock:
            self.ids.setdefault(user, []).extend(_written(receipt))

    def take(self, user: str) -> str | None:
        with self._lock:
            mine = self.ids.get(user) or []
            return mine.pop(0) if mine else None

    def forgot(self, user: str, memory_id: str) -> None:
        with self._lock:
            self.forgotten[memory_id] = user


def _written(receipt: dict[str, Any]) -> list[str]:
    return [
        a["memory_id"]
        for a in receipt.get("actions", [])
        if a.get("memory_id") and a["action"] in ("inserted", "updated", "superseded", "merged")
    ]


def run_load(
    base_url: str | Sequence[str],
    keys: dict[str, str | None],
    *,
    requests: int = 400,
    duration: float = 300.0,
    concurrency: int = 8,
    add_share: float = 0.3,
    chat_share: float = 0.0,
    forget_share: float = 0.0,
    seed: int = 7,
    on_sent: Callable[[int], None] | None = None,
) -> LoadReport:
    """Send the plan from ``concurrency`` threads over the servers (stopping after
    ``duration`` s), then verify through every server. ``on_sent(n)`` is called after
    each request (a test uses it to kill a server mid-load)."""
    urls = [base_url] if isinstance(base_url, str) else list(base_url)
    todo = plan(
        sorted(keys),
        requests=requests,
        add_share=add_share,
        seed=seed,
        chat_share=chat_share,
        forget_share=forget_share,
    )
    local = threading.local()
    acked = _Acked()
    counter = iter(range(1, requests + 1))
    counter_lock = threading.Lock()
    started = time.perf_counter()
    deadline = started + duration

    def client() -> httpx.Client:
        if not hasattr(local, "client"):
            local.client = httpx.Client(timeout=120.0)
        c: httpx.Client = local.client
        return c

    def request(index: int, item: Planned, headers: dict[str, str]) -> httpx.Response:
        failed: httpx.TransportError | None = None
        for attempt in range(len(urls)):  # a dead server is skipped, as a balancer would
            url = urls[(index + attempt) % len(urls)]
            try:
                if item.kind == "forget":
                    memory_id = item.body["memory_id"]
                    response = client().delete(
                        f"{url}/v1/memories/{memory_id}",
                        params={"user_id": item.user},
                        headers=headers,
                    )
                    if attempt and response.status_code == 404:
                        # the server that died had forgotten it before the connection broke
                        return httpx.Response(200, json={}, request=response.request)
                    return response
                path = {"add": "/v1/memories", "search": "/v1/search", "chat": "/v1/chat"}
                return client().post(f"{url}{path[item.kind]}", json=item.body, headers=headers)
            except httpx.TransportError as exc:
                failed = exc
        assert failed is not None
        raise failed

    def send(numbered: tuple[int, Planned]) -> Outcome | None:
        index, item = numbered
        if time.perf_counter() > deadline:
            return None
        key = keys[item.user]
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        if item.kind == "forget":
            memory_id = acked.take(item.user)
            if memory_id is None:  # nothing acknowledged yet: search instead
                item = Planned("search", item.user, {"user_id": item.user, "query": "trip"})
            else:
                item = Planned("forget", item.user, {"memory_id": memory_id})
        t0 = time.perf_counter()
        try:
            response = request(index, item, headers)
        except httpx.HTTPError as exc:
            return Outcome(item, (time.perf_counter() - t0) * 1000, 0, type(exc).__name__)
        finally:
            if on_sent is not None:
                with counter_lock:
                    n = next(counter)
                on_sent(n)
        ms = (time.perf_counter() - t0) * 1000
        ok = response.status_code == 200
        receipt = response.json() if item.kind == "add" and ok else None
        if receipt is not None:
            acked.add(item.user, receipt)
        if item.kind == "forget" and ok:
            acked.forgot(item.user, item.body["memory_id"])
        return Outcome(item, ms, response.status_code, "" if ok else response.text[:200], receipt)

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(send, enumerate(todo)))
    seconds = time.perf_counter() - started
    outcomes = [o for o in results if o is not None]
    report = LoadReport(sent=len(outcomes), planned=len(todo), seconds=seconds, outcomes=outcomes)
    report.forgotten = dict(acked.forgotten)
    for url in urls:
        try:
            httpx.get(f"{url}/health", timeout=5)
        except httpx.TransportError:
            continue  # a server killed during the load
        verify(url, keys, report)
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
            listed: list[str] = []
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
                if page.status_code != 200:
                    report.verify_errors.append(f"{base_url} list {page.status_code}")
                    break
                body = page.json()
                for memory in body["items"]:
                    ids.add(memory["id"])
                    listed.append(memory["id"])
                    sources.update(memory["source_ids"])
                offset = body["next_offset"]
            stored[user] = {"ids": ids, "sources": sources}
            report.duplicate_ids.extend(sorted({i for i in listed if listed.count(i) > 1}))
    report.servers_checked += 1
    for outcome in acked:
        receipt = outcome.receipt or {}
        have = stored[outcome.planned.user]
        written = [i for i in _written(receipt) if i not in report.forgotten]
        report.ids_checked += len(written)
        report.missing_ids.extend(i for i in written if i not in have["ids"])
        report.missing_sources.extend(
            s
            for s in receipt.get("source_ids", [])
            if s not in have["sources"] and not set(_written(receipt)) & set(report.forgotten)
        )
    report.still_visible.extend(
        memory_id
        for memory_id, user in report.forgotten.items()
        if memory_id in stored[user]["ids"]
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Cluster:
    """Running ``mirix-py serve`` processes that share one database."""

    urls: list[str]
    keys: dict[str, str | None]
    processes: list[subprocess.Popen[bytes]]
    homes: list[Path]
    vault_key: str = ""


@contextmanager
def served_cluster(
    users: list[str],
    *,
    servers: int = 1,
    config: str | None = None,
    db_uri: str | None = None,
    env: dict[str, str] | None = None,
) -> Iterator[Cluster]:
    """Start ``servers`` ``mirix-py serve`` processes on free loopback ports, one key per
    user, all on ``db_uri`` (default: one temporary local folder) with one vault key.

    Each server has its own ``MIRIX_PY_HOME`` (nothing local is shared); ``env`` adds
    variables (e.g. the ``AWS_*`` credentials of an object store).
    """
    from cryptography.fernet import Fernet

    keys: dict[str, str | None] = {u: secrets.token_urlsafe(24) for u in users}
    shared = tempfile.mkdtemp(prefix="mirix-load-")
    base_env = {
        **os.environ,
        **(env or {}),
        "MIRIX_PY_DB_URI": db_uri or str(Path(shared) / "db"),
        "MIRIX_PY_API_KEYS": ";".join(f"{k}={u}" for u, k in keys.items()),
        "MIRIX_PY_VAULT_KEY": Fernet.generate_key().decode(),
        "MIRIX_PY_LOG_LEVEL": "WARNING",
    }
    cluster = Cluster(
        urls=[], keys=keys, processes=[], homes=[], vault_key=base_env["MIRIX_PY_VAULT_KEY"]
    )
    try:
        for n in range(servers):
            port = _free_port()
            home = Path(shared) / f"server-{n}"
            home.mkdir()
            args = [sys.executable, "-m", "mirix_py._cli", "serve", "--port", str(port)]
            if config:
                args += ["--config", config]
            with (home / "server.log").open("wb") as sink:
                process = subprocess.Popen(
                    args,
                    env={**base_env, "MIRIX_PY_HOME": str(home)},
                    stdout=sink,
                    stderr=subprocess.STDOUT,
                )
            cluster.processes.append(process)
            cluster.homes.append(home)
            cluster.urls.append(f"http://127.0.0.1:{port}")
        for url, process, home in zip(cluster.urls, cluster.processes, cluster.homes, strict=True):
            _wait_healthy(url, process, home / "server.log")
        yield cluster
    finally:
        for process in cluster.processes:
            if process.poll() is None:
                process.terminate()
        for process in cluster.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 180
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("server did not become healthy in 180 s")
        time.sleep(0.2)


@contextmanager
def served(
    users: list[str], *, config: str | None = None
) -> Iterator[tuple[str, dict[str, str | None]]]:
    """Start one ``mirix-py serve`` on a free loopback port with one key per user."""
    with served_cluster(users, config=config) as cluster:
        yield cluster.urls[0], cluster.keys


@contextmanager
def object_store() -> Iterator[tuple[str, dict[str, str]]]:
    """A SeaweedFS server on loopback (the tests' launcher): a fresh ``s3://`` URI and the
    ``AWS_*`` variables that reach it."""
    from tests.s3_server import ACCESS_KEY, REGION, SECRET_KEY, start_s3_server

    folder = Path(tempfile.mkdtemp(prefix="mirix-s3-"))
    server = start_s3_server(folder)
    try:
        yield (
            server.uri("load"),
            {
                "AWS_ENDPOINT_URL": server.endpoint,
                "AWS_ACCESS_KEY_ID": ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
                "AWS_REGION": REGION,
                "AWS_ALLOW_HTTP": "true",
            },
        )
    finally:
        server.stop()


def _run_setup(
    users: list[str], args: argparse.Namespace, options: dict[str, Any], *, servers: int, s3: bool
) -> LoadReport:
    if not s3:
        with served_cluster(users, servers=servers, config=args.config) as cluster:
            return run_load(cluster.urls, cluster.keys, **options)
    with (
        object_store() as (uri, env),
        served_cluster(users, servers=servers, config=args.config, db_uri=uri, env=env) as cluster,
    ):
        return run_load(cluster.urls, cluster.keys, **options)


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
    p.add_argument("--chat-share", type=float, default=0.0, help="share of chat requests")
    p.add_argument("--forget-share", type=float, default=0.0, help="share of forget requests")
    p.add_argument("--servers", type=int, default=1, help="serve processes on one database")
    p.add_argument("--s3", action="store_true", help="database on a local SeaweedFS (S3)")
    p.add_argument(
        "--compare",
        action="store_true",
        help="run 1 local-disk server, then --servers servers on S3; print the ratios",
    )
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = p.parse_args(argv)
    users = [f"load-user-{i}" for i in range(args.users)]
    options = {
        "requests": args.requests,
        "duration": args.duration,
        "concurrency": args.concurrency,
        "add_share": args.add_share,
        "chat_share": args.chat_share,
        "forget_share": args.forget_share,
        "seed": args.seed,
    }
    print("command: python -m benchmarks.serve_load " + " ".join(argv or sys.argv[1:]))
    if args.url:
        reports = {"server": run_load(args.url, dict.fromkeys(users, args.api_key), **options)}
    elif args.compare:
        reports = {
            "1 server, local disk": _run_setup(users, args, options, servers=1, s3=False),
            f"{args.servers} servers, S3": _run_setup(
                users, args, options, servers=args.servers, s3=True
            ),
        }
    else:
        where = "S3" if args.s3 else "local disk"
        reports = {
            f"{args.servers} server(s), {where}": _run_setup(
                users, args, options, servers=args.servers, s3=args.s3
            )
        }
    for name, report in reports.items():
        print(json.dumps(report.summary(), indent=2) if args.json else f"== {name}")
        if not args.json:
            print(summary_text(report.summary()))
    if args.compare:
        local, remote = (r.summary() for r in reports.values())
        rps = remote["requests_per_s"] / max(local["requests_per_s"], 1e-9)
        p95 = remote["search"]["p95_ms"] / max(local["search"]["p95_ms"], 1e-9)
        print(f"ratio requests/s (S3 cluster / one local): {rps:.2f} (aim >= 1.5)")
        print(f"ratio search p95 (S3 cluster / one local): {p95:.2f} (aim <= 1.0)")
    return 0 if all(r.ok for r in reports.values()) else 1


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
            row("chat"),
            row("forget"),
            f"stored-writes check: {s['acked_adds']} acknowledged adds, "
            f"{s['memory_ids_checked']} memory ids; missing ids: {s['missing_ids']}, "
            f"missing source messages: {s['missing_sources']}; forgotten {s['forgotten']}, "
            f"still visible: {s['forgotten_still_visible']}; duplicate ids: "
            f"{s['duplicate_ids']} ({s['servers_checked']} servers checked) "
            f"-> {'OK' if s['ok'] else 'FAILED'}",
            *[f"  error: {e}" for e in s["error_samples"]],
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
