"""Applying a plan's core-memory lines: blocks merged in place, overflow spilled to semantic.

Split from :mod:`mirix_py._managers.apply`, whose :class:`Applier` writes the
spilled lines through the semantic type's rules like any other candidates.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime

import structlog

from mirix_py._context import MemoryContext
from mirix_py._managers.apply import Applier, Plan
from mirix_py._managers.vectors import VectorCache
from mirix_py._memory import core
from mirix_py._memory.base import MemoryRecord, MemoryType
from mirix_py._memory.core import CoreLabel, CoreLine, CoreMemory
from mirix_py._memory.extract_common import unique
from mirix_py._memory.registry import MemoryTypeSpec
from mirix_py._receipts import RecordAction

log = structlog.get_logger(__name__)


def block_vector(block: MemoryRecord, vectors: VectorCache) -> list[float]:
    """A core block's vector: the normalised mean of its lines' vectors.

    Lines are short facts (``Alice: works as a nurse``), the same texts the
    semantic manager embeds, so they are mostly cached; embedding the whole
    block instead would cost a full 256-token pass on every change and would
    only see its first ~1,000 characters. Core blocks are always in the prompt,
    so this vector only serves browsing and search.
    """
    lines = block.lines() if isinstance(block, CoreMemory) else []
    if not lines:
        return vectors.embed([block.embed_text()])[0]
    rows = vectors.embed(lines)
    mean = [sum(col) / len(rows) for col in zip(*rows, strict=True)]
    norm = math.sqrt(sum(x * x for x in mean)) or 1.0
    return [x / norm for x in mean]


def apply_core(
    ctx: MemoryContext,
    vectors: VectorCache,
    plan: Plan,
    *,
    user_id: str,
    actor: str,
    spill_rules: MemoryTypeSpec | None,
    related: Sequence[MemoryRecord] = (),
    checked: Sequence[str] = (),
    written_elsewhere: frozenset[str] = frozenset(),
    at: datetime | None = None,
) -> list[RecordAction]:
    """Merge lines into (or rewrite) the user's core blocks; spill overflow to semantic.

    Blocks are edited in place (history keeps old values; a replaced line stays in the
    block's ``past_lines`` with when it held, for ``as_of`` reads). ``at`` is the
    batch's time, for lines that carry none of their own. When a block would
    exceed ``memory.core_block_limit`` its oldest lines move into semantic
    items; if semantic memory is disabled they are dropped and the receipt says so.
    ``written_elsewhere`` are semantic ids the semantic manager writes for this
    same batch: a spilled line that is one of them is not written twice.
    """
    limit = ctx.config.memory.core_block_limit
    labels: list[CoreLabel] = unique([*plan.core_lines, *plan.core_rewrites])  # type: ignore[assignment]
    if not labels:
        return []
    ids = [core.block_id(user_id, label) for label in labels]
    found = [r for r in related if r.id in ids]
    if any(i not in checked for i in ids):
        found = ctx.store.get_many(ids, user_id=user_id, memory_type=MemoryType.CORE)
    stored = {r.label: r for r in found if isinstance(r, CoreMemory)}
    actions: list[RecordAction] = []
    blocks: list[MemoryRecord] = []
    spilled: list[CoreLine] = []
    for label in labels:
        block = stored.get(label)
        update: core.BlockUpdate | None = None
        if label in plan.core_rewrites:
            value, sources = plan.core_rewrites[label]
            update = core.rewrite_block(
                block, value, user_id=user_id, sources=sources, limit=limit, label=label, at=at
            )
            block = update.block
        if plan.core_lines.get(label):
            more = core.merge_lines(
                block, plan.core_lines[label], user_id=user_id, limit=limit, label=label, at=at
            )
            if update is not None:
                more.changed = more.changed or update.changed
                more.added = [*update.added, *more.added]
                more.spilled = [*update.spilled, *more.spilled]
            update = more
        if update is None:
            continue
        if not update.changed or not update.block.value:
            actions.append(
                RecordAction(
                    memory_type=MemoryType.CORE,
                    action="skipped",
                    memory_id=update.block.id,
                    reason="nothing new for the block",
                )
            )
            continue
        blocks.append(update.block)
        spilled.extend(update.spilled)
        what = [f"+{len(update.added)} line(s)"] if update.added else []
        what += [f"{len(update.replaced)} replaced"] if update.replaced else []
        what += [f"{len(update.spilled)} moved to semantic"] if update.spilled else []
        actions.append(
            RecordAction(
                memory_type=MemoryType.CORE,
                action="updated" if label in stored else "inserted",
                memory_id=update.block.id,
                reason=f"{label} block: " + (", ".join(what) or "sources updated"),
            )
        )
    if blocks:
        ready = [b.model_copy(update={"embedding": block_vector(b, vectors)}) for b in blocks]
        ctx.store.upsert(ready, actor=actor, reason="core block update")
    if spilled:
        if spill_rules is None:
            log.warning("core.lines_dropped", user_id=user_id, count=len(spilled))
            actions.extend(
                RecordAction(
                    memory_type=MemoryType.CORE,
                    action="skipped",
                    reason=f"core block full and semantic memory disabled; dropped: {ln.text}",
                )
                for ln in spilled
            )
        else:
            records: list[MemoryRecord] = []
            for line in spilled:
                record = core.spill_record(line, user_id=user_id)
                if record.id not in written_elsewhere:
                    records.append(record)
                    continue
                actions.append(
                    RecordAction(
                        memory_type=MemoryType.SEMANTIC,
                        action="skipped",
                        memory_id=record.id,
                        reason="moved from full core block; the semantic manager stores this "
                        "fact from the same batch",
                    )
                )
            if records:
                applier = Applier(ctx, vectors, spill_rules, user_id=user_id, actor=actor)
                actions.extend(
                    a.model_copy(update={"reason": f"moved from full core block; {a.reason}"})
                    for a in applier.apply(Plan(candidates=records), [])
                )
    return actions
