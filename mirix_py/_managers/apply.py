"""Turning a manager's plan into writes: reconcile with what is stored, then write in bulk.

The same code applies offline extractions, LLM tool calls and single-pass
proposals, so every mode gets the same guarantees:

* exact repeats (same deterministic id) are skipped or merged (sources added);
* near-duplicates (same entity key, cosine >= ``memory.near_duplicate_similarity``
  and the same gist: equal numbers, mostly the same content words) are merged
  into the stored record instead of inserted;
* a new value for a single-valued slot (``Alice|occupation``) supersedes the
  stored one, which stays in the table with ``valid_to`` set and in history;
* secrets are redacted from every record outside the knowledge vault;
* one embedder call for the new texts and one ``upsert`` per table per batch.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import structlog

from mirix_py._context import MemoryContext
from mirix_py._embeddings import cosine
from mirix_py._managers.vectors import VectorCache
from mirix_py._memory import RECORD_TYPES, core, history, knowledge_vault
from mirix_py._memory.base import MemoryRecord, MemoryType, utcnow
from mirix_py._memory.core import CoreLabel, CoreLine, CoreMemory
from mirix_py._memory.extract_common import same_gist, unique
from mirix_py._memory.registry import MemoryTypeSpec
from mirix_py._receipts import RecordAction
from mirix_py._store.base import SearchQuery

log = structlog.get_logger(__name__)

_SLOT_LOOKUP_LIMIT = 10
_MAX_NEIGHBOUR_SEARCHES = 4


@dataclass(frozen=True)
class UpdateOp:
    """Change fields of a stored record (LLM ``update`` tool)."""

    target_id: str
    fields: dict[str, Any]
    source_ids: list[str]
    reason: str = ""


@dataclass(frozen=True)
class SupersedeOp:
    """Retire a stored record and store its replacement (LLM ``supersede`` tool)."""

    old_id: str
    record: MemoryRecord
    reason: str = ""


@dataclass(frozen=True)
class DeleteOp:
    """Remove a stored record (LLM ``delete`` tool)."""

    target_id: str
    reason: str = ""


@dataclass
class Plan:
    """What one manager decided for one batch."""

    candidates: list[MemoryRecord] = field(default_factory=list)
    updates: list[UpdateOp] = field(default_factory=list)
    supersedes: list[SupersedeOp] = field(default_factory=list)
    deletes: list[DeleteOp] = field(default_factory=list)
    core_lines: dict[CoreLabel, list[CoreLine]] = field(default_factory=dict)
    core_rewrites: dict[CoreLabel, tuple[str, list[str]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def extend(self, other: Plan) -> None:
        """Add another plan's operations to this one."""
        self.candidates.extend(other.candidates)
        self.updates.extend(other.updates)
        self.supersedes.extend(other.supersedes)
        self.deletes.extend(other.deletes)
        for label, lines in other.core_lines.items():
            self.core_lines.setdefault(label, []).extend(lines)
        self.core_rewrites.update(other.core_rewrites)
        self.notes.extend(other.notes)


def scrub(record: MemoryRecord, secrets: Sequence[str] = ()) -> MemoryRecord:
    """``record`` with sensitive values redacted from its text fields.

    For a vault entry every field but ``secret_value`` is scrubbed too (its own
    secret included), so captions never carry the value in clear.
    """
    payload = record.payload()
    if record.memory_type is MemoryType.KNOWLEDGE_VAULT:
        secrets = [*secrets, str(payload.pop("secret_value", ""))]
    changes: dict[str, Any] = {}
    for name, value in payload.items():
        if isinstance(value, str) and value:
            clean = knowledge_vault.redact_values(value, secrets)
            if clean != value:
                changes[name] = clean
        elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            cleaned = [knowledge_vault.redact_values(v, secrets) for v in value]
            if cleaned != value:
                changes[name] = cleaned
    return record.model_copy(update=changes) if changes else record


def _same_content(a: MemoryRecord, b: MemoryRecord) -> bool:
    """Same memory: the same embedded text (provenance notes like ``source`` may differ)."""
    return a.embed_text() == b.embed_text()


class Applier:
    """Reconciles a plan for one memory type against the store and writes it."""

    def __init__(
        self,
        ctx: MemoryContext,
        vectors: VectorCache,
        rules: MemoryTypeSpec,
        *,
        user_id: str,
        actor: str,
        secrets: Sequence[str] = (),
        search_neighbours: bool = False,
    ) -> None:
        self.ctx = ctx
        self.search_neighbours = search_neighbours
        self.vectors = vectors
        self.rules = rules
        self.mtype = rules.memory_type
        self.user_id = user_id
        self.actor = actor
        self.secrets = list(secrets)
        self.threshold = ctx.config.memory.near_duplicate_similarity
        self.pending: list[RecordAction] = []
        self.done: list[RecordAction] = []
        """Actions whose writes completed (what the receipt reports, even after a failure)."""

    def _act(self, action: str, memory_id: str | None, reason: str) -> None:
        self.pending.append(
            RecordAction(
                memory_type=self.mtype,
                action=action,  # type: ignore[arg-type]
                memory_id=memory_id,
                reason=reason,
            )
        )

    def _vector(self, record: MemoryRecord) -> list[float]:
        if record.embedding is not None:
            return record.embedding
        return self.vectors.embed([record.embed_text()])[0]

    def _with_vectors(self, records: Sequence[MemoryRecord]) -> list[MemoryRecord]:
        todo = [r for r in records if r.embedding is None]
        if todo:
            vecs = self.vectors.embed([r.embed_text() for r in todo])
            done = {id(r): v for r, v in zip(todo, vecs, strict=True)}
            return [
                r if r.embedding is not None else r.model_copy(update={"embedding": done[id(r)]})
                for r in records
            ]
        return list(records)

    # ------------------------------------------------------------------ plan

    def apply(
        self, plan: Plan, related: Sequence[MemoryRecord], checked: Sequence[str] = ()
    ) -> list[RecordAction]:
        """Reconcile and write ``plan``; returns what happened to each record.

        ``related`` are memories the retrieval step fetched; ``checked`` the ids
        it looked up (present or not), which are not asked for again.
        """
        candidates = self._collapse([scrub(c, self.secrets) for c in plan.candidates])
        targets = [u.target_id for u in plan.updates] + [s.old_id for s in plan.supersedes]
        wanted = unique([c.id for c in candidates] + targets)
        stored = {r.id: r for r in related if r.id in set(wanted)}
        done = set(checked) - set(targets)
        fetch = [i for i in wanted if i not in stored and i not in done]
        if fetch:
            found = self.ctx.store.get_many(fetch, user_id=self.user_id, memory_type=self.mtype)
            stored.update((r.id, r) for r in found)
        writes: dict[str, MemoryRecord] = {}
        fresh: list[MemoryRecord] = []
        for cand in candidates:
            old = stored.get(cand.id)
            combined = (
                self.rules.combine(old, cand)
                if old is not None and old.is_current and self.rules.combine is not None
                else None
            )
            if old is not None and combined is not None:
                if _same_content(old, combined) and combined.source_ids == old.source_ids:
                    self._act("skipped", old.id, "unchanged (already stored)")
                else:  # the combined record names exactly its own sources
                    writes[old.id] = combined.model_copy(update={"updated_at": utcnow()})
                    self._act("updated", old.id, "folded into the stored record")
                continue
            if old is None:
                fresh.append(cand)
            elif _same_content(old, cand):
                added = [s for s in cand.source_ids if s not in old.source_ids]
                if added:
                    writes[old.id] = old.model_copy(
                        update={"source_ids": [*old.source_ids, *added], "updated_at": utcnow()}
                    )
                    self._act("merged", old.id, f"stated again in {', '.join(added)}")
                else:
                    self._act("skipped", old.id, "unchanged (already stored)")
            else:
                writes[cand.id] = cand.model_copy(
                    update={
                        "created_at": old.created_at,
                        "updated_at": utcnow(),
                        "source_ids": unique([*old.source_ids, *cand.source_ids]),
                    }
                )
                self._act("updated", cand.id, "the source message changed")
        replaced: list[tuple[MemoryRecord, MemoryRecord]] = []
        supersedes = self._reconcile(fresh, related, stored, writes, replaced)
        for op in plan.updates:
            self._update(op, stored, writes)
        for sup in plan.supersedes:
            supersedes.append((sup.old_id, scrub(sup.record, self.secrets), sup.reason))
            if sup.old_id in stored:
                replaced.append((stored[sup.old_id], sup.record))
        self._retire_twins(replaced, writes, stored)
        self._write(list(writes.values()), supersedes, plan.deletes)
        return self.done

    def _collapse(self, candidates: Sequence[MemoryRecord]) -> list[MemoryRecord]:
        """Merge candidates with the same id (the same fact stated twice in a batch)."""
        by_id: dict[str, MemoryRecord] = {}
        for cand in candidates:
            seen = by_id.get(cand.id)
            if seen is None:
                by_id[cand.id] = cand
            else:
                by_id[cand.id] = seen.model_copy(
                    update={"source_ids": unique([*seen.source_ids, *cand.source_ids])}
                )
        return list(by_id.values())

    def _reconcile(
        self,
        fresh: list[MemoryRecord],
        related: Sequence[MemoryRecord],
        stored: dict[str, MemoryRecord],
        writes: dict[str, MemoryRecord],
        replaced: list[tuple[MemoryRecord, MemoryRecord]],
    ) -> list[tuple[str, MemoryRecord, str]]:
        """Near-duplicate merging and slot supersession for new candidates; every
        ``(old, new)`` value pair of a slot is added to ``replaced``."""
        keyed = [c for c in fresh if self.rules.dedupe_key(c) or self.rules.slot_key(c)]
        if not keyed:
            for cand in fresh:
                writes[cand.id] = cand
                self._act("inserted", cand.id, _why(cand))
            return []
        pool: dict[str, MemoryRecord] = {
            r.id: r for r in [*related, *stored.values()] if r.is_current
        }
        fresh = self._with_vectors(fresh)
        if self.search_neighbours:
            self._lookup_neighbours(fresh, pool)
        self._lookup_slots(fresh, pool)
        pool_list = self._with_vectors(list(pool.values()))
        supersedes: list[tuple[str, MemoryRecord, str]] = []
        inserted: list[MemoryRecord] = []
        for cand in fresh:
            slot = self.rules.slot_key(cand)
            key = self.rules.dedupe_key(cand)
            earlier = [r for r in inserted if slot and self.rules.slot_key(r) == slot]
            for prev in earlier:  # the same slot twice in one batch: the later value wins
                inserted.remove(prev)
                writes.pop(prev.id, None)
                self._retract(prev.id, f"replaced in the same batch by {cand.id}")
                replaced.append((prev, cand))
            rivals = [r for r in pool_list if slot and self.rules.slot_key(r) == slot]
            if rivals:
                old = max(rivals, key=lambda r: (r.when, r.updated_at))
                if cand.when < old.when and cand.valid_from < old.valid_from:
                    # an older value arriving late (imported history): stored as history
                    writes[cand.id] = cand.model_copy(
                        update={"valid_to": old.valid_from, "superseded_by": old.id}
                    )
                    self._act("inserted", cand.id, f"history: later replaced by {old.id}")
                    replaced.append((cand, old))
                    continue
                supersedes.append((old.id, cand, f"{_short(old)} → {_short(cand)}"))
                replaced.append((old, cand))
                before = history.previous_value(old, cand)  # "used to live in …"
                if before is not None and before.id not in writes:
                    writes[before.id] = before
                    self._act("inserted", before.id, f"the value before {cand.id}")
                pool_list = [r for r in pool_list if r.id != old.id]
                continue
            twin = self._near_duplicate(cand, key, [*pool_list, *inserted])
            if twin is not None:
                self._merge_into(twin, cand, writes, stored)
                continue
            writes[cand.id] = cand
            inserted.append(cand)
            self._act("inserted", cand.id, _why(cand))
        return supersedes

    def _retire_twins(
        self,
        replaced: Sequence[tuple[MemoryRecord, MemoryRecord]],
        writes: dict[str, MemoryRecord],
        stored: dict[str, MemoryRecord],
    ) -> None:
        """Retire the twins of each replaced value ("Rosa: is the user's nanny" once
        "nanny is Rosa" gives way to "nanny is Mei"): kept as history, superseded by the
        new value's twin. Twins are found by id (one lookup for those not at hand)."""
        wanted: dict[str, tuple[MemoryRecord, str]] = {}
        for old, new in replaced:
            new_twins = list(self.rules.twins(new))
            for twin_id in self.rules.twins(old):
                if twin_id not in new_twins:
                    wanted[twin_id] = (new, new_twins[0] if new_twins else new.id)
        if not wanted:
            return
        fetch = [i for i in wanted if i not in writes and i not in stored]
        found = (
            {
                r.id: r
                for r in self.ctx.store.get_many(
                    fetch, user_id=self.user_id, memory_type=self.mtype
                )
            }
            if fetch
            else {}
        )
        for twin_id, (new, by) in wanted.items():
            twin = writes.get(twin_id) or stored.get(twin_id) or found.get(twin_id)
            if twin is None or not twin.is_current:
                continue
            now = utcnow()
            since = min(max(new.valid_from, twin.valid_from), now)
            writes[twin_id] = twin.model_copy(
                update={"valid_to": since, "superseded_by": by, "updated_at": now}
            )
            why = f"{_short(twin)} → {_short(new)}"
            if twin_id in stored or twin_id in found:
                self._act("superseded", twin_id, f"its pair was replaced: {why}")
            else:  # written by this batch: stored as history from the start
                self._relabel(twin_id, f"history: its pair was replaced in the same batch: {why}")

    def _relabel(self, memory_id: str, reason: str) -> None:
        self.pending = [
            a
            if a.memory_id != memory_id or a.action != "inserted"
            else a.model_copy(update={"reason": reason})
            for a in self.pending
        ]

    def _retract(self, memory_id: str, reason: str) -> None:
        self.pending = [
            a
            if a.memory_id != memory_id or a.action != "inserted"
            else a.model_copy(update={"action": "skipped", "reason": reason})
            for a in self.pending
        ]

    def _lookup_neighbours(
        self, fresh: Sequence[MemoryRecord], pool: dict[str, MemoryRecord]
    ) -> None:
        """Fetch stored memories near each new group (one search per dedupe key).

        Offline, this replaces the retrieval step's similarity search for this
        type, so it overlaps the other managers' writes instead of delaying routing.
        """
        groups: dict[str, list[list[float]]] = {}
        for cand in fresh:
            key = self.rules.dedupe_key(cand)
            if key and cand.embedding is not None:
                groups.setdefault(key, []).append(cand.embedding)
        limit = self.ctx.config.retrieval.coarse_k * 2
        for vecs in list(groups.values())[:_MAX_NEIGHBOUR_SEARCHES]:
            centroid = [sum(col) / len(vecs) for col in zip(*vecs, strict=True)]
            hits = self.ctx.store.search(
                SearchQuery(
                    user_id=self.user_id,
                    mode="vector",
                    vector=tuple(centroid),
                    memory_types=(self.mtype,),
                    limit=limit,
                )
            )
            for hit in hits:
                if hit.record.is_current:
                    pool.setdefault(hit.record.id, hit.record)

    def _lookup_slots(self, fresh: Sequence[MemoryRecord], pool: dict[str, MemoryRecord]) -> None:
        """Search the store for the current holder of each candidate's slot."""
        known = {self.rules.slot_key(r) for r in pool.values()}
        for cand in fresh:
            slot = self.rules.slot_key(cand)
            if not slot or slot in known or cand.embedding is None:
                continue
            hits = self.ctx.store.search(
                SearchQuery(
                    user_id=self.user_id,
                    mode="vector",
                    vector=tuple(cand.embedding),
                    memory_types=(self.mtype,),
                    limit=_SLOT_LOOKUP_LIMIT,
                )
            )
            for hit in hits:
                if hit.record.is_current and hit.record.id != cand.id:
                    pool.setdefault(hit.record.id, hit.record)
            known.add(slot)

    def _near_duplicate(
        self, cand: MemoryRecord, key: str | None, pool: Sequence[MemoryRecord]
    ) -> MemoryRecord | None:
        if not key or cand.embedding is None:
            return None
        best: tuple[float, MemoryRecord] | None = None
        for other in pool:
            if other.id == cand.id or self.rules.dedupe_key(other) != key:
                continue
            if other.embedding is None or not same_gist(cand.embed_text(), other.embed_text()):
                continue
            score = cosine(cand.embedding, other.embedding)
            if score >= self.threshold and (best is None or score > best[0]):
                best = (score, other)
        return best[1] if best else None

    def _merge_into(
        self,
        target: MemoryRecord,
        cand: MemoryRecord,
        writes: dict[str, MemoryRecord],
        stored: dict[str, MemoryRecord],
    ) -> None:
        base = writes.get(target.id) or stored.get(target.id)
        if base is None:
            found = self.ctx.store.get_many(
                [target.id], user_id=self.user_id, memory_type=self.mtype
            )
            base = found[0] if found else target
        added = [s for s in cand.source_ids if s not in base.source_ids]
        if not added:
            self._act("skipped", base.id, f"near-duplicate of {base.id}")
            return
        writes[base.id] = base.model_copy(
            update={"source_ids": [*base.source_ids, *added], "updated_at": utcnow()}
        )
        self._act("merged", base.id, f"near-duplicate restated in {', '.join(added)}")

    def _update(
        self, op: UpdateOp, stored: dict[str, MemoryRecord], writes: dict[str, MemoryRecord]
    ) -> None:
        base = writes.get(op.target_id) or stored[op.target_id]
        data = base.model_dump()
        data.update({k: v for k, v in op.fields.items() if v is not None})
        data["source_ids"] = unique([*base.source_ids, *op.source_ids])
        data["updated_at"] = utcnow()
        data["embedding"] = None
        record = scrub(RECORD_TYPES[self.mtype].model_validate(data), self.secrets)
        writes[record.id] = record
        self._act("updated", record.id, op.reason or "updated by the manager")

    # ----------------------------------------------------------------- write

    def _write(
        self,
        upserts: list[MemoryRecord],
        supersedes: list[tuple[str, MemoryRecord, str]],
        deletes: Sequence[DeleteOp],
    ) -> None:
        ready = self._with_vectors([*upserts, *(new for _, new, _ in supersedes)])
        if upserts:
            self.ctx.store.upsert(ready[: len(upserts)], actor=self.actor, reason="write path")
        self.done.extend(self.pending)
        self.pending = []
        for (old_id, _, why), new in zip(supersedes, ready[len(upserts) :], strict=True):
            self.ctx.store.supersede(
                old_id, new, user_id=self.user_id, actor=self.actor, reason=why
            )
            self._act("superseded", old_id, f"replaced by {new.id}: {why}")
            self._act("inserted", new.id, f"supersedes {old_id}")
            self.done.extend(self.pending)
            self.pending = []
        for op in deletes:
            self.ctx.store.delete(op.target_id, user_id=self.user_id, actor=self.actor, purge=False)
            self._act("deleted", op.target_id, op.reason or "deleted by the manager")
            self.done.extend(self.pending)
            self.pending = []


def _short(record: MemoryRecord) -> str:
    text = record.embed_text()
    return text if len(text) <= 80 else text[:79] + "…"


def _why(record: MemoryRecord) -> str:
    sources = ", ".join(record.source_ids[:3]) + ("…" if len(record.source_ids) > 3 else "")
    return f"new: {_short(record)}" + (f" (from {sources})" if sources else "")


# ------------------------------------------------------------------- core


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
) -> list[RecordAction]:
    """Merge lines into (or rewrite) the user's core blocks; spill overflow to semantic.

    Blocks are edited in place (history keeps old values). When a block would
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
                block, value, user_id=user_id, sources=sources, limit=limit, label=label
            )
            block = update.block
        if plan.core_lines.get(label):
            more = core.merge_lines(
                block, plan.core_lines[label], user_id=user_id, limit=limit, label=label
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
