"""The memory-type registry: the built-in specs, and the errors that name the fix."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import pytest

from mirix_py._chat.compose import sections
from mirix_py._memory import ALL_MEMORY_TYPES, RECORD_TYPES, MemoryRecord, MemoryType, registry
from mirix_py._memory.base import extend_memory_types
from mirix_py.errors import ConfigError


def test_every_built_in_type_has_one_spec_in_order() -> None:
    specs = registry.specs()
    assert [s.memory_type for s in specs] == list(ALL_MEMORY_TYPES)
    assert len({s.id_prefix for s in specs}) == len(specs)
    assert list(RECORD_TYPES) == list(ALL_MEMORY_TYPES)
    for spec in specs:
        assert spec.record.memory_type is spec.memory_type
        assert spec.main_field in spec.record.model_fields
        assert spec.describe and spec.extract_hint and spec.title


def test_context_sections_come_from_the_specs() -> None:
    assert [title for _, title in sections()] == [
        "Facts",
        "Events",
        "How-to",
        "Resources",
        "Vault",
    ]
    assert MemoryType.CORE not in registry.context_types()


def test_unknown_type_names_the_config_key() -> None:
    with pytest.raises(ConfigError, match=r"memory.type_modules"):
        registry.spec_of("nonexistent")
    with pytest.raises(ConfigError, match="cannot import"):
        registry.load_type_module("no.such.module_here")
    with pytest.raises(ConfigError, match="declares no SPEC"):
        registry.load_type_module("mirix_py._dates")


def test_a_spec_must_agree_with_its_record_and_keep_prefixes_unique() -> None:
    extend_memory_types("notes")

    class Note(MemoryRecord):
        memory_type: ClassVar[MemoryType] = MemoryType("notes")
        text: str

    semantic = registry.spec_of("semantic")
    try:
        clash = dataclasses.replace(semantic, name="notes", record=Note, id_prefix="se")
        with pytest.raises(ConfigError, match="id_prefix 'se' is taken by 'semantic'"):
            registry.register(clash)
        wrong = dataclasses.replace(semantic, name="notes", id_prefix="nt")
        with pytest.raises(ConfigError, match="make them the same"):
            registry.register(wrong)
        assert "notes" not in {s.name for s in registry.specs()}
    finally:
        registry.unregister("notes")
    assert "notes" not in {t.value for t in MemoryType}


def test_type_names_are_identifiers() -> None:
    with pytest.raises(ValueError, match="lowercase identifier"):
        extend_memory_types("Bad Name")
