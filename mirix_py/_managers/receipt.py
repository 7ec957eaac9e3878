"""The meta manager's last step: the managers' results become a write receipt.

A failed model call never reaches it (that type's offline extractor ran instead, once);
after a failed *write*, the batch's (redacted) text is kept as unprocessed episodic
records — only when the episodic turn log itself did not land, so the turns are never
stored twice.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import structlog

from mirix_py._context import MemoryContext
from mirix_py._managers.normalize import batch_turns
from mirix_py._managers.state import WriteState
from mirix_py._managers.vectors import VectorCache
from mirix_py._memory import episodic
from mirix_py._memory.base import MemoryType
from mirix_py._receipts import ManagerFailure, RecordAction, WriteReceipt

log = structlog.get_logger(__name__)

_KEEP_RAW = "raw input kept as an unprocessed episodic record"
_LOGGED = "the input's turns are kept in the episodic turn log"


def _turns_logged(results: Sequence[dict[str, Any]]) -> bool:
    """True when the episodic manager stored this batch's turn log (no failure of its own)."""
    return any(
        r.get("memory_type") == MemoryType.EPISODIC.value
        and not any(_KEEP_RAW in str(f.get("fallback", "")) for f in r.get("failures", []))
        for r in results
    )


def join_results(
    ctx: MemoryContext, vectors: VectorCache, enabled: Sequence[MemoryType], state: WriteState
) -> dict[str, Any]:
    """Collect the managers' results into a write receipt; keep raw input after failures."""
    user_id = state["user_id"]
    route = state.get("route") or {}
    results = state.get("results") or []
    actions = [RecordAction.model_validate(a) for r in results for a in r.get("actions", [])]
    failures = [ManagerFailure.model_validate(f) for f in route.get("failures", [])]
    failures += [ManagerFailure.model_validate(f) for r in results for f in r.get("failures", [])]
    if any(_KEEP_RAW in f.fallback for f in failures):
        if _turns_logged(results):  # the turns are stored already: no duplicate copies
            failures = [
                f.model_copy(update={"fallback": _LOGGED}) if _KEEP_RAW in f.fallback else f
                for f in failures
            ]
        else:
            actions += _keep_raw(ctx, vectors, enabled, state, failures)
    llm_calls = int(route.get("llm_calls", 0)) + sum(int(r.get("llm_calls", 0)) for r in results)
    llm_tokens = int(route.get("llm_tokens", 0)) + sum(int(r.get("llm_tokens", 0)) for r in results)
    started = state.get("started") or time.time()
    receipt = WriteReceipt(
        user_id=user_id,
        run_id=state["run_id"],
        source_ids=[t["id"] for t in state.get("turns") or []],
        routed=[MemoryType(t) for t in route.get("types", [])],
        actions=actions,
        failures=failures,
        llm_calls=llm_calls,
        llm_tokens=llm_tokens,
        ms=(time.time() - started) * 1000,
    )
    log.info(
        "memory.write_done",
        user_id=user_id,
        run_id=receipt.run_id,
        memory_types=[t.value for t in receipt.routed],
        counts=receipt.counts(),
        failures=[f.step for f in failures],
        llm_calls=llm_calls,
        llm_tokens=llm_tokens,
        ms=round(receipt.ms, 1),
    )
    return {"receipt": receipt.model_dump(mode="json")}


def _keep_raw(
    ctx: MemoryContext,
    vectors: VectorCache,
    enabled: Sequence[MemoryType],
    state: WriteState,
    failures: list[ManagerFailure],
) -> list[RecordAction]:
    turns = batch_turns(state)
    if not turns:
        return []
    reason = "; ".join(f"{f.step}: {f.code}" for f in failures)[:1000]
    if MemoryType.EPISODIC not in enabled:
        failures.append(
            ManagerFailure(
                step="keep_raw",
                code="memory_type_disabled",
                error="episodic memory is disabled",
                fallback="nothing kept",
            )
        )
        return []
    records = episodic.unprocessed_events(turns, user_id=state["user_id"], reason=reason)
    try:
        vecs = vectors.embed([r.embed_text() for r in records])
        ready = [r.model_copy(update={"embedding": v}) for r, v in zip(records, vecs, strict=True)]
        ctx.store.upsert(ready, actor="meta_memory_manager", reason="unprocessed input")
    except Exception as exc:
        failure = ManagerFailure.of(
            "keep_raw",
            exc,
            fallback="the raw input could not be stored",
            default_code="storage_error",
            user_id=state["user_id"],
        )
        failures.append(failure)
        log.error("memory.keep_raw_failed", user_id=state["user_id"], code=failure.code)
        return []
    return [
        RecordAction(
            memory_type=MemoryType.EPISODIC,
            action="inserted",
            memory_id=r.id,
            reason="raw input kept (unprocessed) after a failure",
        )
        for r in records
    ]
