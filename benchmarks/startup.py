"""CLI and MCP start-up: wall and CPU time of one-shot commands, in fresh processes.

``python -m benchmarks.startup [--repeat 3] [--root DIR]`` runs, from ``--root``
(default: this checkout) with a throw-away ``MIRIX_PY_HOME``: ``mirix-py --help``,
a one-line ``add``, a one-line ``chat``, ``list``, and an MCP stdio ``initialize``
handshake (time until the server's reply). It prints the median wall time and the
median CPU time (user + system of the child; steadier than wall time on a shared
machine). Pass ``--root`` of another checkout to compare before/after.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    cpu0, t0 = _cpu(), time.perf_counter()
    subprocess.run(cmd, env=env, cwd=cwd, check=True, capture_output=True, timeout=600)
    return time.perf_counter() - t0, _cpu() - cpu0


def _mcp_initialize(env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Start ``mirix-py mcp`` and time the ``initialize`` request until its response."""
    request = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "bench", "version": "0"},
        },
    }
    cpu0, t0 = _cpu(), time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "mirix_py._cli", "mcp", "--user", "bench"],
        env=env,
        cwd=cwd,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(json.dumps(request) + "\n")
    proc.stdin.flush()
    line = proc.stdout.readline()
    wall = time.perf_counter() - t0
    proc.stdin.close()
    proc.wait(timeout=120)
    assert '"result"' in line, line
    return wall, _cpu() - cpu0  # CPU includes the background warm-up until exit


def main(argv: list[str] | None = None) -> int:
    """Print median wall and CPU seconds per command."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--root", default=str(Path(__file__).resolve().parents[1]))
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()
    home = tempfile.mkdtemp(prefix="mirix-startup-")
    env = {**os.environ, "MIRIX_PY_HOME": home, "PYTHONPATH": str(root)}
    cli = [sys.executable, "-m", "mirix_py._cli"]
    cases = {
        "--help": [*cli, "--help"],
        "add": [*cli, "add", "--user", "bench", "My sister Maya lives in Oslo"],
        "chat": [*cli, "chat", "--user", "bench", "Where does Maya live?"],
        "list": [*cli, "list", "--user", "bench"],
    }
    print(f"root {root}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    for name, cmd in cases.items():
        runs = [_run(cmd, env, root) for _ in range(args.repeat)]
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        print(f"{name:<16} wall {wall:6.2f} s   cpu {cpu:6.2f} s")
    runs = [_mcp_initialize(env, root) for _ in range(args.repeat)]
    print(
        f"{'mcp initialize':<16} wall {statistics.median(r[0] for r in runs):6.2f} s   "
        f"cpu {statistics.median(r[1] for r in runs):6.2f} s (whole process)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
