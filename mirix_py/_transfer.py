"""Export and import of a user's memories (``MemorySystem.export_records`` /
``import_records``, the CLI's ``export``/``import``): JSON-ready rows, streamed."""

from __future__ import annotations

import time
import uuid
from collections.abc import Collection, Iterator, Sequence
from typing import Any

from mirix_py._ids import derived_id, validate_user_id
from mirix_py._memory import KnowledgeVaultMemory, MemoryRecord, MemoryType, record_class
from mirix_py._receipts import RecordAction, WriteReceipt
from mirix_py._store.base import MemoryStore
from mirix_py.errors import AccessDenied, InvalidArgument, validation_summary


def content_problem(exc: ValueError) -> str:
    """What is wrong with memory content, naming fields but never echoing the values
    (memory content may carry secrets; see ``errors.validation_summary``)."""
    if callable(getattr(exc, "errors", None)):
        return validation_summary(exc)  # type: ignore[arg-type]
    return "a value did not pass validation"


def export_rows(
    store: MemoryStore,
    types: Sequence[MemoryType],
    *,
    user_id: str,
    include_secrets: bool = False,
    page_size: int = 500,
) -> Iterator[dict[str, Any]]:
    """Every memory of ``user_id`` of ``types`` (superseded ones too), read
    ``page_size`` at a time per type in creation order, so memory holds one page,
    not the user. Vault items only with ``include_secrets`` (values in clear)."""
    validate_user_id(user_id)
    for mtype in types:
        if mtype is MemoryType.KNOWLEDGE_VAULT and not include_secrets:
            continue
        for record in store.iter_records(
            user_id=user_id, memory_type=mtype, include_superseded=True, page_size=page_size
        ):
            data = record.model_dump(mode="json", exclude={"embedding", "user_id"})
            if isinstance(record, KnowledgeVaultMemory):
                data["secret_value"] = record.secret_value.get_secret_value()
            yield {"kind": "memory", "memory_type": mtype.value, "record": data}


def own_ids(store: MemoryStore, rows: Sequence[dict[str, Any]], *, user_id: str) -> set[str]:
    """The ids named by ``rows`` that ``user_id`` already holds (one indexed lookup)."""
    named = [
        str(record["id"])
        for r in rows
        if isinstance(record := r.get("record"), dict) and record.get("id") is not None
    ]
    return {r.id for r in store.get_many(named, user_id=user_id)} if named else set()


def records_from_rows(
    rows: Sequence[dict[str, Any]], *, user_id: str, keep: Collection[str]
) -> list[MemoryRecord]:
    """Validated records of ``user_id`` from exported rows. Ids in ``keep`` stay;
    every other id becomes :func:`~mirix_py._ids.derived_id` of (user, old id), so
    importing twice does not duplicate and the outcome never depends on whether
    another user holds an id. Supersession links follow."""
    records: list[MemoryRecord] = []
    for index, row in enumerate(rows):
        if row.get("kind") != "memory":
            raise InvalidArgument(f"row {index}: not a memory row (kind={row.get('kind')!r})")
        data = {**row["record"], "user_id": user_id}
        if data.get("id") is not None and str(data["id"]) not in keep:
            data["id"] = derived_id(user_id, str(data["id"]))
        link = data.get("superseded_by")
        if link and str(link) not in keep:
            data["superseded_by"] = derived_id(user_id, str(link))
        try:
            records.append(record_class(row["memory_type"]).model_validate(data))
        except ValueError as exc:
            raise InvalidArgument(f"row {index}: {content_problem(exc)}") from None
    return records


def store_imported(
    store: MemoryStore, records: list[MemoryRecord], *, user_id: str, started: float
) -> WriteReceipt:
    """Upsert imported records; should a derived id collide with another user's,
    those rows get fresh random ids."""
    try:
        ids = store.upsert(records, actor="import", reason="import") if records else []
    except AccessDenied:  # a derived id is held by another user: fresh ids
        records = fresh_ids_for_foreign(store, records, user_id=user_id)
        ids = store.upsert(records, actor="import", reason="import")
    return WriteReceipt(
        user_id=user_id,
        run_id=uuid.uuid4().hex,
        routed=sorted({r.memory_type for r in records}, key=lambda t: t.value),
        actions=[
            RecordAction(memory_type=r.memory_type, action="inserted", memory_id=i, reason="import")
            for r, i in zip(records, ids, strict=True)
        ],
        ms=(time.perf_counter() - started) * 1000,
    )


def fresh_ids_for_foreign(
    store: MemoryStore, records: list[MemoryRecord], *, user_id: str
) -> list[MemoryRecord]:
    """``records`` with every id that is not already this user's replaced by a new one
    (supersession links follow), so an import never fails, nor says why, because some
    other user holds an id."""
    own = {r.id for r in store.get_many([r.id for r in records], user_id=user_id)}
    remap = {r.id: uuid.uuid4().hex for r in records if r.id not in own}
    return [
        r.model_copy(
            update={
                "id": remap.get(r.id, r.id),
                "superseded_by": remap.get(r.superseded_by or "", r.superseded_by),
            }
        )
        for r in records
    ]
