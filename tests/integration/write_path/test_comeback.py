"""A value that comes back (A → B → A) is current again, with both earlier periods as history."""

from __future__ import annotations

from datetime import UTC, datetime

from mirix_py._memory import CoreMemory, MemoryType, SemanticMemory
from mirix_py._memory.semantic import fact_id
from mirix_py._system import MemorySystem
from tests.integration.write_path.conftest import MakeSystem
from tests.integration.write_path.helpers import rows
from tests.unit.managers.fakes import ScriptedToolModel, call, reply

MARCH = datetime(2024, 3, 4, 10, tzinfo=UTC)
JUNE = datetime(2024, 6, 10, 10, tzinfo=UTC)
OCTOBER = datetime(2024, 10, 21, 10, tzinfo=UTC)
APRIL_1, AUGUST_1, NOVEMBER_1 = (datetime(2024, m, 1, tzinfo=UTC) for m in (4, 8, 11))


def _say(system: MemorySystem, text: str, at: datetime, mid: str) -> None:
    system.add(
        [{"role": "user", "name": "Sam", "content": text, "id": mid}],
        user_id="u1",
        occurred_at=at,
    )


def _facts(system: MemorySystem, *, include_superseded: bool = False) -> list[SemanticMemory]:
    found = system.store.list_records(
        user_id="u1",
        memory_type=MemoryType.SEMANTIC,
        limit=1000,
        include_superseded=include_superseded,
    )
    return [r for r in found if isinstance(r, SemanticMemory) and not r.aspect]


def _periods(system: MemorySystem, name: str, prefix: str) -> list[tuple[str, datetime, bool]]:
    """``(summary, valid_from, current)`` of every row of one slot, oldest first."""
    found = [
        r
        for r in _facts(system, include_superseded=True)
        if r.name == name and r.summary.startswith(prefix)
    ]
    return [
        (r.summary, r.valid_from, r.is_current) for r in sorted(found, key=lambda r: r.valid_from)
    ]


def _searched(system: MemorySystem, query: str, at: datetime, prefix: str) -> set[str]:
    hits = system.search(query, user_id="u1", memory_types=["semantic"], as_of=at)
    return {
        f"{h.record.name}: {h.record.summary}"
        for h in hits
        if isinstance(h.record, SemanticMemory) and h.record.summary.startswith(prefix)
    }


def _denver_portland_denver(system: MemorySystem) -> None:
    _say(system, "I live in Denver.", MARCH, "D1:1")
    _say(system, "Big news: we just moved to Portland!", JUNE, "D2:1")
    _say(system, "We moved back to Denver last week.", OCTOBER, "D3:1")


def test_a_city_that_comes_back_is_current_again_and_both_earlier_periods_stay_history(
    make_system: MakeSystem,
) -> None:
    system = make_system()
    _denver_portland_denver(system)

    assert _periods(system, "Sam", "lives in") == [
        ("lives in Denver", MARCH, False),
        ("lives in Portland", JUNE, False),
        ("lives in Denver", OCTOBER, True),
    ]
    by_period = {
        (r.summary, r.valid_from): r
        for r in _facts(system, include_superseded=True)
        if r.summary.startswith("lives in")
    }
    first = by_period[("lives in Denver", MARCH)]
    portland = by_period[("lives in Portland", JUNE)]
    back = by_period[("lives in Denver", OCTOBER)]
    assert first.source_ids == ["D1:1"] and back.source_ids == ["D3:1"]
    assert (first.valid_to, first.superseded_by) == (JUNE, portland.id)
    assert (portland.valid_to, portland.superseded_by) == (OCTOBER, back.id)
    assert back.id != first.id
    assert [h.event for h in system.history(portland.id, user_id="u1")] == ["insert", "supersede"]
    current = {r.summary for r in _facts(system)}
    assert "used to live in Portland" in current
    assert "used to live in Denver" not in current  # Sam lives there again
    assert _searched(system, "where did Sam live before", AUGUST_1, "used to") == {
        "Sam: used to live in Denver"
    }
    # reads as of three instants see the value valid then
    assert _searched(system, "where does Sam live", APRIL_1, "lives in") == {"Sam: lives in Denver"}
    assert _searched(system, "where does Sam live", AUGUST_1, "lives in") == {
        "Sam: lives in Portland"
    }
    assert _searched(system, "where does Sam live", NOVEMBER_1, "lives in") == {
        "Sam: lives in Denver"
    }
    (block,) = rows(system, "u1", "core")
    assert isinstance(block, CoreMemory)
    assert "Sam: lives in Denver" in block.lines()
    assert "Sam: lives in Portland" not in block.lines()


def test_re_adding_the_messages_of_a_comeback_writes_nothing_new(make_system: MakeSystem) -> None:
    system = make_system()
    said = [
        ("I live in Denver.", MARCH, "D1:1"),
        ("Big news: we just moved to Portland!", JUNE, "D2:1"),
        ("We moved back to Denver last week.", OCTOBER, "D3:1"),
        ("We moved to Portland again.", datetime(2025, 2, 3, 10, tzinfo=UTC), "D4:1"),
    ]
    for text, at, mid in said:
        _say(system, text, at, mid)
    before = sorted(
        (r.id, r.valid_from, r.valid_to) for r in _facts(system, include_superseded=True)
    )
    assert [s for s, _, current in _periods(system, "Sam", "lives in") if current] == [
        "lives in Portland"
    ]

    # the comeback row is history by now: found by its id and left alone
    actions = {
        a.action
        for text, at, mid in said
        for a in system.add(
            [{"role": "user", "name": "Sam", "content": text, "id": mid}],
            user_id="u1",
            occurred_at=at,
        ).actions
        if a.memory_type is MemoryType.SEMANTIC
    }

    assert actions == {"skipped"}
    after = sorted(
        (r.id, r.valid_from, r.valid_to) for r in _facts(system, include_superseded=True)
    )
    assert after == before


def test_a_manager_who_comes_back_is_the_manager_again_with_their_holder_fact(
    make_system: MakeSystem,
) -> None:
    system = make_system()
    _say(system, "My manager is Ana Lopez.", MARCH, "D1:1")
    _say(system, "Quick update: my manager is Ben Okafor now.", JUNE, "D2:1")
    _say(system, "My manager is Ana Lopez again.", OCTOBER, "D3:1")

    assert _periods(system, "Sam", "manager is") == [
        ("manager is Ana Lopez", MARCH, False),
        ("manager is Ben Okafor", JUNE, False),
        ("manager is Ana Lopez", OCTOBER, True),
    ]
    assert _periods(system, "Ana Lopez", "is Sam's manager") == [
        ("is Sam's manager", MARCH, False),
        ("is Sam's manager", OCTOBER, True),
    ]
    assert _periods(system, "Ben Okafor", "is Sam's manager") == [("is Sam's manager", JUNE, False)]
    ben = next(r for r in _facts(system, include_superseded=True) if r.name == "Ben Okafor")
    ana_back = next(r for r in _facts(system) if r.name == "Ana Lopez")
    assert (ben.valid_to, ben.superseded_by) == (OCTOBER, ana_back.id)
    query = "who is Sam's manager"
    assert _searched(system, query, AUGUST_1, "manager is") == {"Sam: manager is Ben Okafor"}
    assert _searched(system, query, NOVEMBER_1, "manager is") == {"Sam: manager is Ana Lopez"}


def test_a_role_holder_who_came_back_hands_the_role_on_with_their_holder_fact(
    make_system: MakeSystem,
) -> None:
    system = make_system()
    _say(system, "My manager is Ana Lopez.", MARCH, "D1:1")
    _say(system, "Quick update: my manager is Ben Okafor now.", JUNE, "D2:1")
    _say(system, "My manager is Ana Lopez again.", OCTOBER, "D3:1")
    _say(system, "My manager is Chloe Park now.", datetime(2025, 1, 6, tzinfo=UTC), "D4:1")

    holders = {r.name for r in _facts(system) if r.summary == "is Sam's manager"}
    assert holders == {"Chloe Park"}


def test_a_preference_that_flips_back_is_current_again(make_system: MakeSystem) -> None:
    system = make_system()
    _say(system, "I love coffee.", MARCH, "D1:1")
    _say(system, "No more coffee for me, I quit coffee.", JUNE, "D2:1")
    _say(system, "I'm back on coffee, I love coffee again.", OCTOBER, "D3:1")

    assert _periods(system, "Sam", "likes coffee") == [
        ("likes coffee", MARCH, False),
        ("likes coffee", OCTOBER, True),
    ]
    assert _periods(system, "Sam", "no longer likes") == [("no longer likes coffee", JUNE, False)]


def test_a_value_that_comes_back_twice_keeps_one_current_row_and_merges_a_restatement(
    make_system: MakeSystem,
) -> None:
    system = make_system()
    cities = ["Denver", "Portland", "Denver", "Portland", "Denver"]
    times = [datetime(2024, m, 1, tzinfo=UTC) for m in (1, 3, 5, 7, 9)]
    for k, (city, at) in enumerate(zip(cities, times, strict=True)):
        _say(system, f"We moved to {city}.", at, f"D{k + 1}:1")
    periods = _periods(system, "Sam", "lives in")
    assert periods == [
        (f"lives in {c}", at, k == len(cities) - 1)
        for k, (c, at) in enumerate(zip(cities, times, strict=True))
    ]

    _say(system, "I live in Denver.", datetime(2024, 11, 1, tzinfo=UTC), "D6:1")

    assert _periods(system, "Sam", "lives in") == periods
    (current,) = [r for r in _facts(system) if r.summary == "lives in Denver"]
    assert current.source_ids == ["D5:1", "D6:1"]


def test_a_value_that_leaves_and_comes_back_in_one_batch_is_current(
    make_system: MakeSystem,
) -> None:
    system = make_system()
    _say(system, "I live in Denver.", MARCH, "D1:1")
    _say(
        system,
        "We moved to Portland. A few months later we moved back to Denver.",
        OCTOBER,
        "D2:1",
    )

    assert _periods(system, "Sam", "lives in") == [
        ("lives in Denver", MARCH, False),
        ("lives in Portland", OCTOBER, False),
        ("lives in Denver", OCTOBER, True),
    ]


def test_a_move_away_and_back_told_in_one_sentence_leaves_the_first_value_current(
    make_system: MakeSystem,
) -> None:
    system = make_system()
    _say(system, "I live in Denver.", MARCH, "D1:1")
    _say(system, "We moved to Portland in May, then back to Denver in October.", OCTOBER, "D2:1")

    assert [(s, current) for s, _, current in _periods(system, "Sam", "lives in")] == [
        ("lives in Denver", False),
        ("lives in Portland", False),
        ("lives in Denver", True),
    ]


def test_clean_up_keeps_the_two_periods_of_a_returning_value_apart(
    make_system: MakeSystem,
) -> None:
    system = make_system()
    _denver_portland_denver(system)
    periods = _periods(system, "Sam", "lives in")

    system.consolidate(user_id="u1")

    assert _periods(system, "Sam", "lives in") == periods


def test_an_llm_supersede_back_to_an_earlier_value_keeps_the_first_period(
    make_system: MakeSystem,
) -> None:
    acme = fact_id("u1", "Sam", "works at Acme")
    globex = fact_id("u1", "Sam", "works at Globex")
    model = ScriptedToolModel(
        scripts={
            "route_memory": [reply(call("route_memory", memory_types=["semantic"], reason="test"))],
            "insert_semantic": [
                reply(
                    call("insert_semantic", name="Sam", summary="works at Acme", source_ids=["a"])
                ),
                reply(
                    call(
                        "supersede_semantic",
                        old_id=acme,
                        name="Sam",
                        summary="works at Globex",
                        source_ids=["b"],
                        reason="new job",
                    )
                ),
                reply(
                    call(
                        "supersede_semantic",
                        old_id=globex,
                        name="Sam",
                        summary="works at Acme",
                        source_ids=["c"],
                        reason="back at the old job",
                    )
                ),
            ],
        }
    )
    system = make_system(chat_model=model)
    _say(system, "I work at Acme.", MARCH, "a")
    _say(system, "I started at Globex.", JUNE, "b")
    _say(system, "I'm back at Acme.", OCTOBER, "c")

    assert _periods(system, "Sam", "works at") == [
        ("works at Acme", MARCH, False),
        ("works at Globex", JUNE, False),
        ("works at Acme", OCTOBER, True),
    ]
    (first,) = system.store.get_many([acme], user_id="u1")
    assert first.source_ids == ["a"] and first.valid_to == JUNE


def test_chat_answers_the_value_that_came_back(
    make_system: MakeSystem,
) -> None:
    system = make_system()
    _denver_portland_denver(system)
    _say(system, "My manager is Ana Lopez.", MARCH, "D4:1")
    _say(system, "Quick update: my manager is Ben Okafor now.", JUNE, "D5:1")
    _say(system, "My manager is Ana Lopez again.", OCTOBER, "D6:1")
    now = datetime(2024, 11, 5, tzinfo=UTC)

    def ask(question: str) -> str:
        return system.chat(question, user_id="u1", interactive_update=False, now=now).text

    assert "Denver" in ask("Where do I live now?")
    assert "Portland" not in ask("Where do I live now?")
    assert "Ana Lopez" in ask("Who is my manager now?")
    assert "Ben Okafor" not in ask("Who is my manager now?")
