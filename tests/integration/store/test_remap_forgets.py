"""What a Lance compaction's index remap keeps of deleted rows (pylance as pinned).

A purge rewrites the fragments that held forgotten rows by a compaction restricted
to them, which remaps every index over those fragments. The purge then rebuilds
only the index segments whose remap can keep a forgotten value
(:data:`mirix_py._store.segments._RETRAINED_ON_REMAP` names the others). These
tests pin the facts that rests on, so that a pylance upgrade that changes them
fails here rather than leaving forgotten words or keys in an index file.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import lance
import lancedb
from lance.file import LanceFileReader
from lancedb.index import Bitmap, BTree

from mirix_py._store.lance_schema import _fts_config
from tests.security._helpers import scan_folder


def _table(root: Path, marker: str) -> Any:
    """Three fragments of 300 rows; one row of the middle one carries ``marker`` in
    every column, and a word no other row has."""

    def rows(start: int, marked: bool) -> list[dict[str, str]]:
        out = []
        for i in range(start, start + 300):
            hit = marked and i == start + 5
            out.append(
                {
                    "id": f"id{i:06d}",
                    "user_id": marker if hit else f"user{i % 7}",
                    "entity": marker if hit else f"entity{i % 13}",
                    "text": f"hello world {marker if hit else 'plain'} number{i}",
                }
            )
        return out

    table = lancedb.connect(str(root)).create_table("t", data=rows(0, False))
    table.add(rows(300, True))
    table.add(rows(600, False))
    table.create_index("user_id", config=Bitmap())
    table.create_index("entity", config=BTree())
    table.create_index("text", config=_fts_config())
    return table


def _remap_purge(root: Path, marker: str) -> lance.LanceDataset:
    """Delete the marked row, compact only its fragment, clean up old versions."""
    path = str(root / "t.lance")
    lancedb.connect(str(root)).open_table("t").delete(f"entity = '{marker}'")
    ds = lance.dataset(path)
    fragments = [f.fragment_id for f in ds.get_fragments()]
    ds.optimize.compact_files(
        target_rows_per_fragment=8192,
        materialize_deletions=True,
        materialize_deletions_threshold=0.0,
        excluded_fragment_ids=[f for f in fragments if f != fragments[1]],
    )
    ds = lance.dataset(path)
    ds.cleanup_old_versions(older_than=timedelta(0))
    return ds


def _segment_dirs(ds: lance.LanceDataset, name: str) -> list[Path]:
    index = next(d for d in ds.describe_indices() if d.name == name)
    return [Path(ds.uri) / "_indices" / str(s.uuid) for s in index.segments]


def _tokens(ds: lance.LanceDataset) -> int:
    """Distinct words in the full-text index (rows of its posting-list files)."""
    files = [p for d in _segment_dirs(ds, "text_idx") for p in d.glob("*invert*.lance")]
    assert files, "the full-text index layout changed: update this test"
    return sum(LanceFileReader(str(p)).read_all().to_table().num_rows for p in files)


def test_a_remapped_btree_keeps_no_key_of_a_deleted_row(tmp_path: Path) -> None:
    marker = f"zqmark{uuid.uuid4().hex[:12]}7"
    _table(tmp_path, marker)
    hits = scan_folder(tmp_path, [marker]).hits
    assert any("_indices" in path for path, _ in hits)

    ds = _remap_purge(tmp_path, marker)

    btree = {str(d.relative_to(tmp_path)) for d in _segment_dirs(ds, "entity_idx")}
    left = [path for path, _ in scan_folder(tmp_path, [marker]).hits]
    assert not [p for p in left if any(p.startswith(d) for d in btree)], left
    assert ds.count_rows("entity = 'entity3'") == 69


def test_a_remapped_full_text_index_drops_the_words_of_a_deleted_row(tmp_path: Path) -> None:
    marker = f"zqmark{uuid.uuid4().hex[:12]}7"
    table = _table(tmp_path, marker)
    before = _tokens(table.to_lance())

    ds = _remap_purge(tmp_path, marker)

    # The marker and "number305" were that row's own words; every other word stays.
    assert _tokens(ds) == before - 2
    table.checkout_latest()
    assert table.search(marker, query_type="fts").limit(5).to_list() == []
    assert len(table.search("plain", query_type="fts").limit(1000).to_list()) == 899


def test_a_remapped_bitmap_keeps_the_key_of_a_deleted_row_so_purges_rebuild_it(
    tmp_path: Path,
) -> None:
    """Why bitmap segments are rebuilt after a purge: their remap keeps the value
    (should this start failing, bitmaps can join ``_RETRAINED_ON_REMAP``)."""
    marker = f"zqmark{uuid.uuid4().hex[:12]}7"
    _table(tmp_path, marker)

    ds = _remap_purge(tmp_path, marker)

    bitmap = {str(d.relative_to(tmp_path)) for d in _segment_dirs(ds, "user_id_idx")}
    left = [path for path, _ in scan_folder(tmp_path, [marker]).hits]
    assert [p for p in left if any(p.startswith(d) for d in bitmap)]
