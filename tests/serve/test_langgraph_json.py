"""``langgraph.json`` is valid for ``langgraph dev`` and its graph entry points import and build."""

from __future__ import annotations

import asyncio
import importlib
import inspect
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mirix_py._memory import MemoryType

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / "langgraph.json"


def _entry_points() -> dict[str, tuple[str, str]]:
    """Graph id -> (module, factory); module paths, so any working folder serves them."""
    graphs = json.loads(CONFIG.read_text(encoding="utf-8"))["graphs"]
    out = {}
    for graph_id, spec in graphs.items():
        module, _, attr = spec.partition(":")
        assert "/" not in module, f"{graph_id}: use a module path, not a file path"
        out[graph_id] = (module, attr)
    return out


def test_config_validates_with_langgraph_cli() -> None:
    config_mod = pytest.importorskip("langgraph_cli.config", reason="langgraph-cli not installed")
    validated = config_mod.validate_config_file(CONFIG)
    assert set(validated["graphs"]) == {"mirix_write", "mirix_chat"}
    assert validated["dependencies"] == ["."]


def test_importing_the_entry_module_builds_nothing(tmp_path: Path) -> None:
    # In a fresh interpreter: importing must not build a system or touch the database.
    code = (
        "import mirix_py._server.langgraph_entry as m, mirix_py._server.langgraph_entry;"
        "assert m.default_system.cache_info().currsize == 0"
    )
    env = {**os.environ, "MIRIX_PY_HOME": str(tmp_path / "home")}
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO, env=env, timeout=120)
    assert not (tmp_path / "home").exists()


def test_entry_points_build_the_write_and_chat_graphs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MIRIX_PY_HOME", str(tmp_path))
    monkeypatch.setenv("MIRIX_PY_LOG_LEVEL", "ERROR")
    entry = importlib.import_module("mirix_py._server.langgraph_entry")
    entry.default_system.cache_clear()
    try:
        graphs = {}
        for graph_id, (module, attr) in _entry_points().items():
            factory = getattr(importlib.import_module(module), attr)
            assert inspect.iscoroutinefunction(factory)  # builds off the server's event loop
            graphs[graph_id] = asyncio.run(factory())
            again = asyncio.run(factory({"configurable": {}}))
            assert graphs[graph_id] is again  # built once per process
            assert graphs[graph_id].get_input_jsonschema()["properties"]  # Python 3.11 too
            assert graphs[graph_id].get_output_jsonschema()["properties"]
        write, chat = graphs["mirix_write"], graphs["mirix_chat"]
        assert {f"{t.value}_manager" for t in MemoryType} <= set(write.get_graph().nodes)
        out = write.invoke(
            {
                "messages": [{"role": "user", "content": "My sister Maya lives in Oslo."}],
                "user_id": "ann",
                "run_id": "r1",
            }
        )
        assert out["receipt"]["user_id"] == "ann" and out["receipt"]["actions"]
        answer = chat.invoke({"question": "Where does Maya live?", "user_id": "ann"})
        assert "answer" in answer
        assert entry.default_system().config.storage.uri.startswith(str(tmp_path))
    finally:
        if entry.default_system.cache_info().currsize:
            entry.default_system().close()
        entry.default_system.cache_clear()
