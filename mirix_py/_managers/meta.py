"""The meta memory manager: normalise the batch, retrieve related memories, route, join.

* ``normalize`` — messages → turns with stable ids, timestamps, a session id,
  secrets redacted and relative dates annotated ("yesterday [7 May 2023]")
  (:mod:`mirix_py._managers.normalize`).
* ``retrieve`` — embeds the batch once (the vectors are reused when the turns
  are stored) and fetches related memories per enabled type, while embedding:
  the core blocks and stored copies of this batch's records by id (offline the
  candidates are known up front); in LLM mode also, for the prompts, facts near
  what each speaker said and the top hits of every type. Offline, the
  similarity search for near-duplicates runs in each manager instead, next to
  the other managers' writes rather than before routing.
* ``route`` — picks the managers: offline by cheap detectors, in LLM mode with
  one ``route_memory`` call (or one ``record_memories`` call in single-pass
  mode). The episodic turn log and detected secrets are always routed.
* ``fan_out`` — one ``Send`` per chosen manager; they run concurrently.
* ``join`` — builds the :class:`~mirix_py._receipts.WriteReceipt`. A failed
  model call never reaches it (that type's offline extractor ran instead, once);
  after a failed *write*, the batch's (redacted) text is kept as unprocessed
  episodic records — only when the episodic turn log itself did not land, so the
  turns are never stored twice (:mod:`mirix_py._managers.receipt`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import structlog
from langgraph.types import Send

from mirix_py._agents import META_MANAGER, SINGLE_PASS_MANAGER, AgentSpec
from mirix_py._context import MemoryContext
from mirix_py._dates import dated_with_weekday
from mirix_py._managers.aliases import Aliases
from mirix_py._managers.llm_loop import ModelGate, call_with_tools, human_message
from mirix_py._managers.normalize import batch_turns, normalize_batch
from mirix_py._managers.people import stored_people
from mirix_py._managers.receipt import join_results
from mirix_py._managers.specialist import render_related, render_turns
from mirix_py._managers.state import ManagerInput, WriteState
from mirix_py._managers.tools import (
    proposals_from_call,
    route_from_call,
    route_tool,
    single_pass_tool,
)
from mirix_py._managers.usage import UsageCounter
from mirix_py._managers.vectors import VectorCache
from mirix_py._memory import core, episodic, knowledge_vault
from mirix_py._memory.base import MemoryRecord, MemoryType
from mirix_py._memory.extract_common import Turn
from mirix_py._memory.fact_rules import speaker_entity
from mirix_py._memory.registry import (
    detect_batch,
    extract_batch,
    prompt_lines,
    write_run,
)
from mirix_py._receipts import ManagerFailure
from mirix_py._store.base import SearchQuery
from mirix_py.errors import ExtractionError

log = structlog.get_logger(__name__)

_MAX_SPEAKER_QUERIES = 4
_OWN_LOOKUPS = frozenset({MemoryType.CORE, MemoryType.EPISODIC, MemoryType.KNOWLEDGE_VAULT})
"""Types looked up above by their own ids (core blocks, turn events) or never (the vault)."""


def manager_node(memory_type: MemoryType) -> str:
    """The graph node name of a memory type's manager."""
    return f"{memory_type.value}_manager"


def _centroid(vectors: Sequence[Sequence[float]]) -> tuple[float, ...]:
    dim = len(vectors[0])
    sums = [sum(v[i] for v in vectors) for i in range(dim)]
    norm = sum(x * x for x in sums) ** 0.5 or 1.0
    return tuple(x / norm for x in sums)


class MetaManager:
    """The meta memory manager's nodes, sharing one context, vector cache and agent set."""

    def __init__(
        self,
        ctx: MemoryContext,
        vectors: VectorCache,
        agents: dict[str, AgentSpec] | None,
        gate: ModelGate | None = None,
    ) -> None:
        self.ctx = ctx
        self.gate = gate
        self.vectors = vectors
        self.agents = agents
        self.enabled = tuple(ctx.config.memory.enabled)
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="mirix-retrieve")

    def normalize(self, state: WriteState) -> dict[str, Any]:
        """Messages → turns (ids, timestamps, redaction, absolute dates); resets the run."""
        return normalize_batch(self.ctx, state)

    # -------------------------------------------------------------- retrieve

    def retrieve(self, state: WriteState) -> dict[str, Any]:
        """Embed the batch once and fetch related memories per enabled type.

        Lookups by id (the user's core blocks, earlier copies of this batch's
        turn events) run while the batch is being embedded; the similarity
        searches follow. Ids looked up go to the managers as ``checked`` so
        they do not ask the store again.
        """
        people: list[str] = []
        if self.ctx.offline and MemoryType.SEMANTIC in self.enabled:
            people = stored_people(self.ctx.store, batch_turns(state), user_id=state["user_id"])
        with write_run(state["run_id"], people):
            return {**self._retrieve(state), "people": people}

    def _retrieve(self, state: WriteState) -> dict[str, Any]:
        started = time.perf_counter()
        turns = batch_turns(state)
        user_id = state["user_id"]
        if not turns:
            return {"related": {}, "checked": {}}
        events = episodic.turn_events(turns, user_id=user_id)
        checked: dict[str, list[str]] = {}
        early: list[tuple[MemoryType, Callable[[], list[MemoryRecord]]]] = []
        # offline, the core blocks only matter when the batch has lines for them
        if MemoryType.CORE in self.enabled and (not self.ctx.offline or core.detect(turns)):
            checked["core"] = [core.block_id(user_id, "human"), core.block_id(user_id, "persona")]
            early.append((MemoryType.CORE, self._get(user_id, MemoryType.CORE, checked["core"])))
        if MemoryType.EPISODIC in self.enabled:
            checked["episodic"] = [e.id for e in events]
            early.append(
                (MemoryType.EPISODIC, self._get(user_id, MemoryType.EPISODIC, checked["episodic"]))
            )
        if self.ctx.offline:  # offline candidates are known now: look their ids up early too
            for mtype in self.enabled:
                if mtype not in _OWN_LOOKUPS:
                    ids = [r.id for r in extract_batch(mtype, turns, user_id=user_id)]
                    if ids:
                        checked[mtype.value] = ids
                        early.append((mtype, self._get(user_id, mtype, ids)))
        related: dict[str, list[dict[str, Any]]] = {t.value: [] for t in self.enabled}
        failures: list[dict[str, Any]] = []
        pool = self._pool
        # lookups by id run on the shared pool while the batch is embedded
        futures = [(mtype, pool.submit(job)) for mtype, job in early]
        vecs = self.vectors.embed([e.embed_text() for e in events])
        by_turn: dict[str, list[float]] = {}
        for event, vec in zip(events, vecs, strict=True):
            by_turn.setdefault(event.source_ids[0], vec)
        for mtype, job in self._searches(turns, user_id, by_turn):
            futures.append((mtype, pool.submit(job)))
        for mtype, future in futures:
            try:
                records = future.result()
            except Exception as exc:
                checked.pop(mtype.value, None)
                failures.append(
                    ManagerFailure.of(
                        f"retrieve:{mtype.value}",
                        exc,
                        fallback="managers ran without related memories of this type",
                        default_code="storage_error",
                        user_id=user_id,
                    ).model_dump(mode="json")
                )
                continue
            seen = {i["id"] for i in related[mtype.value]}
            for record in records:
                if record.id not in seen:
                    seen.add(record.id)
                    related[mtype.value].append(self._related_item(record))
        log.info(
            "memory.retrieved",
            user_id=user_id,
            run_id=state.get("run_id"),
            counts={k: len(v) for k, v in related.items() if v},
            embedded=len(events),
            failures=len(failures),
            ms=round((time.perf_counter() - started) * 1000, 1),
        )
        update: dict[str, Any] = {"related": related, "checked": checked}
        if failures:
            update["results"] = [{"memory_type": "", "mode": "retrieval", "failures": failures}]
        return update

    def _get(
        self, user_id: str, mtype: MemoryType, ids: list[str]
    ) -> Callable[[], list[MemoryRecord]]:
        return lambda: self.ctx.store.get_many(ids, user_id=user_id, memory_type=mtype)

    def _searches(
        self, turns: Sequence[Turn], user_id: str, by_turn: dict[str, list[float]]
    ) -> list[tuple[MemoryType, Callable[[], list[MemoryRecord]]]]:
        """Similarity searches: facts near what each speaker said; in LLM mode, every type."""
        jobs: list[tuple[MemoryType, Callable[[], list[MemoryRecord]]]] = []
        if self.ctx.offline:  # offline the managers search near their own candidates
            return jobs
        if MemoryType.SEMANTIC in self.enabled:
            speakers: dict[str, list[list[float]]] = {}
            for t in turns:
                if speaker_entity(t):
                    speakers.setdefault(t.speaker, []).append(by_turn[t.id])
            for vectors in list(speakers.values())[:_MAX_SPEAKER_QUERIES]:
                jobs.append(
                    (MemoryType.SEMANTIC, self._search(user_id, MemoryType.SEMANTIC, vectors))
                )
        if not self.ctx.offline:
            text = " ".join(t.text for t in turns)
            for mtype in self.enabled:
                if mtype not in (MemoryType.CORE, MemoryType.SEMANTIC):
                    jobs.append((mtype, self._search(user_id, mtype, list(by_turn.values()), text)))
        return jobs

    def _search(
        self, user_id: str, mtype: MemoryType, vectors: list[list[float]], text: str = ""
    ) -> Callable[[], list[MemoryRecord]]:
        k = self.ctx.config.retrieval.coarse_k * (2 if mtype is MemoryType.SEMANTIC else 1)
        query = SearchQuery(
            user_id=user_id,
            text=text[:2000],
            mode="hybrid" if text.strip() else "vector",
            vector=_centroid(vectors),
            memory_types=(mtype,),
            limit=k,
        )
        return lambda: [hit.record for hit in self.ctx.store.search(query)]

    def _related_item(self, record: MemoryRecord) -> dict[str, Any]:
        if record.memory_type is MemoryType.KNOWLEDGE_VAULT:
            return {"id": record.id, "text": record.render(), "record": None}
        if record.embedding is not None:
            self.vectors.put(record.embed_text(), record.embedding)
        text = record.render()
        if isinstance(record, core.CoreMemory):
            text = f"{record.label} block:\n{record.value or '(empty)'}"
        return {
            "id": record.id,
            "text": text,
            "record": record.model_dump(mode="json", exclude={"embedding"}),
        }

    # ----------------------------------------------------------------- route

    def route(self, state: WriteState) -> dict[str, Any]:
        """Choose the managers for this batch (see the module docstring)."""
        with write_run(state["run_id"], state.get("people") or ()):
            return self._route(state)

    def _route(self, state: WriteState) -> dict[str, Any]:
        started = time.perf_counter()
        turns = batch_turns(state)
        user_id = state["user_id"]
        reasons: dict[str, str] = {}
        if turns and MemoryType.EPISODIC in self.enabled:
            reasons[MemoryType.EPISODIC.value] = "every turn is logged as an event"
        if MemoryType.KNOWLEDGE_VAULT in self.enabled:
            found = knowledge_vault.detect(turns)
            if found:
                reasons[MemoryType.KNOWLEDGE_VAULT.value] = found
        counter = UsageCounter()
        route: dict[str, Any] = {
            "mode": "offline",
            "use_llm": [],
            "proposals": None,
            "failures": [],
        }
        if turns and self.agents is not None and self.ctx.chat_model is not None:
            try:
                if self.ctx.config.llm.single_pass:
                    proposals = self._single_pass(state, turns, counter)
                    route["mode"] = "single_pass"
                    route["proposals"] = {t.value: p for t, p in proposals.items()}
                    for mtype, items in proposals.items():
                        reasons.setdefault(mtype.value, f"{len(items)} proposal(s)")
                else:
                    chosen, why = self._llm_route(state, turns, counter)
                    route["mode"] = "llm"
                    route["use_llm"] = [t.value for t in chosen]
                    for mtype in chosen:
                        reasons.setdefault(mtype.value, why or "chosen by the meta manager")
            except Exception as exc:  # unusable replies or provider faults: offline, once
                step = "single_pass" if self.ctx.config.llm.single_pass else "route"
                failure = ManagerFailure.of(
                    step,
                    exc,
                    fallback="offline routing and offline extractors used instead",
                    default_code="model_error",
                    user_id=user_id,
                )
                route["failures"].append(failure.model_dump(mode="json"))
                route["mode"] = "fallback"
                log.warning("memory.route_failed", user_id=user_id, code=failure.code)
        if route["mode"] in ("offline", "fallback"):
            for mtype in self.enabled:
                if mtype.value not in reasons:
                    found_why = detect_batch(mtype, turns, user_id=user_id) if turns else None
                    if found_why:
                        reasons[mtype.value] = found_why
        types = [t.value for t in self.enabled if t.value in reasons]
        route.update(
            types=types,
            reasons=reasons,
            llm_calls=counter.calls,
            llm_tokens=counter.tokens,
            ms=(time.perf_counter() - started) * 1000,
        )
        log.info(
            "memory.routed",
            user_id=user_id,
            run_id=state.get("run_id"),
            mode=route["mode"],
            memory_types=types,
            llm_calls=counter.calls,
            ms=round(route["ms"], 1),
        )
        return {"route": route}

    def _values(
        self, turns: Sequence[Turn], state: WriteState, *, raw: bool = False
    ) -> tuple[dict[str, str], dict[str, str], Aliases]:
        """(template values, human-message data sections, id aliases) for one call."""
        related = state.get("related") or {}
        aliases = Aliases.build(
            [t.id for t in turns], [i["id"] for items in related.values() for i in items]
        )
        existing = "\n".join(
            f"## {t}\n{render_related(items, aliases=aliases)}"
            for t, items in related.items()
            if items
        )
        latest = max(t.timestamp for t in turns)
        values = {
            "date": dated_with_weekday(latest),
            "memory_types": ", ".join(t.value for t in self.enabled),
            "memory_type_guide": prompt_lines(self.enabled),
            "memory_type_fields": prompt_lines(self.enabled, hint="extract_hint"),
        }
        sections = {
            "existing_memories": existing or "(none)",
            "input": render_turns(turns, raw=raw, aliases=aliases),
        }
        return values, sections, aliases

    def _llm_route(
        self, state: WriteState, turns: Sequence[Turn], counter: UsageCounter
    ) -> tuple[list[MemoryType], str]:
        if self.agents is None or self.ctx.chat_model is None:
            raise ExtractionError("LLM routing needs a chat model and agent files")
        agent = self.agents[META_MANAGER]
        values, sections, _ = self._values(turns, state)
        sections.pop("existing_memories")  # routing needs the input only
        chosen, ignored, why = call_with_tools(
            self.ctx.chat_model,
            agent,
            [route_tool(self.enabled)],
            system=agent.render(**values),
            task=human_message(values["date"], sections, agent.render_task(**values)),
            parse=lambda ai: route_from_call(ai, self.enabled),
            max_retries=self.ctx.config.llm.max_retries,
            backoff=self.ctx.config.llm.retry_backoff_seconds,
            gate=self.gate,
            counter=counter,
            user_id=state["user_id"],
        )
        if ignored:
            log.warning(
                "memory.route_ignored",
                user_id=state["user_id"],
                names=ignored,
                enabled=[t.value for t in self.enabled],
            )
        return chosen, why

    def _single_pass(
        self, state: WriteState, turns: Sequence[Turn], counter: UsageCounter
    ) -> dict[MemoryType, list[dict[str, Any]]]:
        if self.agents is None or self.ctx.chat_model is None:
            raise ExtractionError("LLM routing needs a chat model and agent files")
        agent = self.agents[SINGLE_PASS_MANAGER]
        values, sections, aliases = self._values(
            turns, state, raw=MemoryType.KNOWLEDGE_VAULT in self.enabled
        )
        by_id = {t.id: t for t in turns}
        result: dict[MemoryType, list[dict[str, Any]]] = call_with_tools(
            self.ctx.chat_model,
            agent,
            [single_pass_tool(self.enabled)],
            system=agent.render(**values),
            task=human_message(values["date"], sections, agent.render_task(**values)),
            parse=lambda ai: proposals_from_call(
                ai,
                self.enabled,
                user_id=state["user_id"],
                turns=by_id,
                session_id=state["session_id"],
                aliases=aliases,
            ),
            max_retries=self.ctx.config.llm.max_retries,
            backoff=self.ctx.config.llm.retry_backoff_seconds,
            gate=self.gate,
            counter=counter,
            user_id=state["user_id"],
        )
        return result

    # --------------------------------------------------------------- fan out

    def fan_out(self, state: WriteState) -> list[Send] | str:
        """One ``Send`` per routed manager (they run concurrently), or straight to join."""
        route = state.get("route") or {}
        types = route.get("types") or []
        if not types:
            return "join"
        related = state.get("related") or {}
        proposals = route.get("proposals")
        sends: list[Send] = []
        for name in types:
            payload = ManagerInput(
                memory_type=name,
                user_id=state["user_id"],
                run_id=state["run_id"],
                session_id=state["session_id"],
                turns=state.get("turns") or [],
                related=related.get(name, []),
                checked=(state.get("checked") or {}).get(name, []),
                use_llm=name in (route.get("use_llm") or []),
                proposals=None if proposals is None else proposals.get(name, []),
                reason=(route.get("reasons") or {}).get(name, ""),
                people=state.get("people") or [],
            )
            sends.append(Send(manager_node(MemoryType(name)), payload))
        return sends

    def join(self, state: WriteState) -> dict[str, Any]:
        """Collect the managers' results into a write receipt; keep raw input after failures."""
        return join_results(self.ctx, self.vectors, self.enabled, state)
