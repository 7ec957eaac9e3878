"""``freeze_start_up_objects``: one freeze per process, after a collection."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from mirix_py import _gc_tuning as gc_tuning


@pytest.fixture
def fresh_process_state(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(gc_tuning, "_frozen", False)
    yield
    gc.unfreeze()


def test_the_first_call_freezes_what_is_alive_and_later_calls_do_nothing(
    fresh_process_state: None,
) -> None:
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    assert gc_tuning.freeze_start_up_objects() is True
    frozen = gc.get_freeze_count()
    assert frozen > 0
    created_later: list[object] = []  # a tracked object alive during the second call
    assert gc_tuning.freeze_start_up_objects() is False
    # Reference counting may free frozen objects meanwhile, so the count can
    # only stay or shrink; the object created later must not have been frozen.
    assert gc.get_freeze_count() <= frozen
    assert any(tracked is created_later for tracked in gc.get_objects())
