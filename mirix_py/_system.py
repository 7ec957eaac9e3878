"""``MemorySystem``: the facade users embed.

One implementation: the sync methods do the work; the ``a*`` methods
(:mod:`mirix_py._async_facade`) run the same code off the event loop, so there is no
second copy. Export and import live in :mod:`mirix_py._transfer`.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import structlog
from langchain_core.embeddings import Embeddings
from langchain_core.language_models import BaseChatModel

from mirix_py._async_facade import AsyncFacade
from mirix_py._config import MirixConfig, load_config, vault_key_from_env
from mirix_py._context import MemoryContext
from mirix_py._embeddings import embedding_dimension, make_embeddings
from mirix_py._gc_tuning import freeze_start_up_objects
from mirix_py._ids import validate_memory_id, validate_user_id
from mirix_py._langgraph_store import MirixStore
from mirix_py._llm import resolve_chat_model
from mirix_py._memory import MemoryRecord, MemoryType
from mirix_py._messages import MessagesInput, normalize_messages
from mirix_py._receipts import WriteReceipt
from mirix_py._redaction import secure_records
from mirix_py._store.base import DeleteReceipt, HistoryEvent, MemoryStore, ScoredRecord, SearchQuery
from mirix_py._store.lancedb_store import LanceDBStore
from mirix_py._store.maintenance import MaintenanceReceipt
from mirix_py._store.maintenance_worker import MaintenanceService
from mirix_py._tools import memory_tools
from mirix_py._transfer import (
    content_problem,
    export_rows,
    own_ids,
    records_from_rows,
    store_imported,
)
from mirix_py._vault import cipher_for
from mirix_py.errors import (
    InvalidArgument,
    MemoryTypeDisabled,
    NothingStored,
    describe_invalid,
)

log = structlog.get_logger(__name__)

if TYPE_CHECKING:  # imported lazily at call time: they pull in the chat graph and tools
    from langchain_core.runnables import RunnableConfig
    from langchain_core.tools import BaseTool
    from langgraph.graph.state import CompiledStateGraph

    from mirix_py._chat.graph import ChatDeps
    from mirix_py._chat.models import Answer
    from mirix_py._chat.vault_answer import RevealRoute
    from mirix_py._consolidation import (
        ConsolidationReport,
        ConsolidationTrigger,
        MemoryExplanation,
    )

_SECRET = frozenset({"secret_value"})


P = ParamSpec("P")
R = TypeVar("R")


class MemorySystem(AsyncFacade):
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
                cipher = cipher_for(config, env_key=vault_key_from_env())
            store = LanceDBStore(
                config.storage.uri,
                embeddings=self.embeddings,
                dimension=embedding_dimension(self.embeddings),
                memory_types=config.memory.enabled,
                cipher=cipher,
                read_consistency_seconds=config.storage.read_consistency_seconds,
                storage_options=config.storage.options,
                file_lock=config.storage.file_lock,
                access_flush_seconds=config.storage.access_flush_seconds,
                purge_delay_seconds=config.maintenance.purge_delay_seconds,
                index_segment_rows=config.maintenance.index_segment_rows,
                fragment_rows=config.maintenance.fragment_rows,
                history_fragment_rows=config.maintenance.history_fragment_rows,
            )
        self.store = store
        self.chat_model = chat_model if chat_model is not None else resolve_chat_model(config.llm)
        self.context = MemoryContext(
            config=config, store=store, embeddings=self.embeddings, chat_model=self.chat_model
        )
        self.maintenance = MaintenanceService.for_store(store, config.maintenance)
        # access-count flushes rewrite rows: maintenance re-indexes them
        store.on_rows_rewritten(self.maintenance.note_writes)
        if config.maintenance.background or (
            config.maintenance.background is None and self.maintenance.has_pending_purges()
        ):
            self.maintenance.start()  # a restart still purges what was forgotten before
        if config.chat.freeze_gc:
            freeze_start_up_objects()

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
        """Remember what ``messages`` carry for ``user_id``; returns a write receipt.

        The batch runs through :attr:`write_graph`: the meta memory manager routes
        it to the enabled managers, which update their tables concurrently. One
        call is one session (its messages share a session id).

        When a step fails the receipt says so (``failures``, each with a stable
        ``code``) and what was kept (``status == "partial"``, ``kept``); when
        nothing at all could be stored it raises :class:`NothingStored` (a
        :class:`StorageError`).
        """
        validate_user_id(user_id)
        batch = normalize_messages(messages, user_id=user_id, occurred_at=occurred_at)
        result = self.write_graph.invoke(
            {
                "messages": [m.model_dump(mode="json") for m in batch],
                "user_id": user_id,
                "run_id": uuid.uuid4().hex,
            }
        )
        receipt = WriteReceipt.model_validate(result["receipt"])
        self.maintenance.note_writes(len(receipt.actions))
        if receipt.status == "failed":
            codes = ", ".join(sorted({f.code for f in receipt.failures}))
            log.error("memory.nothing_stored", user_id=user_id, run_id=receipt.run_id, codes=codes)
            raise NothingStored(
                f"nothing was stored ({codes}); the database may be unavailable: "
                f"retry later (run id {receipt.run_id})"
            )
        self._auto_consolidate(user_id, len(batch))
        return receipt

    @cached_property
    def write_graph(self) -> CompiledStateGraph[Any, Any, Any, Any]:
        """The write path as a compiled LangGraph graph (input ``messages``, ``user_id``;
        output ``receipt``), usable as a node of your own graph."""
        from mirix_py._graph import build_write_graph

        return build_write_graph(self.context)

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
        if not isinstance(query, str) or (not query.strip() and mode != "vector"):
            raise InvalidArgument(
                f"query = {query!r:.80}: search needs some words to look for; "
                "to see every memory use get_all(user_id=...)"
            )
        try:
            q = SearchQuery.configured(
                self.config.retrieval,
                mode=mode,
                user_id=user_id,
                text=query,
                memory_types=types,
                limit=limit,
                start=start,
                end=end,
                as_of=as_of,
                include_superseded=include_superseded,
            )
        except ValueError as exc:
            raise InvalidArgument(describe_invalid(exc, what="search")) from None
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

    # ---------------------------------------------------------- consolidation

    @cached_property
    def consolidation_graph(self) -> CompiledStateGraph[Any, Any, Any, Any]:
        """Consolidation as a compiled LangGraph graph (input ``user_id``, optionally
        ``now``; output ``report``), usable as a node of your own graph."""
        from mirix_py._graph import build_consolidation_graph

        return build_consolidation_graph(self.context)

    def consolidate(self, *, user_id: str, now: datetime | None = None) -> ConsolidationReport:
        """Consolidate ``user_id``'s memory: derive knowledge from episodes, clean up
        contradictions and near-duplicates, archive over-cap records into summaries,
        keep core blocks bounded. Nothing is deleted; returns a report of every change.

        ``now`` is the reference time for retention scores (default: the current time).
        """
        from mirix_py._consolidation import ConsolidationReport, consolidation_input, flush_accesses

        validate_user_id(user_id)
        flush_accesses(self.store)  # retention scores read the access counts
        result = self.consolidation_graph.invoke(consolidation_input(user_id, now=now))
        report = ConsolidationReport.model_validate(result["report"])
        self.maintenance.note_writes(len(report.actions))  # compacted by maintenance
        return report

    def explain(
        self, memory_id: str, *, user_id: str, now: datetime | None = None
    ) -> MemoryExplanation:
        """A memory's retention policy and score, and why it was archived or superseded."""
        from mirix_py._consolidation import explain_memory, flush_accesses

        validate_memory_id(memory_id)
        flush_accesses(self.store)
        return explain_memory(self.context, memory_id, user_id=user_id, now=now)

    @cached_property
    def _consolidation_trigger(self) -> ConsolidationTrigger:
        from mirix_py._consolidation import ConsolidationTrigger

        rc = self.config.retention
        return ConsolidationTrigger(
            lambda uid: self.consolidate(user_id=uid),
            every=rc.consolidate_every_n_messages,
            background=rc.background,
        )

    def _auto_consolidate(self, user_id: str, count: int) -> Any:
        """After ``add``: count ``count`` ingested messages of ``user_id`` and consolidate
        every ``retention.consolidate_every_n_messages`` of them (off when unset)."""
        if not self.config.retention.consolidate_every_n_messages:
            return None
        return self._consolidation_trigger.after_add(user_id, count)

    # ------------------------------------------------------------------- chat

    @cached_property
    def _chat_deps(self) -> ChatDeps:
        from mirix_py._chat.graph import ChatDeps

        return ChatDeps(ctx=self.context, add=lambda msgs, uid: self.add(msgs, user_id=uid))

    @cached_property
    def chat_graph(self) -> CompiledStateGraph[Any, Any, Any, Any]:
        """The chat agent as a compiled LangGraph graph (input ``question``/``messages``,
        ``user_id`` …; output ``answer``), usable as a node of your own graph."""
        from mirix_py._graph import build_chat_graph

        return build_chat_graph(self.context, deps=self._chat_deps)

    def chat(
        self,
        message: str,
        *,
        user_id: str,
        as_of: datetime | None = None,
        now: datetime | None = None,
        reveal_secrets: bool = False,
        interactive_update: bool | None = None,
        budget_tokens: int | None = None,
        memory_types: Sequence[MemoryType | str] | None = None,
        config: RunnableConfig | None = None,
        reveal_route: RevealRoute = "python",
    ) -> Answer:
        """Answer ``message`` from ``user_id``'s memories.

        ``reveal_secrets`` lets knowledge-vault values into the context and answer
        (only the flag does; wording in the question never does). ``interactive_update``
        overrides ``chat.interactive_update`` (off by default: it adds model calls).
        ``as_of`` answers from the memories valid at that time; ``now`` is when the
        question is asked (it anchors "last year", "when" arithmetic; default: as_of or
        the clock). ``reveal_route`` is the interface asking (``"python"``, ``"cli"``,
        ``"rest"``, ``"mcp"``, or ``"any"`` for all of them): an answer about a hidden
        vault value names that interface's way to reveal it.
        """
        from mirix_py._chat.graph import answer_from_output
        from mirix_py._chat.vault_answer import REVEAL_ROUTES, for_route

        validate_user_id(user_id)
        budget_ok = isinstance(budget_tokens, int) and not isinstance(budget_tokens, bool)
        if budget_tokens is not None and (not budget_ok or budget_tokens < 1):
            raise InvalidArgument(
                f"budget_tokens = {budget_tokens!r}: must be a positive number of tokens "
                "(e.g. 1000), or None for the configured budget"
            )
        started = time.perf_counter()
        state: dict[str, Any] = {
            "question": message,
            "user_id": user_id,
            "as_of": as_of.isoformat() if as_of else None,
            "now": now.isoformat() if now else None,
            "reveal_secrets": bool(reveal_secrets),
            "interactive_update": interactive_update,
            "budget_tokens": budget_tokens,
            "memory_types": [t.value for t in self._types(memory_types)] if memory_types else None,
        }
        if reveal_route not in REVEAL_ROUTES:
            raise InvalidArgument(
                f"reveal_route = {reveal_route!r}: one of {', '.join(sorted(REVEAL_ROUTES))}"
            )
        answer = answer_from_output(self.chat_graph.invoke(state, config=config))
        total = round((time.perf_counter() - started) * 1000, 3)
        return answer.model_copy(
            update={
                "latency": answer.latency.model_copy(update={"total_ms": total}),
                "text": for_route(answer.text, reveal_route),
            }
        )

    def update(self, memory_id: str, data: str | dict[str, Any], *, user_id: str) -> MemoryRecord:
        """Change one memory in place (same id; the old value stays in its history).

        ``data`` is the new main text (core ``value``, episodic/semantic ``summary``,
        procedural ``description``, resource ``content``, vault ``caption``) or a dict
        of fields to change. Sensitive values are redacted like ``add`` does
        (:mod:`mirix_py._redaction`): they go to the knowledge vault, and the record
        returned is the one stored.
        """
        from mirix_py._memory import KnowledgeVaultMemory, record_class, spec_of

        record = self.get(memory_id, user_id=user_id)
        main = spec_of(record.memory_type).main_field
        changes = {main: data} if isinstance(data, str) else dict(data)
        blank = changes.get(main)
        if isinstance(blank, str) and not blank.strip():
            raise InvalidArgument(
                f"update of {memory_id!r}: the new {main} is empty, which would blank the "
                f"memory; pass the new text, or forget it with delete({memory_id!r}, ...)"
            )
        fixed = {"id", "user_id", "created_at", "embedding"} & set(changes)
        if fixed:
            raise InvalidArgument(f"update cannot change {sorted(fixed)}; create a new memory")
        current = record.model_dump()
        if isinstance(record, KnowledgeVaultMemory):
            current["secret_value"] = record.secret_value.get_secret_value()
        try:
            updated = record_class(record.memory_type).model_validate(
                {**current, **changes, "updated_at": datetime.now(UTC), "embedding": None}
            )
        except ValueError as exc:
            raise InvalidArgument(f"update of {memory_id!r}: {content_problem(exc)}") from None
        secured = secure_records([updated], vault_enabled=self._vault_on, source="update")
        self.store.upsert(secured, actor="user", reason="update")
        return secured[0]

    def reset(self, *, user_id: str | None = None) -> DeleteReceipt | None:
        """Forget one user (``user_id``) or, without it, everything in the store."""
        if user_id is not None:
            return self.delete_all(user_id=user_id)
        self.store.reset()
        return None

    def as_tools(self, *, user_id: str, allow_reveal: bool = False) -> list[BaseTool]:
        """LangChain tools bound to ``user_id`` (search, remember, forget, update core
        memory, list; ``reveal_secret`` only with ``allow_reveal``) for a ``ToolNode``."""
        return memory_tools(self, user_id=user_id, allow_reveal=allow_reveal)

    def as_store(self, *, user_id: str | None = None, user_index: int | None = None) -> MirixStore:
        """A LangGraph ``BaseStore`` over this memory: one user (``user_id``), or the
        user taken from each namespace at position ``user_index``."""
        return MirixStore(self, user_id=user_id, user_index=user_index)

    def stats(self, *, user_id: str | None = None) -> dict[str, Any]:
        """Memory counts per enabled type (for one user, or for all), and history rows."""
        if user_id is not None:
            validate_user_id(user_id)
        counts = {
            t.value: self.store.count(user_id=user_id, memory_type=t)
            for t in self.config.memory.enabled
        }
        return {
            "user_id": user_id,
            "storage": self.config.storage.uri,
            "memories": counts,
            "total": sum(counts.values()),
            "history": self.store.history_count(user_id=user_id),
        }

    def export_records(
        self, *, user_id: str, include_secrets: bool = False
    ) -> list[dict[str, Any]]:
        """Every memory of ``user_id`` (superseded ones too) as JSON-ready rows that
        :meth:`import_records` reads back. Vault items are skipped unless
        ``include_secrets`` (then their values are written in clear)."""
        return list(self.iter_export_records(user_id=user_id, include_secrets=include_secrets))

    def iter_export_records(
        self, *, user_id: str, include_secrets: bool = False, page_size: int = 500
    ) -> Iterator[dict[str, Any]]:
        """:meth:`export_records` as a stream (see :func:`mirix_py._transfer.export_rows`)."""
        return export_rows(
            self.store,
            self.config.memory.enabled,
            user_id=user_id,
            include_secrets=include_secrets,
            page_size=page_size,
        )

    def import_records(
        self, rows: Sequence[dict[str, Any]], *, user_id: str, new_ids: bool = False
    ) -> WriteReceipt:
        """Store rows written by :meth:`export_records` for ``user_id``.

        Ids the user already holds are kept (the rows update those memories);
        every other id, and with ``new_ids`` every id, is replaced by one derived
        from (user, old id), so importing a file twice adds nothing and an id held
        by another user is treated exactly like an id nobody holds. Supersession
        links follow the new ids.
        """
        validate_user_id(user_id)
        started = time.perf_counter()
        keep = set() if new_ids else own_ids(self.store, rows, user_id=user_id)
        records = records_from_rows(rows, user_id=user_id, keep=keep)
        self._types([r.memory_type for r in records])
        records = secure_records(records, vault_enabled=self._vault_on, source="import")
        return store_imported(self.store, records, user_id=user_id, started=started)

    # ----------------------------------------------------------------- forget

    def delete(self, memory_id: str, *, user_id: str, purge: bool = False) -> DeleteReceipt:
        """Forget one memory completely (also from history and old versions).

        It leaves every read at once; its bytes leave the disk at once with
        ``purge``, else through maintenance by the receipt's ``purge_due_by``.
        """
        receipt = self.store.delete(memory_id, user_id=user_id, purge=purge)
        self._forgotten(user_id, receipt)
        return receipt

    def delete_all(self, *, user_id: str, purge: bool = False) -> DeleteReceipt:
        """Forget everything about one user (and nobody else); ``purge`` as for delete."""
        receipt = self.store.delete_all(user_id=user_id, purge=purge)
        self._forgotten(user_id, receipt)
        return receipt

    def _forgotten(self, user_id: str, receipt: DeleteReceipt) -> None:
        self.maintenance.note_writes(receipt.total)
        if receipt.purge_due_by is not None and self.config.maintenance.background is not False:
            self.maintenance.start()  # purges are due within the configured delay
            self.maintenance.poke()

    def maintain(self, *, purge_now: bool = False) -> MaintenanceReceipt:
        """Run the maintenance step now: compaction, index upkeep, version clean-up,
        the ANN index and the purges that are due (all pending ones with
        ``purge_now``). Skipped (``ran=False``) if another maintainer is running."""
        return self.maintenance.run(purge_now=purge_now)

    def __enter__(self) -> MemorySystem:
        """``with MemorySystem(config) as memory:`` closes it at the end."""
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the store (stops background maintenance first)."""
        self.maintenance.close()
        if "_consolidation_trigger" in self.__dict__:
            self._consolidation_trigger.close()
        if "_chat_deps" in self.__dict__:
            self._chat_deps.retriever.close()
        self.store.close()

    # ---------------------------------------------------------------- helpers

    @property
    def _vault_on(self) -> bool:
        return self.config.is_enabled(MemoryType.KNOWLEDGE_VAULT)

    def _types(
        self, names: MemoryType | str | Sequence[MemoryType | str | None] | None
    ) -> tuple[MemoryType, ...]:
        """Validate memory-type names: one name or a list of them (None = all enabled)."""
        if names is None:
            return self.config.memory.enabled
        if isinstance(names, str):
            names = [names]
        if not isinstance(names, Sequence):
            raise InvalidArgument(
                f"memory_types must be a type name or a list of them, got {type(names).__name__}"
            )
        out: list[MemoryType] = []
        valid = ", ".join(t.value for t in self.config.memory.enabled)
        for name in names:
            if not isinstance(name, str):
                raise InvalidArgument(
                    f"memory type must be a string, got {name!r}; valid choices: {valid}"
                )
            try:
                mtype = MemoryType(name)
            except ValueError:
                raise InvalidArgument(
                    f"unknown memory type {name!r}; valid choices: {valid}"
                ) from None
            if mtype not in self.config.memory.enabled:
                raise MemoryTypeDisabled(
                    f"memory type {mtype.value!r} is disabled; enabled: {valid}"
                )
            out.append(mtype)
        return tuple(out)
