"""How fragments are grouped into index segments: settled fragments apart from fresh ones.

A fragment of the compaction's target size or more is settled (Lance merges only
smaller ones); fresh small fragments (the latest adds, a purge's history events)
will be merged by the next compaction. Grouped together, that merge would make
the segment over the settled fragment stale, and it would be rebuilt whole.
"""

from __future__ import annotations

from dataclasses import dataclass

from mirix_py._store.segments import _groups, _stale_segments

ROWS = {1: 9000, 2: 9000, 3: 40, 4: 9000, 5: 3, 6: 2}


@dataclass(frozen=True)
class _Segment:
    fragment_ids: tuple[int, ...]


def test_settled_and_fresh_fragments_never_share_a_segment() -> None:
    groups = _groups([1, 2, 3, 4, 5, 6], ROWS, 16_384, settled_rows=8192)

    assert groups == [[1], [2], [4], [3, 5, 6]]


def test_without_a_settled_size_fragments_are_packed_in_order() -> None:
    assert _groups([1, 2, 3, 4, 5, 6], ROWS, 16_384) == [[1], [2, 3], [4, 5, 6]]


def test_small_segments_merge_only_with_their_own_kind() -> None:
    rows = {1: 9000, 2: 3000, 3: 2500, 4: 40, 5: 3}
    settled_small = [_Segment((2,)), _Segment((3,))]  # settled at 2,000 rows, small at 8,192
    fresh_one = [_Segment((4, 5))]
    segments = [_Segment((1,)), *settled_small, *fresh_one]

    stale = _stale_segments(segments, rows, set(), 16_384, merge_small=True, settled_rows=2000)

    # Two small settled segments merge; the one fresh segment has no partner of its kind
    # (merging it with settled ones would be split apart again on every run).
    assert stale == settled_small


def test_a_segment_over_one_big_fragment_is_not_rebuilt_as_oversized() -> None:
    """A fragment larger than twice the segment size (one big write, or a history
    fragment of an older database) forms a segment of its own when grouped; calling
    that segment oversized would rebuild it, identical, on every refresh."""
    rows = {1: 9000, 2: 3000, 3: 3000, 4: 3000}
    alone = _Segment((1,))
    packed = _Segment((2, 3, 4))

    stale = _stale_segments([alone, packed], rows, set(), 4096, merge_small=False)

    assert stale == [packed]
    assert _groups([1], rows, 4096) == [[1]]
