"""Start-up stays fast: the package, the CLI parser and the MCP server module import no
heavy dependency, and the deferred generated packages still work when used."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("lancedb", "langgraph", "onnxruntime", "langchain_core", "pyarrow", "nltk", "mcp")


def _modules_after(code: str) -> set[str]:
    """The top-level packages imported by ``code`` in a fresh interpreter."""
    probe = f"{code}\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=True,
    )
    return {name.split(".")[0] for name in json.loads(done.stdout.splitlines()[-1])}


def test_import_mirix_py_loads_no_heavy_module() -> None:
    loaded = _modules_after("import mirix_py")
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def test_the_cli_parser_and_help_load_no_heavy_module() -> None:
    code = (
        "from mirix_py._cli import build_parser\n"
        "import contextlib, io\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    build_parser().parse_args(['--help'])"
    )
    loaded = _modules_after(code)
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def test_the_mcp_server_module_loads_no_store_or_graph() -> None:
    loaded = _modules_after("import mirix_py._server.mcp_server")
    assert "mcp" in loaded
    assert not loaded & {"lancedb", "langgraph", "onnxruntime", "nltk"}


def test_deferred_packages_load_what_lancedb_needs_and_the_rest_on_use() -> None:
    code = (
        "import sys\n"
        "import mirix_py._store.lancedb_store\n"
        "import langgraph.graph\n"
        "before = [m for m in sys.modules if m.startswith(("
        "'lance_namespace_urllib3_client.api.', 'langsmith.types.agent'))]\n"
        "from lance_namespace_urllib3_client import ApiClient, TableApi\n"
        "from langsmith.types import RunSelectField\n"
        "import langsmith.types\n"
        "assert hasattr(langsmith.types, 'RunSelectField')\n"
        "print('BEFORE', before, ApiClient.__name__, TableApi.__name__)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert "BEFORE [] ApiClient TableApi" in done.stdout


def test_public_names_resolve_lazily() -> None:
    import mirix_py

    assert mirix_py.MemorySystem.__name__ == "MemorySystem"
    assert "MemorySystem" in dir(mirix_py)
    try:
        mirix_py.NoSuchName  # type: ignore[attr-defined]  # noqa: B018
    except AttributeError as exc:
        assert "NoSuchName" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("unknown names must raise AttributeError")
