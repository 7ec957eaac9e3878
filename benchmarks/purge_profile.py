"""Where a purge spends its time: spans per step, at each database size.

    python -m benchmarks.purge_profile HOME/forget-10 HOME/forget-1000 [--trials 5] [--cpu] \
        [--layout F,S]
    python -m benchmarks.purge_profile A/forget-10@8192,16384 A/forget-1000@8192,16384 \
        B/forget-10@2048,4096 B/forget-1000@2048,4096

Each folder is a database built by ``python -m benchmarks.scale --parts forget --home
HOME`` (its ``forget-N`` folders of N users are kept; give each the ``--forget-layout`` it
was built with as ``@F,S`` or ``--layout``). Trials alternate across the folders; each
forgets one memory of a random user and purges it at once (``purge=True``), then
forgets another and runs one maintenance purge. The store's purge steps are wrapped
with timers (per table), and the medians are printed side by side, so a step whose
cost grows with the database stands out.
"""

from __future__ import annotations

import argparse
import functools
import os
import random
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.scale import open_system
from mirix_py import MemorySystem
from mirix_py._store import lance_maintenance, maintenance, purge, segments

SPANS: dict[str, float] = defaultdict(float)
# The clock the spans read: wall time, or the process's CPU time (all threads, Lance's
# included) with ``--cpu``, which a busy machine disturbs far less.
CLOCK: list[Callable[[], float]] = [time.perf_counter]

# (module, function) pairs timed per call; the table's name is added when known.
_STEPS: tuple[tuple[Any, str], ...] = (
    (lance_maintenance, "fragments_of"),
    (lance_maintenance, "fragments_holding"),
    (lance_maintenance, "purge_now"),
    (purge, "compact_fragments"),
    (purge, "rewrite_fragments"),
    (purge, "dataset"),
    (purge, "fragments_with_deletions"),
    (purge, "refresh_indexes"),
    (purge, "seal"),
    (purge, "cleanup"),
    (maintenance, "compact_fragments"),
    (maintenance, "refresh_indexes"),
    (maintenance, "compact"),
    (maintenance, "fold_vector_indexes"),
    (maintenance, "cleanup"),
    (maintenance, "ensure_ann"),
    (segments, "_build"),
)


def _timed(label: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        table = next((a.name for a in args if isinstance(getattr(a, "name", None), str)), "")
        started = CLOCK[0]()
        try:
            return fn(*args, **kwargs)
        finally:
            SPANS[f"{label}[{table}]" if table else label] += CLOCK[0]() - started

    return wrapper


def instrument() -> None:
    """Wrap the purge steps with timers (module attributes, as the callers look them up)."""
    for module, name in _STEPS:
        label = f"{module.__name__.rsplit('.', 1)[-1]}.{name}"
        setattr(module, name, _timed(label, getattr(module, name)))


def _trial(system: MemorySystem, user: str) -> dict[str, dict[str, float]]:
    """Spans (ms) of one purge at once and one forget + maintenance purge of ``user``."""
    first, second = [r.id for r in system.get_all(user_id=user, limit=2)]
    out: dict[str, dict[str, float]] = {}
    for kind in ("now", "maintain"):
        SPANS.clear()
        started = CLOCK[0]()
        if kind == "now":
            system.delete(first, user_id=user, purge=True)
        else:
            system.delete(second, user_id=user)
            system.maintain(purge_now=True)
        SPANS["TOTAL"] = CLOCK[0]() - started
        out[kind] = {span: seconds * 1000 for span, seconds in SPANS.items()}
    return out


def _layout(spec: str) -> dict[str, Any]:
    """Maintenance settings for ``FRAGMENT_ROWS,SEGMENT_ROWS`` (none for "")."""
    if not spec:
        return {}
    fragment_rows, segment_rows = (int(v) for v in spec.split(","))
    return {"fragment_rows": fragment_rows, "index_segment_rows": segment_rows}


def main(argv: list[str] | None = None) -> int:
    """Run the trials and print the median of every span per database."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("homes", nargs="+", help="HOME/forget-N, or HOME/forget-N@F,S")
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument(
        "--layout",
        default="",
        help="FRAGMENT_ROWS,SEGMENT_ROWS the databases were built with (default: the config's)",
    )
    parser.add_argument(
        "--cpu", action="store_true", help="time spans in process CPU time, not wall time"
    )
    args = parser.parse_args(argv)
    if args.cpu:
        CLOCK[0] = time.process_time
    instrument()
    homes: list[tuple[str, Path, dict[str, Any]]] = []
    for spec in args.homes:
        path, _, layout = spec.partition("@")
        home = Path(path)
        maint = {"background": False, "retention_seconds": 0, **_layout(layout or args.layout)}
        homes.append((f"{home.parent.name}/{home.name}", home, maint))
    systems = [(label, home, open_system(home, maintenance=m)) for label, home, m in homes]
    rng = random.Random(0)
    results: dict[str, dict[str, list[float]]] = {label: defaultdict(list) for label, _, _ in homes}
    for _ in range(args.trials):
        for label, home, system in systems:
            user = f"fu-{rng.randrange(int(home.name.rsplit('-', 1)[-1])):05d}"  # scale's names
            for kind, spans in _trial(system, user).items():
                for span, ms in spans.items():
                    results[label][f"{kind}: {span}"].append(ms)
    clock = "CPU" if args.cpu else "wall"
    print(f"load average {os.getloadavg()[0]:.1f}; {clock} medians in ms over {args.trials} trials")
    names = sorted({s for r in results.values() for s in r})
    for i, (label, _, m) in enumerate(homes):
        print(f"  column {i + 1}: {label} {_layout_note(m)}")
    for span in names:
        cells = [statistics.median(r[span]) if r[span] else 0.0 for r in results.values()]
        print("  ".join(f"{c:9.1f}" for c in cells), "", span)
    for _, _, system in systems:
        system.close()
    return 0


def _layout_note(maint: dict[str, Any]) -> str:
    if "fragment_rows" not in maint:
        return "(config's layout)"
    rows, segments = maint["fragment_rows"], maint["index_segment_rows"]
    return f"(fragment_rows {rows}, index_segment_rows {segments})"


if __name__ == "__main__":
    raise SystemExit(main())
