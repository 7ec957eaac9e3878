"""The MCP server behind ``mirix-py mcp``: memory as tools for any MCP client.

Built on the official ``mcp`` Python SDK (``MCPServer``). Tools:

=============  ===============================================================
``remember``   store a text through the write path; returns the write receipt
``search``     hybrid search; knowledge-vault values stay masked
``chat``       answer a question from memory, with citations
``forget``     forget one memory by id, or everything (``everything=true``)
``list``       the newest memories, optionally of one type, paged
=============  ===============================================================

Every tool takes an optional ``user_id``; who may be named depends on the
transport:

- **stdio** (:func:`run_stdio`): the process acts for the users given with
  ``--user`` (the first is the default). Without ``--user`` it refuses to start,
  unless ``--any-user`` says explicitly that the model may name any user (a
  trusted set-up; logged as a warning at start).
- **streamable HTTP** (:func:`http_app`): each request's API key
  (``Authorization: Bearer`` or ``X-API-Key``) decides, exactly as for the REST
  API; with no key configured, loopback clients only (development mode).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import structlog
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, Field

from mirix_py import __version__
from mirix_py._memory import MemoryType
from mirix_py._receipts import WriteReceipt
from mirix_py._server.auth import KeyRing, Scope, is_loopback, key_from_headers
from mirix_py._server.schemas import MemoryOut, MemoryPage, SearchHit, SearchResponse
from mirix_py._store.base import DeleteReceipt
from mirix_py.errors import AccessDenied, ConfigError, MirixError, public_message

if TYPE_CHECKING:  # the system (LanceDB, graphs) loads after the MCP handshake
    from mirix_py._system import MemorySystem

INSTRUCTIONS = (
    "Long-term memory for the user. Call `search` before answering questions about the "
    "user's past, preferences or facts they told you; call `remember` with anything worth "
    "keeping; `forget` removes a memory by id (ids come from `search` and `list`)."
)

log = structlog.get_logger(__name__)
T = TypeVar("T")
ASGIApp = Callable[
    [MutableMapping[str, Any], Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]],
    Awaitable[None],
]


class ChatCitation(BaseModel):
    """A memory an answer relies on."""

    ref: int
    memory_id: str
    memory_type: MemoryType
    text: str


class ChatResult(BaseModel):
    """The chat agent's answer."""

    text: str
    abstained: bool
    citations: list[ChatCitation] = Field(default_factory=list)


def _registered_type_names(schema: dict[str, Any]) -> None:
    schema["enum"] = [member.value for member in MemoryType]


MemoryTypeName = Annotated[str, Field(json_schema_extra=_registered_type_names)]
"""A memory type's name. The tool schema offers the types registered when the
server is built; an unknown name gets the library's error naming the choices
(not a schema validation error)."""


class _Tools:
    """The tool functions, bound to one system and a way to find the caller's scope."""

    def __init__(
        self, system: MemorySystem, scope_of: Callable[[Context], Scope], default_user: str | None
    ) -> None:
        self.system = system
        self.scope_of = scope_of
        self.default_user = default_user

    def _user(self, ctx: Context, user_id: str | None) -> str:
        scope = self.scope_of(ctx)
        chosen = user_id or self.default_user or scope.default_user()
        if not chosen:
            raise ToolError("pass user_id: this server acts for more than one user")
        try:
            return scope.authorize(chosen)
        except MirixError as exc:
            raise ToolError(str(exc)) from None

    def remember(self, content: str, ctx: Context, user_id: str | None = None) -> WriteReceipt:
        """Store information about the user in long-term memory (routed to the
        enabled memory types it concerns)."""
        uid = self._user(ctx, user_id)
        return _guard(lambda: self.system.add(content, user_id=uid))

    def search(
        self,
        query: str,
        ctx: Context,
        user_id: str | None = None,
        memory_types: list[MemoryTypeName] | None = None,
        limit: int = 5,
    ) -> SearchResponse:
        """Search the user's long-term memory; returns the best matches with their ids.
        ``memory_types`` narrows it to some memory types."""
        uid = self._user(ctx, user_id)
        if not 1 <= limit <= 50:
            raise ToolError(f"limit = {limit!r}: must be between 1 and 50")
        hits = _guard(
            lambda: self.system.search(query, user_id=uid, memory_types=memory_types, limit=limit)
        )
        return SearchResponse(
            results=[SearchHit(memory=MemoryOut.of(h.record), score=h.score) for h in hits]
        )

    def chat(self, message: str, ctx: Context, user_id: str | None = None) -> ChatResult:
        """Answer a question from the user's memories, citing the memories used."""
        uid = self._user(ctx, user_id)
        answer = _guard(lambda: self.system.chat(message, user_id=uid, reveal_route="mcp"))
        return ChatResult(
            text=answer.text,
            abstained=answer.abstained,
            citations=[
                ChatCitation(
                    ref=c.ref, memory_id=c.memory_id, memory_type=c.memory_type, text=c.text
                )
                for c in answer.citations
            ],
        )

    def forget(
        self,
        ctx: Context,
        memory_id: str | None = None,
        user_id: str | None = None,
        everything: bool = False,
    ) -> DeleteReceipt:
        """Forget one memory by id, or every memory of the user with everything=true."""
        uid = self._user(ctx, user_id)
        if everything == (memory_id is not None):
            raise ToolError("give either memory_id or everything=true")
        if everything:
            return _guard(lambda: self.system.delete_all(user_id=uid))
        mid = str(memory_id)

        def one() -> DeleteReceipt:
            self.system.get(mid, user_id=uid)  # unknown ids fail instead of a silent no-op
            return self.system.delete(mid, user_id=uid)

        return _guard(one)

    def list_memories(
        self,
        ctx: Context,
        user_id: str | None = None,
        memory_type: MemoryTypeName | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> MemoryPage:
        """List the user's memories, newest first, optionally of one memory type."""
        uid = self._user(ctx, user_id)
        if not 1 <= limit <= 200 or offset < 0:
            raise ToolError(
                f"limit = {limit!r}, offset = {offset!r}: limit must be between 1 and 200 "
                "and offset at least 0"
            )
        records = _guard(
            lambda: self.system.get_all(
                user_id=uid, memory_type=memory_type, limit=limit + 1, offset=offset
            )
        )
        return MemoryPage(
            items=[MemoryOut.of(r) for r in records[:limit]],
            limit=limit,
            offset=offset,
            next_offset=offset + limit if len(records) > limit else None,
        )


def _guard(fn: Callable[[], T]) -> T:
    """Library errors become tool errors whose message the client sees."""
    try:
        return fn()
    except MirixError as exc:
        raise ToolError(public_message(exc)) from None


def build_mcp_server(
    system: MemorySystem,
    *,
    scope: Scope | None = None,
    keys: KeyRing | None = None,
    default_user: str | None = None,
) -> MCPServer[Any]:
    """An MCP server over ``system``.

    With ``scope`` every call acts within it (stdio). Otherwise each request's API
    key is resolved with ``keys`` (default: the system's configured keys).
    """
    ring = keys or KeyRing.from_config(system.config.server)

    def scope_of(ctx: Context) -> Scope:
        if scope is not None:
            return scope
        try:
            return ring.resolve(key_from_headers(ctx.headers or {}))
        except AccessDenied as exc:
            raise ToolError(str(exc)) from None

    tools = _Tools(system, scope_of, default_user)
    server: MCPServer[Any] = MCPServer(
        "mirix-py", instructions=INSTRUCTIONS, version=__version__, log_level="WARNING"
    )
    server.add_tool(tools.remember, name="remember")
    server.add_tool(tools.search, name="search")
    server.add_tool(tools.chat, name="chat")
    server.add_tool(tools.forget, name="forget")
    server.add_tool(tools.list_memories, name="list")
    return server


ANY_USER_WARNING = (
    "mirix-py mcp --any-user: this stdio server acts for ANY user id a model names, "
    "including forget(everything=true); use it only when the client is fully trusted"
)


def stdio_scope(users: list[str] | None, *, any_user: bool = False) -> Scope:
    """The scope of a stdio server: the ``--user`` ids, or every user with ``any_user``.

    One of the two is required (a :class:`ConfigError` otherwise); ``any_user`` is
    logged as a warning, since the model then chooses whose memory it touches.
    """
    if users and any_user:
        raise ConfigError("give either --user (repeatable) or --any-user, not both")
    if users:
        return Scope.for_users(users, key_id="stdio")
    if not any_user:
        raise ConfigError(
            "mirix-py mcp over stdio needs the user(s) it acts for: pass --user USER "
            "(repeatable), or --any-user for a trusted set-up where the model may name any user"
        )
    log.warning("mcp.any_user", message=ANY_USER_WARNING)
    return Scope(key_id="stdio-any", any_user=True)


def run_stdio(
    system: MemorySystem, *, users: list[str] | None = None, any_user: bool = False
) -> None:
    """Serve MCP over stdin/stdout until the client closes the pipe (see :func:`stdio_scope`)."""
    scope = stdio_scope(users, any_user=any_user)
    server = build_mcp_server(system, scope=scope, default_user=users[0] if users else None)
    server.run("stdio")


def http_app(system: MemorySystem, *, path: str = "/mcp", host: str | None = None) -> ASGIApp:
    """The streamable-HTTP MCP app, behind an API-key (or loopback) gate.

    Requests without a valid key (or, in development mode, from a non-loopback
    client) get a JSON 401/403 before reaching MCP. ``host`` is the bind address
    (on loopback the SDK's DNS-rebinding protection is on).
    """
    from starlette.responses import JSONResponse

    keys = KeyRing.from_config(system.config.server)
    inner = build_mcp_server(system, keys=keys).streamable_http_app(
        streamable_http_path=path, host=host or system.config.server.host
    )

    async def gate(
        scope: MutableMapping[str, Any],
        receive: Callable[[], Awaitable[Any]],
        send: Callable[[Any], Awaitable[None]],
    ) -> None:
        if scope["type"] == "http":
            headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
            client = scope.get("client")
            status, code, message = 0, "", ""
            if keys.dev_mode and not is_loopback(client[0] if client else None):
                status, code, message = 403, "forbidden", "development mode accepts loopback only"
            elif not keys.dev_mode:
                try:
                    keys.resolve(key_from_headers(headers))
                except AccessDenied as exc:
                    status, code, message = 401, "unauthorized", str(exc)
            if status:
                body = {"error": {"code": code, "message": message}}
                await JSONResponse(body, status_code=status)(scope, receive, send)
                return
        await inner(scope, receive, send)

    return gate
