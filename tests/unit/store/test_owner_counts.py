"""The owners' row-count cache: reused while young, recounted when old, bounded."""

from __future__ import annotations

from mirix_py._store.owner_counts import OwnerCounts


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_count_is_reused_until_it_is_older_than_the_time_to_live() -> None:
    clock = _Clock()
    counts = OwnerCounts(ttl_seconds=10, clock=clock)
    calls: list[int] = []

    def count() -> int:
        calls.append(1)
        return 100 + len(calls)

    assert counts.get(("episodic", "ann"), count) == 101
    clock.now = 9.0
    assert counts.get(("episodic", "ann"), count) == 101
    clock.now = 10.5
    assert counts.get(("episodic", "ann"), count) == 102
    assert counts.get(("semantic", "ann"), count) == 103  # per table and owner
    assert len(calls) == 3


def test_the_cache_keeps_at_most_max_entries_least_recently_used_dropped() -> None:
    counts = OwnerCounts(max_entries=2, clock=_Clock())
    counts.get(("t", "a"), lambda: 1)
    counts.get(("t", "b"), lambda: 2)
    counts.get(("t", "a"), lambda: -1)  # a is used again: b is now the oldest
    counts.get(("t", "c"), lambda: 3)
    assert counts.get(("t", "a"), lambda: -1) == 1
    assert counts.get(("t", "b"), lambda: 20) == 20  # was dropped, counted again


def test_forget_drops_one_tables_counts_or_all() -> None:
    counts = OwnerCounts(clock=_Clock())
    counts.get(("episodic", "a"), lambda: 1)
    counts.get(("semantic", "a"), lambda: 2)
    counts.forget("episodic")
    assert counts.get(("episodic", "a"), lambda: 10) == 10
    assert counts.get(("semantic", "a"), lambda: 20) == 2
    counts.forget()
    assert counts.get(("semantic", "a"), lambda: 30) == 30
