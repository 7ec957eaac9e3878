"""What a purge's one-fragment compaction pays for the vector index, in plain Lance.

    python -m benchmarks.remap_probe [--rows 100000] [--trials 5]

A synthetic table (``--rows`` rows of 384-d unit vectors, fragments of 8,192 rows)
is built once per layout, then each trial deletes one row and compacts only its
fragment, as :func:`mirix_py._store.purge.compact_fragments` does. Layouts:

* ``none``: no vector index (the floor: copying the fragment);
* ``one``: one IVF_PQ segment over the table (the index remap in the commit);
* ``deltas``: IVF_PQ built on the first 20k rows, then a delta per 20k appended;
* ``defer``: one segment, ``defer_index_remap=True`` (Lance records the moves in
  its fragment-reuse index and remaps at read time);
* ``defer+fold``: as ``defer``, then the index's segments merged
  (``optimize_indices``), which writes them afresh without the deleted row.

For ``defer`` and ``defer+fold`` it also reads the row ids stored in the vector
index file and says whether the deleted row is still listed there.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import lance
import numpy as np
import pyarrow as pa
from lance.file import LanceFileReader

DIM = 384
FRAGMENT = 8_192
LAYOUTS = ("none", "one", "deltas", "defer", "defer+fold")


def _rows(vectors: np.ndarray, start: int, stop: int) -> pa.Table:
    flat = pa.array(vectors[start:stop].ravel())
    return pa.table(
        {
            "id": [f"r{i}" for i in range(start, stop)],
            "vector": pa.FixedSizeListArray.from_arrays(flat, DIM),
        }
    )


def _build(root: Path, layout: str, vectors: np.ndarray) -> None:
    n = len(vectors)
    index = {"num_partitions": 64, "num_sub_vectors": 48}
    if layout == "deltas":
        ds = lance.write_dataset(_rows(vectors, 0, 20_000), root, max_rows_per_file=FRAGMENT)
        ds.create_index("vector", "IVF_PQ", **index)
        for start in range(20_000, n, 20_000):
            ds = lance.write_dataset(
                _rows(vectors, start, min(n, start + 20_000)),
                root,
                mode="append",
                max_rows_per_file=FRAGMENT,
            )
            ds.optimize.optimize_indices(num_indices_to_merge=0)
        return
    ds = lance.write_dataset(_rows(vectors, 0, n), root, max_rows_per_file=FRAGMENT)
    if layout != "none":
        ds.create_index("vector", "IVF_PQ", **index)


def _indexed_row_ids(ds: lance.LanceDataset) -> set[int]:
    """Row ids listed in the vector index's files (every segment)."""
    ids: set[int] = set()
    for desc in ds.describe_indices():
        if not desc.index_type.upper().startswith("IVF"):
            continue
        for segment in desc.segments:
            for path in (Path(ds.uri) / "_indices" / str(segment.uuid)).glob("*.idx"):
                table = LanceFileReader(str(path)).read_all().to_table()
                if "_rowid" in table.column_names:
                    ids.update(int(v) for v in table["_rowid"].to_pylist())
    return ids


def _trial(root: Path, layout: str, k: int) -> tuple[float, bool | None]:
    """Delete one row of the k-th fragment and compact that fragment; returns
    (milliseconds, whether the vector index still lists the deleted row)."""
    ds = lance.dataset(root)
    fragments = [f.fragment_id for f in ds.get_fragments()]
    target = fragments[k]
    victim = next(iter(ds.get_fragment(target).to_table(columns=["id"], limit=1)["id"]))
    address = ds.to_table(columns=[], filter=f"id = '{victim}'", with_row_address=True)
    row = int(address["_rowaddr"][0].as_py())
    ds.delete(f"id = '{victim}'")
    ds = lance.dataset(root)
    started = time.perf_counter()
    ds.optimize.compact_files(
        target_rows_per_fragment=FRAGMENT,
        materialize_deletions=True,
        materialize_deletions_threshold=0.0,
        excluded_fragment_ids=[f for f in fragments if f != target],
        defer_index_remap=layout.startswith("defer"),
    )
    if layout == "defer+fold":
        ds = lance.dataset(root)
        for desc in ds.describe_indices():
            if desc.index_type.upper().startswith("IVF"):
                ds.optimize.optimize_indices(
                    index_names=[desc.name], num_indices_to_merge=len(desc.segments)
                )
    elapsed = 1000 * (time.perf_counter() - started)
    listed = row in _indexed_row_ids(lance.dataset(root)) if layout.startswith("defer") else None
    return elapsed, listed


def main() -> None:
    """Print the median compaction time per layout."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--trials", type=int, default=5)
    args = p.parse_args()
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((args.rows, DIM)).astype("float32")
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    print(f"python -m benchmarks.remap_probe --rows {args.rows} --trials {args.trials}")
    with tempfile.TemporaryDirectory() as tmp:
        for layout in LAYOUTS:
            root = Path(tmp) / layout.replace("+", "_")
            _build(root, layout, vectors)
            times, listed = [], []
            for k in range(args.trials):
                ms, still = _trial(root, layout, k)
                times.append(ms)
                listed.append(still)
            note = "" if listed[0] is None else f"  deleted row still in index: {listed}"
            print(f"  {layout:<11} median {statistics.median(times):6.1f} ms{note}")
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
