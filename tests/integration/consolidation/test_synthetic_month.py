"""Offline reflection over a synthetic month of daily conversations with recurring habits.

The month is generated here with known habits and known noise (one-off events,
negations, hypotheticals, questions, the assistant's own chatter, an event
mentioned twice); the derived items must be exactly the expected ones, each
citing exactly the messages of the episodes it summarises.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from mirix_py._memory import MemoryType, ProceduralMemory, SemanticMemory
from mirix_py._system import MemorySystem
from tests.integration.consolidation.conftest import MakeSystem

MAY = [date(2023, 5, d) for d in range(1, 32)]  # 1 May 2023 is a Monday
USER = "alice"


def _day(d: date) -> list[dict[str, Any]]:
    """One day's session: habits by weekday plus noise that must not become knowledge."""
    tag = d.isoformat()
    msgs: list[dict[str, Any]] = []

    def say(text: str, role: str = "user") -> None:
        msg: dict[str, Any] = {"role": role, "content": text, "id": f"{tag}-{len(msgs)}"}
        if role == "user":
            msg["name"] = "Alice"
        msgs.append(msg)

    weekday = d.weekday()
    if weekday < 5:
        say("Good morning! I went running before breakfast.")
        say("Nice! I went running too, in a way.", role="assistant")  # never a person's habit
        say("I had coffee at 3 pm with Bob, as usual.")
    elif weekday == 5:
        say("I played tennis with Bob today. It was fun.")
    else:
        say("I baked bread this morning.")
    # Noise on several days: negated, hypothetical, future, questions.
    if d.day % 4 == 0:
        say("I didn't go swimming, the pool was closed.")
        say("If I had time I would go to the cinema.")
        say("Tomorrow I will visit my parents.")
        say("Did you know I went hiking?")
    if d.day == 10:
        say("I visited the dentist yesterday.")  # a one-off
    if d.day in (15, 16):  # the same event, mentioned in two sessions
        say("I ran the Lisbon marathon on 14 May 2023!")
    return msgs


def _ingest(system: MemorySystem) -> dict[str, list[str]]:
    """Ingest the month; returns the message ids of each habit's statements."""
    ids: dict[str, list[str]] = {"run": [], "coffee": [], "tennis": [], "bread": []}
    for d in MAY:
        msgs = _day(d)
        for m in msgs:
            text = m["content"]
            key = (
                "run"
                if text.startswith("Good morning")
                else "coffee"
                if text.startswith("I had coffee")
                else "tennis"
                if "tennis" in text
                else "bread"
                if "baked" in text
                else None
            )
            if key:
                ids[key].append(m["id"])
        at = datetime(d.year, d.month, d.day, 8, tzinfo=UTC)
        system.add(msgs, user_id=USER, occurred_at=at)
    return ids


def _derived(system: MemorySystem, memory_type: MemoryType) -> list[Any]:
    return [
        r
        for r in system.get_all(user_id=USER, memory_type=memory_type, limit=1000)
        if r.origin == "derived"
    ]


def test_a_month_of_habits_yields_exactly_the_expected_items(make_system: MakeSystem) -> None:
    system = make_system()
    ids = _ingest(system)

    report = system.consolidate(user_id=USER, now=datetime(2023, 6, 1, tzinfo=UTC))

    assert report.ok and report.mode == "offline"
    facts = {
        (r.name, r.summary): r.source_ids
        for r in _derived(system, MemoryType.SEMANTIC)
        if isinstance(r, SemanticMemory)
    }
    weekdays = "1–5 May 2023, 8–12 May 2023, 15–19 May 2023, 22–26 May 2023, 29–31 May 2023"
    assert facts == {
        ("Alice", f"went running repeatedly: 23 times ({weekdays})"): ids["run"],
        ("Alice", f"had coffee in the afternoon with Bob repeatedly: 23 times ({weekdays})"): ids[
            "coffee"
        ],
        (
            "Alice",
            "played tennis with Bob repeatedly: 4 times "
            "(6 May 2023, 13 May 2023, 20 May 2023, 27 May 2023)",
        ): ids["tennis"],
        (
            "Alice",
            "baked bread in the morning repeatedly: 4 times "
            "(7 May 2023, 14 May 2023, 21 May 2023, 28 May 2023)",
        ): ids["bread"],
    }
    routines = _derived(system, MemoryType.PROCEDURAL)
    assert [(r.description, r.steps, r.source_ids) for r in routines] == [
        (
            "Alice's routine: go running, then have coffee in the afternoon with Bob",
            ["go running", "have coffee in the afternoon with Bob"],
            sorted(ids["run"] + ids["coffee"], key=lambda i: (i[:10], int(i[11:]))),
        )
    ]
    assert all(isinstance(r, ProceduralMemory) and r.origin == "derived" for r in routines)
    derived_actions = [a for a in report.actions if a.step == "reflect"]
    assert {a.action for a in derived_actions} == {"derived"} and len(derived_actions) == 5
    # Each derived item names exactly the episodes it summarises.
    for action in derived_actions:
        episodes = system.store.get_many(action.related_ids, user_id=USER)
        record = system.get(str(action.memory_id), user_id=USER)
        assert sorted(s for e in episodes for s in e.source_ids) == sorted(record.source_ids)


def test_a_second_run_changes_nothing_and_new_days_update_in_place(
    make_system: MakeSystem,
) -> None:
    system = make_system()
    _ingest(system)
    first = system.consolidate(user_id=USER)
    again = system.consolidate(user_id=USER)
    assert {a.action for a in again.actions if a.step == "reflect"} == {"skipped"}
    assert sorted(again.ids(step="reflect")) == sorted(first.ids(step="reflect"))

    extra = datetime(2023, 6, 1, 8, tzinfo=UTC)  # a Thursday
    system.add(
        [
            {
                "role": "user",
                "name": "Alice",
                "content": "I went running before work.",
                "id": "jun-1",
            }
        ],
        user_id=USER,
        occurred_at=extra,
    )
    third = system.consolidate(user_id=USER)
    updated = [a for a in third.actions if a.action == "updated"]
    assert len(updated) == 1
    record = system.get(str(updated[0].memory_id), user_id=USER)
    assert isinstance(record, SemanticMemory)
    assert record.summary.startswith("went running repeatedly: 24 times (")
    assert record.summary.endswith("29 May – 1 June 2023)")
    assert record.source_ids[-1] == "jun-1"
    assert [e.event for e in system.history(record.id, user_id=USER)] == ["insert", "update"]


def test_too_little_evidence_derives_nothing(make_system: MakeSystem) -> None:
    system = make_system()
    start = datetime(2023, 5, 1, 8, tzinfo=UTC)
    for i, text in enumerate(
        [
            "I went running this morning.",  # once only
            "I went to the gym yesterday.",
            "I didn't go to the gym today.",  # negated: does not count
            "Would I go to the gym again? I might go to the gym tomorrow.",
        ]
    ):
        system.add(
            [{"role": "user", "name": "Alice", "content": text, "id": f"m{i}"}],
            user_id=USER,
            occurred_at=start + timedelta(days=i),
        )
    report = system.consolidate(user_id=USER)
    assert report.ids(step="reflect") == []
    assert _derived(system, MemoryType.SEMANTIC) == []
