"""The conformance suite every :class:`~mirix_py._store.base.MemoryStore` backend must pass.

A backend's test module subclasses :class:`StoreConformance` and provides a
``store`` fixture; every test here then runs against it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mirix_py._memory import (
    EpisodicMemory,
    KnowledgeVaultMemory,
    MemoryType,
    ProceduralMemory,
    SemanticMemory,
)
from mirix_py._store.base import MemoryStore, SearchQuery
from mirix_py.errors import AccessDenied, RecordNotFound

CORPUS = [
    ("Ann", "adopted a beagle puppy named Biscuit", datetime(2023, 3, 1, tzinfo=UTC)),
    ("Ann", "started a new job as a nurse at the city hospital", datetime(2023, 4, 2, tzinfo=UTC)),
    ("Ann", "ran her first half marathon in Lisbon", datetime(2023, 5, 20, tzinfo=UTC)),
    ("Bob", "is learning to bake sourdough bread", datetime(2023, 6, 11, tzinfo=UTC)),
    ("Ann", "painted a sunrise over the lake with watercolors", datetime(2023, 7, 4, tzinfo=UTC)),
    ("Bob", "fixed the leaking kitchen sink", datetime(2023, 8, 15, tzinfo=UTC)),
]


def _events(user: str) -> list[EpisodicMemory]:
    return [
        EpisodicMemory(user_id=user, actor=a, summary=s, occurred_at=t, source_ids=[f"{user}-{i}"])
        for i, (a, s, t) in enumerate(CORPUS)
    ]


class StoreConformance:
    """Behaviour every backend must show. Subclasses provide the ``store`` fixture."""

    def test_upsert_then_get_round_trips(self, store: MemoryStore) -> None:
        rec = SemanticMemory(
            user_id="u1", name="Ann", summary="works as a nurse", source_ids=["m1"]
        )
        assert store.upsert([rec]) == [rec.id]
        got = store.get(rec.id, user_id="u1")
        assert isinstance(got, SemanticMemory)
        assert (got.name, got.summary, got.source_ids) == ("Ann", "works as a nurse", ["m1"])
        assert got.embedding is not None and len(got.embedding) == 384

    def test_get_of_another_users_record_is_not_found(self, store: MemoryStore) -> None:
        rec = SemanticMemory(user_id="u1", name="Ann", summary="secret plan")
        store.upsert([rec])
        with pytest.raises(RecordNotFound):
            store.get(rec.id, user_id="u2")
        assert store.get_many([rec.id], user_id="u2") == []

    def test_an_id_of_another_user_cannot_be_overwritten(self, store: MemoryStore) -> None:
        rec = SemanticMemory(id="shared-id", user_id="u1", name="Ann", summary="x")
        store.upsert([rec])
        with pytest.raises(AccessDenied):
            store.upsert([SemanticMemory(id="shared-id", user_id="u2", name="Eve", summary="y")])
        assert store.get("shared-id", user_id="u1").summary == "x"  # type: ignore[attr-defined]

    def test_upsert_of_existing_id_updates_and_records_history(self, store: MemoryStore) -> None:
        rec = SemanticMemory(user_id="u1", name="Ann", summary="likes tea")
        store.upsert([rec])
        store.upsert([rec.model_copy(update={"summary": "likes green tea", "embedding": None})])
        assert store.count(user_id="u1") == 1
        got = store.get(rec.id, user_id="u1")
        assert got.summary == "likes green tea"  # type: ignore[attr-defined]
        events = store.history(rec.id, user_id="u1")
        assert [e.event for e in events] == ["insert", "update"]
        assert events[1].old_value is not None and "likes tea" in events[1].old_value
        assert events[1].new_value is not None and "green tea" in events[1].new_value

    def test_list_is_paged_newest_first_and_per_user(self, store: MemoryStore) -> None:
        store.upsert(_events("u1") + _events("u2"))
        page1 = store.list_records(user_id="u1", limit=4)
        page2 = store.list_records(user_id="u1", limit=4, offset=4)
        assert len(page1) == 4 and len(page2) == 2
        dates = [r.when for r in page1 + page2]
        assert dates == sorted(dates, reverse=True)
        assert {r.user_id for r in page1 + page2} == {"u1"}
        assert store.list_records(user_id="u1", memory_type=MemoryType.SEMANTIC) == []

    def test_hybrid_search_ranks_the_relevant_record_first(self, store: MemoryStore) -> None:
        store.upsert(_events("u1") + _events("u2"))
        cases = {
            "What is the name of Ann's dog?": "adopted a beagle",
            "Where did Ann run a race?": "half marathon",
            "what does Bob bake": "sourdough",
            "plumbing repair at home": "leaking kitchen sink",
        }
        for question, expected in cases.items():
            hits = store.search(SearchQuery(user_id="u1", text=question, limit=3))
            assert hits, question
            assert expected in hits[0].record.summary, (question, hits[0].record)  # type: ignore[attr-defined]
            assert all(h.record.user_id == "u1" for h in hits)

    def test_search_modes_report_their_score_parts(self, store: MemoryStore) -> None:
        store.upsert(_events("u1"))
        vec = store.search(SearchQuery(user_id="u1", text="dog puppy", mode="vector", limit=2))
        assert vec[0].score.vector is not None and vec[0].score.fts is None
        fts = store.search(SearchQuery(user_id="u1", text="sourdough", mode="fts", limit=2))
        assert fts and fts[0].score.fts is not None and fts[0].score.vector is None
        assert "sourdough" in fts[0].record.summary  # type: ignore[attr-defined]
        hyb = store.search(SearchQuery(user_id="u1", text="sourdough bread", limit=2))
        assert hyb[0].score.vector is not None and hyb[0].score.fts is not None

    def test_time_range_filters_on_event_time(self, store: MemoryStore) -> None:
        store.upsert(_events("u1"))
        hits = store.search(
            SearchQuery(
                user_id="u1",
                text="what happened",
                start=datetime(2023, 5, 1, tzinfo=UTC),
                end=datetime(2023, 7, 1, tzinfo=UTC),
                limit=10,
            )
        )
        assert [h.record.summary for h in hits] == [
            "ran her first half marathon in Lisbon",
            "is learning to bake sourdough bread",
        ] or {
            h.record.summary
            for h in hits  # type: ignore[attr-defined]
        } == {"ran her first half marathon in Lisbon", "is learning to bake sourdough bread"}

    def test_search_can_be_narrowed_to_types(self, store: MemoryStore) -> None:
        store.upsert(
            [
                *_events("u1"),
                ProceduralMemory(user_id="u1", description="How to walk the dog", steps=["leash"]),
            ]
        )
        hits = store.search(
            SearchQuery(user_id="u1", text="dog", memory_types=(MemoryType.PROCEDURAL,))
        )
        assert [h.record.memory_type for h in hits] == [MemoryType.PROCEDURAL]

    def test_supersede_hides_old_keeps_history_and_as_of(self, store: MemoryStore) -> None:
        old = SemanticMemory(user_id="u1", name="Ann", summary="Ann lives in Porto")
        store.upsert([old])
        before = datetime.now(UTC)
        new = SemanticMemory(user_id="u1", name="Ann", summary="Ann lives in Lisbon")
        store.supersede(old.id, new, user_id="u1", reason="moved")
        current = store.search(SearchQuery(user_id="u1", text="where does Ann live"))
        assert [h.record.id for h in current] == [new.id]
        past = store.search(SearchQuery(user_id="u1", text="where does Ann live", as_of=before))
        assert [h.record.id for h in past] == [old.id]
        everything = store.search(
            SearchQuery(user_id="u1", text="where does Ann live", include_superseded=True)
        )
        assert {h.record.id for h in everything} == {old.id, new.id}
        retired = store.get(old.id, user_id="u1")
        assert retired.superseded_by == new.id and retired.valid_to is not None
        events = store.history(old.id, user_id="u1")
        assert [e.event for e in events] == ["insert", "supersede"]
        assert events[1].reason == "moved"

    def test_delete_removes_record_and_scrubs_history(self, store: MemoryStore) -> None:
        rec = SemanticMemory(user_id="u1", name="Ann", summary="unique-marker-7731")
        keep = SemanticMemory(user_id="u1", name="Ann", summary="likes tea")
        store.upsert([rec, keep])
        receipt = store.delete(rec.id, user_id="u1")
        assert receipt.removed == {"semantic": 1} and receipt.memory_ids == [rec.id]
        with pytest.raises(RecordNotFound):
            store.get(rec.id, user_id="u1")
        events = store.history(rec.id, user_id="u1")
        assert events[-1].event == "delete"
        assert all(e.old_value is None and e.new_value is None for e in events)
        assert store.get(keep.id, user_id="u1").summary == "likes tea"  # type: ignore[attr-defined]

    def test_delete_of_another_users_record_is_refused(self, store: MemoryStore) -> None:
        rec = SemanticMemory(user_id="u1", name="Ann", summary="x")
        store.upsert([rec])
        with pytest.raises(RecordNotFound):
            store.delete(rec.id, user_id="u2")
        assert store.count(user_id="u1") == 1

    def test_delete_all_touches_one_user_only(self, store: MemoryStore) -> None:
        store.upsert(_events("u1") + _events("u2") + _events("u3"))
        before = {u: store.count(user_id=u) for u in ("u2", "u3")}
        receipt = store.delete_all(user_id="u1")
        assert receipt.total == len(CORPUS)
        assert store.count(user_id="u1") == 0
        assert {u: store.count(user_id=u) for u in ("u2", "u3")} == before

    @pytest.mark.parametrize(
        "hostile",
        [
            "x' OR '1'='1",
            "u1' --",
            "%",
            "*",
            "u1%",
            "'; DROP TABLE episodic; --",
            "ü\u202e1",
            "\\'",
        ],
    )
    def test_injection_shaped_user_ids_see_nothing(self, store: MemoryStore, hostile: str) -> None:
        store.upsert(_events("u1"))
        assert store.search(SearchQuery(user_id=hostile, text="dog")) == []
        assert store.list_records(user_id=hostile) == []
        assert store.count(user_id=hostile) == 0
        store.delete_all(user_id=hostile)
        assert store.count(user_id="u1") == len(CORPUS)
        store.upsert([SemanticMemory(user_id=hostile, name="h", summary="hostile row")])
        assert [r.summary for r in store.list_records(user_id=hostile)] == ["hostile row"]  # type: ignore[attr-defined]
        assert store.count(user_id="u1") == len(CORPUS)

    def test_vault_secret_round_trips_but_is_not_searchable(self, store: MemoryStore) -> None:
        item = KnowledgeVaultMemory(user_id="u1", caption="Ann's bank PIN", secret_value="98127734")
        store.upsert([item])
        got = store.get(item.id, user_id="u1")
        assert isinstance(got, KnowledgeVaultMemory)
        assert got.secret_value.get_secret_value() == "98127734"
        assert store.search(SearchQuery(user_id="u1", text="98127734", mode="fts")) == []

    def test_get_many_keeps_order_and_skips_missing(self, store: MemoryStore) -> None:
        recs = _events("u1")
        store.upsert(recs)
        ids = [recs[2].id, "missing", recs[0].id]
        assert [r.id for r in store.get_many(ids, user_id="u1")] == [recs[2].id, recs[0].id]

    def test_as_of_before_anything_existed_is_empty(self, store: MemoryStore) -> None:
        store.upsert(_events("u1"))
        past = datetime.now(UTC) - timedelta(days=1)
        assert store.search(SearchQuery(user_id="u1", text="dog", as_of=past)) == []

    def test_retire_archives_a_batch_keeping_rows_history_and_as_of(
        self, store: MemoryStore
    ) -> None:
        events = _events("u1")
        summary = EpisodicMemory(
            user_id="u1", actor="Ann", summary="archived: Ann's spring", status="archived"
        )
        store.upsert([*events, summary])
        store.upsert(_events("u2"))
        before = datetime.now(UTC)
        ids = [events[0].id, events[2].id]
        retired = store.retire(
            [*ids, "missing", events[0].id],
            user_id="u1",
            memory_type=MemoryType.EPISODIC,
            replaced_by=summary.id,
            event="archive",
            actor="retention",
            reasons={events[0].id: "score 0.01"},
            reason="over cap",
        )
        assert sorted(retired) == sorted(ids)
        current = {r.id for r in store.list_records(user_id="u1", memory_type=MemoryType.EPISODIC)}
        assert not current & set(ids) and summary.id in current
        for memory_id in ids:
            got = store.get(memory_id, user_id="u1")
            assert (got.status, got.superseded_by) == ("archived", summary.id)
            assert got.valid_to is not None and got.source_ids  # content and sources kept
        history = store.history(events[0].id, user_id="u1")
        assert [e.event for e in history] == ["insert", "archive"]
        assert history[1].reason == "score 0.01" and history[1].actor == "retention"
        assert store.history(events[2].id, user_id="u1")[-1].reason == "over cap"
        past = store.search(SearchQuery(user_id="u1", text="beagle puppy", as_of=before))
        assert events[0].id in {h.record.id for h in past}
        assert (
            store.retire(ids, user_id="u1", memory_type=MemoryType.EPISODIC, replaced_by=None) == []
        )  # already retired
        assert (
            store.retire(
                [e.id for e in _events("u2")],
                user_id="u1",
                memory_type=MemoryType.EPISODIC,
                replaced_by=None,
            )
            == []
        )  # another user's rows are untouched
        assert store.count(user_id="u2") == len(CORPUS)

    def test_retire_can_name_a_replacement_per_record(self, store: MemoryStore) -> None:
        a, b, c = _events("u1")[:3]
        store.upsert([a, b, c])
        retired = store.retire(
            [a.id, b.id],
            user_id="u1",
            memory_type=MemoryType.EPISODIC,
            replaced_by={a.id: c.id, b.id: "elsewhere"},
        )
        assert sorted(retired) == sorted([a.id, b.id])
        got = {r.id: r for r in store.get_many([a.id, b.id], user_id="u1")}
        assert (got[a.id].superseded_by, got[b.id].superseded_by) == (c.id, "elsewhere")
        assert got[a.id].status == "active"  # a supersession, not an archive
        assert [e.event for e in store.history(a.id, user_id="u1")] == ["insert", "supersede"]

    def test_record_access_counts_current_records_once_per_call(self, store: MemoryStore) -> None:
        recs = _events("u1")
        store.upsert(recs)
        assert store.record_access([recs[0].id, recs[0].id, recs[1].id], user_id="u1") == 2
        store.record_access([recs[0].id], user_id="u1", memory_type=MemoryType.EPISODIC)
        assert store.record_access([recs[0].id], user_id="u2") == 0
        counts = {
            r.id: r.access_count for r in store.get_many([recs[0].id, recs[1].id], user_id="u1")
        }
        assert counts == {recs[0].id: 2, recs[1].id: 1}
        assert [e.event for e in store.history(recs[0].id, user_id="u1")] == ["insert"]

    def test_pages_are_stable_disjoint_and_newest_first(self, store: MemoryStore) -> None:
        same_time = datetime(2024, 1, 1, tzinfo=UTC)
        recs = [
            EpisodicMemory(
                user_id="u1",
                actor="Ann",
                summary=f"event {i}",
                # ties on event time: the order falls back to update time, then id
                occurred_at=same_time if i % 3 == 0 else same_time + timedelta(days=i),
            )
            for i in range(23)
        ] + [SemanticMemory(user_id="u1", name="Ann", summary=f"fact {i}") for i in range(4)]
        store.upsert(recs)
        store.upsert(_events("u2"))
        whole = store.list_records(user_id="u1", limit=1000)
        assert len(whole) == 27
        keys = [(r.when, r.updated_at, r.id) for r in whole]
        assert keys == sorted(keys, reverse=True)
        pages = [store.list_records(user_id="u1", limit=5, offset=o) for o in range(0, 35, 5)]
        assert [r.id for page in pages for r in page] == [r.id for r in whole]
        assert pages[-1] == [] and len(pages[-2]) == 2
        again = store.list_records(user_id="u1", limit=5, offset=10)
        assert [r.id for r in again] == [r.id for r in pages[2]]
        only = store.list_records(user_id="u1", memory_type=MemoryType.SEMANTIC, limit=2)
        assert [r.id for r in only] == [r.id for r in whole if r.memory_type == "semantic"][:2]
        assert store.list_records(user_id="u1", limit=0) == []
        assert all(r.embedding is not None for r in pages[0])

    def test_many_pages_with_ties_are_complete_and_follow_edits(self, store: MemoryStore) -> None:
        base = datetime(2024, 1, 1, tzinfo=UTC)
        events = [
            EpisodicMemory(
                user_id="u1",
                actor="Ann",
                summary=f"walk {i}",
                # many ties on event time (and on update time): id decides
                occurred_at=base + timedelta(hours=i % 4),
                updated_at=base,
            )
            for i in range(60)
        ]
        facts = [
            SemanticMemory(
                user_id="u1",
                name=f"N{i}",
                summary=f"fact {i}",
                updated_at=base + timedelta(hours=i % 3),
            )
            for i in range(15)
        ]
        store.upsert(events + facts)
        expected = sorted(events + facts, key=lambda r: (r.when, r.updated_at, r.id), reverse=True)
        pages = [store.list_records(user_id="u1", limit=7, offset=o) for o in range(0, 84, 7)]
        assert [r.id for p in pages for r in p] == [r.id for r in expected]
        episodic = [
            store.list_records(user_id="u1", memory_type=MemoryType.EPISODIC, limit=9, offset=o)
            for o in range(0, 63, 9)
        ]
        assert [r.id for p in episodic for r in p] == [
            r.id for r in expected if r.memory_type == MemoryType.EPISODIC
        ]
        # an edit of a fact without event time moves it to the top (update time orders it)
        edited = facts[0].model_copy(update={"updated_at": base + timedelta(days=30)})
        store.upsert([edited])
        assert store.list_records(user_id="u1", limit=1)[0].id == edited.id
        exported = list(store.iter_records(user_id="u1", page_size=8))
        assert [r.id for r in exported] == [
            r.id for r in sorted(events + facts, key=lambda r: (r.created_at, r.id))
        ]

    def test_iter_records_yields_everything_oldest_created_first(self, store: MemoryStore) -> None:
        old = SemanticMemory(user_id="u1", name="Ann", summary="lives in Oslo")
        store.upsert([old])
        new = SemanticMemory(user_id="u1", name="Ann", summary="lives in Lisbon")
        store.supersede(old.id, new, user_id="u1")
        store.upsert(_events("u1") + _events("u2"))
        current = list(store.iter_records(user_id="u1", page_size=2))
        assert old.id not in {r.id for r in current} and len(current) == 7
        assert [(r.created_at, r.id) for r in current] == sorted(
            (r.created_at, r.id) for r in current
        )
        everything = list(
            store.iter_records(
                user_id="u1",
                memory_type=MemoryType.SEMANTIC,
                include_superseded=True,
                page_size=1,
            )
        )
        assert [r.id for r in everything] == [old.id, new.id]
        assert list(store.iter_records(user_id="nobody")) == []

    def test_noted_accesses_land_when_flushed(self, store: MemoryStore) -> None:
        recs = _events("u1")
        store.upsert(recs)
        ids = [recs[0].id, recs[0].id, recs[1].id, "missing-id"]
        assert store.note_access(ids, user_id="u1", memory_type=MemoryType.EPISODIC) == 3
        store.note_access([recs[0].id], user_id="u1", memory_type=MemoryType.EPISODIC)
        store.note_access([recs[0].id], user_id="u2", memory_type=MemoryType.EPISODIC)
        store.flush_accesses()
        counts = {
            r.id: r.access_count for r in store.get_many([recs[0].id, recs[1].id], user_id="u1")
        }
        assert counts == {recs[0].id: 2, recs[1].id: 1}
        assert store.flush_accesses() == 0  # nothing left pending
        assert [e.event for e in store.history(recs[0].id, user_id="u1")] == ["insert"]

    def test_change_stamp_moves_with_the_users_writes(self, store: MemoryStore) -> None:
        first = store.change_stamp("u1")
        assert store.change_stamp("u1") == first  # nothing happened
        rec = SemanticMemory(user_id="u1", name="Ann", summary="likes tea")
        store.upsert([rec])
        after_insert = store.change_stamp("u1")
        assert after_insert != first
        store.upsert([rec.model_copy(update={"summary": "likes green tea", "embedding": None})])
        after_update = store.change_stamp("u1")
        assert after_update != after_insert
        store.retire([rec.id], user_id="u1", memory_type=MemoryType.SEMANTIC, replaced_by=None)
        after_retire = store.change_stamp("u1")
        assert after_retire != after_update
        store.delete(rec.id, user_id="u1")
        assert store.change_stamp("u1") != after_retire

    def test_neighbours_are_the_turns_around_a_spot_in_its_session(
        self, store: MemoryStore
    ) -> None:
        def turn(user: str, session: str | None, seq: int | None, text: str) -> EpisodicMemory:
            return EpisodicMemory(
                user_id=user,
                actor="Ann",
                summary=text,
                session_id=session,
                sequence=seq,
                occurred_at=datetime(2024, 5, 1, tzinfo=UTC),
            )

        turns = [turn("u1", "s1", i, f"turn {i} of s1") for i in range(6)]
        turns += [turn("u1", "s2", i, f"turn {i} of s2") for i in range(3)]
        store.upsert([*turns, turn("u2", "s1", 2, "another user's turn")])
        found = store.neighbours([("s1", 2), ("s2", 0)], user_id="u1")
        assert [r.summary for r in found] == [  # type: ignore[attr-defined]
            "turn 1 of s1",
            "turn 2 of s1",
            "turn 3 of s1",
            "turn 0 of s2",
            "turn 1 of s2",
        ]
        assert all(r.embedding is None for r in found)
        wide = store.neighbours([("s1", 5)], user_id="u1", span=2)
        assert [r.sequence for r in wide] == [3, 4, 5]  # type: ignore[attr-defined]
        rest = store.neighbours([("s1", 2)], user_id="u1", exclude_ids={turns[2].id, "other"})
        assert [r.id for r in rest] == [turns[1].id, turns[3].id]  # the caller had turn 2
        assert store.neighbours([("s1", 2)], user_id="u3") == []
        assert store.neighbours([], user_id="u1") == []
        store.retire([turns[1].id], user_id="u1", memory_type=MemoryType.EPISODIC, replaced_by=None)
        now = [r.id for r in store.neighbours([("s1", 2)], user_id="u1")]
        assert now == [turns[2].id, turns[3].id]  # a retired turn is not current
        before = store.neighbours(
            [("s1", 2)], user_id="u1", as_of=datetime.now(UTC) - timedelta(hours=1)
        )
        assert before == []  # nothing was valid an hour before it was stored

    def test_by_keys_finds_an_entitys_facts_and_a_sessions_turns(self, store: MemoryStore) -> None:
        facts = [
            SemanticMemory(user_id="u1", name="Biscuit", summary="is a beagle"),
            SemanticMemory(user_id="u1", name=" biscuit ", summary="loves the park"),
            SemanticMemory(user_id="u1", name="Maya", summary="is Ann's sister"),
            SemanticMemory(user_id="u2", name="Biscuit", summary="is a cat"),
        ]
        raw = EpisodicMemory(
            user_id="u1",
            actor="Ann",
            summary="a raw turn",
            occurred_at=datetime(2024, 5, 1, tzinfo=UTC),
        )
        store.upsert([*facts, raw])
        got = store.by_keys(
            "entity", ["biscuit"], user_id="u1", memory_type=MemoryType.SEMANTIC, limit=10
        )
        assert sorted(r.id for r in got) == sorted([facts[0].id, facts[1].id])
        assert (
            len(
                store.by_keys(
                    "entity", ["biscuit", "maya"], user_id="u1", memory_type=MemoryType.SEMANTIC
                )
            )
            == 3
        )
        one = store.by_keys(
            "entity", ["biscuit"], user_id="u1", memory_type=MemoryType.SEMANTIC, limit=1
        )
        assert len(one) == 1
        # A turn without a session id is keyed by its event time.
        keyed = store.by_keys(
            "session_key",
            ["t:2024-05-01T00:00:00+00:00"],
            user_id="u1",
            memory_type=MemoryType.EPISODIC,
        )
        assert [r.id for r in keyed] == [raw.id]
        assert store.by_keys("entity", [], user_id="u1", memory_type=MemoryType.SEMANTIC) == []
