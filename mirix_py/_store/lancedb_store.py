"""The LanceDB implementation of :class:`~mirix_py._store.base.MemoryStore`.

One table per enabled memory type (named after the type) plus ``history``.
Rows hold the common fields as typed columns, the type-specific fields as a
JSON ``payload`` and the embedding as a fixed-size vector. Times are epoch
microseconds (UTC) so filters never need string formatting of dates.

Every table declares ``id`` as its key (see :mod:`mirix_py._store.keyed`), so
concurrent upserts from several processes or machines cannot duplicate an id.
Writes are also serialised by a process lock and, for local databases, a file
lock next to the tables; while that lock is held, inserts of new ids are plain
appends. A write costs its batch: the existence and owner check is a lookup
through a BTree index on ``id``, history is append-only, and "has this user's
data changed" is answered from table versions (:mod:`mirix_py._store.stamps`).

The class is assembled from one module per concern: ``lance_schema`` (columns and
row helpers), ``lance_base`` (connection, tables, indexes, locks, row mapping),
``lance_search`` (reads and search), ``lance_writes`` (writes, history, access
counts) and ``lance_maintenance`` (forget, purge, vault key rotation, compaction).
"""

from __future__ import annotations

from mirix_py._store.lance_maintenance import _LanceMaintenance
from mirix_py._store.lance_schema import HISTORY_TABLE, ID_NOT_AVAILABLE, fts_query_text


class LanceDBStore(_LanceMaintenance):
    """Embedded (or object-storage) LanceDB backend; see the module docstring."""


__all__ = ["HISTORY_TABLE", "ID_NOT_AVAILABLE", "LanceDBStore", "fts_query_text"]
