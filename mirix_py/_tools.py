"""LangChain tools over one user's memory (``system.as_tools(user_id=...)``).

Every tool is bound to the ``user_id`` given when the tools were made: no tool
takes a user argument, and their argument schemas forbid extra fields, so a
model cannot read or write another user's memory. The tools work in a LangGraph
``ToolNode``; failures come back to the model as tool errors, not exceptions.

=====================  ==========================================================
``search_memory``      hybrid search; vault values stay hidden
``remember``           store a text through the write path (``system.add``)
``forget``             delete one memory by id
``update_core_memory`` append to or replace the ``human``/``persona`` core block
``list_memories``      the newest memories, optionally of one type
``reveal_secret``      one vault value by id — only with ``allow_reveal=True``
=====================  ==========================================================
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from langchain_core.tools import BaseTool, StructuredTool, ToolException
from pydantic import BaseModel, ConfigDict, Field

from mirix_py._ids import validate_user_id
from mirix_py._memory import CoreMemory, KnowledgeVaultMemory, MemoryRecord, MemoryType
from mirix_py._memory.base import utcnow
from mirix_py._redaction import secure_records
from mirix_py.errors import MirixError

if TYPE_CHECKING:
    from mirix_py._system import MemorySystem

_FORBID = ConfigDict(extra="forbid")


class SearchMemoryArgs(BaseModel):
    """Arguments of ``search_memory``."""

    model_config = _FORBID
    query: str = Field(min_length=1, description="what to look for")
    memory_types: list[MemoryType] | None = Field(
        default=None, description="restrict to these memory types (default: all enabled)"
    )
    limit: int = Field(default=5, ge=1, le=50, description="how many results")


class RememberArgs(BaseModel):
    """Arguments of ``remember``."""

    model_config = _FORBID
    content: str = Field(min_length=1, description="the information to remember, in words")


class ForgetArgs(BaseModel):
    """Arguments of ``forget``."""

    model_config = _FORBID
    memory_id: str = Field(min_length=1, description="the id of the memory to delete")


class UpdateCoreArgs(BaseModel):
    """Arguments of ``update_core_memory``."""

    model_config = _FORBID
    label: Literal["human", "persona"] = Field(
        description="'human' (about the user) or 'persona' (about the agent)"
    )
    content: str = Field(min_length=1, description="the line(s) to add, or the new block")
    mode: Literal["append", "replace"] = Field(
        default="append", description="append lines, or replace the whole block"
    )


class ListMemoriesArgs(BaseModel):
    """Arguments of ``list_memories``."""

    model_config = _FORBID
    memory_type: MemoryType | None = Field(default=None, description="only this memory type")
    limit: int = Field(default=20, ge=1, le=200, description="how many, newest first")


class RevealSecretArgs(BaseModel):
    """Arguments of ``reveal_secret``."""

    model_config = _FORBID
    memory_id: str = Field(min_length=1, description="the id of the knowledge-vault item")


def _line(record: MemoryRecord) -> str:
    text = record.render()
    return f"{record.id} [{record.memory_type.value}, {record.short_date()}] {text}"


def _guarded(fn: Callable[..., str]) -> Callable[..., str]:
    """Turn library errors into tool errors the model sees as a message."""

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> str:
        try:
            return fn(*args, **kwargs)
        except MirixError as exc:
            raise ToolException(str(exc)) from exc

    return run


def memory_tools(
    system: MemorySystem, *, user_id: str, allow_reveal: bool = False
) -> list[BaseTool]:
    """The memory tools bound to ``user_id`` (see the module docstring)."""

    validate_user_id(user_id)

    def search_memory(
        query: str, memory_types: list[MemoryType] | None = None, limit: int = 5
    ) -> str:
        """Search the user's long-term memory and return the best matches with ids."""
        hits = system.search(query, user_id=user_id, memory_types=memory_types, limit=limit)
        lines = [f"({h.score.score:.3f}) {_line(h.record)}" for h in hits]
        return "\n".join(lines) or "no matching memories"

    def remember(content: str) -> str:
        """Store new information in the user's long-term memory."""
        receipt = system.add([{"role": "user", "content": content}], user_id=user_id)
        ids = receipt.ids()
        return f"remembered ({len(ids)} memories: {', '.join(ids) or 'none'})"

    def forget(memory_id: str) -> str:
        """Delete one memory of the user by id."""
        receipt = system.delete(memory_id, user_id=user_id)
        return f"forgot {receipt.total} memory ({memory_id})"

    def update_core_memory(
        label: Literal["human", "persona"], content: str, mode: str = "append"
    ) -> str:
        """Add to (or replace) the always-in-context core block about the user or agent."""
        blocks = [
            r
            for r in system.get_all(user_id=user_id, memory_type=MemoryType.CORE, limit=1000)
            if isinstance(r, CoreMemory) and r.label == label
        ]
        block = (
            blocks[0]
            if blocks
            else CoreMemory(
                user_id=user_id, label=label, limit=system.config.memory.core_block_limit
            )
        )
        value = (
            content.strip()
            if mode == "replace" or not block.value
            else (f"{block.value.rstrip()}\n{content.strip()}")
        )
        if len(value) > block.limit:
            raise ToolException(
                f"the {label} block would hold {len(value)} of {block.limit} characters; "
                "call update_core_memory with mode='replace' and a compacted block"
            )
        updated = block.model_copy(
            update={"value": value, "updated_at": utcnow(), "embedding": None}
        )

        secured = secure_records(
            [updated],
            vault_enabled=system.config.is_enabled(MemoryType.KNOWLEDGE_VAULT),
            source="agent",
        )
        system.store.upsert(secured, actor="agent", reason=f"update_core_memory ({mode})")
        return f"core block '{label}' now has {len(value)}/{block.limit} characters"

    def list_memories(memory_type: MemoryType | None = None, limit: int = 20) -> str:
        """List the user's newest memories, optionally of one type."""
        records = system.get_all(user_id=user_id, memory_type=memory_type, limit=limit)
        return "\n".join(_line(r) for r in records) or "no memories"

    def reveal_secret(memory_id: str) -> str:
        """Return the value of one knowledge-vault item of the user (owner-approved tool)."""
        record = system.get(memory_id, user_id=user_id)
        if not isinstance(record, KnowledgeVaultMemory):
            raise ToolException(f"{memory_id} is not a knowledge-vault item")
        return f"{record.caption}: {record.secret_value.get_secret_value()}"

    specs: list[tuple[Callable[..., str], type[BaseModel]]] = [
        (search_memory, SearchMemoryArgs),
        (remember, RememberArgs),
        (forget, ForgetArgs),
        (update_core_memory, UpdateCoreArgs),
        (list_memories, ListMemoriesArgs),
    ]
    if allow_reveal:
        specs.append((reveal_secret, RevealSecretArgs))
    tools: list[BaseTool] = []
    for fn, schema in specs:
        tools.append(
            StructuredTool.from_function(
                func=_guarded(fn),
                name=fn.__name__,
                description=str(fn.__doc__),
                args_schema=schema,
                handle_tool_error=True,
            )
        )
    return tools
