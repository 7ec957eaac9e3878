"""The ``a*`` methods of :class:`~mirix_py._system.MemorySystem`: the same sync code run
off the event loop (``asyncio.to_thread``), so there is no second copy."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mirix_py._chat.models import Answer
    from mirix_py._consolidation import ConsolidationReport, MemoryExplanation
    from mirix_py._memory import MemoryRecord
    from mirix_py._messages import MessagesInput
    from mirix_py._receipts import WriteReceipt
    from mirix_py._store.base import DeleteReceipt, HistoryEvent, ScoredRecord


class AsyncFacade:
    """Async twins of the facade's methods (mixed into ``MemorySystem``)."""

    add: Any
    search: Any
    get: Any
    get_all: Any
    delete: Any
    delete_all: Any
    history: Any
    chat: Any
    update: Any
    reset: Any
    consolidate: Any
    explain: Any

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

    async def achat(self, message: str, **kwargs: Any) -> Answer:
        """Async :meth:`chat`."""
        result: Answer = await self._run(self.chat, message, **kwargs)
        return result

    async def aupdate(
        self, memory_id: str, data: str | dict[str, Any], **kwargs: Any
    ) -> MemoryRecord:
        """Async :meth:`update`."""
        result: MemoryRecord = await self._run(self.update, memory_id, data, **kwargs)
        return result

    async def areset(self, **kwargs: Any) -> DeleteReceipt | None:
        """Async :meth:`reset`."""
        result: DeleteReceipt | None = await self._run(self.reset, **kwargs)
        return result

    async def aconsolidate(self, **kwargs: Any) -> ConsolidationReport:
        """Async :meth:`consolidate`."""
        result: ConsolidationReport = await self._run(self.consolidate, **kwargs)
        return result

    async def aexplain(self, memory_id: str, **kwargs: Any) -> MemoryExplanation:
        """Async :meth:`explain`."""
        result: MemoryExplanation = await self._run(self.explain, memory_id, **kwargs)
        return result
