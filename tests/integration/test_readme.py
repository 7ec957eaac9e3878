"""The README's Python example runs as written (offline, in a temp home), and prints
nothing but its own output: a library is quiet unless its host configures logging."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.read_path.test_usage_docs import python_blocks

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"


def test_readme_python_examples_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MIRIX_PY_HOME", str(tmp_path))
    blocks = python_blocks(README.read_text(encoding="utf-8"))
    assert blocks, "README has no python example"
    for number, code in enumerate(blocks, 1):
        exec(compile(code, f"README.md#block{number}", "exec"), {"__name__": "readme"})
    out = capsys.readouterr().out
    assert "1 March 2024" in out  # "yesterday" resolved against the message date
    assert "nurse in Lisbon" in out


@pytest.mark.slow
def test_readme_example_prints_only_its_own_output(tmp_path: Path) -> None:
    """In a fresh interpreter (no test-runner logging set-up), the example's stdout is
    exactly the lines its ``print`` calls write, and stderr is empty."""
    code = python_blocks(README.read_text(encoding="utf-8"))[0]
    script = tmp_path / "readme_example.py"
    script.write_text(code, encoding="utf-8")
    env = {
        **os.environ,
        "MIRIX_PY_HOME": str(tmp_path / "home"),
        "PYTHONPATH": str(ROOT),
        "PYTHONWARNINGS": "default",  # warnings would be output too
    }
    env.pop("MIRIX_PY_LOG_LEVEL", None)
    done = subprocess.run(
        [sys.executable, str(script)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    lines = done.stdout.splitlines()
    assert lines[0].startswith("{'") and "episodic" in lines[0]  # receipt.counts()
    assert lines[1].startswith("1 March 2024")  # the answer and its citations
    hits = lines[2:-1]  # up to three search hits: "0.079 semantic ..."
    assert 1 <= len(hits) <= 3
    assert all(float(h.split()[0]) >= 0 for h in hits)
    assert lines[-1].isdigit()  # delete_all(...).total
