"""Does mirix-py slow down as memory grows? Ratios of identical work at small and large sizes.

    python -m benchmarks.scale [--parts ingest,grow,roundrobin,forget,ann,lme] [sizes...]

Parts (each prints its own numbers and the ratio against its target):

* ``ingest``: U users x S sessions of T turns, one ``add`` per session, through the
  public API (offline). Median per-user time of the last W users / the first W
  (target <= 1.25).
* ``grow``: one user grown to each size in ``--grow`` episodic turns (``add`` in big
  batches of synthetic turns, real embeddings). At each size: warm chat p95, chat right
  after an ``add``, and the agent loop (add one turn, then chat). Targets: p95 at the
  largest size <= 2x the smallest; after-add <= 1.5x warm; agent loop p50 <= 150 ms.
* ``roundrobin``: chat round-robin over the users ingested by ``ingest`` vs one user
  asked repeatedly: p95 ratio (target <= 2).
* ``forget``: a database of N users (each size in ``--forget-users``) x R rows, written
  in upserts of ``--forget-batch`` rows and maintained; time to forget one memory
  (logical, purged later), to purge one at once (``purge=True``), and one maintenance
  purge; ratio largest / smallest (target <= 2). A purge rewrites the fragment and
  index segments that held the row, so ``--forget-layout F,S`` (fragment and
  index-segment rows) shows how its cost follows their size; compaction never splits
  a fragment, so a batch larger than F leaves fragments of the batch's size.
* ``ann``: ``--ann-rows`` rows in one table (synthetic clustered vectors) as a mix of
  owners: ``--ann-heavy`` owners of ``--ann-heavy-rows`` rows (past the 20,000 rows
  from which search goes through an ANN index) and the rest over ``--ann-users``
  light owners (searched flat). Maintenance builds the index (there are heavy owners)
  and checks recall; hybrid search p95 with the user prefilter for heavy and for
  light owners (target <= 50 ms each) and recall@10 vs flat on fresh queries of the
  heavy owners (>= 0.95); then the same on real embeddings of LOCOMO sentences
  (``--real-rows``).
* ``lme``: the harness's LongMemEval runner on a generated file of ``--lme-users``
  users; ingestion time (target <= 10 minutes).

The script measures whatever write and read paths the checkout has. Timings on a
shared 2-core machine are noisy: read the ratios, and note the load printed first.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
from lancedb.index import Bitmap

from benchmarks.scale_data import longmemeval_file, questions, sessions, turn_text
from mirix_py._config import load_config
from mirix_py._embeddings import OnnxMiniLMEmbeddings
from mirix_py._logging import configure_logging
from mirix_py._memory import EpisodicMemory, MemoryType
from mirix_py._store import ann
from mirix_py._store.ann import apply_choice, probe_limit
from mirix_py._store.base import SearchQuery
from mirix_py._store.filters import user_filter
from mirix_py._store.lancedb_store import LanceDBStore
from mirix_py._store.segments import dataset, live_fragments
from mirix_py._system import MemorySystem

LOCOMO = Path("/work/shared/data/locomo/locomo_dev.json")
RESULTS: list[tuple[str, str, str]] = []


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) of ``values``, in the same unit."""
    return float(np.percentile(np.array(values), q)) if values else float("nan")


def timed(fn: Callable[[], Any]) -> float:
    """Milliseconds one call of ``fn`` takes."""
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def report(name: str, value: str, target: str) -> None:
    """Print one result line and keep it for the summary."""
    RESULTS.append((name, value, target))
    print(f"  {name}: {value}   (target {target})", flush=True)


def lance_store(system: MemorySystem) -> LanceDBStore:
    """The system's store, which the benchmarks need as the LanceDB store."""
    store = system.store
    if not isinstance(store, LanceDBStore):
        raise TypeError(f"these benchmarks need the LanceDB store, not {type(store).__name__}")
    return store


def open_system(home: Path, **overrides: Any) -> MemorySystem:
    """An offline system in ``home`` (no interactive update; logs quiet)."""
    config = load_config(
        "default",
        environ={},
        home=str(home),
        chat={"interactive_update": False},
        logging={"level": "ERROR"},
        **overrides,
    )
    configure_logging(config.logging)
    return MemorySystem(config)


# --------------------------------------------------------------------- ingest


def part_ingest(args: argparse.Namespace, home: Path) -> None:
    print(f"[ingest] {args.users} users x {args.sessions} sessions x {args.turns} turns")
    system = open_system(home)
    per_user: list[float] = []
    for u in range(args.users):
        started = time.perf_counter()
        for msgs in sessions(u, args.sessions, args.turns):
            system.add(msgs, user_id=f"user-{u:05d}")
        per_user.append(time.perf_counter() - started)
        if (u + 1) % max(1, args.users // 10) == 0:
            print(f"    {u + 1} users, last {per_user[-1]:.2f} s/user", flush=True)
    window = max(1, min(100, args.users // 4))
    first, last = statistics.median(per_user[:window]), statistics.median(per_user[-window:])
    report(
        f"ingest median s/user first {window} -> last {window}",
        f"{first:.3f} -> {last:.3f} = {last / first:.2f}x",
        "<= 1.25x",
    )
    system.close()


# ----------------------------------------------------------------- roundrobin


def part_roundrobin(args: argparse.Namespace, home: Path) -> None:
    system = open_system(home)
    users = [f"user-{u:05d}" for u in range(min(args.users, args.rr_users))]
    print(f"[roundrobin] {len(users)} users, {args.rr_questions} questions each way")
    if not all(system.store.count(user_id=u) for u in (users[0], users[-1])):
        system.close()
        raise SystemExit("roundrobin needs the users the ingest part writes: add it to --parts")
    for u in users[:3]:
        system.chat(questions(0)[0], user_id=u)  # warm-up
    single = [
        timed(partial(system.chat, questions(i)[i % 4], user_id=users[0]))
        for i in range(args.rr_questions)
    ]
    rr = [
        timed(partial(system.chat, questions(i)[i % 4], user_id=users[i % len(users)]))
        for i in range(args.rr_questions)
    ]
    report(
        "round-robin chat p95 / single-user p95",
        f"{pct(rr, 95):.0f} / {pct(single, 95):.0f} ms = {pct(rr, 95) / pct(single, 95):.2f}x",
        "<= 2x",
    )
    system.close()


# ----------------------------------------------------------------------- grow


def part_grow(args: argparse.Namespace, home: Path) -> None:
    sizes = sorted(int(s) for s in args.grow.split(","))
    print(f"[grow] one user to {sizes} episodic turns")
    system = open_system(home)
    user = "grower"
    rng = random.Random(7)
    persona = {"pet": "beagle", "pet_name": "Biscuit", "job": "nurse"}
    have = 0
    warm_p95: dict[int, float] = {}
    for size in sizes:
        started = time.perf_counter()
        while have < size:
            n = min(args.grow_batch, size - have)
            day = "2024-01-01T00:00:00+00:00"
            system.add(
                [
                    {"role": "user", "content": turn_text(rng, persona), "timestamp": day}
                    for _ in range(n)
                ],
                user_id=user,
            )
            have += n
        print(f"    grew to {have} turns in {time.perf_counter() - started:.0f} s", flush=True)
        system.maintain()
        qs = [q for i in range(40) for q in questions(i)][: args.grow_questions]
        system.chat(qs[0], user_id=user)
        warm = [timed(partial(system.chat, q, user_id=user)) for q in qs]
        after: list[float] = []
        loop: list[float] = []
        for q in qs:
            msg = [{"role": "user", "content": turn_text(rng, persona)}]
            add_ms = timed(partial(system.add, msg, user_id=user))
            chat_ms = timed(partial(system.chat, q, user_id=user))
            after.append(chat_ms)
            loop.append(add_ms + chat_ms)
            have += 1
        warm_p95[size] = pct(warm, 95)
        print(
            f"    {size}: warm chat p50 {pct(warm, 50):.0f} p95 {pct(warm, 95):.0f} ms; "
            f"after add p95 {pct(after, 95):.0f} ms; agent loop p50 {pct(loop, 50):.0f} ms",
            flush=True,
        )
        report(
            f"chat after add p95 / warm p95 at {size}",
            f"{pct(after, 95):.0f} / {pct(warm, 95):.0f} ms"
            f" = {pct(after, 95) / pct(warm, 95):.2f}x",
            "<= 1.5x",
        )
        report(f"agent loop (add + chat) p50 at {size}", f"{pct(loop, 50):.0f} ms", "<= 150 ms")
    lo, hi = sizes[0], sizes[-1]
    report(
        f"warm chat p95 at {hi} / at {lo}",
        f"{warm_p95[hi]:.0f} / {warm_p95[lo]:.0f} ms = {warm_p95[hi] / warm_p95[lo]:.2f}x",
        "<= 2x",
    )
    system.close()


# --------------------------------------------------------------------- forget


def _bulk_users(
    system: MemorySystem, users: int, rows: int, seed: int, *, batch_rows: int = 1000
) -> list[str]:
    """``users`` x ``rows`` episodic rows through the store (vectors synthetic), written
    in upserts of about ``batch_rows`` rows and then maintained. Each upsert leaves
    one fragment, and compaction never splits a fragment, so batches larger than
    ``maintenance.fragment_rows`` would leave a layout that writes through the API
    (one session per ``add``) never produce."""
    rng = np.random.default_rng(seed)
    persona = {"pet": "corgi", "pet_name": "Momo", "job": "chef"}
    trng = random.Random(seed)
    batch: list[EpisodicMemory] = []
    for u in range(users):
        for _ in range(rows):
            vec = rng.normal(size=384).astype(np.float32)
            batch.append(
                EpisodicMemory(
                    user_id=f"fu-{u:05d}",
                    summary=turn_text(trng, persona),
                    embedding=(vec / np.linalg.norm(vec)).tolist(),
                )
            )
        if len(batch) >= batch_rows or u == users - 1:
            system.store.upsert(batch)
            batch = []
    system.maintain()
    return [f"fu-{u:05d}" for u in range(users)]


def _forget_trial(system: MemorySystem, users: list[str], rng: random.Random) -> dict[str, float]:
    """Ms of one trial: a forget (logical), the maintenance purge of it, a forget --now."""
    user = rng.choice(users)
    ids = [r.id for r in system.get_all(user_id=user, limit=3)]
    return {
        "logical": timed(lambda: system.delete(ids[0], user_id=user)),
        "maintain": timed(lambda: system.maintain(purge_now=True)),
        "now": timed(lambda: system.delete(ids[1], user_id=user, purge=True)),
    }


def part_forget(args: argparse.Namespace, home: Path) -> None:
    """Forget one memory at each database size; the sizes' trials are interleaved
    (one trial of each size in turn), so that a change of the machine's load hits
    every size alike; medians are compared."""
    sizes = sorted(int(s) for s in args.forget_users.split(","))
    print(
        f"[forget] {sizes} users x {args.forget_rows} rows, {args.forget_trials} forgets each, "
        "trials interleaved across sizes"
    )
    maintenance: dict[str, Any] = {"background": False, "retention_seconds": 0}
    if args.forget_layout:
        fragment_rows, segment_rows = (int(v) for v in args.forget_layout.split(","))
        maintenance |= {"fragment_rows": fragment_rows, "index_segment_rows": segment_rows}
    print(f"    maintenance settings: {maintenance}")
    systems: dict[int, tuple[MemorySystem, list[str], random.Random]] = {}
    for size in sizes:
        system = open_system(home / f"forget-{size}", maintenance=maintenance)
        users = _bulk_users(system, size, args.forget_rows, seed=size, batch_rows=args.forget_batch)
        systems[size] = (system, users, random.Random(size))
        episodic = lance_store(system).maintained_tables()["episodic"]
        rows = sorted(live_fragments(dataset(episodic)).values())
        print(f"    {size} users: episodic fragments of {rows[0]}..{rows[-1]} rows", flush=True)
    times: dict[int, dict[str, list[float]]] = {s: {} for s in sizes}
    for trial in range(args.forget_trials):
        for size, (system, users, rng) in systems.items():
            for kind, ms in _forget_trial(system, users, rng).items():
                times[size].setdefault(kind, []).append(ms)
        print(f"    trial {trial + 1}: load {os.getloadavg()[0]:.1f}", flush=True)
    medians = {s: {k: statistics.median(v) for k, v in times[s].items()} for s in sizes}
    for size, (system, _, _) in systems.items():
        m = medians[size]
        print(
            f"    {size} users ({system.store.count()} rows): forget {m['logical']:.0f} ms, "
            f"forget --now {m['now']:.0f} ms, maintenance purge {m['maintain']:.0f} ms (medians)",
            flush=True,
        )
        system.close()
    lo, hi = sizes[0], sizes[-1]
    for kind in ("logical", "now", "maintain"):
        a, b = medians[hi][kind], medians[lo][kind]
        report(
            f"forget ({kind}) {hi} users / {lo} users",
            f"{a:.0f} / {b:.0f} ms = {a / b:.2f}x",
            "<= 2x",
        )


# ------------------------------------------------------------------------ ann


def _recall_and_latency(
    system: MemorySystem, samples: list[tuple[str, list[float], str]], table_name: str
) -> tuple[float, list[float]]:
    """Recall@10 of the search's vector query against flat search (each owner's own
    choice: the ANN settings with the probe bound search applies for a large owner,
    flat for a small one), and hybrid search latencies, over ``samples``."""
    store = lance_store(system)
    table = store.maintained_tables()[table_name]
    choice = store.ann_registry.use(table_name)
    table_rows = int(table.count_rows())
    owners: dict[str, int] = {}
    hits = total = 0
    latencies = []

    def ids(user: str, vec: list[float], flat: bool) -> set[str]:
        if user not in owners:
            owners[user] = int(table.count_rows(user_filter(user)))
        used = None if flat or owners[user] < ann.ANN_MIN_OWNER_ROWS else choice
        bound = probe_limit(used.nprobes, table_rows, owners[user]) if used else 0
        query = table.search(vec, vector_column_name="vector").distance_type("cosine")
        query = apply_choice(query.where(user_filter(user), prefilter=True), used, bound)
        return {r["id"] for r in query.select(["id", "_distance"]).limit(10).to_list()}

    for user, vec, text in samples:
        truth = ids(user, vec, True)
        hits += len(truth & ids(user, vec, False))
        total += len(truth)
        sq = SearchQuery(user_id=user, text=text, vector=tuple(vec), limit=10)
        latencies.append(timed(partial(system.store.search, sq)))
    return (hits / total if total else 1.0), latencies


def _owners(n: int, heavy: int, heavy_rows: int, light: int, seed: int) -> list[str]:
    """The owner of each of ``n`` rows: ``heavy`` owners of ``heavy_rows`` rows each (the
    owners an ANN index serves) and the rest spread over ``light`` owners, all
    shuffled, as the writes of many users interleave in one table."""
    heavy_total = min(n, heavy * heavy_rows)
    owners = [f"ah-{i % heavy:03d}" for i in range(heavy_total)]
    owners += [f"au-{i % max(1, light):05d}" for i in range(n - heavy_total)]
    random.Random(seed).shuffle(owners)
    return owners


def _load_rows(
    system: MemorySystem, vectors: np.ndarray, texts: list[str], owners: list[str]
) -> None:
    table = lance_store(system).maintained_tables()[MemoryType.EPISODIC.value]
    n = len(vectors)
    for lo in range(0, n, 100_000):
        hi = min(n, lo + 100_000)
        ids = [f"r{i:08d}" for i in range(lo, hi)]
        rows = {
            "id": ids,
            "user_id": owners[lo:hi],
            "text": texts[lo:hi],
            "payload": [json.dumps({"summary": t}) for t in texts[lo:hi]],
            "source_ids": [[] for _ in ids],
            "created_at": [0] * len(ids),
            "updated_at": [0] * len(ids),
            "occurred_at": [0] * len(ids),
            "valid_from": [0] * len(ids),
            "valid_to": [None] * len(ids),
            "superseded_by": [None] * len(ids),
            "status": ["active"] * len(ids),
            "origin": ["extracted"] * len(ids),
            "importance": [0.5] * len(ids),
            "access_count": [0] * len(ids),
            "list_order": [0] * len(ids),
            "vector": pa.FixedSizeListArray.from_arrays(
                pa.array(vectors[lo:hi].reshape(-1)), vectors.shape[1]
            ),
        }
        schema = table.schema
        data = pa.table({f.name: rows[f.name] for f in schema if f.name in rows})
        table.add(data.cast(pa.schema([schema.field(c) for c in data.column_names])))
        print(f"    loaded {hi} rows", flush=True)
    started = time.perf_counter()
    # As the store does on its first write: full-text index, bitmap on the user prefilter.
    table.create_index("text", config=lance_store(system).fts_config(), replace=True)
    table.create_index("user_id", config=Bitmap(), replace=True)
    print(f"    FTS and user_id indexes built in {time.perf_counter() - started:.0f} s")


def _ann_run(
    label: str,
    home: Path,
    vectors: np.ndarray,
    texts: list[str],
    owners: list[str],
    args: argparse.Namespace,
) -> None:
    system = open_system(
        home,
        memory={"enabled": ["core", "episodic"]},
        maintenance={
            "background": False,
            "ann_min_rows": min(args.ann_min_rows, len(vectors)),
            "ann_sample_queries": args.ann_queries,
        },
    )
    if system.store.count(memory_type=MemoryType.EPISODIC) == len(vectors):
        print(f"    reusing the {len(vectors)} rows already in {home} (--home of an earlier run)")
    else:
        _load_rows(system, vectors, texts, owners)
    started = time.perf_counter()
    receipt = system.maintain()
    choice = next((t.ann for t in receipt.tables if t.table == "episodic"), None)
    choice = choice or lance_store(system).ann_registry.get("episodic")
    print(f"    maintenance {time.perf_counter() - started:.0f} s; ANN decision: {choice}")
    large = {o for o, c in Counter(owners).items() if c >= ann.ANN_MIN_OWNER_ROWS}
    rng = random.Random(1)
    noise = np.random.default_rng(2)
    for kind in ("heavy", "light"):
        group = {o for o in set(owners) if (o in large) == (kind == "heavy")}
        rows = [i for i, o in enumerate(owners) if o in group]
        if not rows:
            continue
        picks = rng.sample(rows, min(len(rows), args.ann_queries))
        moved = vectors[picks] + noise.normal(scale=0.05, size=(len(picks), vectors.shape[1]))
        moved /= np.linalg.norm(moved, axis=1, keepdims=True)
        samples = [
            (owners[p], [float(x) for x in v], texts[p]) for p, v in zip(picks, moved, strict=True)
        ]
        recall, lat = _recall_and_latency(system, samples, "episodic")
        how = "ANN" if kind == "heavy" and choice is not None and choice.accepted else "flat"
        report(
            f"{label}: hybrid p95 with user prefilter, {kind} owners ({len(group)} owners, "
            f"{how}; {len(vectors)} rows)",
            f"{pct(lat, 95):.0f} ms",
            "<= 50 ms",
        )
        if kind == "heavy":
            report(
                f"{label}: recall@10 vs flat, heavy owners, fresh queries",
                f"{recall:.3f}",
                ">= 0.95",
            )
    system.close()


def _locomo_sentences(limit: int) -> list[str]:
    data = json.loads(LOCOMO.read_text(encoding="utf-8"))
    out: list[str] = []
    for conv in data:
        for key, turns in conv["conversation"].items():
            if key.startswith("session_") and isinstance(turns, list):
                for t in turns:
                    text = t.get("text", "")
                    out.append(text)
                    out.extend(s.strip() for s in text.split(".") if len(s.strip()) > 20)
    return list(dict.fromkeys(out))[:limit]


def part_ann(args: argparse.Namespace, home: Path) -> None:
    n = args.ann_rows
    if n <= 0:  # --ann-rows 0: only the real-embedding check
        _ann_real(args, home)
        return
    heavy_rows = args.ann_heavy_rows
    print(
        f"[ann] {n} synthetic rows: {args.ann_heavy} owners of {heavy_rows} rows, the rest over "
        f"{args.ann_users} owners (an index serves owners of {ann.ANN_MIN_OWNER_ROWS}+ rows)"
    )
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(256, 384)).astype(np.float32)
    vectors = np.empty((n, 384), dtype=np.float32)
    for lo in range(0, n, 100_000):  # in chunks: no multi-GB float64 temporaries
        hi = min(n, lo + 100_000)
        chunk = centres[rng.integers(0, 256, size=hi - lo)]
        chunk += 0.7 * rng.standard_normal(size=(hi - lo, 384), dtype=np.float32)
        vectors[lo:hi] = chunk / np.linalg.norm(chunk, axis=1, keepdims=True)
    trng = random.Random(0)
    persona = {"pet": "parrot", "pet_name": "Pip", "job": "pilot"}
    texts = [turn_text(trng, persona) for _ in range(n)]
    owners = _owners(n, args.ann_heavy, heavy_rows, args.ann_users, seed=0)
    _ann_run("synthetic", home / "ann-synthetic", vectors, texts, owners, args)
    _ann_real(args, home)


def _ann_real(args: argparse.Namespace, home: Path) -> None:
    """Recall on real embeddings. LOCOMO yields ~11k distinct turns and sentences, fewer
    than an owner needs for an index: two owners hold 30% of them each, and the owner
    threshold is lowered to their size for this check (it measures the index's recall
    on real vectors, not the threshold)."""
    if args.real_rows and LOCOMO.exists():
        texts = _locomo_sentences(args.real_rows)
        print(f"[ann] real embeddings of {len(texts)} LOCOMO turns and sentences")
        started = time.perf_counter()
        emb = np.array(OnnxMiniLMEmbeddings().embed_documents(texts), dtype=np.float32)
        print(f"    embedded in {time.perf_counter() - started:.0f} s")
        heavy_rows = int(0.3 * len(texts))
        owners = _owners(len(texts), 2, heavy_rows, max(1, len(texts) // 200), seed=1)
        saved = ann.ANN_MIN_OWNER_ROWS
        ann.ANN_MIN_OWNER_ROWS = min(saved, heavy_rows)
        print(f"    owner threshold for this check: {ann.ANN_MIN_OWNER_ROWS} rows")
        try:
            _ann_run("real", home / "ann-real", emb, texts, owners, args)
        finally:
            ann.ANN_MIN_OWNER_ROWS = saved


# ------------------------------------------------------------------------ lme


def part_lme(args: argparse.Namespace, home: Path) -> None:
    data = longmemeval_file(
        home / "lme.json", args.lme_users, sessions_per_user=args.lme_sessions, turns=args.lme_turns
    )
    out = home / "lme-out"
    cmd = [
        sys.executable,
        "-m",
        "evals.longmemeval",
        "--data",
        str(data),
        "--out",
        str(out),
        "--baselines",
        "bm25",
        "--no-progress",
        "--limit-questions",
        "1",
    ]
    print(f"[lme] {args.lme_users} users: {shlex.join(cmd)}", flush=True)
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        print(done.stderr[-2000:])
    summary = out / "summary.json"
    ingest = None
    if summary.exists():
        stats = json.loads(summary.read_text())["systems"]
        mirix: dict[str, Any] = next((v for k, v in stats.items() if k.startswith("mirix")), {})
        rate = _find(mirix, "ingest_turns_per_s")
        turns = args.lme_users * args.lme_sessions * args.lme_turns
        ingest = turns / rate if rate else None
    value = f"{ingest / 60:.1f} min" if ingest else "n/a"
    report(
        f"LongMemEval runner ingestion, {args.lme_users} users",
        f"{value} (whole run {wall / 60:.1f} min)",
        "<= 10 min",
    )


def _find(obj: Any, key: str) -> float | None:
    if isinstance(obj, dict):
        if key in obj:
            return float(obj[key])
        for v in obj.values():
            found = _find(v, key)
            if found is not None:
                return found
    return None


# ----------------------------------------------------------------------- main


PARTS = {
    "ingest": part_ingest,
    "roundrobin": part_roundrobin,
    "grow": part_grow,
    "forget": part_forget,
    "ann": part_ann,
    "lme": part_lme,
}


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.scale", description=__doc__.splitlines()[0]
    )
    p.add_argument("--parts", default="ingest,roundrobin,grow,forget,ann,lme")
    p.add_argument("--home", default=None, help="work folder (default: a temp folder, removed)")
    p.add_argument("--users", type=int, default=1000)
    p.add_argument("--sessions", type=int, default=5)
    p.add_argument("--turns", type=int, default=20)
    p.add_argument("--rr-users", type=int, default=100)
    p.add_argument("--rr-questions", type=int, default=200)
    p.add_argument("--grow", default="1000,10000,100000")
    p.add_argument("--grow-batch", type=int, default=500)
    p.add_argument("--grow-questions", type=int, default=40)
    p.add_argument("--forget-users", default="10,1000")
    p.add_argument("--forget-rows", type=int, default=100)
    p.add_argument(
        "--forget-batch",
        type=int,
        default=1000,
        help="rows per bulk upsert when building the forget databases",
    )
    p.add_argument("--forget-trials", type=int, default=5)
    p.add_argument(
        "--forget-layout",
        default="",
        help="FRAGMENT_ROWS,SEGMENT_ROWS for the forget part (default: the config's)",
    )
    p.add_argument("--ann-rows", type=int, default=1_000_000)
    p.add_argument("--ann-users", type=int, default=10_000, help="light owners")
    p.add_argument("--ann-heavy", type=int, default=4, help="heavy owners (ANN)")
    p.add_argument("--ann-heavy-rows", type=int, default=40_000, help="rows per heavy owner")
    p.add_argument("--ann-min-rows", type=int, default=50_000)
    p.add_argument("--ann-queries", type=int, default=100)
    p.add_argument("--real-rows", type=int, default=20_000)
    p.add_argument("--lme-users", type=int, default=500)
    p.add_argument("--lme-sessions", type=int, default=3)
    p.add_argument("--lme-turns", type=int, default=10)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    print(
        "command: python -m benchmarks.scale " + shlex.join(sys.argv[1:] if argv is None else argv)
    )
    print(f"load average: {os.getloadavg()}, cpus: {os.cpu_count()}")
    home = Path(args.home) if args.home else Path(tempfile.mkdtemp(prefix="mirix-scale-"))
    home.mkdir(parents=True, exist_ok=True)  # every part writes under it
    try:
        for name in args.parts.split(","):
            PARTS[name.strip()](args, home)
    finally:
        if not args.home:
            shutil.rmtree(home, ignore_errors=True)
    print("\nsummary:")
    for name, value, target in RESULTS:
        print(f"  {name}: {value}   (target {target})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
