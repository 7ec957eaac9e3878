"""A LangGraph ``BaseStore`` backed by mirix-py memory (``system.as_store()``).

Apps written against LangGraph's store API (``store.put/get/search/delete/
list_namespaces``, or ``batch``/``abatch`` of ``GetOp``/``PutOp``/``SearchOp``/
``ListNamespacesOp``) keep working, and what they store becomes part of the
user's long-term memory: the chat agent retrieves it like any other memory.

How items map onto memory records
---------------------------------
Each item is one **resource** record (or, when resource memory is disabled, one
**semantic** record) of its user:

- ``id`` = ``lgs-`` + a hash of (user, namespace, key): a put to the same
  namespace and key updates the same record in place, and the previous value
  stays in the record's history (``system.history(id, user_id=...)``);
- ``resource_type`` = ``"langgraph_store"`` (semantic: ``source``), which is how
  store items are told apart from other memories;
- ``title`` (semantic: ``name``) = ``"ns1/ns2/key"``, for display;
- ``summary`` = the item's indexed text: the string values of the fields named
  by the put's ``index`` (all string values by default), embedded for search;
- ``content`` (semantic: ``details``) = a JSON envelope
  ``{"namespace": [...], "key": ..., "value": {...}, "index": ...}`` holding
  the exact namespace, key and value, so nothing is lost in translation.

Users
-----
``as_store(user_id="u")`` serves one user: every namespace lives inside that
user's memory. ``as_store(user_index=i)`` serves many: the user is the label at
position ``i`` of each namespace (``("memories", "<user>")`` → ``user_index=1``);
searches and namespace listings must then name that label (no wildcard there).

Search with ``query`` ranks by cosine similarity of the query and item
embeddings (items put with ``index=False`` come last, unscored); without a
query, most recently updated first. ``filter`` supports exact matches and
``$eq``, ``$ne``, ``$gt``, ``$gte``, ``$lt``, ``$lte``. TTLs are not supported.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from langgraph.store.base import (
    BaseStore,
    GetOp,
    InvalidNamespaceError,
    Item,
    ListNamespacesOp,
    MatchCondition,
    Op,
    PutOp,
    Result,
    SearchItem,
    SearchOp,
    get_text_at_path,
    tokenize_path,
    validate_op_namespace,
)

from mirix_py._embeddings import cosine
from mirix_py._memory import MemoryRecord, MemoryType, ResourceMemory, SemanticMemory
from mirix_py._redaction import redact_value, strings_in, vault_entries
from mirix_py._store.base import SCAN_ALL
from mirix_py.errors import MemoryTypeDisabled, RecordNotFound

if TYPE_CHECKING:
    from mirix_py._system import MemorySystem

MARKER = "langgraph_store"


def _item_id(user_id: str, namespace: tuple[str, ...], key: str) -> str:
    digest = hashlib.sha256("\x1f".join([user_id, *namespace, "", key]).encode("utf-8"))
    return "lgs-" + digest.hexdigest()[:40]


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


def indexed_text(value: Mapping[str, Any], key: str, index: list[str] | None) -> str:
    """The text an item is embedded by: the fields named by ``index``, else every string."""
    if index:
        texts = [t for path in index for t in get_text_at_path(dict(value), tokenize_path(path))]
    else:
        texts = _strings(value)
    text = " ".join(t.strip() for t in texts if t and t.strip())
    return text or json.dumps(value, ensure_ascii=False, sort_keys=True)[:2000] or key


def _compare(item_value: Any, wanted: Any) -> bool:
    if isinstance(wanted, Mapping):
        if any(str(k).startswith("$") for k in wanted):
            return all(_operator(item_value, str(op), arg) for op, arg in wanted.items())
        if not isinstance(item_value, Mapping):
            return False
        return all(_compare(item_value.get(k), v) for k, v in wanted.items())
    return bool(item_value == wanted)


def _operator(value: Any, op: str, arg: Any) -> bool:
    if op == "$eq":
        return bool(value == arg)
    if op == "$ne":
        return bool(value != arg)
    if value is None:
        return False
    checks = {
        "$gt": lambda a, b: a > b,
        "$gte": lambda a, b: a >= b,
        "$lt": lambda a, b: a < b,
        "$lte": lambda a, b: a <= b,
    }
    if op not in checks:
        raise ValueError(f"unsupported filter operator {op!r}; use $eq $ne $gt $gte $lt $lte")
    return bool(checks[op](float(value), float(arg)))


def _matches(condition: MatchCondition, namespace: tuple[str, ...]) -> bool:
    path = tuple(condition.path)
    if len(namespace) < len(path):
        return False
    part = namespace[: len(path)] if condition.match_type == "prefix" else namespace[-len(path) :]
    return all(p == "*" or p == n for p, n in zip(path, part, strict=True)) if path else True


class MirixStore(BaseStore):
    """LangGraph's ``BaseStore`` over a :class:`~mirix_py.MemorySystem` (module docstring)."""

    supports_ttl = False

    def __init__(
        self, system: MemorySystem, *, user_id: str | None = None, user_index: int | None = None
    ) -> None:
        if (user_id is None) == (user_index is None):
            raise ValueError("as_store needs exactly one of user_id=... or user_index=...")
        if user_index is not None and user_index < 0:
            raise ValueError("user_index must be >= 0 (a position in the namespace)")
        enabled = system.config.memory.enabled
        if MemoryType.RESOURCE in enabled:
            self._type = MemoryType.RESOURCE
        elif MemoryType.SEMANTIC in enabled:
            self._type = MemoryType.SEMANTIC
        else:
            raise MemoryTypeDisabled(
                "as_store keeps items as resource (or semantic) memories; enable one of them "
                "in memory.enabled"
            )
        self._system = system
        self._user_id = user_id
        self._user_index = user_index

    # ------------------------------------------------------------ mapping

    def _user_for(self, namespace: tuple[str, ...], *, what: str) -> str:
        if self._user_id is not None:
            return self._user_id
        index = self._user_index or 0
        if len(namespace) <= index or namespace[index] == "*":
            raise InvalidNamespaceError(
                f"{what} {namespace!r} must name the user at position {index} "
                "(this store was opened with user_index)"
            )
        return namespace[index]

    def _record(self, user_id: str, op: PutOp, vector: list[float], text: str) -> MemoryRecord:
        value = dict(op.value or {})
        envelope = json.dumps(
            {
                "namespace": list(op.namespace),
                "key": op.key,
                "value": value,
                "index": op.index if op.index is False or op.index is None else list(op.index),
            },
            ensure_ascii=False,
        )
        path = "/".join([*op.namespace, op.key])
        common: dict[str, Any] = {
            "id": _item_id(user_id, op.namespace, op.key),
            "user_id": user_id,
            "origin": "user",
            "embedding": vector,
        }
        if self._type is MemoryType.RESOURCE:
            return ResourceMemory(
                **common,
                title=path[:512] or op.key,
                resource_type=MARKER,
                summary=text,
                content=envelope,
            )
        return SemanticMemory(
            **common,
            name=path[:256] or op.key,
            summary=text or op.key,
            details=envelope,
            source=MARKER,
        )

    @staticmethod
    def _envelope(record: MemoryRecord) -> dict[str, Any] | None:
        if isinstance(record, ResourceMemory) and record.resource_type == MARKER:
            raw = record.content
        elif isinstance(record, SemanticMemory) and record.source == MARKER:
            raw = record.details
        else:
            return None
        try:
            data = json.loads(raw)
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    def _item(
        self, record: MemoryRecord, *, score: float | None = None, scored: bool = False
    ) -> Item:
        env = self._envelope(record) or {}
        kwargs: dict[str, Any] = {
            "namespace": tuple(env.get("namespace") or ()),
            "key": str(env.get("key", "")),
            "value": dict(env.get("value") or {}),
            "created_at": record.created_at,
            "updated_at": record.updated_at,
        }
        if scored:
            return SearchItem(**kwargs, score=score)
        return Item(**kwargs)

    def _all(self, user_id: str) -> list[tuple[MemoryRecord, dict[str, Any]]]:
        records = self._system.store.list_records(
            user_id=user_id, memory_type=self._type, limit=SCAN_ALL
        )
        out = []
        for record in records:
            env = self._envelope(record)
            if env is not None:
                out.append((record, env))
        return out

    # ---------------------------------------------------------------- ops

    def _get(self, op: GetOp) -> Item | None:
        user_id = self._user_for(op.namespace, what="namespace")
        found = self._system.store.get_many(
            [_item_id(user_id, op.namespace, op.key)], user_id=user_id, memory_type=self._type
        )
        for record in found:
            env = self._envelope(record)
            if (
                env
                and tuple(env.get("namespace") or ()) == op.namespace
                and env.get("key") == op.key
            ):
                return self._item(record)
        return None

    def _search(self, op: SearchOp) -> list[SearchItem]:
        user_id = self._user_for(op.namespace_prefix, what="namespace prefix")
        prefix = tuple(op.namespace_prefix)
        candidates = [
            (record, env)
            for record, env in self._all(user_id)
            if tuple(env.get("namespace") or ())[: len(prefix)] == prefix
            and (not op.filter or _compare(env.get("value") or {}, op.filter))
        ]
        ranked: list[tuple[float | None, MemoryRecord]]
        if op.query:
            qvec = self._system.embeddings.embed_query(op.query)
            scored = [
                (cosine(qvec, r.embedding or []), r)
                for r, env in candidates
                if env.get("index") is not False
            ]
            scored.sort(key=lambda pair: -pair[0])
            unscored = [r for r, env in candidates if env.get("index") is False]
            ranked = [(s, r) for s, r in scored] + [(None, r) for r in unscored]
        else:
            candidates.sort(key=lambda pair: (pair[0].updated_at, pair[0].id), reverse=True)
            ranked = [(None, r) for r, _ in candidates]
        window = ranked[op.offset : op.offset + op.limit]
        return [self._item(r, score=s, scored=True) for s, r in window]  # type: ignore[misc]

    def _list_namespaces(self, op: ListNamespacesOp) -> list[tuple[str, ...]]:
        conditions = tuple(op.match_conditions or ())
        if self._user_id is not None:
            user_id = self._user_id
        else:
            index = self._user_index or 0
            pinned = [
                c.path[index]
                for c in conditions
                if c.match_type == "prefix" and len(c.path) > index and c.path[index] != "*"
            ]
            if not pinned:
                raise InvalidNamespaceError(
                    f"list_namespaces needs a prefix naming the user at position {index}"
                )
            user_id = pinned[0]
        namespaces = {tuple(env.get("namespace") or ()) for _, env in self._all(user_id)}
        kept = [ns for ns in namespaces if all(_matches(c, ns) for c in conditions)]
        if op.max_depth is not None:
            kept = list({ns[: op.max_depth] for ns in kept})
        return sorted(kept)[op.offset : op.offset + op.limit]

    def _apply_puts(self, puts: Iterable[PutOp]) -> None:

        vault_on = self._system.config.is_enabled(MemoryType.KNOWLEDGE_VAULT)
        writes: list[tuple[str, PutOp, str]] = []
        secrets: list[MemoryRecord] = []
        for op in puts:
            user_id = self._user_for(op.namespace, what="namespace")
            if op.value is None:
                with contextlib.suppress(RecordNotFound):
                    self._system.delete(_item_id(user_id, op.namespace, op.key), user_id=user_id)
                continue
            # secrets in the value are redacted like add does (see mirix_py._redaction)
            clean: dict[str, Any] = redact_value(dict(op.value), vault_enabled=vault_on)
            if clean != op.value:
                if vault_on:
                    texts = strings_in(op.value)
                    item_id = _item_id(user_id, op.namespace, op.key)
                    secrets += vault_entries(
                        texts, user_id=user_id, source="langgraph_store", source_ids=[item_id]
                    )
                op = op._replace(value=clean)
            index = None if op.index is None or op.index is False else list(op.index)
            writes.append((user_id, op, indexed_text(clean, op.key, index)))
        if not writes:
            return
        vectors = self._system.embeddings.embed_documents([text for _, _, text in writes])
        records = [
            self._record(user_id, op, vector, text)
            for (user_id, op, text), vector in zip(writes, vectors, strict=True)
        ]
        self._system.store.upsert([*records, *secrets], actor="langgraph_store", reason="put")

    def batch(self, ops: Iterable[Op]) -> list[Result]:
        """Run ``ops`` in order of kind: reads see the state before this batch's puts,
        and of several puts to one item the last wins (as LangGraph's own stores do)."""
        results: list[Result] = []
        puts: dict[tuple[tuple[str, ...], str], PutOp] = {}
        for op in ops:
            validate_op_namespace(op)
            if isinstance(op, GetOp):
                results.append(self._get(op))
            elif isinstance(op, SearchOp):
                results.append(self._search(op))
            elif isinstance(op, ListNamespacesOp):
                results.append(self._list_namespaces(op))
            elif isinstance(op, PutOp):
                puts.pop((op.namespace, op.key), None)
                puts[(op.namespace, op.key)] = op
                results.append(None)
            else:
                raise ValueError(f"unknown store operation {type(op).__name__}")
        self._apply_puts(puts.values())
        return results

    async def abatch(self, ops: Iterable[Op]) -> list[Result]:
        """Async :meth:`batch` (runs it off the event loop)."""
        return await asyncio.to_thread(self.batch, list(ops))
