"""Turning a manager's plan into writes: reconcile with what is stored, then write in bulk.

The same code applies offline extractions, LLM tool calls and single-pass
proposals, so every mode gets the same guarantees:

* exact repeats (same deterministic id) are skipped or merged (sources added);
* near-duplicates (same entity key, cosine >= ``memory.near_duplicate_similarity``
  and the same gist: equal numbers, mostly the same content words) are merged
  into the stored record instead of inserted;
* a new value for a single-valued slot (``Alice|occupation``) supersedes the
  stored one, which stays in the table with ``valid_to`` set and in history;
  a value that comes back (A → B → A) gets a record of its own
  (:mod:`mirix_py._managers.comeback`), so the first A period stays history;
* secrets are redacted from every record outside the knowledge vault;
* one embedder call for the new texts and one ``upsert`` per table per batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import structlog

from mirix_py._context import MemoryContext
from mirix_py._embeddings import cosine
from mirix_py._managers.comeback import comeback_id, comebacks, returns_after, twin_ids
from mirix_py._managers.vectors import VectorCache
from mirix_py._memory import RECORD_TYPES, history, knowledge_vault
from mirix_py._memory.base import MemoryRecord, MemoryType, utcnow
from mirix_py._memory.core import CoreLabel, CoreLine
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
        self.back: dict[str, str] = {}
        """This batch's returning values: content id → the id they come back under."""
        self.resumed: dict[str, MemoryRecord] = {}
        """This batch's "used to" facts of values that are current again, by id."""
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
        self.resumed = {}
        candidates = self._collapse([scrub(c, self.secrets) for c in plan.candidates])
        targets = [u.target_id for u in plan.updates] + [s.old_id for s in plan.supersedes]
        returning = [s.record.id for s in plan.supersedes]  # see _returning
        wanted = unique([c.id for c in candidates] + targets + returning)
        stored = {r.id: r for r in related if r.id in set(wanted)}
        done = set(checked) - set(targets)
        fetch = [i for i in wanted if i not in stored and i not in done]
        if fetch:
            found = self.ctx.store.get_many(fetch, user_id=self.user_id, memory_type=self.mtype)
            stored.update((r.id, r) for r in found)
        candidates = self._come_back(candidates, stored)
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
            new = self._returning(scrub(sup.record, self.secrets), stored)
            supersedes.append((sup.old_id, new, sup.reason))
            if sup.old_id in stored:
                replaced.append((stored[sup.old_id], new))
        self._retire_twins(replaced, writes, stored)
        self._retire(
            {i: (new, new.id) for i, new in self.resumed.items()},
            writes,
            stored,
            "the value is current again",
        )
        self._write(list(writes.values()), supersedes, plan.deletes)
        return self.done

    def _come_back(
        self, candidates: list[MemoryRecord], stored: dict[str, MemoryRecord]
    ) -> list[MemoryRecord]:
        """Re-id the candidates that bring a slot's earlier value back (see
        :mod:`mirix_py._managers.comeback`); their ids are looked up (one read), so
        re-adding the same message finds the comeback row."""
        self.back = comebacks(candidates, stored, self.rules)
        if not self.back:
            return candidates
        fetch = [i for i in self.back.values() if i not in stored]
        if fetch:
            found = self.ctx.store.get_many(fetch, user_id=self.user_id, memory_type=self.mtype)
            stored.update((r.id, r) for r in found)
        log.debug(
            "memory.value_comes_back",
            user_id=self.user_id,
            memory_type=self.mtype.value,
            count=len(self.back),
        )
        return [
            c.model_copy(update={"id": self.back[c.id]}) if c.id in self.back else c
            for c in candidates
        ]

    def _returning(self, record: MemoryRecord, stored: dict[str, MemoryRecord]) -> MemoryRecord:
        """A model's replacement value that is a retired value back (``supersede`` to the
        employer before last): under a comeback id, so the retired row stays history."""
        old = stored.get(record.id)
        if old is None or not returns_after(old, record):
            return record
        return record.model_copy(update={"id": comeback_id(old.id, record)})

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
        newer: dict[str, MemoryRecord] = {}  # slot -> the value this batch superseded it with
        for cand in fresh:
            slot = self.rules.slot_key(cand)
            key = self.rules.dedupe_key(cand)
            if slot and slot in newer:  # A → B → A in one batch: B is history in turn
                self._replace(newer[slot], cand, supersedes, writes, replaced)
                newer[slot] = cand
                continue
            earlier = [r for r in inserted if slot and self.rules.slot_key(r) == slot]
            for prev in earlier:  # the same slot twice in one batch: the later value wins
                inserted.remove(prev)
                writes.pop(prev.id, None)
                self._retract(prev.id, f"replaced in the same batch by {cand.id}")
                replaced.append((prev, cand))
            rivals = [r for r in pool_list if slot and self.rules.slot_key(r) == slot]
            if rivals:
                old = max(rivals, key=lambda r: (r.when, r.updated_at))
                if _same_content(old, cand):  # the value already current, restated
                    self._merge_into(old, cand, writes, stored)
                    continue
                if cand.when < old.when and cand.valid_from < old.valid_from:
                    # an older value arriving late (imported history): stored as history
                    writes[cand.id] = cand.model_copy(
                        update={"valid_to": old.valid_from, "superseded_by": old.id}
                    )
                    self._act("inserted", cand.id, f"history: later replaced by {old.id}")
                    replaced.append((cand, old))
                    continue
                self._replace(old, cand, supersedes, writes, replaced)
                if slot:
                    newer[slot] = cand
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

    def _replace(
        self,
        old: MemoryRecord,
        cand: MemoryRecord,
        supersedes: list[tuple[str, MemoryRecord, str]],
        writes: dict[str, MemoryRecord],
        replaced: list[tuple[MemoryRecord, MemoryRecord]],
    ) -> None:
        """Supersede ``old`` by ``cand`` and keep the fact that ``old`` was the value."""
        supersedes.append((old.id, cand, f"{_short(old)} → {_short(cand)}"))
        replaced.append((old, cand))
        before = history.previous_value(old, cand)  # "used to live in …"
        if before is not None and before.id not in writes:
            writes[before.id] = before
            self._act("inserted", before.id, f"the value before {cand.id}")
        past = history.previous_value(cand, old)  # a value back: no longer only "used to"
        if past is not None:
            self.resumed[past.id] = cand

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
            new_twins = [self.back.get(t, t) for t in self.rules.twins(new)]
            for twin_id in twin_ids(old, self.rules):
                if twin_id not in new_twins:
                    wanted[twin_id] = (new, new_twins[0] if new_twins else new.id)
        self._retire(wanted, writes, stored, "its pair was replaced")

    def _retire(
        self,
        wanted: dict[str, tuple[MemoryRecord, str]],
        writes: dict[str, MemoryRecord],
        stored: dict[str, MemoryRecord],
        because: str,
    ) -> None:
        """Retire the current records ``wanted`` names (id → (the new value, the id that
        supersedes it)) as history; found by id (one lookup for those not at hand)."""
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
        for memory_id, (new, by) in wanted.items():
            old = writes.get(memory_id) or stored.get(memory_id) or found.get(memory_id)
            if old is None or not old.is_current:
                continue
            now = utcnow()
            since = min(max(new.valid_from, old.valid_from), now)
            writes[memory_id] = old.model_copy(
                update={"valid_to": since, "superseded_by": by, "updated_at": now}
            )
            why = f"{_short(old)} → {_short(new)}"
            if memory_id in stored or memory_id in found:
                self._act("superseded", memory_id, f"{because}: {why}")
            else:  # written by this batch: stored as history from the start
                self._relabel(memory_id, f"history: {because} in the same batch: {why}")

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
