"""The examples in docs/usage.md run, in order, in one namespace (offline, in a temp home)."""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[3] / "docs" / "usage.md"
_BLOCK = re.compile(r"^```(?P<info>[^\n]*)\n(?P<code>.*?)^```", re.S | re.M)


def python_blocks(text: str) -> list[str]:
    """The code of the fenced blocks whose info string is exactly ``python``."""
    return [m.group("code") for m in _BLOCK.finditer(text) if m.group("info").strip() == "python"]


def test_usage_examples_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MIRIX_PY_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    blocks = python_blocks(DOC.read_text(encoding="utf-8"))
    assert len(blocks) >= 6
    module = types.ModuleType("usage_md")
    monkeypatch.setitem(sys.modules, "usage_md", module)  # typing.get_type_hints finds it
    namespace = module.__dict__
    for number, code in enumerate(blocks, 1):
        try:
            exec(compile(code, f"{DOC.name}#block{number}", "exec", dont_inherit=True), namespace)
        except Exception as exc:  # pragma: no cover - the message names the block
            raise AssertionError(f"docs/usage.md python block {number} failed: {exc!r}") from exc
    out = capsys.readouterr().out
    assert "19 May 2024" in out and "From memory:" in out
    memory = namespace["memory"]
    memory.close()  # type: ignore[attr-defined]
