"""Errors, not tracebacks: every CLI, REST and MCP error names the field, the bad value
and the fix, with consistent exit codes; ``--as-of`` reads ISO and relative dates."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mirix_py._cli import main
from mirix_py._cli.common import parse_as_of
from mirix_py._memory import MemoryType
from mirix_py._system import MemorySystem
from mirix_py.errors import InvalidArgument

ROOT = Path(__file__).resolve().parents[3]


def _fail(capsys: pytest.CaptureFixture[str], code: int, *argv: str) -> str:
    assert main(list(argv)) == code
    err = capsys.readouterr().err
    assert "Traceback" not in err and "pydantic" not in err and "errors.pydantic.dev" not in err
    return err


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MIRIX_PY_HOME", str(tmp_path / "home"))
    return tmp_path


def test_as_of_reads_iso_and_relative_dates() -> None:
    now = datetime(2024, 5, 8, 15, 30, tzinfo=UTC)
    assert parse_as_of("2024-03-01", now=now) == datetime(2024, 3, 1, 23, 59, 59, 999999, UTC)
    assert parse_as_of("2024-03-01T18:00:00Z", now=now) == datetime(2024, 3, 1, 18, tzinfo=UTC)
    assert parse_as_of("yesterday", now=now).date().isoformat() == "2024-05-07"
    assert parse_as_of("last Friday", now=now).date().isoformat() == "2024-05-03"
    assert parse_as_of("two weeks ago", now=now) < now
    assert parse_as_of("now", now=now) == now
    with pytest.raises(InvalidArgument, match=r"--as-of 'whenever'.*ISO date"):
        parse_as_of("whenever", now=now)


def test_cli_errors_name_field_value_and_fix(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["add", "--user", "ann", "My sister Maya lives in Oslo"]) == 0
    capsys.readouterr()
    assert main(["chat", "--user", "ann", "--as-of", "yesterday", "Where does Maya live?"]) == 0
    capsys.readouterr()

    err = _fail(capsys, 2, "chat", "--user", "ann", "--as-of", "someday soonish", "Where?")
    assert "--as-of 'someday soonish'" in err and "yesterday" in err
    err = _fail(capsys, 2, "search", "--user", "ann", "")
    assert "search query is empty" in err and "mirix-py list" in err
    with pytest.raises(SystemExit) as exited:  # argparse: usage error, exit 2
        main(["chat", "--user", "ann", "--budget", "-5", "Where?"])
    assert exited.value.code == 2
    assert "--budget: -5 is not allowed; give a number of at least 1" in capsys.readouterr().err
    err = _fail(capsys, 1, "history", "--user", "ann", "se-doesnotexist")
    assert "no memory 'se-doesnotexist'" in err and "mirix-py list --user ann" in err
    err = _fail(capsys, 1, "forget", "--user", "ann", "se-doesnotexist")
    assert "se-doesnotexist" in err
    err = _fail(capsys, 2, "search", "--user", "ann", "--type", "feelings", "Maya")
    assert "'feelings'" in err and "valid choices" in err


def test_forget_all_asks_unless_yes(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["add", "--user", "ann", "I like green tea"]) == 0
    err = _fail(capsys, 1, "forget", "--user", "ann", "--all")  # stdin is not a terminal
    assert "not confirmed" in err and "--yes" in err
    assert main(["list", "--user", "ann"]) == 0
    assert "green tea" in capsys.readouterr().out
    assert main(["forget", "--user", "ann", "--all", "--yes"]) == 0
    assert "forgot" in capsys.readouterr().out


def test_a_bad_environment_variable_is_blamed_not_the_config_file(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MIRIX_PY_LOG_LEVEL", "loud")
    err = _fail(capsys, 2, "list", "--user", "ann")
    assert "MIRIX_PY_LOG_LEVEL = 'LOUD'" in err and "logging.level" in err
    assert "default.yaml" not in err


def test_the_console_script_shows_no_traceback(home: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mirix_py._cli", "chat", "--user", "ann", "--as-of", "blue", "hi"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("error: --as-of 'blue'") and "Traceback" not in done.stderr


def test_facade_refuses_blank_update_and_bad_budget(system: MemorySystem) -> None:
    system.add("My sister Maya lives in Oslo", user_id="ann")
    block = system.get_all(user_id="ann", memory_type=MemoryType.CORE)[0]
    with pytest.raises(InvalidArgument, match=r"empty.*delete"):
        system.update(block.id, "   ", user_id="ann")
    assert system.get(block.id, user_id="ann").render() == block.render()
    with pytest.raises(InvalidArgument, match="budget_tokens = -5"):
        system.chat("Where does Maya live?", user_id="ann", budget_tokens=-5)
    with pytest.raises(InvalidArgument, match="search needs some words"):
        system.search("  ", user_id="ann")
    with pytest.raises(InvalidArgument, match=r"search.limit = 0") as caught:
        system.search("Maya", user_id="ann", limit=0)
    assert "errors.pydantic.dev" not in str(caught.value)


def test_lazy_system_forwards_everything_once_built(system: MemorySystem) -> None:
    from mirix_py._cli.common import LazySystem

    calls: list[int] = []

    def build() -> MemorySystem:
        calls.append(1)
        return system

    lazy = LazySystem(system.config, build)
    assert calls == [] and lazy.config is system.config
    system.add("My sister Maya lives in Oslo", user_id="ann")
    record = lazy.get_all(user_id="ann")[0]  # MemorySystem methods, incl. get(), pass through
    assert lazy.get(record.id, user_id="ann").id == record.id
    assert calls == [1]
