"""The ANN probe limit scales with the owner's share of the table, up to a cap."""

from __future__ import annotations

from mirix_py._store.ann import probe_limit


def test_an_owner_of_the_whole_table_gets_twice_the_minimum() -> None:
    assert probe_limit(20, 100_000, 100_000) == 40


def test_a_narrower_owner_may_probe_more_partitions() -> None:
    # half the table: twice the partitions to see as many of its rows, twice that
    assert probe_limit(20, 200_000, 100_000) == 80


def test_the_limit_is_capped_for_a_small_share() -> None:
    # 2% of the table would allow 2,000 partitions; Lance probes up to the limit it is
    # given under a prefilter, so the limit stays at four times the minimum
    assert probe_limit(20, 1_000_000, 20_000) == 80


def test_the_limit_never_drops_below_the_minimum_probes() -> None:
    # counts cached at different moments may disagree: the owner seems to hold more
    assert probe_limit(20, 90_000, 100_000) >= 20


def test_unknown_counts_leave_the_probes_unbounded() -> None:
    assert probe_limit(20, 0, 0) == 0
    assert probe_limit(20, 100, 0) == 0
