"""Per-question latency of ``MemorySystem.chat`` offline on one LOCOMO dev conversation.

Ingests the conversation through ``system.add`` (session by session, offline),
compacts the tables, warms up,
then asks every question of the conversation (each embedded afresh) with the
interactive update off
and prints p50/p95 of the retrieval time (coarse + selection + fine) and of the
total time of ``chat`` (wall clock around the call).

    python benchmarks/chat_latency.py [--conversation 0] [--limit N] [--config locomo]

Aim: total p95 <= 60 ms on a 2-core machine.
"""

from __future__ import annotations

import argparse
import logging
import shlex
import statistics
import sys
import tempfile
import time
from pathlib import Path

import structlog

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evals.datasets import load_locomo  # noqa: E402
from evals.metrics import percentile  # noqa: E402
from mirix_py._config import load_config  # noqa: E402
from mirix_py._system import MemorySystem  # noqa: E402

DATA = Path("/work/shared/data/locomo/locomo_dev.json")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="a LOCOMO json file")
    parser.add_argument("--conversation", type=int, default=0, help="index in the file")
    parser.add_argument("--limit", type=int, default=0, help="ask only the first N questions")
    parser.add_argument("--config", default="locomo", help="config name or path")
    parser.add_argument("--home", default=None, help="data folder (default: a temp folder)")
    args = parser.parse_args(argv)
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))

    conversation = load_locomo(args.data)[args.conversation]
    home = args.home or tempfile.mkdtemp(prefix="mirix-chat-bench-")
    config = load_config(args.config, home=home, chat={"interactive_update": False})
    system = MemorySystem(config)
    user = conversation.id
    turns = sum(len(s.turns) for s in conversation.sessions)

    started = time.perf_counter()
    if system.store.count(user_id=user) == 0:
        for session in conversation.sessions:
            system.add(
                [
                    {
                        "role": t.role,
                        "name": t.speaker,
                        "content": t.text,
                        "id": t.id,
                        "timestamp": t.timestamp,
                    }
                    for t in session.turns
                ],
                user_id=user,
            )
    ingest_s = time.perf_counter() - started
    optimize = getattr(system.store, "optimize", None)
    if callable(optimize):
        optimize()

    questions = conversation.questions[: args.limit or None]
    started = time.perf_counter()
    system.chat("What did we talk about first?", user_id=user)
    first_ms = (time.perf_counter() - started) * 1000
    for warm in ("How are you?", "Who did I meet?", "When was that?"):  # not measured
        system.chat(warm, user_id=user)

    retrieval: list[float] = []
    total: list[float] = []
    tokens: list[int] = []
    for q in questions:
        started = time.perf_counter()
        answer = system.chat(q.question, user_id=user)
        total.append((time.perf_counter() - started) * 1000)
        retrieval.append(answer.latency.retrieval_ms)
        tokens.append(answer.context_tokens)
    memories = system.stats(user_id=user)["memories"]
    system.close()

    print("$ python " + " ".join(shlex.quote(a) for a in [sys.argv[0], *(argv or sys.argv[1:])]))
    print(f"conversation {user}: {turns} turns in {len(conversation.sessions)} sessions")
    print(f"memories: {memories}")
    print(f"ingest (offline write path): {ingest_s:.1f} s; first chat {first_ms:.0f} ms")
    print(f"questions: {len(questions)}; mean context {statistics.mean(tokens):.0f} tokens")
    for name, values in (("retrieval", retrieval), ("total", total)):
        print(
            f"{name:>9} ms: p50 {percentile(values, 50):6.1f}   p95 {percentile(values, 95):6.1f}"
            f"   mean {statistics.mean(values):6.1f}   max {max(values):6.1f}"
        )
    p95 = percentile(total, 95)
    print(f"aim total p95 <= 60 ms: {'met' if p95 <= 60 else 'NOT met'} ({p95:.1f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
