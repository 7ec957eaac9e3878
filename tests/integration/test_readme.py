"""The README's Python example runs as written (offline, in a temp home)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.read_path.test_usage_docs import python_blocks

README = Path(__file__).resolve().parents[2] / "README.md"


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
