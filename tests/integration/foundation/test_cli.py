"""The CLI round-trip on a real database in a temp folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mirix_py._cli import main


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def test_add_search_list_history_forget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MIRIX_PY_HOME", str(tmp_path))
    _run(capsys, "add", "--user", "ann", "My", "sister", "Maya", "lives", "in", "Oslo")
    out = _run(capsys, "search", "--user", "ann", "--json", "where does Maya live")
    hits = json.loads(out)
    assert hits and "Oslo" in json.dumps(hits[0]["record"])
    memory_id = hits[0]["record"]["id"]
    assert "Oslo" in _run(capsys, "list", "--user", "ann")
    assert "insert" in _run(capsys, "history", "--user", "ann", memory_id)
    assert _run(capsys, "search", "--user", "bob", "Maya").strip() == "no results"
    assert "forgot 1" in _run(capsys, "forget", "--user", "ann", memory_id)
    _run(capsys, "add", "--user", "ann", "I", "like", "tea")
    assert "forgot" in _run(capsys, "forget", "--user", "ann", "--all", "--yes")
    assert _run(capsys, "list", "--user", "ann").strip() == "no memories"


def test_errors_are_reported_not_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MIRIX_PY_HOME", str(tmp_path))
    assert main(["list", "--user", "ann", "--config", "no-such-config"]) == 2
    assert "shipped configs" in capsys.readouterr().err


def test_demo_round_trip(capsys: pytest.CaptureFixture[str]) -> None:
    out = _run(capsys, "demo", "--temp")
    assert "Biscuit" in out and "remaining memories: 0" in out
