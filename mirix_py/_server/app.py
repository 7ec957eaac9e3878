"""The FastAPI application behind ``mirix-py serve``: REST API, memory browser, errors.

:func:`create_app` wraps one :class:`~mirix_py.MemorySystem`; :func:`serve` runs
it on uvicorn. Errors are always JSON ``{"error": {"code", "message"}}`` with a
stable code:

==========  ======================  ===========================================
status      code                    when
==========  ======================  ===========================================
401         unauthorized            no API key, or an unknown one
403         forbidden               the key may not act for that user; a
                                    non-loopback client in development mode;
                                    a cross-origin write (see ``guard``)
404         not_found               no such memory for that user; unknown path
405         method_not_allowed      wrong HTTP method
413         too_large               a body declared over 32 MiB
421         host_not_allowed        the Host header is not allowed (DNS
                                    rebinding; ``server.allowed_hosts``)
422         validation_error        a body, query or id failed validation
422         memory_type_disabled    the memory type is not enabled
503         storage_error           the database failed
500         vault_error, ...        anything else (no internals in the message)
==========  ======================  ===========================================

Request logs carry method, path, status, time and the key's ``key_id`` (a hash
prefix), never the key, the query string or bodies.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException as StarletteHTTPException

from mirix_py import __version__
from mirix_py._config import ServerConfig
from mirix_py._log_scrub import scrub_detail
from mirix_py._server.api import router as api_router
from mirix_py._server.auth import DEV_MODE_BANNER, KeyRing, check_bind_host
from mirix_py._server.guard import UI_SECURITY_HEADERS, effective_allowed_hosts, screen
from mirix_py._server.ui import mount_ui
from mirix_py._system import MemorySystem
from mirix_py.errors import (
    MirixError,
    classify_error,
    public_message,
)

log = structlog.get_logger(__name__)

MAX_BODY_BYTES = 32 * 1024 * 1024
_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
}


def error_response(
    status: int, code: str, message: str, *, details: list[dict[str, Any]] | None = None
) -> JSONResponse:
    """The JSON error body every failure returns."""
    body: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"error": body}, status_code=status, headers=headers)


async def _on_mirix_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, MirixError)
    status, code = classify_error(exc)
    if status >= 500:
        log.error("http.error", path=request.url.path, code=code, error_type=type(exc).__name__)
        log.debug("http.error_detail", path=request.url.path, detail=scrub_detail(str(exc)))
        return error_response(status, code, public_message(exc))
    return error_response(status, code, str(exc))


async def _on_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    # Only location, message and type: never echo the input (it may hold secrets).
    details = [
        {
            "loc": [str(p) for p in err.get("loc", ())],
            "msg": err.get("msg", ""),
            "type": err.get("type", ""),
        }
        for err in exc.errors()
    ]
    first = details[0] if details else {"loc": [], "msg": "invalid request"}
    where = ".".join(first["loc"])
    raw = exc.errors()[0] if exc.errors() else {}
    shown = ""
    if first["loc"][:1] in (["query"], ["path"]) and "input" in raw:  # never body values
        shown = f" = {raw['input']!r:.80}"
    return error_response(
        422, "validation_error", f"{where}{shown}: {first['msg']}", details=details
    )


async def _on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    return error_response(exc.status_code, code, str(exc.detail))


async def _on_unexpected(request: Request, exc: Exception) -> Response:
    log.error("http.unexpected_error", path=request.url.path, error_type=type(exc).__name__)
    return error_response(500, "internal_error", "internal error")


def create_app(
    system: MemorySystem, *, server: ServerConfig | None = None, ui: bool = True
) -> FastAPI:
    """A FastAPI app serving ``system``: the REST API, ``/openapi.json``, ``/docs``
    and ``/redoc`` (assets served locally, no CDN) and (with ``ui``) the memory
    browser at ``/ui``.

    ``server`` defaults to ``system.config.server`` (its API keys decide the mode).
    The caller keeps ownership of ``system`` (close it after the app stops).
    """
    server = server or system.config.server
    # /docs (Swagger UI) and /redoc from assets bundled in fastapi-offline: no CDN, so
    # the API docs work without internet.
    app = FastAPIOffline(
        title="mirix-py",
        version=__version__,
        description="Long-term memory for LLM agents: add, search, chat, inspect and forget, "
        "per user. Send your API key as `Authorization: Bearer <key>` or `X-API-Key`.",
    )
    app.state.system = system
    app.state.keys = KeyRing.from_config(server)
    allowed_hosts = effective_allowed_hosts(server.allowed_hosts, dev_mode=app.state.keys.dev_mode)
    app.include_router(api_router)
    if ui:
        mount_ui(app)
    app.add_exception_handler(MirixError, _on_mirix_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(Exception, _on_unexpected)

    @app.middleware("http")
    async def _log_requests(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        declared = request.headers.get("content-length", "")
        refused = screen(request, allowed_hosts)
        if refused is not None:
            response: Response = error_response(*refused)
        elif declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            response = error_response(
                413, "too_large", f"the request body is over {MAX_BODY_BYTES} bytes"
            )
        else:
            response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if request.url.path == "/ui" or request.url.path.startswith("/ui/"):
            for name, value in UI_SECURITY_HEADERS.items():
                response.headers.setdefault(name, value)
        if request.url.path.startswith("/v1/"):
            response.headers.setdefault("Cache-Control", "no-store")  # private memories
        log.info(
            "http.request",
            method=request.method,
            path=request.url.path,
            status=response.status_code,
            ms=round((time.perf_counter() - started) * 1000, 2),
            key_id=getattr(request.state, "key_id", None),
        )
        return response

    return app


def serve(
    system: MemorySystem,
    *,
    host: str | None = None,
    port: int | None = None,
    log_level: str = "warning",
    announce: Callable[[str], None] | None = None,
) -> None:
    """Run the app on uvicorn until interrupted (``mirix-py serve``).

    Refuses a non-loopback ``host`` in development mode; ``announce`` receives the
    start-up lines (the development-mode banner included).
    """
    import uvicorn

    cfg = system.config.server
    host = host or cfg.host
    port = cfg.port if port is None else port
    keys = KeyRing.from_config(cfg)
    check_bind_host(host, keys)
    say = announce or (lambda line: None)
    if keys.dev_mode:
        say(DEV_MODE_BANNER)
        log.warning("server.development_mode", host=host, port=port)
    shown = f"[{host}]" if ":" in host else host
    say(f"mirix-py serving on http://{shown}:{port}  (API /v1, docs /docs, browser /ui)")
    uvicorn.run(create_app(system, server=cfg), host=host, port=port, log_level=log_level)
