"""Knowledge vault: verbatim sensitive items (credentials, numbers, addresses).

``secret_value`` is a :class:`pydantic.SecretStr`: it never appears in ``repr``,
logs, embeddings or rendered prompts; the store encrypts it at rest. Only the
``caption`` is embedded, indexed and rendered.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from pydantic import Field, SecretStr

from mirix_py._dates import short_date
from mirix_py._memory.base import MemoryRecord, MemoryType, utcnow
from mirix_py._memory.extract_common import Turn, clip, norm_key, record_id
from mirix_py._memory.registry import MemoryTypeSpec
from mirix_py._memory.secrets import (
    SensitiveSpan,
    Sensitivity,
    find_sensitive,
    placeholder,
    redact,
    redact_values,
)

__all__ = [
    "KnowledgeVaultMemory",
    "SensitiveSpan",
    "Sensitivity",
    "detect",
    "extract_offline",
    "find_sensitive",
    "placeholder",
    "redact",
    "redact_values",
    "vault_entry_id",
]


class KnowledgeVaultMemory(MemoryRecord):
    """A sensitive item; ``caption`` describes it without revealing it."""

    memory_type: ClassVar[MemoryType] = MemoryType.KNOWLEDGE_VAULT

    entry_type: str = Field(default="credential", max_length=64)
    source: str = ""
    sensitivity: Sensitivity = "high"
    secret_value: SecretStr
    caption: str = Field(min_length=1)

    def embed_text(self) -> str:
        """Only the caption and entry type: the secret is never embedded."""
        return f"{self.entry_type}: {self.caption}"

    def render(self, *, reveal: bool = False) -> str:
        """Caption only, unless ``reveal`` (an explicit owner request) or low sensitivity."""
        shown = reveal or self.sensitivity == "low"
        value = self.secret_value.get_secret_value() if shown else "«hidden»"
        return f"[{self.entry_type}, {self.sensitivity}] {self.caption}: {value}"

    def payload(self) -> dict[str, Any]:
        """Type-specific fields with the secret in clear; the store encrypts it."""
        data = super().payload()
        data["secret_value"] = self.secret_value.get_secret_value()
        return data


# --------------------------------------------------------------------------
# Offline rules: finding sensitive values, redacting them, vault entries.
# --------------------------------------------------------------------------


def vault_entry_id(user_id: str, entry_type: str, value: str) -> str:
    """Content-keyed id: the same secret mentioned again maps to the same entry."""
    digest = hashlib.sha256(norm_key(value).encode("utf-8", "replace")).hexdigest()[:32]
    return record_id(user_id, MemoryType.KNOWLEDGE_VAULT, kind=f"{entry_type}:{digest}")


def extract_offline(turns: Sequence[Turn], *, user_id: str) -> list[KnowledgeVaultMemory]:
    """One vault entry per sensitive value in the batch's raw messages.

    The caption names the owner and the redacted sentence it came from, never
    the value itself.
    """
    out: list[KnowledgeVaultMemory] = []
    for turn in turns:
        for span in find_sensitive(turn.content):
            value = span.value(turn.content)
            sentence = _sentence_around(turn.content, span.start, span.end)
            context = clip(redact(sentence), 200)
            out.append(
                KnowledgeVaultMemory(
                    id=vault_entry_id(user_id, span.entry_type, value),
                    user_id=user_id,
                    entry_type=span.entry_type,
                    source=f"conversation with {turn.speaker}, {short_date(turn.timestamp)}",
                    sensitivity=span.sensitivity,
                    secret_value=SecretStr(value),
                    caption=f"{turn.speaker}'s {span.label} (from: {context})",
                    occurred_at=turn.timestamp,
                    valid_from=min(turn.timestamp, utcnow()),
                    source_ids=[turn.id],
                )
            )
    return out


def detect(turns: Sequence[Turn]) -> str | None:
    """Why the batch concerns the vault (sensitive values found), or None."""
    kinds = sorted({s.label for t in turns for s in find_sensitive(t.content)})
    return f"sensitive values: {', '.join(kinds)}" if kinds else None


def dedupe_key(record: MemoryRecord) -> str | None:
    """Vault entries are content-keyed by id; no similarity merging."""
    return None


def _sentence_around(text: str, start: int, end: int) -> str:
    left = max(text.rfind(c, 0, start) for c in ".!?\n") + 1
    rights = [i for i in (text.find(c, end) for c in ".!?\n") if i != -1]
    right = min(rights) + 1 if rights else len(text)
    return text[left:right].strip()


# --------------------------------------------------------------------------
# The type's spec (see mirix_py._memory.registry).
# --------------------------------------------------------------------------


def _evidence(record: Mapping[str, Any]) -> str:
    return f"{record.get('entry_type', '')} {record.get('caption', '')}"


SPEC = MemoryTypeSpec(
    name="knowledge_vault",
    record=KnowledgeVaultMemory,
    id_prefix="kv",
    title="Knowledge vault",
    blurb="sensitive items: captions only",
    describe=(
        "sensitive values verbatim: passwords, API keys, card and account numbers, "
        "addresses, phone numbers, emails."
    ),
    extract_hint=(
        "sensitive values verbatim (passwords, keys, card, account and phone numbers, "
        "emails, addresses): secret_value = the value exactly as written, caption = what "
        "it is and whose (never the value), sensitivity (low/medium/high)."
    ),
    main_field="caption",
    evidence=_evidence,
    section="Vault",
    section_order=50,
    detect=detect,
    extract=extract_offline,
    dedupe_key=dedupe_key,
    cue=lambda cues: bool(cues.asks_secret),
    fades=False,
)
