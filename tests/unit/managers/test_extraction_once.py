"""Offline, each type's extraction of a batch runs once per add: routing, the early
id lookups and the type's manager share it."""

from __future__ import annotations

import dataclasses
import importlib
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

import pytest

from mirix_py._memory import MemoryRecord, registry
from mirix_py._system import MemorySystem

_COUNTED = ("semantic", "procedural", "resource")


@pytest.fixture
def extraction_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[str]]:
    calls: Counter[str] = Counter()
    originals = {name: registry.spec_of(name) for name in _COUNTED}

    def counting(name: str, extract: Any) -> Any:
        def run(turns: Sequence[Any], *, user_id: str) -> Sequence[MemoryRecord]:
            calls[name] += 1
            return list(extract(turns, user_id=user_id))

        return run

    for name, spec in originals.items():
        counted = counting(name, spec.extract)
        # the module function too: a separate offline detector would call it directly
        monkeypatch.setattr(
            importlib.import_module(f"mirix_py._memory.{name}"), "extract_offline", counted
        )
        registry.register(dataclasses.replace(spec, extract=counted))
    try:
        yield calls
    finally:
        for spec in originals.values():
            registry.register(spec)


def test_one_add_extracts_each_type_once(
    system: MemorySystem, extraction_calls: Counter[str]
) -> None:
    receipt = system.add(
        [
            {"role": "user", "content": "My sister Maya works as a nurse in Leeds."},
            {
                "role": "user",
                "content": "To reset the router: 1) unplug it 2) wait ten seconds "
                "3) plug it back in. The manual is at https://example.com/router.pdf",
            },
        ],
        user_id="u1",
    )
    assert {t.value for t in receipt.routed} >= set(_COUNTED)
    assert extraction_calls == Counter(dict.fromkeys(_COUNTED, 1))
