"""Semantic memory: facts and concepts independent of time, keyed by the entity they describe.

The record, its records from extracted facts, and its spec with the hooks the write
path, retention and chat call; the offline rules that find the facts live in
:mod:`mirix_py._memory.facts` and :mod:`mirix_py._memory.fact_rules`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from pydantic import Field

from mirix_py._memory.base import MemoryRecord, MemoryType, utcnow
from mirix_py._memory.changes import role_twin
from mirix_py._memory.extract_common import Turn, clip, norm_key, record_id, short_date
from mirix_py._memory.fact_rules import speaker_entity
from mirix_py._memory.facts import Fact, extract_facts, slot_of
from mirix_py._memory.profiles import combine, profile_fields, residence_items
from mirix_py._memory.registry import MemoryTypeSpec, summary_line_kept
from mirix_py._memory.statements import STATEMENT
from mirix_py._memory.traits import trait_items


class SemanticMemory(MemoryRecord):
    """A fact about an entity (person, place, thing, concept)."""

    memory_type: ClassVar[MemoryType] = MemoryType.SEMANTIC

    name: str = Field(min_length=1, max_length=256)
    summary: str = Field(min_length=1)
    details: str = ""
    source: str = ""
    aspect: str = Field(
        default="",
        max_length=64,
        description="'statement' for a clause the entity stated about themselves "
        "(mirix_py._memory.statements); empty for an attribute fact",
    )

    def embed_text(self) -> str:
        """Entity name, summary and details."""
        text = f"{self.name}: {self.summary}"
        return f"{text} {self.details}" if self.details else text

    def render(self) -> str:
        """``Caroline: is a counselor (since 7 May 2023)``."""
        return f"{self.name}: {self.summary} ({self.short_date()})"


def fact_id(user_id: str, name: str, summary: str) -> str:
    """Content-keyed id: the same fact about the same entity is one record."""
    return record_id(
        user_id, MemoryType.SEMANTIC, kind=f"fact:{norm_key(name)}:{norm_key(summary)}"
    )


def fact_record(fact: Fact, *, user_id: str) -> SemanticMemory:
    """A semantic record for one extracted fact."""
    return SemanticMemory(
        id=fact_id(user_id, fact.entity, fact.summary),
        user_id=user_id,
        name=fact.entity[:256],
        summary=fact.summary,
        source=f"said by {fact.turn.speaker} on {short_date(fact.turn.timestamp)}",
        occurred_at=fact.turn.timestamp,
        valid_from=min(fact.turn.timestamp, utcnow()),
        source_ids=[fact.turn.id],
        aspect=STATEMENT if fact.kind == STATEMENT else "",
    )


def extract_offline(turns: Sequence[Turn], *, user_id: str) -> list[SemanticMemory]:
    """Semantic records for the facts stated in the batch, and the profiles its
    statements add to (:mod:`mirix_py._memory.profiles`)."""
    facts = extract_facts(turns)
    said = [(f.entity, f.summary, f.turn) for f in facts if f.kind == STATEMENT]
    records = [fact_record(f, user_id=user_id) for f in facts]
    own = [(f.entity, f.summary, f.turn) for f in facts if f.about_speaker and f.kind != STATEMENT]
    traits = [*trait_items(turns, speaker_entity), *residence_items(own)]
    return [*records, *profile_records(said, user_id=user_id, traits=traits)]


def profile_records(
    statements: Sequence[tuple[str, str, Turn]],
    *,
    user_id: str,
    traits: Sequence[tuple[str, str, str, Turn]] = (),
) -> list[SemanticMemory]:
    """The profile records the batch's ``(person, clause, turn)`` statements and its
    values and qualities (:mod:`mirix_py._memory.traits`) add to
    (:mod:`mirix_py._memory.profiles`)."""
    fields = profile_fields(statements, user_id=user_id, traits=traits)
    return [SemanticMemory(**f) for f in fields]


def route_reason(records: Sequence[MemoryRecord]) -> str | None:
    """Why a batch whose extraction is ``records`` concerns semantic memory."""
    facts = [r for r in records if isinstance(r, SemanticMemory)]
    if not facts:
        return None
    entities = ", ".join(dict.fromkeys(f.name for f in facts))
    return f"{len(facts)} fact(s) about {entities}"


def detect(turns: Sequence[Turn]) -> str | None:
    """Why the batch concerns semantic memory (facts found), or None."""
    return route_reason(extract_offline(turns, user_id="detect"))


def dedupe_key(record: MemoryRecord) -> str | None:
    """Facts about the same entity are compared for near-duplicates. A record with an
    aspect is not: a profile is one record per person and aspect, found by its id,
    and a statement is one clause of one turn (the same words again are the same id;
    "went camping with the kids" in May and in August are two outings, not one)."""
    if not isinstance(record, SemanticMemory) or record.aspect:
        return None
    return norm_key(record.name)


def slot_key(record: MemoryRecord) -> str | None:
    """Entity plus single-valued attribute: a different value there is a contradiction."""
    if not isinstance(record, SemanticMemory) or record.aspect:
        return None  # a statement or a profile keeps the speaker's words: no attribute
    slot = slot_of(record.summary)
    return f"{norm_key(record.name)}|{slot}" if slot else None


def twin_ids(record: MemoryRecord) -> list[str]:
    """The facts that state ``record`` from its other side and hold only while it does:
    a role fact's holder fact ("User: nanny is Rosa" → "Rosa: is the user's nanny")."""
    if not isinstance(record, SemanticMemory) or record.aspect:
        return []
    twin = role_twin(record.name, record.summary)
    return [fact_id(record.user_id, twin[0], twin[1])] if twin else []


def archive_summary(
    members: Sequence[MemoryRecord], common: dict[str, Any], per: int, dates: str
) -> MemoryRecord:
    """Retention's archive summary of some facts: one clause per fact."""
    facts = [r for r in members if isinstance(r, SemanticMemory)]
    return SemanticMemory(
        **common,
        name=facts[0].name if facts else "archive",
        summary=f"archived facts ({len(members)}, {dates}): "
        + "; ".join(clip(r.summary, per) for r in facts),
        source=f"archived by retention ({len(members)} facts)",
    )


# --------------------------------------------------------------------------
# The type's spec (see mirix_py._memory.registry).
# --------------------------------------------------------------------------


def _evidence(record: Mapping[str, Any]) -> str:
    who = record.get("name")
    prefix = f"{who}: " if who else ""
    return f"{prefix}{record.get('summary', '')} {record.get('details', '')}".strip()


SPEC = MemoryTypeSpec(
    name="semantic",
    record=SemanticMemory,
    id_prefix="se",
    title="Semantic",
    blurb="facts and concepts",
    describe=(
        "facts about people, places, things and concepts that hold over time "
        '("Anna works at the library", "Luna is Bob\'s cat").'
    ),
    extract_hint=(
        "facts about a named entity: name = the entity, summary = the fact in third "
        'person ("works as a nurse"). One fact per item.'
    ),
    main_field="summary",
    evidence=_evidence,
    hidden_fields=frozenset({"aspect"}),
    section="Facts",
    section_order=10,
    detect=detect,
    route_reason=route_reason,
    extract=extract_offline,
    dedupe_key=dedupe_key,
    slot_key=slot_key,
    twins=twin_ids,
    combine=combine,
    cleaned=True,
    cue=lambda cues: bool(cues.names),
    summarise=archive_summary,
    summary_cites=summary_line_kept,
)
