"""One redaction step for every write that does not come through ``add``.

``add`` redacts sensitive values while it normalises messages and again when it
writes records (:func:`mirix_py._managers.apply.scrub`), and keeps each value in
the encrypted knowledge vault. Every other write path — ``MemorySystem.update``
and ``import_records``, the LangGraph store's ``put``, the REST ``PATCH``, the
memory browser's edit form, the agent's ``update_core_memory`` tool — calls
:func:`secure_records` before it stores anything, so a value typed or imported
there is treated exactly the same way: the detector of
:mod:`mirix_py._memory.knowledge_vault` finds it, a placeholder replaces it in the
record (``[stored in vault: password]``, or ``[redacted: password]`` when the
vault is disabled), and, with the vault enabled, a vault entry holds the value.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from mirix_py._memory import KnowledgeVaultMemory, MemoryRecord, MemoryType
from mirix_py._memory import knowledge_vault as kv
from mirix_py._memory.extract_common import Turn


def strings_in(value: Any) -> list[str]:
    """Every string inside ``value`` (nested lists and dicts included)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [s for v in value for s in strings_in(v)]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings_in(v)]
    return []


def redact_value(value: Any, *, vault_enabled: bool) -> Any:
    """``value`` with every string in it redacted (lists and dicts walked)."""
    if isinstance(value, str):
        return kv.redact(value, vault_enabled=vault_enabled)
    if isinstance(value, list):
        return [redact_value(v, vault_enabled=vault_enabled) for v in value]
    if isinstance(value, tuple):
        return tuple(redact_value(v, vault_enabled=vault_enabled) for v in value)
    if isinstance(value, dict):
        return {k: redact_value(v, vault_enabled=vault_enabled) for k, v in value.items()}
    return value


def vault_entries(
    texts: Sequence[str], *, user_id: str, source: str, source_ids: Sequence[str] = ()
) -> list[KnowledgeVaultMemory]:
    """One vault entry per sensitive value in ``texts`` (the write path's own rules)."""
    now = datetime.now(UTC)
    turns = [
        Turn(
            id=(list(source_ids) or [f"{source}-{i}"])[0],
            role="user",
            speaker=user_id,
            content=text,
            text=text,
            timestamp=now,
            sequence=i,
            session_id=source,
        )
        for i, text in enumerate(texts)
        if kv.find_sensitive(text)
    ]
    entries = kv.extract_offline(turns, user_id=user_id) if turns else []
    unique = {e.id: e for e in entries}
    return [
        e.model_copy(update={"source": source, "source_ids": list(source_ids)})
        for e in unique.values()
    ]


def secure_records(
    records: Sequence[MemoryRecord], *, vault_enabled: bool, source: str
) -> list[MemoryRecord]:
    """``records`` redacted like the write path, followed by the vault entries that
    now hold the values (none when the vault is disabled).

    Vault records keep their ``secret_value``; their other fields are scrubbed of
    it. ``source`` names the path (``update``, ``import`` …) in the new entries.
    """
    from mirix_py._managers.apply import scrub

    out: list[MemoryRecord] = []
    found: list[KnowledgeVaultMemory] = []
    for record in records:
        if record.memory_type is MemoryType.KNOWLEDGE_VAULT:
            out.append(scrub(record))
            continue
        payload = record.payload()
        texts = strings_in(payload)
        if vault_enabled:
            found += vault_entries(
                texts, user_id=record.user_id, source=source, source_ids=record.source_ids
            )
        secrets = [
            span.value(text) for text in texts for span in kv.find_sensitive(text)
        ]  # values found, so that scrub replaces every occurrence
        changes = {
            name: redact_value(value, vault_enabled=vault_enabled)
            for name, value in payload.items()
            if redact_value(value, vault_enabled=vault_enabled) != value
        }
        if changes:
            changes["embedding"] = None  # embedded again from the redacted text
        cleaned = record.model_copy(update=changes) if changes else record
        out.append(scrub(cleaned, secrets) if vault_enabled else cleaned)
    seen = {r.id for r in out if r.memory_type is MemoryType.KNOWLEDGE_VAULT}
    return out + [e for e in found if e.id not in seen]
