"""The REST endpoints (``/v1/...`` and ``/health``) over one :class:`MemorySystem`.

Every endpoint that touches memories takes a ``user_id`` and checks it against
the caller's :class:`~mirix_py._server.auth.Scope` first (403 otherwise). A
memory id that does not belong to that user is a 404, exactly like an id that
does not exist, so ids never leak across users.

=======  ==============================  =========================================
method   path                            what
=======  ==============================  =========================================
GET      /health                         liveness, auth mode (no key needed)
POST     /v1/memories                    add (the write path)
GET      /v1/memories                    list, paged, optionally by type
DELETE   /v1/memories?user_id=           forget everything about one user
GET      /v1/memories/{id}               one memory (``reveal=true`` for vault values)
PATCH    /v1/memories/{id}               update in place (old value kept in history)
DELETE   /v1/memories/{id}               forget one memory
GET      /v1/memories/{id}/history       every change to one memory
POST     /v1/search                      hybrid search
POST     /v1/chat                        answer from memory (the chat agent)
GET      /v1/export                      every memory of one user, as import rows
GET      /v1/stats                       counts per memory type
=======  ==============================  =========================================
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from mirix_py import __version__
from mirix_py._chat.models import Answer
from mirix_py._memory import MemoryType
from mirix_py._receipts import WriteReceipt
from mirix_py._server.auth import KeyRing, Scope, is_loopback
from mirix_py._server.schemas import (
    AddRequest,
    ChatRequest,
    ErrorResponse,
    ExportResponse,
    HealthResponse,
    HistoryResponse,
    MemoryOut,
    MemoryPage,
    SearchHit,
    SearchRequest,
    SearchResponse,
    StatsResponse,
    UpdateRequest,
    mask_history,
)
from mirix_py._store.base import DeleteReceipt
from mirix_py._system import MemorySystem
from mirix_py.errors import AccessDenied

_bearer = HTTPBearer(auto_error=False, description="Authorization: Bearer <API key>")
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="the API key")

ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": ErrorResponse, "description": "missing or unknown API key"},
    403: {"model": ErrorResponse, "description": "the key may not act for this user"},
    422: {"model": ErrorResponse, "description": "invalid request"},
}
NOT_FOUND: dict[int | str, dict[str, object]] = {
    404: {"model": ErrorResponse, "description": "no such memory for this user"}
}


def get_system(request: Request) -> MemorySystem:
    """The app's memory system."""
    system: MemorySystem = request.app.state.system
    return system


def caller_scope(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    api_key: Annotated[str | None, Depends(_api_key)],
) -> Scope:
    """The caller's scope from its API key (development mode: loopback clients only)."""
    keys: KeyRing = request.app.state.keys
    if keys.dev_mode:
        client = request.client.host if request.client else None
        if not is_loopback(client):
            raise AccessDenied("development mode (no API key configured) accepts loopback only")
        return Scope.dev()
    scope = keys.resolve(bearer.credentials if bearer else api_key)
    request.state.key_id = scope.key_id
    return scope


System = Annotated[MemorySystem, Depends(get_system)]
Caller = Annotated[Scope, Depends(caller_scope)]
UserId = Annotated[str, Query(description="the user whose memories to use")]

router = APIRouter()


@router.get("/health", response_model=HealthResponse, tags=["meta"])
def health(request: Request, system: System) -> HealthResponse:
    """Liveness; says whether API keys are enforced."""
    keys: KeyRing = request.app.state.keys
    return HealthResponse(
        version=__version__,
        auth="development" if keys.dev_mode else "api_key",
        memory_types=list(system.config.memory.enabled),
    )


@router.post("/v1/memories", response_model=WriteReceipt, responses=ERRORS, tags=["memories"])
def add(body: AddRequest, system: System, caller: Caller) -> WriteReceipt:
    """Remember messages for a user through the write path; returns the write receipt."""
    user_id = caller.authorize(body.user_id)
    return system.add(body.messages, user_id=user_id, occurred_at=body.occurred_at)


@router.get("/v1/memories", response_model=MemoryPage, responses=ERRORS, tags=["memories"])
def list_memories(
    system: System,
    caller: Caller,
    user_id: UserId,
    memory_type: MemoryType | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
    include_superseded: bool = False,
) -> MemoryPage:
    """A user's memories, newest first, paged, optionally of one type."""
    caller.authorize(user_id)
    records = system.get_all(
        user_id=user_id,
        memory_type=memory_type,
        limit=limit + 1,
        offset=offset,
        include_superseded=include_superseded,
    )
    more = len(records) > limit
    return MemoryPage(
        items=[MemoryOut.of(r) for r in records[:limit]],
        limit=limit,
        offset=offset,
        next_offset=offset + limit if more else None,
    )


Purge = Annotated[
    bool,
    Query(
        description="remove the bytes from disk now; by default the maintenance step "
        "purges them by the receipt's purge_due_by"
    ),
]


@router.delete("/v1/memories", response_model=DeleteReceipt, responses=ERRORS, tags=["memories"])
def forget_user(
    system: System, caller: Caller, user_id: UserId, purge: Purge = False
) -> DeleteReceipt:
    """Forget everything about one user (memories, history and old versions)."""
    caller.authorize(user_id)
    return system.delete_all(user_id=user_id, purge=purge)


@router.get(
    "/v1/memories/{memory_id}",
    response_model=MemoryOut,
    responses={**ERRORS, **NOT_FOUND},
    tags=["memories"],
)
def get_memory(
    memory_id: str,
    system: System,
    caller: Caller,
    user_id: UserId,
    reveal: Annotated[
        bool, Query(description="show a knowledge-vault value (the owner's explicit request)")
    ] = False,
) -> MemoryOut:
    """One memory by id (404 when it is not this user's)."""
    caller.authorize(user_id)
    return MemoryOut.of(system.get(memory_id, user_id=user_id), reveal=reveal)


@router.patch(
    "/v1/memories/{memory_id}",
    response_model=MemoryOut,
    responses={**ERRORS, **NOT_FOUND},
    tags=["memories"],
)
def update_memory(memory_id: str, body: UpdateRequest, system: System, caller: Caller) -> MemoryOut:
    """Change one memory in place; the old value stays in its history."""
    user_id = caller.authorize(body.user_id)
    return MemoryOut.of(system.update(memory_id, body.data(), user_id=user_id))


@router.delete(
    "/v1/memories/{memory_id}",
    response_model=DeleteReceipt,
    responses={**ERRORS, **NOT_FOUND},
    tags=["memories"],
)
def delete_memory(
    memory_id: str, system: System, caller: Caller, user_id: UserId, purge: Purge = False
) -> DeleteReceipt:
    """Forget one memory completely (also from history and old versions)."""
    caller.authorize(user_id)
    system.get(memory_id, user_id=user_id)  # 404 for ids that are not this user's
    return system.delete(memory_id, user_id=user_id, purge=purge)


@router.get(
    "/v1/memories/{memory_id}/history",
    response_model=HistoryResponse,
    responses={**ERRORS, **NOT_FOUND},
    tags=["memories"],
)
def memory_history(
    memory_id: str, system: System, caller: Caller, user_id: UserId
) -> HistoryResponse:
    """Every change to one memory, oldest first (404 when it has none for this user)."""
    caller.authorize(user_id)
    events = system.history(memory_id, user_id=user_id)
    if not events:
        from mirix_py.errors import RecordNotFound

        raise RecordNotFound(f"no memory {memory_id!r} for user {user_id!r}")
    return HistoryResponse(memory_id=memory_id, events=mask_history(events))


@router.post("/v1/search", response_model=SearchResponse, responses=ERRORS, tags=["read"])
def search(body: SearchRequest, system: System, caller: Caller) -> SearchResponse:
    """Hybrid search over one user's memories."""
    user_id = caller.authorize(body.user_id)
    hits = system.search(
        body.query,
        user_id=user_id,
        memory_types=body.memory_types,
        limit=body.limit,
        start=body.start,
        end=body.end,
        as_of=body.as_of,
        include_superseded=body.include_superseded,
        mode=body.mode,
    )
    return SearchResponse(
        results=[SearchHit(memory=MemoryOut.of(h.record), score=h.score) for h in hits]
    )


@router.post("/v1/chat", response_model=Answer, responses=ERRORS, tags=["read"])
def chat(body: ChatRequest, system: System, caller: Caller) -> Answer:
    """Answer a message from one user's memories (the chat agent)."""
    user_id = caller.authorize(body.user_id)
    return system.chat(
        body.message,
        user_id=user_id,
        as_of=body.as_of,
        reveal_secrets=body.reveal_secrets,
        interactive_update=body.interactive_update,
        budget_tokens=body.budget_tokens,
        memory_types=body.memory_types,
        reveal_route="rest",
    )


@router.get("/v1/export", response_model=ExportResponse, responses=ERRORS, tags=["memories"])
def export(
    system: System,
    caller: Caller,
    user_id: UserId,
    include_secrets: Annotated[
        bool, Query(description="include knowledge-vault items, values in clear")
    ] = False,
) -> ExportResponse:
    """Every memory of one user (superseded ones too) as rows ``import_records`` reads."""
    caller.authorize(user_id)
    rows = system.export_records(user_id=user_id, include_secrets=include_secrets)
    return ExportResponse(user_id=user_id, include_secrets=include_secrets, rows=rows)


@router.get("/v1/stats", response_model=StatsResponse, responses=ERRORS, tags=["meta"])
def stats(system: System, caller: Caller, user_id: UserId) -> StatsResponse:
    """Memory counts per enabled type for one user, and their history rows."""
    caller.authorize(user_id)
    data = system.stats(user_id=user_id)
    return StatsResponse(
        user_id=user_id, memories=data["memories"], total=data["total"], history=data["history"]
    )
