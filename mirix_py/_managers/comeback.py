"""A value that comes back to a single-valued slot gets a record of its own.

Fact ids are content-keyed (``semantic.fact_id``): "Sam: lives in Denver" is one
id whenever it is said. When the slot's value goes A → B → A, the returning A
hits the retired A row (kept as history, ``valid_to`` set). Merging into that
row would leave the slot with no current value, or with B. Instead the
returning A is written under an id of its own, derived from the retired row's
id and the message it was stated in, and supersedes B like any new value; the
first A period stays untouched as history, so reads ``as_of`` any instant see
the value valid then.

A candidate comes back when its id hits a stored row and either

* that row is retired, the candidate was stated at or after the retirement, and
  it brings a message the row does not cite (re-ingesting the first period's
  messages still merges into the retired row), or
* that row is current but an earlier candidate of the same batch gives the slot
  another value ("moved to Portland in May, then back to Denver in October").

The returning value's twins (its role holder's relation fact) come back with it.
The derived id is deterministic, so re-adding the comeback's message finds the
comeback row by id instead of writing it again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from mirix_py._memory.base import MemoryRecord
from mirix_py._memory.extract_common import record_id
from mirix_py._memory.registry import MemoryTypeSpec


def comeback_id(old_id: str, cand: MemoryRecord) -> str:
    """The id of ``cand`` returning after the record ``old_id`` (same content) was
    retired: keyed by that id and the first message stating it again (its validity
    start when it cites none)."""
    since = cand.source_ids[0] if cand.source_ids else cand.valid_from.isoformat()
    return record_id(cand.user_id, cand.memory_type, source_ids=[since], kind=f"comeback:{old_id}")


def twin_ids(record: MemoryRecord, rules: MemoryTypeSpec) -> list[str]:
    """The ids ``record``'s twins may be stored under: their content ids and, had
    ``record`` come back, the ids its twins came back with (from the same message)."""
    return [i for t in rules.twins(record) for i in (t, comeback_id(t, record))]


def returns_after(old: MemoryRecord, cand: MemoryRecord) -> bool:
    """``cand`` states the retired ``old`` again, from a message at or after its
    retirement that ``old`` does not cite yet."""
    if old.is_current or old.valid_to is None or cand.valid_from < old.valid_to:
        return False
    return any(s not in old.source_ids for s in cand.source_ids)


def comebacks(
    candidates: Sequence[MemoryRecord],
    stored: Mapping[str, MemoryRecord],
    rules: MemoryTypeSpec,
) -> dict[str, str]:
    """``{candidate id: comeback id}`` for the candidates (in batch order) that bring
    a slot's earlier value back, and for those values' twins."""
    back: dict[str, str] = {}
    pairs: dict[str, MemoryRecord] = {}  # twin id -> the stored value it pairs with
    values: dict[str, set[str]] = {}  # slot -> the values the batch gave it so far
    for cand in candidates:
        slot = rules.slot_key(cand)
        if not slot:
            continue
        old = stored.get(cand.id)
        replaced_here = bool(values.get(slot, set()) - {cand.id})
        values.setdefault(slot, set()).add(cand.id)
        if old is None:
            continue
        if returns_after(old, cand) or (old.is_current and replaced_here):
            back[cand.id] = comeback_id(old.id, cand)
            pairs.update((t, old) for t in rules.twins(cand))
    for cand in candidates:
        pair = pairs.get(cand.id)
        old = stored.get(cand.id)
        if pair is None or old is None or cand.id in back:
            continue
        if returns_after(old, cand) or (old.is_current and pair.is_current):
            back[cand.id] = comeback_id(old.id, cand)
    return back
