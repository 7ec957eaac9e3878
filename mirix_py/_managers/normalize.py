"""The meta manager's first step: a batch of messages becomes turns.

Turns get stable ids, timestamps, a session id, secrets redacted and relative dates
annotated ("yesterday [7 May 2023]"; a day of the month alone in the month the batch's
turns just named, :mod:`mirix_py._month_in_view`); the run is reset for the new batch.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from typing import Any

import structlog
from langchain_core.messages import BaseMessage

from mirix_py._context import MemoryContext
from mirix_py._ids import validate_user_id
from mirix_py._log_scrub import scrub_detail
from mirix_py._managers.state import WriteState
from mirix_py._memory import knowledge_vault
from mirix_py._memory.base import MemoryType
from mirix_py._memory.extract_common import Turn, session_id_for
from mirix_py._messages import normalize_messages
from mirix_py._month_in_view import DateThread
from mirix_py.errors import InvalidArgument

log = structlog.get_logger(__name__)

_ROLE = {"human": "user", "ai": "assistant", "system": "system", "tool": "tool"}


def plain_messages(messages: Any) -> Any:
    """LangChain messages → the dicts ``normalize_messages`` accepts."""

    def one(m: Any) -> Any:
        if isinstance(m, BaseMessage):
            return {
                "role": _ROLE.get(m.type, "user"),
                "content": m.text,
                **({"id": m.id} if m.id else {}),
                **({"name": m.name} if m.name else {}),
            }
        return m

    if isinstance(messages, list | tuple):
        return [one(m) for m in messages]
    return one(messages)


def batch_turns(state: WriteState) -> list[Turn]:
    """The batch's turns, as :func:`normalize_batch` stored them in the state."""
    return [Turn.model_validate(t) for t in state.get("turns") or []]


def normalize_batch(ctx: MemoryContext, state: WriteState) -> dict[str, Any]:
    """Messages → turns (ids, timestamps, redaction, absolute dates); resets the run."""
    started = time.perf_counter()
    user_id = validate_user_id(state.get("user_id"))
    occurred = state.get("occurred_at")
    try:
        at = datetime.fromisoformat(occurred) if isinstance(occurred, str) else occurred
    except ValueError:
        raise InvalidArgument(
            f"occurred_at must be an ISO date-time such as 2023-05-08T13:56:00+00:00, "
            f"got {occurred!r:.60}"
        ) from None
    messages = normalize_messages(
        plain_messages(state.get("messages") or []), user_id=user_id, occurred_at=at
    )
    session_id = session_id_for(user_id, [m.id or "" for m in messages])
    vault_on = ctx.config.is_enabled(MemoryType.KNOWLEDGE_VAULT)
    turns = []
    dates = DateThread()  # "in March …" then "on the 14th": the 14th of March
    for index, m in enumerate(messages):
        stamp = m.timestamp or datetime.now(UTC)  # normalize_messages always sets both
        redacted = knowledge_vault.redact(m.content, vault_enabled=vault_on)
        try:
            text = dates.annotate(redacted, stamp)
        except (ValueError, OverflowError) as exc:  # never block a write on dates
            log.warning("memory.dates_not_resolved", user_id=user_id, error=scrub_detail(str(exc)))
            text = redacted
        turns.append(
            Turn(
                id=m.id or f"m{index}",
                role=m.role,
                speaker=m.speaker,
                content=m.content,
                text=text,
                timestamp=stamp,
                sequence=index,
                session_id=session_id,
            ).model_dump(mode="json")
        )
    run_id = state.get("run_id") or uuid.uuid4().hex
    log.info(
        "memory.normalized",
        user_id=user_id,
        run_id=run_id,
        turns=len(turns),
        ms=round((time.perf_counter() - started) * 1000, 1),
    )
    return {
        "user_id": user_id,
        "run_id": run_id,
        "session_id": session_id,
        "started": time.time(),
        "turns": turns,
        "related": None,
        "checked": None,
        "route": None,
        "results": None,
        "receipt": None,
    }
