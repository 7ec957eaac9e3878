"""``MemorySystem``: the facade users embed.

One implementation: the sync methods do the work; the ``a*`` methods run the
same code off the event loop (``asyncio.to_thread``), so there is no second copy.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Sequence
from datetime import datetime
from functools import partial
from typing import Any, ParamSpec, TypeVar

import structlog
from langchain_core.embeddings import Embeddings
from langchain_core.language_models import BaseChatModel

from mirix_py.config import MirixConfig, load_config, vault_key_from_env
from mirix_py.context import MemoryContext
from mirix_py.embeddings import embedding_dimension, make_embeddings
from mirix_py.errors import MemoryTypeDisabled, ValidationError
from mirix_py.ids import validate_memory_id, validate_user_id
from mirix_py.llm import resolve_chat_model
from mirix_py.memory import EpisodicMemory, MemoryRecord, MemoryType
from mirix_py.messages import MessagesInput, normalize_messages
from mirix_py.receipts import RecordAction, WriteReceipt
from mirix_py.store.base import DeleteReceipt, HistoryEvent, MemoryStore, ScoredRecord, SearchQuery
from mirix_py.store.lancedb_store import LanceDBStore
from mirix_py.vault import VaultCipher

log = structlog.get_logger(__name__)

P = ParamSpec("P")
R = TypeVar("R")


class MemorySystem:
    """Long-term memory for an agent: add, search, chat, inspect and forget, per user."""

    def __init__(
        self,
        config: MirixConfig,
        *,
        embeddings: Embeddings | None = None,
        chat_model: BaseChatModel | None = None,
        store: MemoryStore | None = None,
    ) -> None:
        self.config = config
        self.embeddings = embeddings or make_embeddings(
            config.embeddings.provider,
            batch_size=config.embeddings.batch_size,
            cache_size=config.embeddings.cache_size,
        )
        if store is None:
            cipher = None
            if config.is_enabled(MemoryType.KNOWLEDGE_VAULT):
                cipher = VaultCipher.from_sources(
                    env_key=vault_key_from_env(), key_file=config.vault.key_file
                )
            store = LanceDBStore(
                config.storage.uri,
                embeddings=self.embeddings,
                dimension=embedding_dimension(self.embeddings),
                memory_types=config.memory.enabled,
                cipher=cipher,
                read_consistency_seconds=config.storage.read_consistency_seconds,
            )
        self.store = store
        self.chat_model = chat_model if chat_model is not None else resolve_chat_model(config.llm)
        self.context = MemoryContext(
            config=config, store=store, embeddings=self.embeddings, chat_model=self.chat_model
        )

    @classmethod
    def from_config(
        cls,
        name_or_path: str | None = None,
        *,
        embeddings: Embeddings | None = None,
        chat_model: BaseChatModel | None = None,
        **overrides: Any,
    ) -> MemorySystem:
        """Build a system from a config name (``default``, ``minimal`` …) or YAML path.

        ``overrides`` are nested per section, e.g. ``storage={"uri": "/tmp/db"}``.
        """
        return cls(
            load_config(name_or_path, **overrides), embeddings=embeddings, chat_model=chat_model
        )

    # ------------------------------------------------------------------ write

    def add(
        self,
        messages: MessagesInput,
        *,
        user_id: str,
        occurred_at: datetime | None = None,
    ) -> WriteReceipt:
        """Remember what ``messages`` carry for ``user_id``; returns a write receipt."""
        validate_user_id(user_id)
        started = time.perf_counter()
        batch = normalize_messages(messages, user_id=user_id, occurred_at=occurred_at)
        run_id = uuid.uuid4().hex
        records = [
            EpisodicMemory(
                id=f"{m.id}-raw",
                user_id=user_id,
                actor=m.speaker,
                summary=m.content,
                occurred_at=m.timestamp,
                source_ids=[m.id] if m.id else [],
                origin="raw",
            )
            for m in batch
        ]
        ids = self.store.upsert(records, actor="add", reason="raw message")
        receipt = WriteReceipt(
            user_id=user_id,
            run_id=run_id,
            source_ids=[m.id for m in batch if m.id],
            routed=[MemoryType.EPISODIC],
            actions=[
                RecordAction(memory_type=MemoryType.EPISODIC, action="inserted", memory_id=i)
                for i in ids
            ],
            ms=(time.perf_counter() - started) * 1000,
        )
        log.info("memory.added", user_id=user_id, messages=len(batch), ms=round(receipt.ms, 1))
        return receipt

    # ------------------------------------------------------------------- read

    def search(
        self,
        query: str,
        *,
        user_id: str,
        memory_types: Sequence[MemoryType | str] | None = None,
        limit: int = 10,
        start: datetime | None = None,
        end: datetime | None = None,
        as_of: datetime | None = None,
        include_superseded: bool = False,
        mode: str | None = None,
    ) -> list[ScoredRecord]:
        """Hybrid search over the user's memories (all enabled types unless narrowed)."""
        types = self._types(memory_types)
        rc = self.config.retrieval
        try:
            q = SearchQuery(
                user_id=user_id,
                text=query,
                memory_types=types,
                mode=mode or rc.mode,  # type: ignore[arg-type]
                limit=limit,
                start=start,
                end=end,
                as_of=as_of,
                include_superseded=include_superseded,
                rrf_k=rc.rrf_k,
                vector_weight=rc.vector_weight,
                fts_weight=rc.fts_weight,
            )
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        return self.store.search(q)

    def get(self, memory_id: str, *, user_id: str) -> MemoryRecord:
        """One memory of ``user_id`` by id (raises ``RecordNotFound``)."""
        validate_memory_id(memory_id)
        return self.store.get(memory_id, user_id=user_id)

    def get_all(
        self,
        *,
        user_id: str,
        memory_type: MemoryType | str | None = None,
        limit: int = 100,
        offset: int = 0,
        include_superseded: bool = False,
    ) -> list[MemoryRecord]:
        """The user's memories, newest first, optionally of one type, paged."""
        mtype = self._types([memory_type])[0] if memory_type else None
        return self.store.list_records(
            user_id=user_id,
            memory_type=mtype,
            limit=limit,
            offset=offset,
            include_superseded=include_superseded,
        )

    def history(self, memory_id: str, *, user_id: str) -> list[HistoryEvent]:
        """Every change to one memory, oldest first."""
        return self.store.history(memory_id, user_id=user_id)

    # ----------------------------------------------------------------- forget

    def delete(self, memory_id: str, *, user_id: str) -> DeleteReceipt:
        """Forget one memory completely (also from history and old versions)."""
        return self.store.delete(memory_id, user_id=user_id)

    def delete_all(self, *, user_id: str) -> DeleteReceipt:
        """Forget everything about one user (and nobody else)."""
        return self.store.delete_all(user_id=user_id)

    def close(self) -> None:
        """Release the store."""
        self.store.close()

    # ---------------------------------------------------------------- helpers

    def _types(self, names: Sequence[MemoryType | str | None] | None) -> tuple[MemoryType, ...]:
        if names is None:
            return self.config.memory.enabled
        out: list[MemoryType] = []
        valid = ", ".join(t.value for t in self.config.memory.enabled)
        for name in names:
            try:
                mtype = MemoryType(str(name))
            except ValueError:
                raise ValidationError(
                    f"unknown memory type {name!r}; valid choices: {valid}"
                ) from None
            if mtype not in self.config.memory.enabled:
                raise MemoryTypeDisabled(
                    f"memory type {mtype.value!r} is disabled; enabled: {valid}"
                )
            out.append(mtype)
        return tuple(out)

    # ------------------------------------------------------------------ async

    async def _run(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        return await asyncio.to_thread(partial(fn, *args, **kwargs))

    async def aadd(self, messages: MessagesInput, **kwargs: Any) -> WriteReceipt:
        """Async :meth:`add`."""
        result: WriteReceipt = await self._run(self.add, messages, **kwargs)
        return result

    async def asearch(self, query: str, **kwargs: Any) -> list[ScoredRecord]:
        """Async :meth:`search`."""
        result: list[ScoredRecord] = await self._run(self.search, query, **kwargs)
        return result

    async def aget(self, memory_id: str, **kwargs: Any) -> MemoryRecord:
        """Async :meth:`get`."""
        result: MemoryRecord = await self._run(self.get, memory_id, **kwargs)
        return result

    async def aget_all(self, **kwargs: Any) -> list[MemoryRecord]:
        """Async :meth:`get_all`."""
        result: list[MemoryRecord] = await self._run(self.get_all, **kwargs)
        return result

    async def adelete(self, memory_id: str, **kwargs: Any) -> DeleteReceipt:
        """Async :meth:`delete`."""
        result: DeleteReceipt = await self._run(self.delete, memory_id, **kwargs)
        return result

    async def adelete_all(self, **kwargs: Any) -> DeleteReceipt:
        """Async :meth:`delete_all`."""
        result: DeleteReceipt = await self._run(self.delete_all, **kwargs)
        return result

    async def ahistory(self, memory_id: str, **kwargs: Any) -> list[HistoryEvent]:
        """Async :meth:`history`."""
        result: list[HistoryEvent] = await self._run(self.history, memory_id, **kwargs)
        return result
