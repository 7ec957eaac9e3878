"""Bounded commit retries: conflicts are retried with back-off, anything else is not."""

from __future__ import annotations

import pytest

from mirix_py.store.commit_retry import is_commit_conflict, retry_commit

CONFLICTS = [
    RuntimeError("lance error: Retryable commit conflict for version 12: ..."),
    RuntimeError(
        "lance error: Incompatible transaction: This Update transaction is incompatible "
        "with concurrent transaction Overwrite at version 19."
    ),
    RuntimeError("lance error: Not found: db/episodic.lance/_deletions/11-22-1346.arrow"),
]


@pytest.mark.parametrize("error", CONFLICTS)
def test_lost_commit_races_are_recognised(error: Exception) -> None:
    assert is_commit_conflict(error)


@pytest.mark.parametrize(
    "error",
    [RuntimeError("lance error: Invalid user input: no column 'x'"), KeyError("x"), TypeError()],
)
def test_other_errors_are_not(error: Exception) -> None:
    assert not is_commit_conflict(error)


def test_a_conflict_is_retried_with_growing_delays_until_it_succeeds() -> None:
    calls: list[int] = []
    delays: list[float] = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise CONFLICTS[0]
        return "committed"

    assert retry_commit(flaky, what="t", sleep=delays.append, base_delay=0.1) == "committed"
    assert len(calls) == 3 and len(delays) == 2 and delays[1] > delays[0] * 0.6


def test_retries_are_bounded_and_the_last_error_goes_through() -> None:
    calls: list[int] = []

    def always() -> None:
        calls.append(1)
        raise CONFLICTS[1]

    with pytest.raises(RuntimeError, match="Incompatible transaction"):
        retry_commit(always, what="t", attempts=4, sleep=lambda _: None)
    assert len(calls) == 4


def test_non_conflicts_are_not_retried() -> None:
    calls: list[int] = []

    def broken() -> None:
        calls.append(1)
        raise RuntimeError("lance error: Invalid user input")

    with pytest.raises(RuntimeError):
        retry_commit(broken, what="t", sleep=lambda _: None)
    assert calls == [1]
