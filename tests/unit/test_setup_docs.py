"""The README's set-up stays true: users install without the dev extra, and CI runs
exactly the README's two development commands."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
_BASH = re.compile(r"^```bash\n(?P<code>.*?)^```", re.S | re.M)


def _section(title: str) -> str:
    start = README.index(f"## {title}")
    end = README.find("\n## ", start + 1)
    return README[start : end if end > 0 else None]


def test_users_install_without_the_dev_extra() -> None:
    blocks = [m.group("code") for m in _BASH.finditer(_section("Install"))]
    commands = [line.split("#")[0].strip() for b in blocks for line in b.splitlines()]
    assert "pip install -e ." in commands
    assert not any("[dev]" in c for c in commands)
    assert "mirix-py demo" in commands


def test_ci_runs_exactly_the_two_development_commands() -> None:
    blocks = [m.group("code").strip() for m in _BASH.finditer(_section("Development set-up"))]
    assert len(blocks) == 2
    install, test = blocks
    assert '".[dev]"' in install and install.endswith("mirix-py demo")
    assert test.endswith("pytest")
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()]
    commands = [line for line in ci if line and not line.startswith("#")]
    assert commands[-2:] == [install, test]
