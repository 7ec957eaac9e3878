"""Resource memory: documents, files, code and links the user shared (long content chunked)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar
from urllib.parse import urlsplit

from pydantic import Field

from mirix_py._memory.base import MemoryRecord, MemoryType
from mirix_py._memory.extract_common import (
    ARCHIVE_KIND,
    Turn,
    chunk_text,
    clip,
    record_id,
    short_date,
    split_sentences,
    strip_annotations,
)
from mirix_py._memory.registry import MemoryTypeSpec, never_kept

DOCUMENT_MIN_CHARS = 1500
"""A message at least this long (with paragraphs or a heading) is kept as a document."""
CHUNK_CHARS = 1200
CHUNK_OVERLAP = 100


class ResourceMemory(MemoryRecord):
    """One shared resource, or one chunk of a long one (``chunk_index`` of ``chunk_count``)."""

    memory_type: ClassVar[MemoryType] = MemoryType.RESOURCE

    title: str = Field(min_length=1, max_length=512)
    summary: str = ""
    resource_type: str = Field(default="document", max_length=64)
    content: str = ""
    chunk_index: int = Field(default=0, ge=0)
    chunk_count: int = Field(default=1, ge=1)

    def embed_text(self) -> str:
        """Title, summary and the (chunked) content."""
        return " ".join(p for p in (self.title, self.summary, self.content) if p)

    def render(self) -> str:
        """``[document] Title (2/3): summary — first words of content``."""
        part = f" ({self.chunk_index + 1}/{self.chunk_count})" if self.chunk_count > 1 else ""
        body = self.summary or self.content[:200]
        return f"[{self.resource_type}] {self.title}{part} ({self.short_date()}): {body}"


# --------------------------------------------------------------------------
# Offline rules: links, code and long documents become resources (chunked).
# --------------------------------------------------------------------------

_URL = re.compile(r"https?://[^\s<>\"'`)\]]+", re.I)
_FENCE = re.compile(r"```(?P<lang>[\w+#.-]*)[ \t]*\n(?P<code>[\s\S]*?)```")
_CODE_LINE = re.compile(
    r"^\s*(?:def |class |import |from \S+ import|function |const |let |var |#include|public |"
    r"private |return\b|if \(|for \(|while \(|\}|\{\s*$|SELECT |INSERT |CREATE |<\/?\w+[^>]*>|"
    r"\w+\s*=\s*.+;\s*$|.*\)\s*\{\s*$|\s{4,}\S)",
)
_HEADING = re.compile(r"^\s*(?:#{1,6}\s+|title:\s*)(?P<t>.+)$", re.I)
_MIN_CODE_LINES = 6


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:24]


def _chunks(
    user_id: str,
    turn: Turn,
    *,
    kind: str,
    title: str,
    summary: str,
    content: str,
    resource_type: str,
) -> list[ResourceMemory]:
    pieces = chunk_text(content, size=CHUNK_CHARS, overlap=CHUNK_OVERLAP)
    digest = _digest(content)
    return [
        ResourceMemory(
            id=record_id(user_id, MemoryType.RESOURCE, kind=f"{kind}:{digest}:{index}"),
            user_id=user_id,
            title=clip(title, 200),
            summary=summary,
            resource_type=resource_type,
            content=piece,
            chunk_index=index,
            chunk_count=len(pieces),
            occurred_at=turn.timestamp,
            source_ids=[turn.id],
        )
        for index, piece in enumerate(pieces)
    ]


def _links(user_id: str, turn: Turn, text: str) -> list[ResourceMemory]:
    out: list[ResourceMemory] = []
    for url in dict.fromkeys(u.rstrip(".,;:!?") for u in _URL.findall(text)):
        parts = urlsplit(url)
        sentence = next((s for s in split_sentences(text) if url in s), url)
        out.extend(
            _chunks(
                user_id,
                turn,
                kind="link",
                title=f"{parts.netloc}{parts.path}".rstrip("/") or url,
                summary=clip(f"shared by {turn.speaker}: {sentence}", 300),
                content=url,
                resource_type="link",
            )
        )
    return out


def _code(user_id: str, turn: Turn, text: str) -> list[ResourceMemory]:
    blocks = [(m.group("lang") or "code", m.group("code")) for m in _FENCE.finditer(text)]
    if not blocks:
        lines = [ln for ln in text.split("\n") if ln.strip()]
        code_lines = sum(bool(_CODE_LINE.match(ln)) for ln in lines)
        if len(lines) >= _MIN_CODE_LINES and code_lines * 2 >= len(lines):
            blocks = [("code", text)]
    out: list[ResourceMemory] = []
    outside = clip(_FENCE.sub(" ", text), 300)
    for lang, code in blocks:
        if len(code.strip().split("\n")) < 2:
            continue
        first = next((ln.strip() for ln in code.split("\n") if ln.strip()), "")
        out.extend(
            _chunks(
                user_id,
                turn,
                kind="code",
                title=f"{lang} snippet: {clip(first, 60)}",
                summary=outside if outside.strip() else f"code shared by {turn.speaker}",
                content=code.strip("\n"),
                resource_type="code",
            )
        )
    return out


def _document(user_id: str, turn: Turn, text: str) -> list[ResourceMemory]:
    if len(text) < DOCUMENT_MIN_CHARS:
        return []
    lines = [ln for ln in text.split("\n") if ln.strip()]
    heading = _HEADING.match(lines[0]) if lines else None
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    first_is_title = bool(lines) and len(lines[0]) <= 100 and lines[0].rstrip()[-1:] not in ".!?"
    if len(paragraphs) < 2 and not heading and not first_is_title:
        return []
    sentences = split_sentences(text)
    if heading:
        title = heading.group("t").strip()
    elif first_is_title and len(lines) > 1:
        title = lines[0].strip()
    else:
        title = f"document shared by {turn.speaker} on {short_date(turn.timestamp)}"
    summary = clip(" ".join(sentences[:2]), 300)
    return _chunks(
        user_id,
        turn,
        kind="doc",
        title=title,
        summary=summary,
        content=text,
        resource_type="document",
    )


def extract_offline(turns: Sequence[Turn], *, user_id: str) -> list[ResourceMemory]:
    """Links, code and long documents in the batch, chunked for retrieval."""
    out: list[ResourceMemory] = []
    for turn in turns:
        text = strip_annotations(turn.text)
        code = _code(user_id, turn, text)
        out.extend(code)
        if not code:
            out.extend(_document(user_id, turn, text))
        out.extend(_links(user_id, turn, text))
    return out


def route_reason(records: Sequence[MemoryRecord]) -> str | None:
    """Why a batch whose extraction is ``records`` concerns resource memory."""
    kinds: dict[str, int] = {}
    for record in records:
        if isinstance(record, ResourceMemory) and record.chunk_index == 0:
            kinds[record.resource_type] = kinds.get(record.resource_type, 0) + 1
    return ", ".join(f"{n} {k}(s)" for k, n in kinds.items()) or None


def detect(turns: Sequence[Turn]) -> str | None:
    """Why the batch concerns resource memory (links, code, documents), or None."""
    return route_reason(extract_offline(turns, user_id="detect"))


def dedupe_key(record: MemoryRecord) -> str | None:
    """Resources are content-keyed by id; no similarity merging."""
    return None


def archive_summary(
    members: Sequence[MemoryRecord], common: dict[str, Any], per: int, dates: str
) -> MemoryRecord:
    """Retention's archive summary of some resources: their titles and clipped texts
    (it cites none of them: no member is kept whole)."""
    titles = [clip(str(getattr(r, "title", "")), 80) for r in members]
    return ResourceMemory(
        **common,
        title=f"Archived resources ({len(members)}, {dates})",
        resource_type=ARCHIVE_KIND,
        summary="; ".join(titles),
        content="\n".join(clip(r.render(), max(per, 200)) for r in members),
    )


# --------------------------------------------------------------------------
# The type's spec (see mirix_py._memory.registry).
# --------------------------------------------------------------------------


def _evidence(record: Mapping[str, Any]) -> str:
    # LangGraph-store items keep a JSON envelope in ``content``: their text is the summary
    keys = (
        ("title", "summary")
        if record.get("resource_type") == "langgraph_store"
        else ("title", "summary", "content")
    )
    return " ".join(str(record.get(k, "")) for k in keys)


SPEC = MemoryTypeSpec(
    name="resource",
    record=ResourceMemory,
    id_prefix="re",
    title="Resources",
    blurb="documents, files and links you shared",
    describe="documents, code, files and links worth keeping whole.",
    extract_hint="documents, code or links to keep: title, summary, content.",
    main_field="content",
    evidence=_evidence,
    section="Resources",
    section_order=40,
    detect=detect,
    route_reason=route_reason,
    extract=extract_offline,
    dedupe_key=dedupe_key,
    cleaned=True,
    hidden_fields=frozenset({"chunk_index", "chunk_count"}),
    cue=lambda cues: bool(cues.asks_resource),
    summarise=archive_summary,
    summary_cites=never_kept,
)
