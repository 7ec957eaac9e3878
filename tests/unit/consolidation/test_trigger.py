"""Consolidating every N ingested messages."""

from __future__ import annotations

import threading

from mirix_py._consolidation.trigger import ConsolidationTrigger


def test_runs_inline_every_n_messages_per_user() -> None:
    runs: list[str] = []
    trigger = ConsolidationTrigger(lambda u: runs.append(u) or f"report-{u}", every=10)
    assert trigger.after_add("a", 6) is None
    assert trigger.after_add("b", 9) is None
    assert trigger.after_add("a", 4) == "report-a"
    assert trigger.pending("a") == 0 and trigger.pending("b") == 9
    assert trigger.after_add("b", 25) == "report-b"
    assert runs == ["a", "b"]


def test_off_when_unset() -> None:
    runs: list[str] = []
    trigger = ConsolidationTrigger(runs.append, every=None)
    assert trigger.after_add("a", 1000) is None and runs == []


def test_background_runs_are_serialised_and_not_queued_twice() -> None:
    gate = threading.Event()
    runs: list[str] = []

    def run(user: str) -> str:
        gate.wait(timeout=10)
        runs.append(user)
        return user

    trigger = ConsolidationTrigger(run, every=1, background=True)
    first = trigger.after_add("a", 1)
    trigger.after_add("b", 1)
    trigger.after_add("b", 1)  # b already queued: not queued again
    gate.set()
    trigger.wait()
    trigger.close()
    assert first.result() == "a"
    assert runs in (["a", "b"], ["a", "b", "b"])
    assert runs.count("a") == 1


def test_a_failing_background_run_is_logged_not_raised() -> None:
    def boom(user: str) -> None:
        raise RuntimeError("disk full")

    trigger = ConsolidationTrigger(boom, every=1, background=True)
    future = trigger.after_add("a", 1)
    trigger.wait()
    trigger.close()
    assert future.result() is None
