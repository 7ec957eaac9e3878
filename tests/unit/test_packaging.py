"""What the wheel installs: only the ``mirix_py`` package (no top-level ``evals``)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_wheel_installs_only_mirix_py() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wheel = config["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert wheel["packages"] == ["mirix_py"]
    assert all(target.startswith("mirix_py/") for target in wheel["force-include"].values())
