"""The LanceDB store's reads: lookups by id and key, listing pages, history,
and vector / full-text / hybrid search (see :mod:`mirix_py._store.lancedb_store`)."""

from __future__ import annotations

import time
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import pyarrow as pa
import structlog

from mirix_py._ids import validate_memory_id, validate_user_id
from mirix_py._memory import MemoryRecord, MemoryType
from mirix_py._store import ann
from mirix_py._store.ann import probe_limit
from mirix_py._store.base import (
    HistoryEvent,
    ScoredRecord,
    ScoreParts,
    SearchQuery,
)
from mirix_py._store.filters import (
    conjoin,
    in_list,
    sql_str,
    time_filter,
    unindexed_validity,
    user_filter,
)
from mirix_py._store.fusion import fuse
from mirix_py._store.keys import KEY_COLUMNS
from mirix_py._store.lance_base import _LanceBase
from mirix_py._store.lance_schema import (
    _ID_LIST_MAX,
    _KEY_INDEXED,
    _LOOKUP_COLUMNS,
    _SCAN_LIMIT,
    HISTORY_TABLE,
    _from_micros,
    _quoted,
    _session_order,
    _usable_key,
    fts_query_text,
)
from mirix_py._store.paging import MAX_PAGE_END, keyset_pages, page_keys
from mirix_py._store.query_batch import (
    Job,
    ScanJob,
    TakeJob,
    TextJob,
    VectorJob,
    all_rows,
    run_queries,
    run_then,
)
from mirix_py.errors import InvalidArgument, RecordNotFound, StorageError

log = structlog.get_logger("mirix_py._store.lancedb_store")

# A search ranks on these columns only; the rows it keeps are then read whole
# (:meth:`_LanceSearch._records_read`), minus what no record is built from.
_RANKED_COLUMNS = ("id", "user_id")
# Below this many rows a table's validity clause always goes through its index (the
# choice cannot matter much there, and needs no owner count).
VALIDITY_INDEX_MIN_TABLE_ROWS = 50_000
# The validity index is used when the owner holds at least 1/this of the table.
OWNER_SHARE_FOR_INDEX = 4
_PLAIN_RECORD_COLUMNS = tuple(c for c in _LOOKUP_COLUMNS if c not in ("text", *KEY_COLUMNS))
_RECORD_COLUMNS = (*_PLAIN_RECORD_COLUMNS, "vector")


# A neighbour lookup reads these of its sessions' rows, at most _SESSION_ROWS per
# session before it falls back to checking the exact positions in the query.
_NEIGHBOUR_COLUMNS = ("id", "user_id", "session_key", "sequence")
_SESSION_ROWS = 256


@dataclass(frozen=True)
class _Kept:
    """One fused hit of a search, before its row is read: where the row was seen."""

    memory_id: str
    user_id: str
    memory_type: MemoryType
    address: int
    parts: ScoreParts


@dataclass(frozen=True)
class _RowReads:
    """The takes that read kept rows whole, and what to check in what they return."""

    owner: dict[tuple[MemoryType, str], str]
    types: list[MemoryType]
    jobs: list[Job]
    columns: tuple[str, ...]


def _kept_rows(ranked: Sequence[Sequence[_Kept]]) -> dict[MemoryType, dict[int, tuple[str, str]]]:
    """The kept hits of all searches, per type: row address -> (id, owner)."""
    wanted: dict[MemoryType, dict[int, tuple[str, str]]] = {}
    for hits in ranked:
        for hit in hits:
            wanted.setdefault(hit.memory_type, {})[hit.address] = (hit.memory_id, hit.user_id)
    return wanted


class _LanceSearch(_LanceBase):
    """Reads: lookups by id and key, listing pages, history."""

    def _scan(
        self, memory_type: MemoryType, where: str, limit: int = _SCAN_LIMIT
    ) -> list[dict[str, Any]]:
        (found,) = run_queries([ScanJob(self._table(memory_type), where, limit)])
        return all_rows(found)

    def get(
        self, memory_id: str, *, user_id: str, memory_type: MemoryType | None = None
    ) -> MemoryRecord:
        """One record of this user; raises :class:`RecordNotFound` otherwise."""
        found = self.get_many([memory_id], user_id=user_id, memory_type=memory_type)
        if not found:
            raise RecordNotFound(f"no memory {memory_id!r} for user {user_id!r}")
        return found[0]

    def get_many(
        self, memory_ids: Sequence[str], *, user_id: str, memory_type: MemoryType | None = None
    ) -> list[MemoryRecord]:
        """The user's records among ``memory_ids``, in the order asked; missing ids skipped."""
        validate_user_id(user_id)
        ids = [validate_memory_id(m) for m in memory_ids]
        if not ids:
            return []
        where = conjoin([user_filter(user_id), in_list("id", ids)])
        found: dict[str, MemoryRecord] = {}
        for mtype in (memory_type,) if memory_type else self._types:
            for row in self._scan(MemoryType(mtype), where, limit=len(ids)):
                if row["user_id"] == user_id:
                    found[row["id"]] = self._from_row(MemoryType(mtype), row)
        return [found[i] for i in ids if i in found]

    def list_records(
        self,
        *,
        user_id: str,
        memory_type: MemoryType | None = None,
        limit: int = 100,
        offset: int = 0,
        include_superseded: bool = False,
        where_source_ids: Sequence[str] | None = None,
    ) -> list[MemoryRecord]:
        """The user's records, newest first (by event time, then update time), paged.

        LanceDB sorts on the stored listing order and returns the keys up to the
        page's end (:mod:`mirix_py._store.paging`); then the page's rows are fetched by id.
        """
        validate_user_id(user_id)
        for name, value in (("limit", limit), ("offset", offset)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise InvalidArgument(f"{name} must be an integer >= 0, got {value!r:.40}")
        if offset + limit > MAX_PAGE_END:
            raise InvalidArgument(
                f"offset + limit must be at most {MAX_PAGE_END:,}, got {offset + limit:,}: "
                "page with a smaller offset or limit"
            )
        if limit == 0:
            return []
        types = [MemoryType(memory_type)] if memory_type else list(self._types)
        where = self._list_filter(user_id, include_superseded, where_source_ids)
        tables = [(t.value, self._table(t)) for t in types]
        chosen = page_keys(tables, where, offset=offset, limit=limit)
        return self._fetch_in_order(chosen, user_id, where)

    def iter_records(
        self,
        *,
        user_id: str,
        memory_type: MemoryType | None = None,
        include_superseded: bool = False,
        page_size: int = 500,
    ) -> Iterator[MemoryRecord]:
        """Every record of the user, oldest created first, fetched ``page_size`` at a time
        (for export: memory holds one page of full records, not the user's history).

        Pages are walked by keyset in LanceDB (:mod:`mirix_py._store.paging`); records
        deleted meanwhile are skipped.
        """
        validate_user_id(user_id)
        types = [MemoryType(memory_type)] if memory_type else list(self._types)
        where = self._list_filter(user_id, include_superseded, None)
        tables = [(t.value, self._table(t)) for t in types]
        for chosen in keyset_pages(tables, where, page_size=page_size):
            yield from self._fetch_in_order(chosen, user_id, where)

    @staticmethod
    def _list_filter(
        user_id: str, include_superseded: bool, where_source_ids: Sequence[str] | None
    ) -> str:
        clauses = [user_filter(user_id)]
        if not include_superseded:
            clauses.append("valid_to IS NULL")
        if where_source_ids:
            clauses.append(
                " OR ".join(f"array_has(source_ids, {s})" for s in _quoted(where_source_ids))
            )
        return conjoin(clauses)

    def _fetch_in_order(
        self, chosen: Sequence[tuple[str, str]], user_id: str, where: str
    ) -> list[MemoryRecord]:
        """Full records for ``(memory_type, id)`` pairs, in that order (missing skipped).

        A page is fetched by id; a caller asking for thousands of rows at once (a
        whole listing) gets them through the listing filter ``where`` instead of an
        id list of that size.
        """
        by_type: dict[str, list[str]] = {}
        for name, memory_id in chosen:
            by_type.setdefault(name, []).append(memory_id)
        found: dict[tuple[str, str], MemoryRecord] = {}
        for name, ids in by_type.items():
            mtype = MemoryType(name)
            if len(ids) > _ID_LIST_MAX:
                wanted = set(ids)
                rows = [r for r in self._scan(mtype, where) if r["id"] in wanted]
            else:
                by_id = conjoin([user_filter(user_id), in_list("id", ids)])
                rows = self._scan(mtype, by_id, limit=len(ids))
            for row in rows:
                if row["user_id"] == user_id:
                    found[(name, row["id"])] = self._from_row(mtype, row)
        return [found[key] for key in chosen if key in found]

    def count(self, *, user_id: str | None = None, memory_type: MemoryType | None = None) -> int:
        """Rows for one user, or all rows when ``user_id`` is None (admin use)."""
        total = 0
        for mtype in (memory_type,) if memory_type else self._types:
            table = self._table(mtype)
            total += table.count_rows(user_filter(user_id) if user_id is not None else None)
        return total

    def history_count(self, *, user_id: str | None = None) -> int:
        """History rows for one user, or all."""
        table = self._tables[HISTORY_TABLE]
        return int(table.count_rows(user_filter(user_id) if user_id is not None else None))

    def search(self, query: SearchQuery) -> list[ScoredRecord]:
        """Vector, full-text or hybrid (weighted RRF) search, prefiltered by user."""
        return self.search_many([query])[0]

    def search_many(self, queries: Sequence[SearchQuery]) -> list[list[ScoredRecord]]:
        """Several searches at once (results in the same order): all their ranking
        queries run together on light columns (:func:`~mirix_py._store.query_batch.run_queries`),
        then the rows they keep are fetched whole, in one more hand-off."""
        started = time.perf_counter()
        plans = [self._search_jobs(query) for query in queries]
        jobs = [job for plan in plans for _, _, job in plan]
        ranked: list[list[_Kept]] = []
        reads: list[_RowReads] = []

        def keep_best(found: list[pa.Table]) -> list[Job]:
            # on LanceDB's loop thread, between ranking and reading (see run_then)
            tables = iter(found)
            ranked.extend(
                self._fused(query, [(kind, mtype, next(tables)) for kind, mtype, _ in plan])
                for query, plan in zip(queries, plans, strict=True)
            )
            reads.append(self._row_reads(_kept_rows(ranked), _RECORD_COLUMNS))
            return reads[0].jobs

        _, taken = run_then(jobs, keep_best)
        records = self._records_read(reads[0], taken)
        results = [
            [
                ScoredRecord(record=records[(hit.memory_type, hit.memory_id)], score=hit.parts)
                for hit in hits
                if (hit.memory_type, hit.memory_id) in records  # gone since it was ranked
            ]
            for hits in ranked
        ]
        for query, found in zip(queries, results, strict=True):
            log.debug(
                "store.searched",
                user_id=query.user_id,
                memory_types=[t.value for t in (query.memory_types or self._types)],
                mode=query.mode,
                hits=len(found),
                queries=len(jobs),
                ms=round((time.perf_counter() - started) * 1000, 2),
            )
        return results

    def _search_jobs(self, query: SearchQuery) -> list[tuple[str, MemoryType, Job]]:
        """The vector and full-text queries of one search, per memory type (reading
        only ids and owners: see :meth:`_records_read`)."""
        types = [t for t in (query.memory_types or self._types) if t in self._types]
        clauses = [
            user_filter(query.user_id),
            *time_filter(
                start=query.start,
                end=query.end,
                include_superseded=query.include_superseded,
                as_of=query.as_of,
            ),
        ]
        indexed_where, owner_where = conjoin(clauses), conjoin(unindexed_validity(clauses))
        depth = max(query.limit * 2, 20)
        vector = query.vector
        if query.mode in ("hybrid", "vector") and vector is None and query.text.strip():
            vector = tuple(self._embeddings.embed_query(query.text))
        fts_text = fts_query_text(query.text) if query.mode in ("hybrid", "fts") else ""
        jobs: list[tuple[str, MemoryType, Job]] = []
        for mtype in types:
            table = self._tables[mtype.value]
            where = owner_where if self._small_owner(mtype, query.user_id) else indexed_where
            if vector is not None:
                # Through the ANN index only once maintenance measured its recall, and
                # only for owners with many rows: flat search over a narrow prefilter
                # reads just the owner's vectors, while an IVF index would probe
                # partition after partition to find enough of them.
                choice = self._ann.use(mtype.value)
                owned = self._owner_rows(mtype, query.user_id) if choice is not None else 0
                if owned < ann.ANN_MIN_OWNER_ROWS:
                    choice = None
                bound = probe_limit(choice.nprobes, self._table_rows(mtype), owned) if choice else 0
                job = VectorJob(table, vector, where, depth, choice, _RANKED_COLUMNS, bound)
                jobs.append(("vector", mtype, job))
            if fts_text and self._fts_ready(mtype.value):
                jobs.append(("fts", mtype, TextJob(table, fts_text, where, depth, _RANKED_COLUMNS)))
        return jobs

    def _small_owner(self, memory_type: MemoryType, user_id: str) -> bool:
        """Whether the owner holds a small share of a large table: then their rows
        are best checked for validity one by one (see
        :data:`~mirix_py._store.filters.CURRENT_UNINDEXED`)."""
        table_rows = self._table_rows(memory_type)
        if table_rows < VALIDITY_INDEX_MIN_TABLE_ROWS:
            return False
        return self._owner_rows(memory_type, user_id) * OWNER_SHARE_FOR_INDEX < table_rows

    def _owner_rows(self, memory_type: MemoryType, user_id: str) -> int:
        """The owner's row count in a table (cached briefly: it only picks flat or ANN
        search, so a count some seconds old is as good, and costs no round trip)."""
        table = self._tables[memory_type.value]
        return self._owner_counts.get(
            (memory_type.value, user_id), lambda: int(table.count_rows(user_filter(user_id)))
        )

    def _table_rows(self, memory_type: MemoryType) -> int:
        """A table's row count (cached briefly like :meth:`_owner_rows`: it only sizes
        the ANN probe limit)."""
        table = self._tables[memory_type.value]
        return self._owner_counts.get((memory_type.value, None), lambda: int(table.count_rows()))

    def _fused(
        self, query: SearchQuery, found: Sequence[tuple[str, MemoryType, pa.Table]]
    ) -> list[_Kept]:
        """Fuse one search's ranking results into its best ``limit`` hits."""
        vector_hits: list[tuple[str, float, MemoryType, int]] = []
        fts_hits: list[tuple[str, float, MemoryType, int]] = []
        for kind, mtype, table in found:
            if not table.num_rows:
                continue
            score_column = "_distance" if kind == "vector" else "_score"
            ids = table.column("id").to_pylist()
            owners = table.column("user_id").to_pylist()
            scores = table.column(score_column).to_pylist()
            addresses = table.column("_rowid").to_pylist()
            hits = vector_hits if kind == "vector" else fts_hits
            for memory_id, owner, raw, address in zip(ids, owners, scores, addresses, strict=True):
                if owner == query.user_id:
                    hits.append((memory_id, float(raw), mtype, int(address)))
        vector_hits.sort(key=lambda h: h[1])
        fts_hits.sort(key=lambda h: -h[1])
        fused = fuse(
            [(h[0], 1.0 - h[1]) for h in vector_hits],
            [(h[0], h[1]) for h in fts_hits],
            k=query.rrf_k,
            vector_weight=query.vector_weight if query.mode != "fts" else 0.0,
            fts_weight=query.fts_weight if query.mode != "vector" else 0.0,
        )[: query.limit]
        where_found = {h[0]: (h[2], h[3]) for h in (*fts_hits, *vector_hits)}
        return [
            _Kept(memory_id, query.user_id, *where_found[memory_id], parts)
            for memory_id, parts in fused
        ]

    def _row_reads(
        self,
        wanted: Mapping[MemoryType, Mapping[int, tuple[str, str]]],
        columns: tuple[str, ...],
    ) -> _RowReads:
        """The takes by address that read the rows a light query saw (per type: row
        address -> (id, owner)): one per table."""
        owner = {(m, i): u for m, rows in wanted.items() for i, u in rows.values()}
        types = [m for m in wanted if wanted[m]]
        jobs: list[Job] = [
            TakeJob(self._tables[m.value], tuple(sorted(wanted[m])), columns) for m in types
        ]
        return _RowReads(owner, types, jobs, columns)

    def _read_rows(
        self,
        wanted: Mapping[MemoryType, Mapping[int, tuple[str, str]]],
        columns: tuple[str, ...],
    ) -> dict[tuple[MemoryType, str], MemoryRecord]:
        """Records for rows a light query saw (per type: row address -> (id, owner)),
        keyed by (type, id): one take by address per table, all in one hand-off (see
        :meth:`_records_read`)."""
        reads = self._row_reads(wanted, columns)
        return self._records_read(reads, run_queries(reads.jobs))

    def _records_read(
        self, reads: _RowReads, taken: Sequence[pa.Table]
    ) -> dict[tuple[MemoryType, str], MemoryRecord]:
        """The records the takes of ``reads`` returned (``taken``), keyed by (type, id);
        rows no longer at their address (a compaction ran meanwhile) are looked up by
        id instead; rows deleted meanwhile are left out. Only a row with the expected
        id and owner is accepted."""
        owner, types, columns = reads.owner, reads.types, reads.columns
        records: dict[tuple[MemoryType, str], MemoryRecord] = {}

        def keep(mtype: MemoryType, found: pa.Table) -> None:
            for row in all_rows(found):
                key = (mtype, row["id"])
                if owner.get(key) == row["user_id"] and key not in records:
                    records[key] = self._from_row(mtype, row)

        for mtype, found in zip(types, taken, strict=True):
            keep(mtype, found)
        missing: dict[MemoryType, list[str]] = {}
        for mtype, memory_id in owner.keys() - records.keys():
            missing.setdefault(mtype, []).append(memory_id)
        if missing:
            retry = list(missing)
            by_id: list[Job] = [
                ScanJob(
                    self._tables[m.value], in_list("id", missing[m]), 2 * len(missing[m]), columns
                )
                for m in retry
            ]
            for mtype, found in zip(retry, run_queries(by_id), strict=True):
                keep(mtype, found)
        return records

    def _lookup(
        self,
        memory_type: MemoryType,
        where: str,
        *,
        user_id: str,
        limit: int,
        embeddings: bool = False,
    ) -> list[MemoryRecord]:
        """Rows of one user matching ``where`` (with their vectors when ``embeddings``)."""
        table = self._table(memory_type)
        columns = (*_LOOKUP_COLUMNS, "vector") if embeddings else _LOOKUP_COLUMNS
        (found,) = run_queries([ScanJob(table, where, limit, columns)])
        return [self._from_row(memory_type, r) for r in all_rows(found) if r["user_id"] == user_id]

    def neighbours(
        self,
        spots: Sequence[tuple[str, int]],
        *,
        user_id: str,
        span: int = 1,
        as_of: datetime | None = None,
        embeddings: bool = False,
        exclude_ids: Collection[str] = (),
    ) -> list[MemoryRecord]:
        """The user's episodic turns within ``span`` positions of each ``(session_key,
        sequence)`` spot (the spots' own turns included, unless in ``exclude_ids``):
        current ones, or those valid at ``as_of``; in session order, with embeddings
        only when asked.

        One indexed lookup of the spots' sessions reading only ids, keys and row
        addresses; the exact positions are picked from those, and only the picked
        rows the caller does not have are read whole (by address). Checking the
        positions in the query itself (an OR per session) and reading every column
        of each match took several times longer at 100k rows.
        """
        validate_user_id(user_id)
        wanted: dict[str, set[int]] = {}
        for key, sequence in spots:
            if _usable_key(key):
                near = range(int(sequence) - span, int(sequence) + span + 1)
                wanted.setdefault(key, set()).update(n for n in near if n >= 0)
        if not wanted:
            return []
        # The session keys first, as an IN list: LanceDB answers that part from the
        # session_key index, then checks the owner and validity on those sessions' rows.
        where = conjoin(
            [
                in_list("session_key", list(wanted)),
                user_filter(user_id),
                *time_filter(start=None, end=None, include_superseded=False, as_of=as_of),
            ]
        )
        table = self._table(MemoryType.EPISODIC)
        cap = len(wanted) * _SESSION_ROWS
        skip = set(exclude_ids)
        columns = _RECORD_COLUMNS if embeddings else _PLAIN_RECORD_COLUMNS
        reads: list[_RowReads] = []

        def pick(light: pa.Table) -> dict[int, tuple[str, str]]:
            picked: dict[int, tuple[str, str]] = {}
            for memory_id, owner, key, sequence, address in zip(
                *(light.column(c).to_pylist() for c in (*_NEIGHBOUR_COLUMNS, "_rowid")),
                strict=True,
            ):
                if owner == user_id and memory_id not in skip and sequence in wanted.get(key, ()):
                    picked[int(address)] = (memory_id, owner)
            return picked

        def read_picked(found: list[pa.Table]) -> list[Job]:
            # on LanceDB's loop thread, between the lookup and the read (see run_then)
            if found[0].num_rows >= cap:  # very long sessions: checked below instead
                return []
            reads.append(self._row_reads({MemoryType.EPISODIC: pick(found[0])}, columns))
            return reads[0].jobs

        light_job = ScanJob(table, where, cap, _NEIGHBOUR_COLUMNS, row_ids=True)
        _, taken = run_then([light_job], read_picked)
        if reads:
            found = self._records_read(reads[0], taken)
            return sorted(found.values(), key=_session_order)
        # very long sessions: check the positions in the query
        positions = " OR ".join(
            f"(session_key = {sql_str(key)} AND sequence IN ({', '.join(map(str, sorted(s)))}))"
            for key, s in wanted.items()
        )
        exact = conjoin([where, positions])
        limit = sum(len(s) for s in wanted.values()) * 4  # room for turns cut into pieces
        (light,) = run_queries([ScanJob(table, exact, limit, _NEIGHBOUR_COLUMNS, row_ids=True)])
        found = self._read_rows({MemoryType.EPISODIC: pick(light)}, columns)
        return sorted(found.values(), key=_session_order)

    def by_keys(
        self,
        column: Literal["session_key", "entity"],
        values: Sequence[str],
        *,
        user_id: str,
        memory_type: MemoryType,
        as_of: datetime | None = None,
        limit: int = 100,
    ) -> list[MemoryRecord]:
        """The user's records whose key ``column`` (``session_key`` of episodic turns,
        ``entity`` of semantic facts: see :mod:`mirix_py._store.keys`) is one of
        ``values``: current ones, or those valid at ``as_of``; at most ``limit``, without
        embeddings. One indexed lookup."""
        validate_user_id(user_id)
        if column not in _KEY_INDEXED:
            raise StorageError(f"by_keys looks up {', '.join(_KEY_INDEXED)}, not {column!r}")
        keys = [v for v in dict.fromkeys(values) if _usable_key(v)]
        if not keys or limit < 1:
            return []
        where = conjoin(
            [
                in_list(column, keys),  # first: answered from the key's index
                user_filter(user_id),
                *time_filter(start=None, end=None, include_superseded=False, as_of=as_of),
            ]
        )
        found = self._lookup(MemoryType(memory_type), where, user_id=user_id, limit=limit)
        return sorted(found, key=_session_order)

    def history(self, memory_id: str, *, user_id: str) -> list[HistoryEvent]:
        """Every change to one memory of this user, oldest first."""
        validate_user_id(user_id)
        validate_memory_id(memory_id)
        table = self._tables[HISTORY_TABLE]
        where = conjoin([user_filter(user_id), in_list("memory_id", [memory_id])])
        rows = table.search().where(where).limit(_SCAN_LIMIT).to_list()
        events = [
            HistoryEvent(
                id=r["id"],
                memory_id=r["memory_id"],
                user_id=r["user_id"],
                memory_type=MemoryType(r["memory_type"]),
                event=r["event"],
                actor=r["actor"] or "",
                reason=r["reason"] or "",
                at=_from_micros(r["at"]) or datetime.now(UTC),
                old_value=r["old_value"],
                new_value=r["new_value"],
            )
            for r in rows
            if r["user_id"] == user_id
        ]
        events.sort(key=lambda e: (e.at, e.event != "insert"))
        return events
