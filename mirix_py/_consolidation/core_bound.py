"""Keeping core blocks bounded without losing a line.

When a core block passes ``retention.core_high_water`` × ``memory.core_block_limit``
characters, its least-used lines (fewest restatements, then oldest) move into
semantic memory until the block is under ``core_low_water`` × the limit. A moved
line becomes (or adds its sources to) the semantic fact with the same text, and
the block keeps one pointer line naming the semantic records it moved to
(``(moved to semantic memory: se-…, se-…)``), newest first, as many as fit.
The block's history keeps every earlier value, so older pointers stay readable.
Nothing is rewritten by a model, and nothing is dropped.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping, Sequence

import structlog

from mirix_py._consolidation.models import ConsolidationAction
from mirix_py._context import MemoryContext
from mirix_py._memory import CoreMemory, MemoryRecord, MemoryType, SemanticMemory
from mirix_py._memory.base import utcnow
from mirix_py._memory.core import CoreLabel, CoreLine, merge_lines, spill_record
from mirix_py._memory.extract_common import unique

log = structlog.get_logger(__name__)

ACTOR = "consolidation"
POINTER_PREFIX = "(moved to semantic memory"
_POINTER_IDS = re.compile(r"[A-Za-z0-9][\w.-]*")


def is_pointer(line: str) -> bool:
    """Whether ``line`` is the block's pointer to moved lines."""
    return line.startswith(POINTER_PREFIX)


def pointer_ids(line: str) -> list[str]:
    """The semantic ids a pointer line names."""
    _, _, inside = line.partition(":")
    return _POINTER_IDS.findall(inside.rstrip(")"))


def pointer_line(ids: Sequence[str], *, max_chars: int) -> str:
    """``(moved to semantic memory: a, b)`` with as many ids (in order) as fit ``max_chars``."""
    shown: list[str] = []
    for memory_id in unique(ids):
        candidate = f"{POINTER_PREFIX}: {', '.join([*shown, memory_id])})"
        if len(candidate) > max_chars:
            break
        shown.append(memory_id)
    return f"{POINTER_PREFIX}: {', '.join(shown)})" if shown else f"{POINTER_PREFIX})"


def move_lines(
    ctx: MemoryContext,
    *,
    user_id: str,
    block: CoreMemory,
    lines: Sequence[CoreLine],
) -> list[tuple[CoreLine, str]]:
    """Write ``lines`` into semantic memory (merging sources into the same fact if it
    exists); returns each line with the id of the semantic record now holding it."""
    records: dict[str, SemanticMemory] = {}
    placed: list[tuple[CoreLine, str]] = []
    for line in lines:
        record = spill_record(line, user_id=user_id, label=block.label).model_copy(
            update={"source": f"moved from core memory ({block.label} block {block.id})"}
        )
        seen = records.get(record.id)
        if seen is not None:
            record = seen.model_copy(
                update={"source_ids": unique([*seen.source_ids, *record.source_ids])}
            )
        records[record.id] = record
        placed.append((line, record.id))
    existing = {
        r.id: r
        for r in ctx.store.get_many(list(records), user_id=user_id, memory_type=MemoryType.SEMANTIC)
    }
    writes: list[MemoryRecord] = []
    for memory_id, record in records.items():
        old = existing.get(memory_id)
        if old is None:
            writes.append(record)
            continue
        added = [s for s in record.source_ids if s not in old.source_ids]
        if added:
            writes.append(
                old.model_copy(
                    update={"source_ids": [*old.source_ids, *added], "updated_at": utcnow()}
                )
            )
    if writes:
        ctx.store.upsert(writes, actor=ACTOR, reason="line moved from a full core block")
    return placed


def _value(lines: Sequence[str], pointer: str | None) -> str:
    return "\n".join([*lines, pointer] if pointer else lines)


def bound_block(ctx: MemoryContext, block: CoreMemory) -> list[ConsolidationAction]:
    """Move lines out of one block if it is past the high-water mark."""
    cfg = ctx.config.retention
    limit = min(block.limit, ctx.config.memory.core_block_limit)
    if len(block.value) <= cfg.core_high_water * limit:
        return []
    if not ctx.config.is_enabled(MemoryType.SEMANTIC):
        log.warning("core.bound_skipped", user_id=block.user_id, reason="semantic disabled")
        return [
            ConsolidationAction(
                step="core",
                memory_type=MemoryType.CORE,
                action="skipped",
                memory_id=block.id,
                reason="block past its high-water mark but semantic memory is disabled",
            )
        ]
    all_lines = block.lines()
    old_pointer = next((ln for ln in all_lines if is_pointer(ln)), None)
    content = [ln for ln in all_lines if not is_pointer(ln)]
    sources = {ln: list(block.line_sources.get(ln, [])) for ln in content}
    order = sorted(range(len(content)), key=lambda i: (len(sources[content[i]]), i))
    max_pointer = max(len(POINTER_PREFIX) + 1, min(200, limit // 5))
    previous = pointer_ids(old_pointer) if old_pointer else []
    target = cfg.core_low_water * limit
    keep = list(content)
    moving: list[str] = []
    for i in order:  # room is kept for the longest pointer line
        if len("\n".join(keep)) + 1 + max_pointer <= target:
            break
        keep.remove(content[i])
        moving.append(content[i])
    placed = move_lines(
        ctx,
        user_id=block.user_id,
        block=block,
        lines=[CoreLine(ln, tuple(sources[ln])) for ln in moving],
    )
    new_ids = unique(memory_id for _, memory_id in reversed(placed))
    pointer = pointer_line([*new_ids, *previous], max_chars=max_pointer)
    while keep and len(_value(keep, pointer)) > limit:  # never past the limit
        extra = keep.pop(0)
        placed += move_lines(
            ctx, user_id=block.user_id, block=block, lines=[CoreLine(extra, tuple(sources[extra]))]
        )
        new_ids = unique(memory_id for _, memory_id in reversed(placed))
        pointer = pointer_line([*new_ids, *previous], max_chars=max_pointer)
    line_sources = {ln: sources[ln] for ln in keep}
    line_sources[pointer] = []
    updated = block.model_copy(
        update={
            "value": _value(keep, pointer),
            "line_sources": line_sources,
            "line_since": {ln: t for ln, t in block.line_since.items() if ln in line_sources},
            "source_ids": unique(s for ln in keep for s in sources[ln]),
            "updated_at": utcnow(),
            "embedding": None,
        }
    )
    ctx.store.upsert(
        [updated], actor=ACTOR, reason=f"core bounding: {len(placed)} line(s) moved to semantic"
    )
    return [
        ConsolidationAction(
            step="core",
            memory_type=MemoryType.CORE,
            action="moved",
            memory_id=block.id,
            related_ids=[memory_id],
            reason=f"moved to semantic memory: {line.text}",
        )
        for line, memory_id in placed
    ]


def bound_core(ctx: MemoryContext, *, user_id: str) -> list[ConsolidationAction]:
    """Bound every core block of the user (see the module docstring)."""
    if not ctx.config.is_enabled(MemoryType.CORE):
        return []
    started = time.perf_counter()
    blocks = [
        r
        for r in ctx.store.list_records(user_id=user_id, memory_type=MemoryType.CORE, limit=100)
        if isinstance(r, CoreMemory)
    ]
    actions: list[ConsolidationAction] = []
    for block in sorted(blocks, key=lambda b: b.id):
        actions.extend(bound_block(ctx, block))
    log.info(
        "consolidation.core_bounded",
        user_id=user_id,
        memory_type=MemoryType.CORE.value,
        blocks=len(blocks),
        moved=sum(a.action == "moved" for a in actions),
        ms=round((time.perf_counter() - started) * 1000, 1),
    )
    return actions


def add_core_lines(
    ctx: MemoryContext,
    *,
    user_id: str,
    label: CoreLabel,
    lines: Sequence[CoreLine],
    related: Mapping[str, Sequence[str]] | None = None,
) -> list[ConsolidationAction]:
    """Add lines to a core block (repeats add sources, same-slot lines replace in
    place); lines pushed out by the limit move to semantic memory, never dropped
    (with semantic memory disabled nothing is written). ``related`` maps a line's
    text to the episodes it was derived from (for the report)."""
    if not lines or not ctx.config.is_enabled(MemoryType.CORE):
        return []
    from mirix_py._memory.core import block_id

    found = ctx.store.get_many(
        [block_id(user_id, label)], user_id=user_id, memory_type=MemoryType.CORE
    )
    block = next((b for b in found if isinstance(b, CoreMemory)), None)
    update = merge_lines(
        block, lines, user_id=user_id, limit=ctx.config.memory.core_block_limit, label=label
    )
    actions: list[ConsolidationAction] = []
    if update.spilled and not ctx.config.is_enabled(MemoryType.SEMANTIC):
        return [
            ConsolidationAction(
                step="reflect",
                memory_type=MemoryType.CORE,
                action="skipped",
                memory_id=update.block.id,
                reason="core block full and semantic memory disabled: nothing written",
            )
        ]
    if update.spilled:
        for line, memory_id in move_lines(
            ctx, user_id=user_id, block=update.block, lines=update.spilled
        ):
            actions.append(
                ConsolidationAction(
                    step="core",
                    memory_type=MemoryType.CORE,
                    action="moved",
                    memory_id=update.block.id,
                    related_ids=[memory_id],
                    reason=f"moved to semantic memory: {line.text}",
                )
            )
    if update.changed:
        ctx.store.upsert([update.block], actor=ACTOR, reason="reflection: core update")
    for text in update.added:
        actions.append(
            ConsolidationAction(
                step="reflect",
                memory_type=MemoryType.CORE,
                action="derived",
                memory_id=update.block.id,
                related_ids=list((related or {}).get(text, [])),
                reason=f"{label} line: {text}",
            )
        )
    for old, new in update.replaced:
        actions.append(
            ConsolidationAction(
                step="reflect",
                memory_type=MemoryType.CORE,
                action="updated",
                memory_id=update.block.id,
                reason=f"{label} line {old!r} → {new!r}",
            )
        )
    return actions
