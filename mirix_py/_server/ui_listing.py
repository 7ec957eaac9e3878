"""What the memory pages list: source snippets, the search cut-off, groups by type, paging."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from mirix_py._memory import MemoryType
from mirix_py._memory.registry import specs
from mirix_py._server.schemas import MemoryOut
from mirix_py._server.ui_text import strip_date_notes

if TYPE_CHECKING:
    from mirix_py._store.base import ScoredRecord
    from mirix_py._system import MemorySystem

PAGE_SIZE = 20  # memories per page (per type in the all-types view)
RELATIVE_FLOOR = 0.5  # hide hits scoring under this share of the best hit's score
MIN_SIMILARITY = 0.4  # ... and hits with no full-text match and a lower cosine similarity
SNIPPET_CHARS = 120


@dataclass(frozen=True)
class SourceSnippet:
    """The message a memory came from, as the page shows it."""

    speaker: str
    text: str
    date: datetime


def _snippet(text: str) -> str:
    flat = " ".join(strip_date_notes(text).split())
    return flat if len(flat) <= SNIPPET_CHARS else flat[: SNIPPET_CHARS - 1].rstrip() + "…"


def source_snippets(
    system: MemorySystem, user_id: str, items: Sequence[MemoryOut]
) -> dict[str, SourceSnippet]:
    """Source message id -> the message (speaker, snippet, date) for the memories shown.

    Messages are kept as raw episodic turns; one query finds those of this page.
    """
    wanted = sorted({s for m in items if m.origin != "raw" for s in m.source_ids})
    if not wanted or not system.config.is_enabled(MemoryType.EPISODIC):
        return {}
    turns = system.store.list_records(
        user_id=user_id,
        memory_type=MemoryType.EPISODIC,
        limit=4 * len(wanted) + 10,
        include_superseded=True,
        where_source_ids=wanted[:500],
    )
    out: dict[str, SourceSnippet] = {}
    for turn in turns:
        if turn.origin != "raw" or len(turn.source_ids) != 1:
            continue
        actor = str(getattr(turn, "actor", "") or "")
        summary = str(getattr(turn, "summary", ""))
        out.setdefault(turn.source_ids[0], SourceSnippet(actor, _snippet(summary), turn.when))
    return out


def relevant(hits: Sequence[ScoredRecord]) -> list[ScoredRecord]:
    """Search hits worth showing, best first: within :data:`RELATIVE_FLOOR` of the best
    score, and matched by the full-text index or at least :data:`MIN_SIMILARITY` close
    by meaning (fused scores rank, they do not say how relevant a hit is)."""
    ranked = sorted(hits, key=lambda h: h.score.score, reverse=True)
    if not ranked:
        return []
    floor = ranked[0].score.score * RELATIVE_FLOOR
    out = []
    for hit in ranked:
        parts = hit.score
        matched = parts.fts is not None and parts.fts > 0
        close = parts.vector is not None and parts.vector >= MIN_SIMILARITY
        unknown = parts.fts is None and parts.vector is None
        if parts.score >= floor and (matched or close or unknown):
            out.append(hit)
    return out


def group_by_type(system: MemorySystem, items: list[MemoryOut]) -> list[dict[str, Any]]:
    """``items`` in one group per memory type (every type, enabled or not), for the page."""
    groups = []
    for spec in specs():
        mtype = spec.memory_type
        enabled = system.config.is_enabled(mtype)
        groups.append(
            {
                "type": mtype.value,
                "title": spec.title,
                "blurb": spec.blurb,
                "enabled": enabled,
                "items": [m for m in items if m.memory_type is mtype],
                "vault": mtype is MemoryType.KNOWLEDGE_VAULT,
            }
        )
    return groups


def page_links(offset: int, shown: int, has_more: bool) -> dict[str, Any]:
    """Paging links: first/last position shown and the previous/next offsets."""
    return {
        "first": offset + 1 if shown else 0,
        "last": offset + shown,
        "prev": max(offset - PAGE_SIZE, 0) if offset > 0 else None,
        "next": offset + PAGE_SIZE if has_more else None,
    }
