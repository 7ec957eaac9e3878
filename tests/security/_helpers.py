"""Shared helpers for the security tests: byte scans, a cheap embedder, record factories."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from mirix_py._memory import (
    KnowledgeVaultMemory,
    MemoryRecord,
    MemoryType,
    ProceduralMemory,
    ResourceMemory,
    SemanticMemory,
)

DIM = 384
_TOKEN = re.compile(r"\w+")
# What the security tests exercised, printed at the end of the session (pytest -s).
FIGURES: Counter[str] = Counter()


class HashEmbeddings(Embeddings):
    """A deterministic bag-of-words embedder (384-d): no model, microseconds per text.

    Used where the tests exercise storage, not retrieval quality (subprocess
    workers, wide property tests): words shared by two texts make them similar.
    """

    def _one(self, text: str) -> list[float]:
        vec = np.zeros(DIM, dtype=np.float32)
        for word in _TOKEN.findall(text.lower())[:512]:
            digest = hashlib.blake2b(word.encode("utf-8", "replace"), digest_size=8).digest()
            vec[int.from_bytes(digest[:4], "little") % DIM] += 1.0
        vec[0] += 1e-3  # never the zero vector (cosine distance is undefined for it)
        out: list[float] = (vec / np.linalg.norm(vec)).tolist()
        return out

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed each text."""
        return [self._one(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        """Embed one query."""
        return self._one(text)


@dataclass
class ScanResult:
    """What a byte scan of a folder found."""

    files: int = 0
    bytes: int = 0
    hits: list[tuple[str, str]] = field(default_factory=list)


def needle_forms(needle: str) -> set[bytes]:
    """The byte strings under which ``needle`` could be stored.

    UTF-8 as is, JSON-escaped (also with ``ensure_ascii``, and escaped twice, as
    history stores rows whose payload is itself JSON), lower-cased (the
    full-text index keeps lower-case tokens) and UTF-16 for good measure.
    """
    forms = {needle, needle.lower()}
    once = json.dumps(needle)[1:-1]
    forms |= {once, json.dumps(needle, ensure_ascii=False)[1:-1], json.dumps(once)[1:-1]}
    out = {f.encode("utf-8", "surrogatepass") for f in forms if f}
    out |= {needle.encode("utf-16-le", "surrogatepass")}
    return out


def scan_folder(root: Path, needles: Iterable[str]) -> ScanResult:
    """Read every byte of every file under ``root`` and report which needles occur where.

    Matching is case-insensitive for ASCII (both sides lower-cased).
    """
    patterns = {n: [f.lower() for f in needle_forms(n)] for n in needles}
    result = ScanResult()
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes().lower()
        result.files += 1
        result.bytes += len(data)
        for needle, forms in patterns.items():
            if any(f in data for f in forms):
                result.hits.append((str(path.relative_to(root)), needle))
    FIGURES["scan.folders"] += 1
    FIGURES["scan.files"] += result.files
    FIGURES["scan.bytes"] += result.bytes
    FIGURES["scan.hits"] += len(result.hits)
    return result


def typed_record(memory_type: MemoryType, user_id: str, text: str, **extra: object) -> MemoryRecord:
    """A record of ``memory_type`` whose indexed text contains ``text``."""
    records: dict[MemoryType, type[MemoryRecord]] = {
        MemoryType.SEMANTIC: SemanticMemory,
        MemoryType.PROCEDURAL: ProceduralMemory,
        MemoryType.RESOURCE: ResourceMemory,
        MemoryType.KNOWLEDGE_VAULT: KnowledgeVaultMemory,
    }
    fields: dict[MemoryType, dict[str, object]] = {
        MemoryType.SEMANTIC: {"name": "fact", "summary": text},
        MemoryType.PROCEDURAL: {"description": text, "steps": ["one", "two"]},
        MemoryType.RESOURCE: {"title": "doc", "content": text},
        MemoryType.KNOWLEDGE_VAULT: {"caption": text, "secret_value": f"secret for {text}"},
    }
    return records[memory_type].model_validate({"user_id": user_id, **fields[memory_type], **extra})


def table_ids(db_uri: str, names: Sequence[str]) -> dict[str, list[str]]:
    """Every id in each named table, read straight from LanceDB (no user filter)."""
    import lancedb

    db = lancedb.connect(db_uri)
    out: dict[str, list[str]] = {}
    for name in names:
        table = db.open_table(name)
        out[name] = table.to_arrow().column("id").to_pylist()
    return out
