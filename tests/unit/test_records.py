"""The six record schemas: validation, embedded text, rendering, payloads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError as PydanticValidationError

from mirix_py._memory import (
    RECORD_TYPES,
    CoreMemory,
    EpisodicMemory,
    KnowledgeVaultMemory,
    MemoryType,
    ProceduralMemory,
    ResourceMemory,
    SemanticMemory,
    record_class,
)
from mirix_py.errors import InvalidArgument


def test_registry_covers_the_six_types_by_name() -> None:
    assert [t.value for t in RECORD_TYPES] == [
        "core",
        "episodic",
        "semantic",
        "procedural",
        "resource",
        "knowledge_vault",
    ]
    for mtype, cls in RECORD_TYPES.items():
        assert cls.memory_type is mtype
        assert record_class(mtype.value) is cls


def test_episodic_renders_with_event_date() -> None:
    rec = EpisodicMemory(
        user_id="u",
        actor="Caroline",
        summary="went to a support group",
        occurred_at=datetime(2023, 5, 7, 13, 0),
    )
    assert rec.render() == "7 May 2023 · Caroline: went to a support group"
    assert rec.embed_text() == "Caroline: went to a support group"
    assert rec.occurred_at is not None and rec.occurred_at.tzinfo is not None


def test_aware_datetimes_are_converted_to_utc() -> None:
    plus2 = timezone(timedelta(hours=2))
    rec = EpisodicMemory(
        user_id="u", summary="x", occurred_at=datetime(2023, 1, 1, 1, tzinfo=plus2)
    )
    assert rec.occurred_at == datetime(2022, 12, 31, 23, tzinfo=UTC)


def test_semantic_procedural_resource_render_and_embed() -> None:
    sem = SemanticMemory(user_id="u", name="Lisbon", summary="capital of Portugal")
    assert sem.embed_text() == "Lisbon: capital of Portugal"
    proc = ProceduralMemory(user_id="u", description="Make tea", steps=["boil water", "steep"])
    assert proc.render() == "Make tea: 1) boil water 2) steep"
    assert "boil water" in proc.embed_text()
    res = ResourceMemory(
        user_id="u", title="Notes", content="long text", chunk_index=1, chunk_count=3
    )
    assert "(2/3)" in res.render()


def test_core_block_lines() -> None:
    core = CoreMemory(user_id="u", label="human", value="Name: Ann\n\nLikes tea\n")
    assert core.lines() == ["Name: Ann", "Likes tea"]
    assert core.render() == "[human] Name: Ann; Likes tea"


def test_vault_secret_never_rendered_or_embedded_by_default() -> None:
    item = KnowledgeVaultMemory(user_id="u", caption="bank PIN", secret_value="471193")
    assert "471193" not in item.embed_text()
    assert "471193" not in item.render()
    assert "471193" not in repr(item)
    assert "471193" in item.render(reveal=True)
    assert item.payload()["secret_value"] == "471193"
    low = KnowledgeVaultMemory(user_id="u", caption="wifi", secret_value="guest", sensitivity="low")
    assert "guest" in low.render()


def test_payload_holds_only_type_specific_fields() -> None:
    rec = SemanticMemory(user_id="u", name="n", summary="s", source_ids=["m1"])
    assert set(rec.payload()) == {"name", "summary", "details", "source", "aspect"}


@pytest.mark.parametrize("bad", ["", "   ", "a\x00b", "x" * 300, "\ud800"])
def test_bad_user_ids_are_rejected(bad: str) -> None:
    with pytest.raises((InvalidArgument, PydanticValidationError)):
        EpisodicMemory(user_id=bad, summary="x")


def test_hostile_but_printable_user_ids_are_allowed() -> None:
    rec = EpisodicMemory(user_id="x' OR '1'='1", summary="x")
    assert rec.user_id == "x' OR '1'='1"


def test_unknown_fields_are_rejected() -> None:
    with pytest.raises(PydanticValidationError, match="colour"):
        SemanticMemory(user_id="u", name="n", summary="s", colour="red")  # type: ignore[call-arg]


def test_supersession_fields_default_to_current() -> None:
    rec = SemanticMemory(user_id="u", name="n", summary="s")
    assert rec.is_current and rec.superseded_by is None
    assert MemoryType(rec.memory_type) is MemoryType.SEMANTIC
