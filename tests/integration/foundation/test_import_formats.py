"""``mirix-py import``: every documented format imports, re-runs add nothing, a bad line
is reported by its line number before anything is written, ``--new-ids`` is stable."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mirix_py._cli import main

FORMATS = Path(__file__).resolve().parents[3] / "docs" / "formats.md"
_BLOCK = re.compile(r"^```(?P<info>text|json)\n(?P<code>.*?)^```", re.S | re.M)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = main(list(argv))
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out


def _import(capsys: pytest.CaptureFixture[str], user: str, path: Path, *extra: str) -> dict:  # type: ignore[type-arg]
    return json.loads(_run(capsys, "import", "--user", user, "--json", str(path), *extra))


def _total(capsys: pytest.CaptureFixture[str], user: str) -> int:
    return int(json.loads(_run(capsys, "stats", "--user", user, "--json"))["total"])


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIRIX_PY_HOME", str(tmp_path / "home"))


def test_every_documented_format_imports_and_a_rerun_adds_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocks = [(m.group("info"), m.group("code")) for m in _BLOCK.finditer(FORMATS.read_text())]
    assert [info for info, _ in blocks].count("json") >= 3 and ("text", blocks[0][1]) in blocks
    for number, (info, code) in enumerate(blocks):
        user = f"user{number}"
        path = tmp_path / f"example{number}.{'txt' if info == 'text' else 'jsonl'}"
        path.write_text(code, encoding="utf-8")
        first = _import(capsys, user, path)
        stored = _total(capsys, user)
        assert stored > 0, f"docs/formats.md example {number} stored nothing"
        assert first["memories_from_messages"] + first["memories_imported"] > 0
        again = _import(capsys, user, path)
        assert _total(capsys, user) == stored, f"re-importing example {number} added memories"
        assert again["memories_from_messages"] == 0
        if first["messages"]:
            assert again["messages_skipped"] > 0


def test_lines_without_ids_get_stable_ids(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "talk.jsonl"
    lines = [
        {"role": "user", "name": "Ann", "content": "I play the cello in an orchestra."},
        {"role": "user", "name": "Ann", "content": "My brother Tom lives in Bergen."},
        {"role": "user", "name": "Ann", "content": "My brother Tom lives in Bergen."},
    ]
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    _import(capsys, "ann", path)
    exported = _run(capsys, "export", "--user", "ann")
    sources = {s for row in exported.splitlines() for s in json.loads(row)["record"]["source_ids"]}
    assert sources and all(s.startswith("imp-") for s in sources)
    stored = _total(capsys, "ann")
    second = _import(capsys, "ann", path)
    assert _total(capsys, "ann") == stored and second["memories_from_messages"] == 0
    assert _run(capsys, "export", "--user", "ann") == exported


def test_a_bad_line_names_its_line_number_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(
        json.dumps({"role": "user", "content": "I like tea."})
        + "\n\n"
        + json.dumps({"role": "user", "content": "I like coffee."})
        + "\n"
        + json.dumps({"role": "robot", "content": "beep"})
        + "\n",
        encoding="utf-8",
    )
    assert main(["import", "--user", "ann", str(path)]) == 2
    err = capsys.readouterr().err
    assert "line 4" in err and "role" in err and "'robot'" in err
    assert "Traceback" not in err
    assert _total(capsys, "ann") == 0


def test_new_ids_twice_does_not_duplicate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _run(capsys, "add", "--user", "ann", "My sister Maya lives in Oslo")
    export = tmp_path / "ann.jsonl"
    _run(capsys, "export", "--user", "ann", str(export))
    rows = len(export.read_text(encoding="utf-8").splitlines())
    _import(capsys, "bo", export, "--new-ids")
    _import(capsys, "bo", export, "--new-ids")
    assert _total(capsys, "bo") == rows
    ids = {json.loads(r)["record"]["id"] for r in export.read_text(encoding="utf-8").splitlines()}
    bo = {
        json.loads(r)["record"]["id"] for r in _run(capsys, "export", "--user", "bo").splitlines()
    }
    assert not ids & bo  # new ids, none shared with ann's
