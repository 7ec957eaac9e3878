"""The write graph's state: plain JSON-ready values only, so any checkpointer can save it.

Records, turns and receipts travel as dicts (``model_dump(mode="json")``) and are
rebuilt into pydantic models inside the nodes. The store, the embedder and the
chat model never enter the state: nodes get them from the graph's closure.
"""

from __future__ import annotations

from typing import (
    Annotated,
    Any,
    NotRequired,  # pydantic needs it on Python < 3.12 (schemas)
)

from typing_extensions import TypedDict


def extend_or_reset(left: list[Any] | None, right: list[Any] | None) -> list[Any]:
    """Reducer: append ``right`` to ``left``; ``None`` clears the list (a new run)."""
    if right is None:
        return []
    return [*(left or []), *right]


class WriteInput(TypedDict, total=False):
    """What the write graph accepts."""

    messages: Any
    user_id: str
    occurred_at: str | None
    run_id: str


class WriteOutput(TypedDict, total=False):
    """What the write graph returns: the write receipt as a dict."""

    receipt: dict[str, Any]


class WriteState(TypedDict, total=False):
    """The whole state of one write run."""

    messages: Any
    user_id: str
    occurred_at: str | None
    run_id: str
    session_id: str
    started: float
    turns: list[dict[str, Any]]
    related: dict[str, list[dict[str, Any]]] | None
    checked: dict[str, list[str]] | None
    people: list[str]
    """Names from the user's stored relation facts that the batch mentions."""
    route: dict[str, Any] | None
    results: Annotated[list[dict[str, Any]], extend_or_reset]
    receipt: dict[str, Any] | None


class ManagerInput(TypedDict):
    """What the meta manager sends to one specialist manager (a ``Send`` payload)."""

    memory_type: str
    user_id: str
    run_id: str
    session_id: str
    turns: list[dict[str, Any]]
    related: list[dict[str, Any]]
    checked: list[str]
    """Ids the retrieval step already looked up (found ones are in ``related``)."""
    use_llm: bool
    proposals: list[dict[str, Any]] | None
    reason: str
    people: NotRequired[list[str]]
    """Names from the user's stored relation facts that the batch mentions."""
