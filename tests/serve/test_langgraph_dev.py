"""``langgraph dev`` as docs/serving.md says: a real LangGraph API server (in-memory
runtime) on loopback serves both graphs: schemas readable, a run on each graph works,
no blocking call on its event loop, and no file left in the repository."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("langgraph_api", reason="langgraph-cli[inmem] (the dev extra) not installed")
httpx = pytest.importorskip("httpx")

REPO = Path(__file__).resolve().parents[2]
CLI = Path(sys.executable).parent / "langgraph"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _repo_files() -> set[str]:
    """Everything in the repository folder that git would list (tracked, new or ignored)."""
    done = subprocess.run(
        ["git", "status", "--porcelain", "--ignored", "--untracked-files=all"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:  # not a git checkout: fall back to the top-level names
        return {p.name for p in REPO.iterdir()}
    return {
        line[3:]
        for line in done.stdout.splitlines()
        if "__pycache__" not in line and ".pytest_cache" not in line
    }


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path, set[str]]]:
    """``langgraph dev --config REPO/langgraph.json`` started in a temp folder; also
    yields the repository's file list from before the start."""
    if not CLI.exists():
        pytest.skip("the langgraph console script is not installed")
    before = _repo_files()
    port = _free_port()
    work = tmp_path / "work"
    work.mkdir()
    log = tmp_path / "server.log"
    env = {
        **os.environ,
        "MIRIX_PY_HOME": str(tmp_path / "home"),
        "PYTHONPATH": str(REPO),
        "LANGGRAPH_CLI_NO_ANALYTICS": "1",
        "LANGSMITH_TRACING": "false",
    }
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen(
            [
                str(CLI),
                "dev",
                "--config",
                str(REPO / "langgraph.json"),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-browser",
                "--no-reload",
            ],
            cwd=work,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"langgraph dev exited:\n{log.read_text(encoding='utf-8')[-3000:]}")
            try:
                if httpx.get(f"{url}/ok", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(1)
        else:
            pytest.fail(f"langgraph dev did not start:\n{log.read_text(encoding='utf-8')[-3000:]}")
        yield url, log, before
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)


@pytest.mark.slow
def test_langgraph_dev_serves_runs_and_schemas(
    server: tuple[str, Path, set[str]], tmp_path: Path
) -> None:
    url, log, before = server
    inputs: dict[str, dict[str, Any]] = {
        "mirix_write": {
            "messages": [{"role": "user", "content": "My sister Maya lives in Oslo."}],
            "user_id": "ann",
        },
        "mirix_chat": {"question": "Where does Maya live?", "user_id": "ann"},
    }
    outputs: dict[str, Any] = {}
    with httpx.Client(base_url=url, timeout=300) as client:
        for graph_id, graph_input in inputs.items():
            found = client.post("/assistants/search", json={"graph_id": graph_id})
            assert found.status_code == 200, found.text
            assistant = found.json()[0]["assistant_id"]
            schemas = client.get(f"/assistants/{assistant}/schemas")
            assert schemas.status_code == 200, schemas.text
            body = schemas.json()
            assert set(graph_input) <= set(body["input_schema"]["properties"])
            assert body["output_schema"]["properties"]
            run = client.post("/runs/wait", json={"assistant_id": assistant, "input": graph_input})
            assert run.status_code == 200, run.text
            outputs[graph_id] = run.json()
    receipt = outputs["mirix_write"]["receipt"]
    assert receipt["user_id"] == "ann" and receipt["actions"]
    answer = outputs["mirix_chat"]["answer"]
    assert "Oslo" in json.dumps(answer)
    text = log.read_text(encoding="utf-8")
    assert "BlockingError" not in text and "Blocking call" not in text
    assert (tmp_path / "work" / ".langgraph_api").is_dir()  # its state went to the work folder
    assert _repo_files() == before
    assert not (REPO / ".langgraph_api").exists()
