"""``serve`` (REST API + memory browser) and ``mcp`` (MCP server) commands.

Both need the ``serve`` extra (``pip install "mirix-py[serve]"``); it is imported
only when one of these commands runs.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any, cast

from mirix_py._cli.common import LazySystem, load, open_system
from mirix_py.errors import ConfigError

if TYPE_CHECKING:
    from mirix_py._system import MemorySystem


def register(sub: Any) -> None:
    """Add the ``serve`` and ``mcp`` commands."""
    p = sub.add_parser(
        "serve",
        help="serve the REST API, its OpenAPI docs and the memory browser (/ui)",
        description="FastAPI on uvicorn over the configured memory. Loopback by default; "
        "with no API key configured (server.api_keys or MIRIX_PY_API_KEYS) it runs in "
        "loopback-only development mode.",
    )
    p.add_argument("--config", default=None, help="config name or YAML path")
    p.add_argument("--host", default=None, help="bind address (default: server.host, 127.0.0.1)")
    p.add_argument("--port", type=int, default=None, help="port (default: server.port, 8765)")
    p.add_argument(
        "--log-level",
        default="warning",
        choices=["critical", "error", "warning", "info", "debug"],
        help="uvicorn's log level",
    )
    p.set_defaults(func=_serve)

    p = sub.add_parser(
        "mcp",
        help="serve memory as MCP tools (remember, search, chat, forget, list)",
        description="The MCP server over stdio (default) or streamable HTTP.",
    )
    p.add_argument("--config", default=None, help="config name or YAML path")
    p.add_argument(
        "--transport",
        default="stdio",
        choices=["stdio", "http"],
        help="stdio (launched by an MCP client) or streamable HTTP",
    )
    p.add_argument(
        "--user",
        action="append",
        dest="users",
        default=None,
        help="stdio: the user(s) this process acts for; the first is the default "
        "(repeatable; required unless --any-user)",
    )
    p.add_argument(
        "--any-user",
        action="store_true",
        help="stdio: act for any user id the model names (trusted set-ups only; logged)",
    )
    p.add_argument("--host", default=None, help="http: bind address (default: server.host)")
    p.add_argument("--port", type=int, default=None, help="http: port (default: server.port)")
    p.add_argument("--path", default="/mcp", help="http: endpoint path (default /mcp)")
    p.set_defaults(func=_mcp)


def _serve(args: argparse.Namespace) -> int:
    _need_serve_extra()
    from mirix_py._server.app import serve

    system = open_system(args)
    if system.config.maintenance.background is not False:
        system.maintenance.start()  # by write volume and purge deadlines
    try:
        serve(
            system,
            host=args.host,
            port=args.port,
            log_level=args.log_level,
            announce=lambda line: print(line, file=sys.stderr, flush=True),
        )
    finally:
        system.close()
    return 0


def _mcp(args: argparse.Namespace) -> int:
    _need_serve_extra()
    config = load(args)  # logs go to stderr: stdout is the MCP channel
    if args.transport == "stdio":
        from mirix_py._server.mcp_server import ANY_USER_WARNING, stdio_scope

        stdio_scope(args.users, any_user=args.any_user)  # refuse before opening anything
        if args.any_user:
            print(f"WARNING: {ANY_USER_WARNING}", file=sys.stderr, flush=True)

    def build() -> MemorySystem:
        from mirix_py._system import MemorySystem

        return MemorySystem(config)

    from mirix_py._server.mcp_server import run_stdio  # the MCP SDK first, then the rest

    # The handshake is answered while LanceDB, the graphs and the embedder load.
    system = LazySystem(config, build)
    system.warm()
    try:
        if args.transport == "stdio":
            run_stdio(cast("MemorySystem", system), users=args.users, any_user=args.any_user)
        else:
            _mcp_http(system, args)
    finally:
        system.close()
    return 0


def _mcp_http(system: Any, args: argparse.Namespace) -> None:
    import uvicorn

    from mirix_py._server.auth import DEV_MODE_BANNER, KeyRing, check_bind_host
    from mirix_py._server.mcp_server import http_app

    cfg = system.config.server
    host = args.host or cfg.host
    port = cfg.port if args.port is None else args.port
    if args.users or args.any_user:
        raise ConfigError(
            "--user/--any-user are for stdio; over HTTP each request's API key decides"
        )
    keys = KeyRing.from_config(cfg)
    check_bind_host(host, keys)
    if keys.dev_mode:
        print(DEV_MODE_BANNER, file=sys.stderr, flush=True)
    print(f"mirix-py MCP (streamable HTTP) on http://{host}:{port}{args.path}", file=sys.stderr)
    uvicorn.run(
        http_app(system, path=args.path, host=host), host=host, port=port, log_level="warning"
    )


def _need_serve_extra() -> None:
    missing = []
    for module in ("fastapi", "fastapi_offline", "uvicorn", "mcp", "jinja2"):
        try:
            __import__(module)
        except ImportError:
            missing.append(module)
    if missing:
        raise ConfigError(f"serving needs {', '.join(missing)}: pip install 'mirix-py[serve]'")
