"""The systems a harness run compares: mirix-py itself and baselines over raw turns.

Every system ingests a :class:`~evals.datasets.Conversation` and answers its
questions, returning the answer, the context it rendered for the answerer (the
text answer coverage reads) with the items rendered in it (each line with the
source ids it cites, which the rendered evidence recall reads), and the ranked
retrieved items (the older cited-source evidence recall and recall@k read
those). Offline, baselines answer with mirix-py's own offline composer
(``mirix_py._chat.answer.answer_offline`` over ``mirix_py._chat.compose.build_context``);
with an answer model (:class:`~evals.answering.ContextAnswerer`) every system's
rendered context goes to the same prompt. Either way answer differences come from
retrieval and memory, not from answer style.

The full-context row (:class:`FullContextQA`) renders every turn of the
conversation with no budget: its answer coverage is the ceiling a memory can
approach.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from langchain_core.embeddings import Embeddings

from evals.answering import ContextAnswerer
from evals.datasets import Conversation, Question
from evals.metrics import RetrievedItem
from mirix_py._chat.answer import answer_offline
from mirix_py._chat.compose import ContextPack, build_context, clean
from mirix_py._chat.cues import read_question
from mirix_py._chat.hits import to_hit
from mirix_py._chat.models import Hit
from mirix_py._config import MirixConfig
from mirix_py._embeddings import embedding_dimension
from mirix_py._memory import CoreMemory, EpisodicMemory, MemoryType
from mirix_py._store.base import SearchMode, SearchQuery
from mirix_py._store.lancedb_store import LanceDBStore
from mirix_py._system import MemorySystem

_SEARCH_DEPTH = 50
_MAX_SEARCH = 1000  # SearchQuery's limit cap
_REF = re.compile(r"\[(\d+(?:, \d+)*)\] ")
"""A line's memory numbers: ``[3] `` or, for a turn that facts were folded into, ``[3, 7] ``."""


@dataclass
class SystemAnswer:
    """One answer with what the system rendered and retrieved for it.

    ``context`` is the whole text the answerer was shown; ``context_items`` are the
    units rendered in it (``text`` is the rendered line, a substring of
    ``context``), with their source ids. ``budgeted`` is False for the full-context
    row (no token budget applies). ``items`` is the ranked retrieved list.
    """

    text: str
    items: list[RetrievedItem]
    cited_source_ids: list[str]
    retrieval_ms: float
    total_ms: float
    context_tokens: int
    llm_calls: int = 0
    llm_tokens: int = 0
    context: str = ""
    context_items: list[RetrievedItem] = field(default_factory=list)
    budgeted: bool = True
    abstained: bool = False


@dataclass
class IngestStats:
    """What ingesting one conversation cost."""

    turns: int = 0
    sessions: int = 0
    seconds: float = 0.0
    llm_calls: int = 0
    llm_tokens: int = 0
    skipped: bool = False


@dataclass
class EvalUser:
    """The user id a conversation is stored under (a fresh user per conversation)."""

    conversation: Conversation
    label: str = "eval"
    user_id: str = field(init=False)

    def __post_init__(self) -> None:
        digest = hashlib.sha256(self.conversation.id.encode()).hexdigest()[:10]
        self.user_id = f"{self.label}-{digest}"


class QASystem(Protocol):
    """A system under test."""

    name: str

    def ingest(self, conversation: Conversation) -> IngestStats:
        """Store the conversation (session by session)."""
        ...

    def answer(self, conversation: Conversation, question: Question) -> SystemAnswer:
        """Answer one question about the conversation."""
        ...


def question_anchor(conversation: Conversation, question: Question) -> datetime | None:
    """The time a question is asked: its own date, else just after the last session."""
    if question.question_date is not None:
        return question.question_date
    stamps = [s.timestamp for s in conversation.sessions if s.timestamp is not None]
    return max(stamps) if stamps else None


def rendered_items(context: str, refs: Mapping[int, Sequence[str]]) -> list[RetrievedItem]:
    """The numbered memory lines of a rendered context, each with its source ids.

    Every line of the compact render carries one ``[n]`` marker (the first on the
    line; later brackets belong to the memory text); the item is the whole line. A
    turn's line that facts were folded into (``[3, 7]``,
    :mod:`mirix_py._chat.folds`) is the item of each of its numbers: it says them all.
    """
    items: list[RetrievedItem] = []
    for line in context.splitlines():
        match = _REF.search(line)
        if match is None:
            continue
        for number in match.group(1).split(", "):
            ref = int(number)
            if ref in refs:
                items.append(RetrievedItem(line, tuple(refs[ref])))
    return items


def core_items(blocks: Sequence[CoreMemory]) -> list[RetrievedItem]:
    """One item per core-block line (as rendered), citing that line's sources."""
    items: list[RetrievedItem] = []
    for block in blocks:
        for line in block.lines():
            sources = block.line_sources.get(line) or []
            items.append(RetrievedItem(clean(line), tuple(sources)))
    return items


def _pack_items(pack: ContextPack) -> list[RetrievedItem]:
    return rendered_items(pack.text, {ref: hit.source_ids for ref, hit in pack.refs.items()})


def _messages(conversation: Conversation, session_index: int) -> list[dict[str, object]]:
    session = conversation.sessions[session_index]
    messages: list[dict[str, object]] = []
    for turn in session.turns:
        if not turn.text.strip():
            continue
        message: dict[str, object] = {
            "role": "assistant" if turn.role == "assistant" else "user",
            "content": turn.text,
            "id": turn.id,
            "name": turn.speaker,
        }
        stamp = turn.timestamp or session.timestamp
        if stamp is not None:
            message["timestamp"] = stamp
        messages.append(message)
    return messages


class MirixQA:
    """mirix-py through its public facade: ``add`` per session, ``chat`` per question."""

    def __init__(
        self,
        system: MemorySystem,
        *,
        name: str = "mirix-py",
        label: str = "eval",
        reader: MemorySystem | None = None,
        answerer: ContextAnswerer | None = None,
    ) -> None:
        self.name = name
        self.system = system
        self.reader = reader or system
        self._label = label
        self._answerer = answerer
        self._core: dict[str, list[RetrievedItem]] = {}

    def user(self, conversation: Conversation) -> str:
        """The user id of a conversation."""
        return EvalUser(conversation, self._label).user_id

    def ingest(self, conversation: Conversation) -> IngestStats:
        """Add each session as one batch with the session's date."""
        stats = IngestStats()
        user_id = self.user(conversation)
        started = time.perf_counter()
        for index, session in enumerate(conversation.sessions):
            messages = _messages(conversation, index)
            if not messages:
                continue
            receipt = self.system.add(messages, user_id=user_id, occurred_at=session.timestamp)
            stats.turns += len(messages)
            stats.sessions += 1
            stats.llm_calls += receipt.llm_calls
            stats.llm_tokens += receipt.llm_tokens
        stats.seconds = time.perf_counter() - started
        return stats

    def _core_items(self, user_id: str) -> list[RetrievedItem]:
        if not self.reader.config.is_enabled(MemoryType.CORE):
            return []
        if user_id not in self._core:
            blocks = self.reader.get_all(user_id=user_id, memory_type=MemoryType.CORE, limit=1000)
            self._core[user_id] = core_items([b for b in blocks if isinstance(b, CoreMemory)])
        return self._core[user_id]

    def answer(self, conversation: Conversation, question: Question) -> SystemAnswer:
        """Ask through ``chat`` (offline read path, interactive update off); with an
        answer model, the model answers from the context the read path rendered."""
        started = time.perf_counter()
        user_id = self.user(conversation)
        anchor = question_anchor(conversation, question)
        result = self.reader.chat(
            question.question,
            user_id=user_id,
            interactive_update=False,
            now=anchor,
            reveal_secrets=question.reveal,
        )
        text, abstained = result.text, result.abstained
        llm_calls, llm_tokens = result.llm_calls, result.llm_tokens
        if self._answerer is not None:
            reply = self._answerer.answer(question.question, result.context, anchor)
            text, abstained = reply.text, False
            llm_calls, llm_tokens = llm_calls + 1, llm_tokens + reply.tokens
        total = (time.perf_counter() - started) * 1000
        cited = [sid for c in result.citations for sid in c.source_ids]
        refs = {m.ref: m.source_ids for m in result.retrieved if m.ref is not None}
        return SystemAnswer(
            text=text,
            items=[RetrievedItem(m.text, tuple(m.source_ids)) for m in result.retrieved],
            cited_source_ids=cited,
            retrieval_ms=result.latency.retrieval_ms,
            total_ms=total,
            context_tokens=result.context_tokens,
            llm_calls=llm_calls,
            llm_tokens=llm_tokens,
            context=result.context,
            context_items=[*self._core_items(user_id), *rendered_items(result.context, refs)],
            abstained=abstained,
        )


class TurnRetrievalQA:
    """A baseline: every raw turn is one row; retrieval is BM25, dense or hybrid over them."""

    def __init__(
        self,
        *,
        mode: SearchMode,
        name: str,
        store: LanceDBStore,
        config: MirixConfig,
        budget_tokens: int,
        answerer: ContextAnswerer | None = None,
    ) -> None:
        self.name = name
        self._mode = mode
        self._config = config
        self._budget = budget_tokens
        self._answerer = answerer
        self.store = store

    @staticmethod
    def open_store(folder: Path, embeddings: Embeddings) -> LanceDBStore:
        """The raw-turn table the baselines share (one per run)."""
        return LanceDBStore(
            str(folder),
            embeddings=embeddings,
            dimension=embedding_dimension(embeddings),
            memory_types=[MemoryType.EPISODIC],
        )

    def ingest(self, conversation: Conversation) -> IngestStats:
        """One episodic row per turn, embedded in one batch per conversation."""
        user_id = EvalUser(conversation, "turns").user_id
        started = time.perf_counter()
        records = turn_records(conversation, user_id)
        if self.store.count(user_id=user_id) == len(records):
            return IngestStats(skipped=True)
        self.store.upsert(records, actor="baseline")
        return IngestStats(
            turns=len(records),
            sessions=len(conversation.sessions),
            seconds=time.perf_counter() - started,
        )

    def _search(self, conversation: Conversation, question: Question, limit: int) -> list[Hit]:
        query = SearchQuery(
            user_id=EvalUser(conversation, "turns").user_id,
            text=question.question,
            mode=self._mode,
            limit=max(1, min(limit, _MAX_SEARCH)),
        )
        return [
            to_hit(s, reveal=False, stage="fine", query=question.question)
            for s in self.store.search(query)
        ]

    def _answer(
        self,
        question: Question,
        pack: ContextPack,
        anchor: datetime | None,
        started: float,
        retrieval_ms: float,
    ) -> SystemAnswer:
        draft = answer_offline(
            read_question(question.question),
            pack,
            min_evidence=self._config.chat.min_evidence_score,
        )
        text, abstained, calls, tokens = draft.text, draft.abstained, 0, 0
        if self._answerer is not None:
            reply = self._answerer.answer(question.question, pack.text, anchor)
            text, abstained, calls, tokens = reply.text, False, 1, reply.tokens
        cited = [sid for ref in draft.refs for sid in pack.refs[ref].source_ids]
        return SystemAnswer(
            text=text,
            items=[RetrievedItem(m.text, tuple(m.source_ids)) for m in pack.ranked],
            cited_source_ids=cited,
            retrieval_ms=retrieval_ms,
            total_ms=(time.perf_counter() - started) * 1000,
            context_tokens=pack.tokens,
            llm_calls=calls,
            llm_tokens=tokens,
            context=pack.text,
            context_items=_pack_items(pack),
            abstained=abstained,
        )

    def answer(self, conversation: Conversation, question: Question) -> SystemAnswer:
        """Retrieve raw turns, render and answer exactly like mirix-py's offline composer."""
        started = time.perf_counter()
        hits = self._search(conversation, question, _SEARCH_DEPTH)
        retrieval_ms = (time.perf_counter() - started) * 1000
        pack = build_context([], hits, budget_tokens=self._budget)
        anchor = question_anchor(conversation, question)
        return self._answer(question, pack, anchor, started, retrieval_ms)


def turn_records(conversation: Conversation, user_id: str) -> list[EpisodicMemory]:
    """One raw episodic record per non-empty turn (deterministic ids)."""
    return [
        EpisodicMemory(
            id=hashlib.sha256(f"{user_id}\x1f{turn.id}".encode()).hexdigest()[:32],
            user_id=user_id,
            actor=turn.speaker or turn.role,
            summary=turn.text,
            occurred_at=turn.timestamp or session.timestamp or datetime.now(UTC),
            source_ids=[turn.id],
            session_id=session.id,
            sequence=position,
            origin="raw",
        )
        for session in conversation.sessions
        for position, turn in enumerate(session.turns)
        if turn.text.strip()
    ]


class FullContextQA(TurnRetrievalQA):
    """The ceiling row: every turn of the conversation rendered as context, no budget.

    The turns are rendered in the same compact layout as the raw-turn baselines
    (grouped by session, in conversation order). Offline, the extractive composer
    answers from them, best hybrid-ranked turns first; with an answer model the
    model reads the whole rendered conversation.
    """

    def __init__(
        self,
        *,
        store: LanceDBStore,
        config: MirixConfig,
        answerer: ContextAnswerer | None = None,
    ) -> None:
        super().__init__(
            mode="hybrid",
            name="full-context",
            store=store,
            config=config,
            budget_tokens=0,
            answerer=answerer,
        )
        self._turns: dict[str, list[EpisodicMemory]] = {}

    def ingest(self, conversation: Conversation) -> IngestStats:
        """Shares the raw-turn rows with the retrieval baselines (stored once)."""
        stats = super().ingest(conversation)
        user_id = EvalUser(conversation, "turns").user_id
        self._turns[conversation.id] = turn_records(conversation, user_id)
        return stats

    def answer(self, conversation: Conversation, question: Question) -> SystemAnswer:
        """Render every turn; rank them for the offline composer with a hybrid search."""
        started = time.perf_counter()
        records = self._turns.get(conversation.id)
        if records is None:
            records = turn_records(conversation, EvalUser(conversation, "turns").user_id)
            self._turns[conversation.id] = records
        ranked = self._search(conversation, question, len(records))
        retrieval_ms = (time.perf_counter() - started) * 1000
        seen = {h.memory_id for h in ranked}
        rest = [
            to_hit(r, reveal=False, stage="fine", query=question.question)
            for r in records
            if r.id not in seen
        ]
        unlimited = sum(len(r.summary) + 80 for r in records) // 4 + 1000
        pack = build_context([], [*ranked, *rest], budget_tokens=unlimited, exact_trials=0)
        anchor = question_anchor(conversation, question)
        answer = self._answer(question, pack, anchor, started, retrieval_ms)
        answer.budgeted = False
        return answer
