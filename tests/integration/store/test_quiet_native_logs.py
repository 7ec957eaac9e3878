"""Importing mirix-py silences Lance's Rust loggers unless the host set them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

_SCRIPT = """
import os, sys
import mirix_py  # before lancedb, as a host would
import lancedb, pyarrow as pa
db = lancedb.connect(sys.argv[1])
db.create_table("t", pa.table({"a": [1]}))  # Lance warns "No existing dataset" by default
print(os.environ["LANCE_LOG"], os.environ["LANCEDB_LOG"])
"""


def _run(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("LANCE_LOG", "LANCEDB_LOG")}
    return subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(tmp_path / "db")],
        capture_output=True,
        text=True,
        check=True,
        env={**clean, **env},
        cwd=Path(__file__).resolve().parents[3],
    )


def test_the_native_loggers_print_nothing_by_default(tmp_path: Path) -> None:
    done = _run(tmp_path)
    assert done.stderr == ""
    assert done.stdout.split() == ["error,off", "off"]


def test_a_hosts_setting_is_kept(tmp_path: Path) -> None:
    done = _run(tmp_path, LANCEDB_LOG="warn")
    assert done.stdout.split() == ["error,off", "warn"]
