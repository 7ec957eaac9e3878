"""Re-encrypting knowledge-vault secrets under a new key, in place.

Secrets live in two places: the ``payload`` of each ``knowledge_vault`` row and
the row snapshots that history keeps (``old_value``/``new_value``). Both are
rewritten here, each table in one atomic commit; tokens already under the new
key are simply re-encrypted again, so an interrupted rotation can be re-run.
Every token is decrypted before anything is written: if one cannot be, nothing
changes and :class:`~mirix_py.errors.VaultError` says which key is missing.
"""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel, ConfigDict

from mirix_py._memory import MemoryType
from mirix_py._vault import VaultCipher

SECRET_FIELD = "secret_value"


class RotationReceipt(BaseModel):
    """What a key rotation re-encrypted."""

    model_config = ConfigDict(frozen=True)

    vault_rows: int
    history_values: int
    purged: bool


def _rotate_payload(payload: str, cipher: VaultCipher) -> str:
    data = json.loads(payload)
    if isinstance(data, dict) and isinstance(data.get(SECRET_FIELD), str):
        data[SECRET_FIELD] = cipher.rotate(data[SECRET_FIELD])
    return json.dumps(data, ensure_ascii=False)


def _rotate_snapshot(snapshot: str | None, cipher: VaultCipher) -> str | None:
    if snapshot is None:
        return None
    row = json.loads(snapshot)
    if isinstance(row, dict) and isinstance(row.get("payload"), str):
        row["payload"] = _rotate_payload(row["payload"], cipher)
    return json.dumps(row, ensure_ascii=False)


def _write_back(table: Any, rows: list[dict[str, Any]]) -> None:
    if rows:
        data = pa.Table.from_pylist(rows, schema=table.schema)
        table.merge_insert("id").when_matched_update_all().execute(data)


def rotate_vault_rows(table: Any, cipher: VaultCipher) -> int:
    """Re-encrypt the secret of every row of the ``knowledge_vault`` table; returns the count."""
    rows: list[dict[str, Any]] = table.to_arrow().to_pylist()
    for row in rows:
        row["payload"] = _rotate_payload(row["payload"], cipher)
    _write_back(table, rows)
    return len(rows)


def rotate_history_rows(history: Any, cipher: VaultCipher) -> int:
    """Re-encrypt the secrets inside vault snapshots kept in history; returns the count."""
    data = history.to_arrow()
    vault_rows = data.filter(pc.equal(data.column("memory_type"), MemoryType.KNOWLEDGE_VAULT.value))
    changed = [
        r
        for r in vault_rows.to_pylist()
        if r["old_value"] is not None or r["new_value"] is not None
    ]
    for row in changed:
        row["old_value"] = _rotate_snapshot(row["old_value"], cipher)
        row["new_value"] = _rotate_snapshot(row["new_value"], cipher)
    _write_back(history, changed)
    return len(changed)
