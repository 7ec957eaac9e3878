"""An eighth memory type, ``contacts``, defined outside the library: the people the
user knows and how to reach them.

This module, the agent file next to it and one config entry
(``memory.type_modules: [tests.registry.contacts_type]`` plus ``contacts`` in
``memory.enabled``) are everything the type needs; ``test_contacts_type.py``
shows it working end to end.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from pydantic import Field

from mirix_py._memory import MemoryRecord, MemoryType
from mirix_py._memory.base import extend_memory_types
from mirix_py._memory.extract_common import Turn, norm_key, record_id
from mirix_py._memory.registry import MemoryTypeSpec

CONTACTS: MemoryType = extend_memory_types("contacts")


class ContactMemory(MemoryRecord):
    """Someone the user knows: their name, relation and how to reach them."""

    memory_type: ClassVar[MemoryType] = CONTACTS

    name: str = Field(min_length=1, max_length=256)
    relation: str = Field(default="", max_length=128)
    reach: str = Field(min_length=1, description="how to reach them")

    def embed_text(self) -> str:
        """Name, relation and how to reach them."""
        return f"{self.name} ({self.relation}): reach {self.reach}"

    def render(self) -> str:
        """``Maria (sister): reach via Signal``."""
        who = f"{self.name} ({self.relation})" if self.relation else self.name
        return f"{who}: reach {self.reach}"


_REACH = re.compile(
    r"\b(?i:my|our)\s+(?P<relation>[a-z]+(?:\s+[a-z]+)?)\s+(?P<name>[A-Z][\w'-]+)\s+"
    r"(?:is\s+best\s+reached|can\s+be\s+reached|prefers\s+to\s+be\s+reached)\s+"
    r"(?P<reach>[^.!?\n]+)"
)
_CUE = re.compile(r"\b(reach|contact|get hold of|call|text)\b", re.IGNORECASE)


def extract(turns: Sequence[Turn], *, user_id: str) -> list[MemoryRecord]:
    """``my <relation> <Name> is best reached <how>`` sentences, one contact each."""
    out: list[MemoryRecord] = []
    for turn in turns:
        for match in _REACH.finditer(turn.text):
            name = match["name"]
            out.append(
                ContactMemory(
                    id=record_id(user_id, CONTACTS, [turn.id], f"contact:{name.lower()}"),
                    user_id=user_id,
                    name=name,
                    relation=match["relation"],
                    reach=match["reach"].strip(),
                    source_ids=[turn.id],
                    occurred_at=turn.timestamp,
                )
            )
    return out


def detect(turns: Sequence[Turn]) -> str | None:
    """Why the batch concerns contacts, or None."""
    found = extract(turns, user_id="detect")
    return f"{len(found)} way(s) to reach someone" if found else None


def slot_key(record: MemoryRecord) -> str | None:
    """One current way to reach each person: a new one supersedes the old."""
    return f"contact:{norm_key(str(getattr(record, 'name', '')))}"


def _evidence(record: Mapping[str, Any]) -> str:
    return f"{record.get('name', '')} {record.get('relation', '')} {record.get('reach', '')}"


def _summarise(
    members: Sequence[MemoryRecord], common: dict[str, Any], per: int, dates: str
) -> MemoryRecord:
    lines = [m.render()[:per] for m in members]
    return ContactMemory(
        **common, name="archive", relation="archive", reach=f"({dates}) " + "; ".join(lines)
    )


SPEC = MemoryTypeSpec(
    name="contacts",
    record=ContactMemory,
    id_prefix="ct",
    title="Contacts",
    blurb="people you know and how to reach them",
    describe="people the user knows and how to reach them (relation, channel, times).",
    extract_hint="someone the user knows: name, relation, reach = how to reach them.",
    main_field="reach",
    evidence=_evidence,
    section="Contacts",
    section_order=45,
    detect=detect,
    extract=extract,
    dedupe_key=slot_key,
    slot_key=slot_key,
    cleaned=True,
    cue=lambda cues: bool(_CUE.search(cues.text)),
    retention_cap=10,
    summarise=_summarise,
    prompt=Path(__file__).with_name("contacts_memory_manager.md"),
)
