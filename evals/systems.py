"""The systems a harness run compares: mirix-py itself and baselines over raw turns.

Every system ingests a :class:`~evals.datasets.Conversation` and answers its
questions, returning the answer plus the ranked retrieved items (rendered text
and source ids) that the evidence-recall metric reads. Offline baselines answer
with mirix-py's own offline composer (``mirix_py.chat.answer.answer_offline``
over ``mirix_py.chat.compose.build_context``), so F1 differences come from
retrieval and memory, not from answer style.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from langchain_core.embeddings import Embeddings
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from evals.datasets import Conversation, Question
from evals.metrics import RetrievedItem, estimate_tokens
from mirix_py.chat.answer import answer_offline
from mirix_py.chat.compose import build_context
from mirix_py.chat.cues import read_question
from mirix_py.chat.retrieval import to_hit
from mirix_py.config import MirixConfig
from mirix_py.embeddings import embedding_dimension
from mirix_py.memory import EpisodicMemory, MemoryType
from mirix_py.store.base import SearchMode, SearchQuery
from mirix_py.store.lancedb_store import LanceDBStore
from mirix_py.system import MemorySystem

_SEARCH_DEPTH = 50


@dataclass
class SystemAnswer:
    """One answer with what the system retrieved for it, in rank order."""

    text: str
    items: list[RetrievedItem]
    cited_source_ids: list[str]
    retrieval_ms: float
    total_ms: float
    context_tokens: int
    llm_calls: int = 0
    llm_tokens: int = 0


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
        self, system: MemorySystem, *, name: str = "mirix-py", label: str = "eval"
    ) -> None:
        self.name = name
        self.system = system
        self._label = label

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

    def answer(self, conversation: Conversation, question: Question) -> SystemAnswer:
        """Ask through ``chat`` with the interactive update off."""
        started = time.perf_counter()
        result = self.system.chat(
            question.question,
            user_id=self.user(conversation),
            interactive_update=False,
            now=question_anchor(conversation, question),
        )
        total = (time.perf_counter() - started) * 1000
        cited = [sid for c in result.citations for sid in c.source_ids]
        return SystemAnswer(
            text=result.text,
            items=[RetrievedItem(m.text, tuple(m.source_ids)) for m in result.retrieved],
            cited_source_ids=cited,
            retrieval_ms=result.latency.retrieval_ms,
            total_ms=total,
            context_tokens=result.context_tokens,
            llm_calls=result.llm_calls,
            llm_tokens=result.llm_tokens,
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
    ) -> None:
        self.name = name
        self._mode = mode
        self._config = config
        self._budget = budget_tokens
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
        records = [
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
        if self.store.count(user_id=user_id) == len(records):
            return IngestStats(skipped=True)
        self.store.upsert(records, actor="baseline")
        return IngestStats(
            turns=len(records),
            sessions=len(conversation.sessions),
            seconds=time.perf_counter() - started,
        )

    def answer(self, conversation: Conversation, question: Question) -> SystemAnswer:
        """Retrieve raw turns, render and answer exactly like mirix-py's offline composer."""
        started = time.perf_counter()
        query = SearchQuery(
            user_id=EvalUser(conversation, "turns").user_id,
            text=question.question,
            mode=self._mode,
            limit=_SEARCH_DEPTH,
        )
        scored = self.store.search(query)
        retrieval_ms = (time.perf_counter() - started) * 1000
        hits = [to_hit(s, reveal=False, stage="fine", query=question.question) for s in scored]
        pack = build_context([], hits, budget_tokens=self._budget)
        draft = answer_offline(
            read_question(question.question),
            pack,
            min_evidence=self._config.chat.min_evidence_score,
        )
        cited = [sid for ref in draft.refs for sid in pack.refs[ref].source_ids]
        return SystemAnswer(
            text=draft.text,
            items=[RetrievedItem(m.text, tuple(m.source_ids)) for m in pack.ranked],
            cited_source_ids=cited,
            retrieval_ms=retrieval_ms,
            total_ms=(time.perf_counter() - started) * 1000,
            context_tokens=pack.tokens,
        )


class FullContextQA:
    """A baseline with an answer model: the whole conversation in the prompt."""

    name = "full-context"

    def __init__(self, model: BaseChatModel, prompt: str) -> None:
        self._model = model
        self._prompt = prompt

    def ingest(self, conversation: Conversation) -> IngestStats:
        """Nothing to store."""
        return IngestStats(skipped=True)

    def answer(self, conversation: Conversation, question: Question) -> SystemAnswer:
        """Ask the model with every session in the prompt."""
        started = time.perf_counter()
        parts = []
        for session in conversation.sessions:
            stamp = session.timestamp.strftime("%d %B %Y") if session.timestamp else "undated"
            parts.append(f"Session on {stamp}:")
            parts += [f"{t.speaker}: {t.text}" for t in session.turns]
        context = "\n".join(parts)
        reply = self._model.invoke(
            [
                SystemMessage(self._prompt),
                HumanMessage(f"<conversation>\n{context}\n</conversation>\n\n{question.question}"),
            ]
        )
        usage = getattr(reply, "usage_metadata", None) or {}
        return SystemAnswer(
            text=str(reply.content),
            items=[],
            cited_source_ids=[],
            retrieval_ms=0.0,
            total_ms=(time.perf_counter() - started) * 1000,
            context_tokens=estimate_tokens(context),
            llm_calls=1,
            llm_tokens=int(usage.get("total_tokens", 0)),
        )
