"""Bounded fragments and index segments: what a purge must rewrite stays small.

A purge has to rewrite every file that holds a forgotten row: the data
fragment, and every index file that holds its words or keys (LanceDB can
neither drop one token from a full-text index nor one key from a scalar
index in place). If a table is one big fragment with one index over all of
it, a purge rewrites the whole table for all users. This module keeps both small:

* **fragments** are compacted to ``fragment_rows`` rows (Lance keeps them
  between about one and two times that; :func:`compact`, Lance's
  ``compact_files`` with a target size; LanceDB's own ``optimize`` would merge
  them into fragments of a million rows);
* every full-text and scalar index (FTS, BTree, Bitmap, LabelList) is a list
  of **segments**, each built over a group of whole fragments holding at most
  about ``segment_rows`` rows (:func:`refresh_indexes`), fragments of the
  compaction's target size apart from smaller ones, which the next compaction
  merges (:func:`_groups`). After a purge rewrote
  some fragments, only the segments that covered them are rebuilt, over their
  surviving fragments and the rewritten ones (after a compaction, which remaps
  the segments over the fragments it rewrote, only those whose remap keeps
  deleted values: see :func:`refresh_indexes`); the same call indexes new
  fragments, merges small segments and splits oversized ones (an index built
  whole by ``create_index`` is split on its first refresh).

A segment is built with Lance's segment API (``create_index_uncommitted`` over
a fragment list) and swapped in by one ``CreateIndex`` commit that adds the
new segments and removes the old ones, so readers always see a complete index.
Vector indexes are not segmented here: they hold no text, and
:func:`fold_vector_indexes` brings them up to date with new rows.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import structlog
from lance import LanceDataset, LanceOperation
from lance.dataset import Index
from lancedb.index import FTS, Bitmap, BTree, LabelList

log = structlog.get_logger(__name__)

FRAGMENT_ROWS = 8_192
SEGMENT_ROWS = 16_384
# The history table's fragments: only indexed lookups read them, and every forget
# purges one (its events hold the memory's content), so they are kept smaller, and
# its index segments cover about this many of them (a purge's compaction remaps the
# segments over the rewritten fragment whole; a lookup visits every segment).
HISTORY_FRAGMENT_ROWS = 1_024
HISTORY_SEGMENT_FRAGMENTS = 4

# Lance's index type names (as ``describe_indices`` reports them) -> build type.
_SEGMENTED = {
    "Inverted": "INVERTED",
    "BTree": "BTREE",
    "Bitmap": "BITMAP",
    "LabelList": "LABEL_LIST",
}
_WHOLE_CONFIGS: dict[str, Callable[[], Any]] = {
    "BTREE": BTree,
    "BITMAP": Bitmap,
    "LABEL_LIST": LabelList,
}
_FTS_FIELDS = (
    "with_position",
    "base_tokenizer",
    "language",
    "max_token_length",
    "lower_case",
    "stem",
    "remove_stop_words",
    "ascii_folding",
    "custom_stop_words",
)
# Index kinds whose compaction remap rewrites them from the surviving rows only, so a
# remapped segment holds no value of a deleted row (pinned by
# tests/integration/store/test_remap_forgets.py). A bitmap's remap keeps the key.
_RETRAINED_ON_REMAP = frozenset({"BTREE", "INVERTED"})
_VECTOR_PREFIXES = ("IVF", "HNSW")
_REFRESH_ROUNDS = 3
VECTOR_DELTAS = 8


@dataclass(frozen=True)
class Layout:
    """How big a fragment and an index segment may grow (rows)."""

    fragment_rows: int = FRAGMENT_ROWS
    segment_rows: int = SEGMENT_ROWS

    def for_history(self, history_fragment_rows: int) -> Layout:
        """The history table's layout: fragments of ``history_fragment_rows`` and
        index segments over about :data:`HISTORY_SEGMENT_FRAGMENTS` of them."""
        segment_rows = min(self.segment_rows, HISTORY_SEGMENT_FRAGMENTS * history_fragment_rows)
        return Layout(fragment_rows=history_fragment_rows, segment_rows=segment_rows)


def dataset(table: Any) -> LanceDataset:
    """The Lance dataset behind a LanceDB table, at its latest version."""
    table.checkout_latest()
    ds: LanceDataset = table.to_lance()
    return ds


def live_fragments(ds: LanceDataset) -> dict[int, int]:
    """Fragment id -> physical rows, from the manifest (no data is read)."""
    return {f.fragment_id: int(f.metadata.physical_rows) for f in ds.get_fragments()}


def fts_params(config: FTS) -> dict[str, Any]:
    """The keyword arguments of Lance's ``INVERTED`` build for a LanceDB ``FTS`` config."""
    params = {name: getattr(config, name) for name in _FTS_FIELDS}
    return {k: v for k, v in params.items() if v is not None}


def compact(table: Any, fragment_rows: int) -> set[int]:
    """Merge small fragments (and drop deleted rows) into fragments of at most
    ``fragment_rows`` rows; returns the fragment ids that changed (removed or new)."""
    ds = dataset(table)
    before = set(live_fragments(ds))
    ds.optimize.compact_files(target_rows_per_fragment=fragment_rows)
    after = set(live_fragments(dataset(table)))
    return before ^ after


def _pack(fragments: Sequence[int], rows: Mapping[int, int], limit: int) -> list[list[int]]:
    """Consecutive fragments packed so that each group holds at most ``limit`` rows
    (a single larger fragment forms its own group)."""
    groups: list[list[int]] = []
    current: list[int] = []
    total = 0
    for fid in fragments:
        n = rows.get(fid, 0)
        if current and total + n > limit:
            groups.append(current)
            current, total = [], 0
        current.append(fid)
        total += n
    if current:
        groups.append(current)
    return groups


def _settled(fragment_ids: Iterable[int], rows: Mapping[int, int], settled_rows: int) -> bool:
    """Whether every one of these fragments holds ``settled_rows`` rows or more:
    compaction leaves such a fragment alone (Lance merges only smaller ones)."""
    return all(rows.get(f, 0) >= settled_rows for f in fragment_ids)


def _groups(
    fragments: Sequence[int], rows: Mapping[int, int], limit: int, settled_rows: int = 0
) -> list[list[int]]:
    """Fragments grouped into segments of at most ``limit`` rows, settled fragments
    (at least ``settled_rows`` rows) apart from the small ones the next compaction
    will merge: otherwise merging a few fresh rows (a purge's history events, the
    latest adds) would make the segment over a large settled fragment stale, and
    it would be remapped and rebuilt whole for them."""
    settled = [f for f in fragments if rows.get(f, 0) >= settled_rows]
    fresh = [f for f in fragments if rows.get(f, 0) < settled_rows]
    return _pack(settled, rows, limit) + _pack(fresh, rows, limit)


def _stale_segments(
    segments: Sequence[Any],
    rows: Mapping[int, int],
    touched: set[int],
    limit: int,
    *,
    merge_small: bool,
    settled_rows: int = 0,
) -> list[Any]:
    """Segments to rebuild: those covering touched fragments or a fragment that is
    gone (a segment only remapped after a rewrite keeps the old rows' words),
    segments claiming a fragment another segment claims too, oversized ones (of
    several fragments: one larger fragment stays a segment of its own), and
    (``merge_small``) the small ones when there are several of a kind to merge
    (settled or not: :func:`_groups` keeps the kinds apart, so merging across them
    would rebuild the same segments on every run)."""

    def size(segment: Any) -> int:
        return sum(rows.get(f, 0) for f in segment.fragment_ids)

    def dead(segment: Any) -> bool:  # covers a fragment that was rewritten or dropped
        return any(f not in rows for f in segment.fragment_ids)

    claims: dict[int, int] = {}
    for segment in segments:
        for f in segment.fragment_ids:
            claims[f] = claims.get(f, 0) + 1

    def shared(segment: Any) -> bool:  # a fragment two segments claim (a remap of a merge)
        return any(claims[f] > 1 for f in segment.fragment_ids)

    def oversized(segment: Any) -> bool:  # one fragment is a group of its own, whatever its size
        return len(segment.fragment_ids) > 1 and size(segment) > 2 * limit

    stale = [
        s
        for s in segments
        if touched.intersection(s.fragment_ids) or dead(s) or shared(s) or oversized(s)
    ]
    small = [s for s in segments if s not in stale and size(s) < limit // 2]
    if merge_small:
        for kind in (True, False):
            alike = [s for s in small if _settled(s.fragment_ids, rows, settled_rows) is kind]
            if len(alike) > 1:
                stale.extend(alike)
    return stale


def _build(
    ds: LanceDataset, column: str, kind: str, name: str, fragments: list[int], fts: FTS
) -> Index:
    params = fts_params(fts) if kind == "INVERTED" else {}
    segment = ds.create_index_uncommitted(
        column, kind, name=name, replace=True, fragment_ids=fragments, **params
    )
    if kind == "INVERTED":  # a full-text segment is written as staging files until merged
        segment = ds.merge_existing_index_segments([segment])
    return segment


def _as_index(segment: Any, name: str, fields: list[int]) -> Index:
    return Index(
        uuid=segment.uuid,
        name=name,
        fields=fields,
        dataset_version=segment.dataset_version_at_last_update,
        fragment_ids=segment.fragment_ids,
        index_version=segment.index_version,
    )


def detach_rebuilt_segments(table: Any, fragment_ids: Iterable[int], *, min_rows: int) -> int:
    """Remove the index segments over these fragments that a purge rebuilds after its
    compaction anyway (bitmap and label-list: their remap keeps a key whose rows are
    all gone), in one commit before it, so the compaction does not remap them first
    (its remap was about a tenth of the CPU time of a purge of a 9,000-row fragment
    of ``benchmarks.scale``'s 1,000-user database). Only segments of ``min_rows``
    rows or more are worth the extra commit. An index's last segments are kept
    (removing them would remove the index): they are remapped and rebuilt as before.
    Until :func:`refresh_indexes` indexes the rewritten fragments, reads filter them
    unindexed. Returns the segments removed."""
    targets = set(fragment_ids)
    ds = dataset(table)
    rows = live_fragments(ds)
    removed: list[Index] = []
    for desc in _segmented(ds).values():
        if _SEGMENTED[desc.index_type] in _RETRAINED_ON_REMAP:
            continue
        over = [
            s
            for s in desc.segments
            if targets.intersection(s.fragment_ids)
            and sum(rows.get(f, 0) for f in s.fragment_ids) >= min_rows
        ]
        if over and len(over) < len(desc.segments):
            removed += [_as_index(s, desc.name, list(desc.fields)) for s in over]
    if removed:
        LanceDataset.commit(
            ds,
            LanceOperation.CreateIndex(new_indices=[], removed_indices=removed),
            read_version=ds.version,
        )
        table.checkout_latest()
    return len(removed)


def refresh_indexes(
    table: Any,
    touched: Iterable[int],
    *,
    fts: FTS,
    segment_rows: int = SEGMENT_ROWS,
    merge_small: bool = False,
    remapped: bool = False,
    fragment_rows: int = FRAGMENT_ROWS,
) -> int:
    """Bring every full-text and scalar index of ``table`` up to date, segment by segment.

    ``touched`` are fragment ids that were removed or written since the indexes
    were last refreshed (a purge rewrite, a compaction). Segments covering them
    or a fragment that is gone are rebuilt over their live fragments; fragments
    no segment covers are indexed; the other segments are left alone
    (``merge_small``, for the maintenance step: small segments are merged too).
    The cost is that of the rows of the rebuilt segments, never that of the
    table. Returns the segments built.

    ``remapped``: the touched fragments were rewritten by a Lance compaction,
    which remapped the index segments over them. A remapped BTree or full-text
    segment is rewritten from its surviving rows only (pylance 13: no byte of a
    deleted key in the BTree's pages; the full-text dictionary loses exactly the
    deleted row's own words), so it is kept; a remapped bitmap keeps a key whose
    rows are all gone, so bitmap segments over touched fragments are rebuilt. A
    segment Lance did not remap still names a fragment that is gone, and is rebuilt.
    """
    touched_ids = set(touched)
    built = 0
    ds = dataset(table)
    # One snapshot serves every index until one of them commits (describing the
    # indexes costs in proportion to their segments: once per commit, not per index).
    current = _segmented(ds)
    for name in list(current):
        # A concurrent rewrite may drop a fragment a new segment covers: re-check.
        for attempt in range(_REFRESH_ROUNDS):
            done = _refresh_one(
                table,
                ds,
                current.get(name),
                touched_ids if attempt == 0 else set(),
                fts=fts,
                segment_rows=segment_rows,
                merge_small=merge_small,
                remapped=remapped,
                fragment_rows=fragment_rows,
            )
            built += done
            if not done:
                break
            ds = dataset(table)
            current = _segmented(ds)
    table.checkout_latest()
    return built


def _segmented(ds: LanceDataset) -> dict[str, Any]:
    """The dataset's full-text and scalar indexes by name."""
    return {d.name: d for d in ds.describe_indices() if d.index_type in _SEGMENTED}


def _refresh_one(
    table: Any,
    ds: LanceDataset,
    current: Any,
    touched: set[int],
    *,
    fts: FTS,
    segment_rows: int,
    merge_small: bool,
    remapped: bool,
    fragment_rows: int,
) -> int:
    """One round of :func:`refresh_indexes` for one index (``current``, as described
    in ``ds``, the table's latest version): segments built (0: nothing committed)."""
    if current is None:
        return 0
    name = current.name
    rows = live_fragments(ds)
    kind = _SEGMENTED[current.index_type]
    if remapped and kind in _RETRAINED_ON_REMAP:
        touched = set()
    segments = list(current.segments)
    indexed = {f for s in segments for f in s.fragment_ids}
    stale = _stale_segments(
        segments, rows, touched, segment_rows, merge_small=merge_small, settled_rows=fragment_rows
    )
    cover = {f for s in stale for f in s.fragment_ids if f in rows}
    cover |= set(rows) - indexed
    if not stale and not cover:
        return 0
    column = current.field_names[0]
    if len(stale) == len(segments) and not cover:
        # Nothing live left to index: an empty index replaces the old one.
        config = fts if kind == "INVERTED" else _WHOLE_CONFIGS[kind]()
        table.create_index(column, config=config, replace=True)
        return 1
    new = [
        _build(ds, column, kind, name, group, fts)
        for group in _groups(sorted(cover), rows, segment_rows, fragment_rows)
    ]
    removed = [_as_index(s, name, list(current.fields)) for s in stale]
    LanceDataset.commit(
        ds,
        LanceOperation.CreateIndex(new_indices=new, removed_indices=removed),
        read_version=ds.version,
    )
    log.debug(
        "store.index_segments_refreshed",
        table=table.name,
        index=name,
        built=len(new),
        removed=len(removed),
        rows=sum(rows.get(f, 0) for f in cover),
    )
    return len(new)


def fold_vector_indexes(table: Any, *, max_deltas: int = VECTOR_DELTAS) -> None:
    """Index new rows in the table's vector indexes, in proportion to them.

    The new rows go into a new delta of the index (assigned to the existing
    partitions, no retraining); LanceDB's ``optimize`` would instead rewrite the
    latest delta, i.e. the whole index, on every run. Once an index has
    ``max_deltas`` deltas they are merged into one (a search visits each delta).
    """
    ds = dataset(table)
    rows = live_fragments(ds)
    for desc in ds.describe_indices():
        if not desc.index_type.upper().startswith(_VECTOR_PREFIXES):
            continue
        covered = {f for s in desc.segments for f in s.fragment_ids}
        if not set(rows) - covered:
            continue
        deltas = len(desc.segments)
        merge = deltas if deltas + 1 > max_deltas else 0
        ds.optimize.optimize_indices(index_names=[desc.name], num_indices_to_merge=merge)
        ds = dataset(table)
    table.checkout_latest()


def cleanup(table: Any, older_than: timedelta) -> None:
    """Delete the files of versions older than ``older_than`` (never unverified files:
    they may be another process's write in flight)."""
    with warnings.catch_warnings():
        # A zero window breaks readers on old versions: an explicit purge wins over them.
        warnings.simplefilter("ignore", UserWarning)
        dataset(table).cleanup_old_versions(older_than=older_than, delete_unverified=False)
    table.checkout_latest()
