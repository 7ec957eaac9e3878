"""The pointer line a bounded core block keeps to the lines it moved out."""

from __future__ import annotations

from mirix_py._consolidation.core_bound import is_pointer, pointer_ids, pointer_line


def test_pointer_names_as_many_ids_as_fit() -> None:
    ids = [f"se-{i:024d}" for i in range(10)]
    line = pointer_line(ids, max_chars=100)
    assert is_pointer(line) and len(line) <= 100
    assert pointer_ids(line) == ids[:2]
    assert pointer_line(ids, max_chars=30) == "(moved to semantic memory)"
    assert pointer_ids("(moved to semantic memory)") == []


def test_pointer_ids_round_trip_and_deduplicate() -> None:
    line = pointer_line(["se-a", "se-b", "se-a"], max_chars=200)
    assert line == "(moved to semantic memory: se-a, se-b)"
    assert pointer_ids(line) == ["se-a", "se-b"]
    assert not is_pointer("Alice: works as a nurse")
