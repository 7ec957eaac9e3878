"""The memory browser at ``/ui``: see what is remembered about a user, and make it forget.

Server-rendered HTML (Jinja2 templates, one stylesheet, no JavaScript). Sign in
with an API key and pick a user the key may act for (development mode: just a
user id, loopback only); then the page lists the user's memories grouped by
the six types (a page of each; a type's own view pages through all of it),
each with its date and its source shown as a snippet of the message it came
from; searches them (one ranked list, weak matches cut off, paged); shows a
memory's history; edits one (internal date annotations stay out of the edit
box); forgets one (after a confirmation page) or everything. Knowledge-vault
items show their caption only; the owner reveals a value with an explicit
button.

Sessions live in this process (a random cookie token, HttpOnly, SameSite=Strict,
8 hours; :mod:`mirix_py._server.ui_sessions`); the key itself is never stored, only
the scope it resolved to. Every
form that changes something carries the session's CSRF token, and the app
refuses cross-origin writes and foreign Host names (:mod:`mirix_py._server.guard`).
Pages are sent with ``Cache-Control: no-store``; every ``/ui`` response carries
a strict Content-Security-Policy and the other security headers.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec

import structlog
from fastapi import APIRouter, FastAPI, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape

from mirix_py._memory import KnowledgeVaultMemory, MemoryType
from mirix_py._memory.registry import spec_of
from mirix_py._server.auth import KeyRing, is_loopback
from mirix_py._server.guard import UI_SECURITY_HEADERS
from mirix_py._server.schemas import MemoryOut, history_text, mask_history
from mirix_py._server.ui_listing import (
    PAGE_SIZE,
    group_by_type,
    page_links,
    relevant,
    source_snippets,
)
from mirix_py._server.ui_sessions import COOKIE, SESSION_SECONDS, UiSession, UiSessions
from mirix_py._server.ui_text import keep_date_notes, main_text, strip_date_notes
from mirix_py.errors import (
    AccessDenied,
    InvalidArgument,
    MemoryTypeDisabled,
    MirixError,
    RecordNotFound,
    Unauthenticated,
    classify_error,
    public_message,
)

if TYPE_CHECKING:
    from mirix_py._system import MemorySystem

log = structlog.get_logger(__name__)
P = ParamSpec("P")

MAX_SEARCH = 200  # search hits ranked at most
NOTICES = {
    "forgot": "The memory was forgotten.",
    "forgot_all": "Everything about this user was forgotten.",
    "saved": "The memory was updated; the old value is in its history.",
    "switched": "Switched user.",
}
_HEADERS = {"Cache-Control": "no-store", **UI_SECURITY_HEADERS}


class _NeedLogin(Exception):
    """No valid browser session: go to the sign-in page."""


def _env() -> Environment:
    return Environment(
        loader=PackageLoader("mirix_py._server", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    env: Environment = request.app.state.ui_templates
    keys: KeyRing = request.app.state.keys
    html = env.get_template(name).render(dev_mode=keys.dev_mode, **context)
    return HTMLResponse(html, status_code=status, headers=_HEADERS)


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})


def _system(request: Request) -> MemorySystem:
    system: MemorySystem = request.app.state.system
    return system


def _sessions(request: Request) -> UiSessions:
    sessions: UiSessions = request.app.state.ui_sessions
    return sessions


def _check_client(request: Request) -> None:
    keys: KeyRing = request.app.state.keys
    if keys.dev_mode and not is_loopback(request.client.host if request.client else None):
        raise AccessDenied("development mode (no API key configured) accepts loopback only")


def _session(request: Request, csrf: str | None = None) -> UiSession:
    _check_client(request)
    session = _sessions(request).get(request.cookies.get(COOKIE))
    if session is None:
        raise _NeedLogin
    if csrf is not None and not secrets.compare_digest(csrf, session.csrf):
        raise AccessDenied("the form expired or came from another page; reload and try again")
    return session


def _html_errors(fn: Callable[P, Response]) -> Callable[P, Response]:
    """Render library errors as an HTML page (status 403/404/422/...)."""

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> Response:
        try:
            return fn(*args, **kwargs)
        except MirixError as exc:
            request = kwargs.get("request")
            assert isinstance(request, Request)
            status, code = classify_error(exc)
            message = public_message(exc)
            return _page(request, "error.html", status, code=code, message=message)

    return run


def _memories_view(
    request: Request,
    session: UiSession,
    *,
    query: str,
    memory_type: MemoryType | None,
    offset: int,
    notice: str | None,
    show_all: bool = False,
) -> HTMLResponse:
    system = _system(request)
    context: dict[str, Any] = {"ranked": None, "groups": [], "more": {}, "hidden": 0}
    shown: list[MemoryOut] = []
    if query.strip():
        hits = system.search(
            query,
            user_id=session.user_id,
            limit=MAX_SEARCH,
            memory_types=[memory_type] if memory_type else None,
        )
        keep = sorted(hits, key=lambda h: h.score.score, reverse=True)
        if not show_all:
            keep = relevant(hits)
        page = keep[offset : offset + PAGE_SIZE]
        context["ranked"] = [
            (offset + i + 1, MemoryOut.of(h.record), h.score.score) for i, h in enumerate(page)
        ]
        context["hidden"] = len(hits) - len(keep)
        context["total"] = len(keep)
        context["pages"] = page_links(offset, len(page), offset + PAGE_SIZE < len(keep))
        shown = [m for _, m, _ in context["ranked"]]
    elif memory_type:  # one type: paged in the database
        records = system.get_all(
            user_id=session.user_id, memory_type=memory_type, limit=PAGE_SIZE + 1, offset=offset
        )
        shown = [MemoryOut.of(r) for r in records[:PAGE_SIZE]]
        context["groups"] = [
            g for g in group_by_type(system, shown) if g["type"] == memory_type.value
        ]
        context["pages"] = page_links(offset, len(shown), len(records) > PAGE_SIZE)
        context["total"] = len(shown)
    else:  # every type: its newest page, and a link to the type's own view
        for mtype in system.config.memory.enabled:
            records = system.get_all(
                user_id=session.user_id, memory_type=mtype, limit=PAGE_SIZE + 1
            )
            if len(records) > PAGE_SIZE:
                context["more"][mtype.value] = True
            shown.extend(MemoryOut.of(r) for r in records[:PAGE_SIZE])
        context["groups"] = group_by_type(system, shown)
        context["total"] = len(shown)
    return _page(
        request,
        "memories.html",
        session=session,
        query=query,
        memory_type=memory_type.value if memory_type else "",
        types=[(t.value, spec_of(t).title) for t in system.config.memory.enabled],
        sources=source_snippets(system, session.user_id, shown),
        show_all=show_all,
        offset=offset,
        notice=NOTICES.get(notice or ""),
        **context,
    )


router = APIRouter(prefix="/ui", include_in_schema=False)


@router.get("", response_class=HTMLResponse)
@_html_errors
def home(request: Request) -> Response:
    """The sign-in page, or the memories of the signed-in user."""
    _check_client(request)
    if _sessions(request).get(request.cookies.get(COOKIE)) is not None:
        return _redirect("/ui/memories")
    return _page(request, "login.html", error=None, user_id="")


@router.post("/login", response_class=HTMLResponse)
@_html_errors
def login(
    request: Request,
    user_id: Annotated[str, Form()],
    api_key: Annotated[str, Form()] = "",
) -> Response:
    """Check the key and the user it should act for; start a session."""
    _check_client(request)
    keys: KeyRing = request.app.state.keys
    try:
        scope = keys.resolve(api_key or None)
        scope.authorize(user_id.strip())
    except (Unauthenticated, AccessDenied) as exc:
        status = 401 if isinstance(exc, Unauthenticated) else 403
        return _page(request, "login.html", status, error=str(exc), user_id=user_id)
    session = _sessions(request).create(scope, user_id.strip())
    log.info("ui.signed_in", key_id=scope.key_id, user_id=session.user_id)
    response = _redirect("/ui/memories")
    response.set_cookie(
        COOKIE,
        session.token,
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/ui",
    )
    return response


@router.post("/logout")
@_html_errors
def logout(request: Request, csrf: Annotated[str, Form()]) -> Response:
    """End the session."""
    session = _session(request, csrf)
    _sessions(request).drop(session.token)
    response = _redirect("/ui")
    response.delete_cookie(COOKIE, path="/ui")
    return response


@router.post("/switch")
@_html_errors
def switch_user(
    request: Request, csrf: Annotated[str, Form()], user_id: Annotated[str, Form()]
) -> Response:
    """Act for another user the same key allows."""
    session = _session(request, csrf)
    session.scope.authorize(user_id.strip())
    _sessions(request).switch(session, user_id.strip())
    return _redirect("/ui/memories?notice=switched")


@router.get("/memories", response_class=HTMLResponse)
@_html_errors
def memories(
    request: Request,
    q: Annotated[str, Query(max_length=2000)] = "",
    type: Annotated[str, Query(max_length=64)] = "",
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    notice: str | None = None,
    all: bool = False,
) -> Response:
    """The user's memories grouped by type, one type paged, or ranked search results (``q``;
    ``all`` also shows the matches under the relevance cut-off)."""
    session = _session(request)
    memory_type = _memory_type(_system(request), type)
    return _memories_view(
        request,
        session,
        query=q,
        memory_type=memory_type,
        offset=offset,
        notice=notice,
        show_all=all,
    )


def _memory_type(system: MemorySystem, name: str) -> MemoryType | None:
    """The type chosen in the form ("" means all); unknown or disabled types are refused."""
    if not name:
        return None
    try:
        mtype = MemoryType(name)
    except ValueError:
        raise InvalidArgument(f"unknown memory type {name!r}") from None
    if not system.config.is_enabled(mtype):
        raise MemoryTypeDisabled(f"memory type {name!r} is disabled")
    return mtype


@router.get("/memories/{memory_id}/history", response_class=HTMLResponse)
@_html_errors
def history(request: Request, memory_id: str) -> Response:
    """Every change to one memory: when, what, by whom, before and after."""
    session = _session(request)
    system = _system(request)
    events = mask_history(system.history(memory_id, user_id=session.user_id))
    if not events:
        raise RecordNotFound(f"no memory {memory_id!r} for user {session.user_id!r}")
    try:
        current: MemoryOut | None = MemoryOut.of(system.get(memory_id, user_id=session.user_id))
    except RecordNotFound:
        current = None
    rows = [
        {
            "event": e,
            "before": history_text(e.old_value),
            "after": history_text(e.new_value),
        }
        for e in events
    ]
    return _page(
        request, "history.html", session=session, memory_id=memory_id, memory=current, rows=rows
    )


@router.get("/memories/{memory_id}/edit", response_class=HTMLResponse)
@_html_errors
def edit_form(request: Request, memory_id: str) -> Response:
    """A form to change one memory's main text."""
    session = _session(request)
    record = _system(request).get(memory_id, user_id=session.user_id)
    return _page(
        request,
        "edit.html",
        session=session,
        memory=MemoryOut.of(record),
        text=strip_date_notes(main_text(record)),
        error=None,
    )


@router.post("/memories/{memory_id}/edit", response_class=HTMLResponse)
@_html_errors
def edit(
    request: Request,
    memory_id: str,
    csrf: Annotated[str, Form()],
    text: Annotated[str, Form()] = "",
) -> Response:
    """Save the new text (the old value stays in the history)."""
    session = _session(request, csrf)
    system = _system(request)
    if not text.strip():
        record = system.get(memory_id, user_id=session.user_id)
        return _page(
            request,
            "edit.html",
            422,
            session=session,
            memory=MemoryOut.of(record),
            text=text,
            error="The text cannot be empty; use Forget to remove a memory.",
        )
    record = system.get(memory_id, user_id=session.user_id)
    new_text = keep_date_notes(main_text(record), text.strip())
    system.update(memory_id, new_text, user_id=session.user_id)
    log.info("ui.memory_updated", user_id=session.user_id, memory_id=memory_id)
    return _redirect("/ui/memories?notice=saved")


@router.get("/memories/{memory_id}/forget", response_class=HTMLResponse)
@_html_errors
def forget_confirm(request: Request, memory_id: str) -> Response:
    """Ask before forgetting one memory (the page shows what would be forgotten)."""
    session = _session(request)
    record = _system(request).get(memory_id, user_id=session.user_id)
    return _page(request, "forget.html", session=session, memory=MemoryOut.of(record))


@router.post("/memories/{memory_id}/forget")
@_html_errors
def forget(request: Request, memory_id: str, csrf: Annotated[str, Form()]) -> Response:
    """Forget one memory completely."""
    session = _session(request, csrf)
    system = _system(request)
    system.get(memory_id, user_id=session.user_id)
    system.delete(memory_id, user_id=session.user_id)
    log.info("ui.memory_forgotten", user_id=session.user_id, memory_id=memory_id)
    return _redirect("/ui/memories?notice=forgot")


@router.post("/memories/{memory_id}/reveal", response_class=HTMLResponse)
@_html_errors
def reveal(request: Request, memory_id: str, csrf: Annotated[str, Form()]) -> Response:
    """Show one knowledge-vault value to its owner (an explicit request)."""
    session = _session(request, csrf)
    record = _system(request).get(memory_id, user_id=session.user_id)
    if not isinstance(record, KnowledgeVaultMemory):
        raise RecordNotFound(f"{memory_id!r} is not a knowledge-vault item")
    log.info("ui.vault_revealed", user_id=session.user_id, memory_id=memory_id)
    return _page(
        request,
        "reveal.html",
        session=session,
        memory=MemoryOut.of(record),
        value=record.secret_value.get_secret_value(),
    )


@router.post("/forget-all")
@_html_errors
def forget_all(
    request: Request, csrf: Annotated[str, Form()], confirm: Annotated[str, Form()] = ""
) -> Response:
    """Forget everything about the current user (needs the confirmation box)."""
    session = _session(request, csrf)
    if confirm != "yes":
        raise InvalidArgument("tick the confirmation box to forget everything")
    _system(request).delete_all(user_id=session.user_id)
    log.info("ui.user_forgotten", user_id=session.user_id)
    return _redirect("/ui/memories?notice=forgot_all")


def mount_ui(app: FastAPI) -> None:
    """Add the browser pages, their stylesheet and the sign-in redirect to ``app``."""
    from importlib.resources import files

    app.state.ui_templates = _env()
    app.state.ui_sessions = UiSessions()
    app.include_router(router)
    static = files("mirix_py._server").joinpath("static")
    app.mount("/ui/static", StaticFiles(directory=str(static)), name="ui-static")

    async def need_login(request: Request, exc: Exception) -> Response:
        return _redirect("/ui")

    app.add_exception_handler(_NeedLogin, need_login)
