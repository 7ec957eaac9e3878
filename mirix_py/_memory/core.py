"""Core memory: small always-in-prompt blocks about the user (``human``) and agent (``persona``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, Field

from mirix_py._memory.base import MemoryRecord, MemoryType, utcnow
from mirix_py._memory.extract_common import Turn, record_id, unique
from mirix_py._memory.facts import CORE_KINDS, extract_facts, is_lasting_preference, slot_of
from mirix_py._memory.registry import MemoryTypeSpec
from mirix_py._memory.semantic import SemanticMemory, fact_id
from mirix_py._memory.statements import STATEMENT

CoreLabel = Literal["human", "persona"]

MAX_PAST_LINES = 40
"""How many replaced lines a block keeps for ``as_of`` reads (the oldest go first)."""


class PastLine(BaseModel):
    """A line a newer value replaced: what it said and when it held."""

    text: str
    since: datetime | None = None
    until: datetime
    sources: list[str] = Field(default_factory=list)


class CoreMemory(MemoryRecord):
    """One core block; its ``value`` holds one fact per line and stays within ``limit`` chars."""

    memory_type: ClassVar[MemoryType] = MemoryType.CORE

    label: CoreLabel = "human"
    value: str = ""
    limit: int = Field(default=2000, ge=100, le=100_000)
    line_sources: dict[str, list[str]] = Field(
        default_factory=dict, description="source message ids of each line of value"
    )
    line_since: dict[str, datetime] = Field(
        default_factory=dict, description="when each line of value was first stated"
    )
    past_lines: list[PastLine] = Field(
        default_factory=list, description="lines replaced since, kept for as_of reads"
    )

    def embed_text(self) -> str:
        """Core blocks are embedded by their whole value."""
        return f"{self.label}: {self.value}"

    def render(self, without: frozenset[str] = frozenset()) -> str:
        """Render the block as ``<label>`` lines, leaving out the lines in ``without``."""
        return f"[{self.label}] " + "; ".join(x for x in self.lines() if x not in without)

    def lines(self) -> list[str]:
        """The block's non-empty lines."""
        return [line.strip() for line in self.value.splitlines() if line.strip()]

    def as_of(self, when: datetime) -> CoreMemory:
        """The block as it read at ``when``: its lines stated by then, and the replaced
        lines that still held then, oldest first. A line whose time is unknown (written
        before times were kept, or by a path that has none) counts as always there."""

        def held(since: datetime | None) -> bool:
            return since is None or since <= when

        current = [ln for ln in self.lines() if held(self.line_since.get(ln))]
        past = [p for p in self.past_lines if held(p.since) and when < p.until]
        dated = [(p.since, p.text) for p in past] + [
            (self.line_since.get(ln), ln) for ln in current
        ]
        order = [text for _, text in sorted(dated, key=lambda d: (d[0] is not None, d[0] or when))]
        sources = {p.text: p.sources for p in past} | {
            ln: self.line_sources.get(ln, []) for ln in current
        }
        return self.model_copy(update={"value": "\n".join(unique(order)), "line_sources": sources})


# --------------------------------------------------------------------------
# Offline rules: identity and stable preferences kept in the ``human`` block.
# --------------------------------------------------------------------------

MAX_LINE_CHARS = 300


@dataclass(frozen=True)
class CoreLine:
    """One line for a core block and the messages it came from."""

    text: str
    sources: tuple[str, ...]
    at: datetime | None = None
    """When the line was stated (its message's time), if known."""


@dataclass
class BlockUpdate:
    """The result of merging lines into a block."""

    block: CoreMemory
    added: list[str] = field(default_factory=list)
    replaced: list[tuple[str, str]] = field(default_factory=list)
    spilled: list[CoreLine] = field(default_factory=list)
    changed: bool = False


def block_id(user_id: str, label: CoreLabel = "human") -> str:
    """The deterministic id of a user's core block (one per label)."""
    return record_id(user_id, MemoryType.CORE, kind=f"block:{label}")


def split_line(line: str) -> tuple[str, str]:
    """``("Alice", "works as a nurse")`` from ``"Alice: works as a nurse"``."""
    entity, sep, rest = line.partition(": ")
    return (entity.strip(), rest.strip()) if sep and entity.strip() else ("", line.strip())


def line_slot(line: str) -> str | None:
    """``alice|occupation`` for a line that sets a single-valued attribute."""
    entity, summary = split_line(line)
    slot = slot_of(summary)
    return f"{entity.casefold()}|{slot}" if entity and slot else None


def extract_lines(turns: Sequence[Turn]) -> list[CoreLine]:
    """Lines about the user's identity and stable preferences stated in the batch.

    Only first-person statements from ``user`` messages count: what users say
    about themselves, not what the assistant says or what anyone says about others.
    """
    lines: list[CoreLine] = []
    for fact in extract_facts(turns):  # all turns: one memoised extraction per batch
        if fact.kind == STATEMENT:
            continue  # the speaker's own words, kept as facts: not an identity line
        lasting = fact.kind in CORE_KINDS or is_lasting_preference(fact.summary)
        if fact.turn.is_user and fact.about_speaker and lasting:
            text = f"{fact.entity}: {fact.summary}"[:MAX_LINE_CHARS]
            lines.append(CoreLine(text, (fact.turn.id,), fact.turn.timestamp))
    return lines


def merge_lines(
    block: CoreMemory | None,
    lines: Sequence[CoreLine],
    *,
    user_id: str,
    limit: int,
    label: CoreLabel = "human",
    at: datetime | None = None,
) -> BlockUpdate:
    """Add ``lines`` to the block: repeats add sources, a new value for a
    single-valued attribute replaces the old line in place (the old one is kept in
    ``past_lines`` with the time it held), and when the block would exceed ``limit``
    characters its oldest lines are moved out (``spilled``). A line's time is its own
    ``at``, else ``at`` (the batch's time)."""
    current = block or CoreMemory(id=block_id(user_id, label), user_id=user_id, label=label)
    order = current.lines()
    sources = {ln: list(current.line_sources.get(ln, [])) for ln in order}
    since = {ln: t for ln, t in current.line_since.items() if ln in sources}
    past = list(current.past_lines)
    update = BlockUpdate(block=current)
    for line in lines:
        when = line.at or at
        if line.text in sources:
            sources[line.text] = unique([*sources[line.text], *line.sources])
            _set_earliest(since, line.text, when)
            continue
        slot = line_slot(line.text)
        old = next((ln for ln in order if slot and line_slot(ln) == slot), None)
        if old is not None:
            order[order.index(old)] = line.text
            past.append(_retired(old, since.pop(old, None), when, sources.pop(old)))
            update.replaced.append((old, line.text))
        else:
            order.append(line.text)
            update.added.append(line.text)
        sources[line.text] = list(line.sources)
        _set_earliest(since, line.text, when)
    while order and len("\n".join(order)) > limit:
        oldest = order.pop(0)
        since.pop(oldest, None)
        update.spilled.append(CoreLine(oldest, tuple(sources.pop(oldest, []))))
    value = "\n".join(order)
    past = past[-MAX_PAST_LINES:]
    unchanged = value == current.value and sources == current.line_sources
    if (
        block is not None
        and unchanged
        and since == current.line_since
        and past == current.past_lines
    ):
        return update
    update.changed = True
    update.block = current.model_copy(
        update={
            "value": value,
            "limit": limit,
            "line_sources": sources,
            "line_since": since,
            "past_lines": past,
            "source_ids": unique(s for ln in order for s in sources.get(ln, [])),
            "updated_at": utcnow(),
            "embedding": None,
        }
    )
    return update


def _set_earliest(since: dict[str, datetime], line: str, when: datetime | None) -> None:
    """Record ``when`` as the line's time unless an earlier one is known (a repeat
    imported out of order moves it back)."""
    if when is not None and (line not in since or when < since[line]):
        since[line] = when


def _retired(
    text: str, since: datetime | None, until: datetime | None, sources: list[str]
) -> PastLine:
    return PastLine(text=text, since=since, until=until or utcnow(), sources=sources)


def rewrite_block(
    block: CoreMemory | None,
    value: str,
    *,
    user_id: str,
    sources: Sequence[str],
    limit: int,
    label: CoreLabel = "human",
    at: datetime | None = None,
) -> BlockUpdate:
    """Replace a block's text; unchanged lines keep their sources and times, new lines
    get ``sources`` and ``at``; lines left out are kept in ``past_lines`` until ``at``;
    oldest lines are moved out when the text exceeds ``limit``."""
    current = block or CoreMemory(id=block_id(user_id, label), user_id=user_id, label=label)
    empty = current.model_copy(update={"value": "", "line_sources": {}, "line_since": {}})
    old_sources = current.line_sources
    lines = [
        CoreLine(
            ln[:MAX_LINE_CHARS],
            tuple(old_sources.get(ln[:MAX_LINE_CHARS], sources)),
            current.line_since.get(ln[:MAX_LINE_CHARS], at),
        )
        for ln in (x.strip() for x in value.splitlines())
        if ln
    ]
    update = merge_lines(empty, lines, user_id=user_id, limit=limit, label=label, at=at)
    kept = set(update.block.lines())
    dropped = [
        _retired(ln, current.line_since.get(ln), at, list(old_sources.get(ln, [])))
        for ln in current.lines()
        if ln not in kept
    ]
    if dropped:
        past = [*update.block.past_lines, *dropped][-MAX_PAST_LINES:]
        update.block = update.block.model_copy(update={"past_lines": past})
    update.added = [ln for ln in update.block.lines() if ln not in old_sources]
    update.changed = update.block.value != current.value or block is None
    return update


def spill_record(line: CoreLine, *, user_id: str, label: CoreLabel = "human") -> SemanticMemory:
    """The semantic item a line moved out of a full core block becomes."""
    entity, summary = split_line(line.text)
    name = entity or ("User" if label == "human" else "Assistant")
    return SemanticMemory(
        id=fact_id(user_id, name, summary),
        user_id=user_id,
        name=name[:256],
        summary=summary,
        source="moved from core memory (block full)",
        source_ids=list(line.sources),
    )


def detect(turns: Sequence[Turn]) -> str | None:
    """Why the batch concerns core memory (the user says who they are), or None."""
    lines = extract_lines(turns)
    return f"{len(lines)} identity/preference line(s)" if lines else None


# --------------------------------------------------------------------------
# The type's spec (see mirix_py._memory.registry).
# --------------------------------------------------------------------------


def _nothing(turns: Sequence[Turn], *, user_id: str) -> list[MemoryRecord]:
    return []  # core is merged line by line (see managers.core_apply.apply_core)


SPEC = MemoryTypeSpec(
    name="core",
    record=CoreMemory,
    id_prefix="co",
    title="Core",
    blurb="who you are and who the assistant is",
    describe=(
        "who the user is and how they like to be helped (name, job, home, family, "
        "stable preferences), kept in a small always-visible block."
    ),
    extract_hint=(
        'lines about who the user is and their stable preferences (label "human"), '
        'one fact per line, e.g. "Anna: works as a nurse".'
    ),
    main_field="value",
    detect=detect,
    extract=_nothing,
    hidden_fields=frozenset({"limit", "line_sources", "line_since", "past_lines"}),
    in_context=False,
    fades=False,
)
