"""Offline pattern mining: what counts as a repeated action, and what never does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mirix_py._consolidation.miners import actions_in, mine_patterns, mine_routines
from mirix_py._memory import EpisodicMemory

DAY0 = datetime(2023, 5, 1, 9, tzinfo=UTC)  # a Monday


def ep(text: str, day: int = 0, *, actor: str = "Alice", seq: int = 0) -> EpisodicMemory:
    return EpisodicMemory(
        user_id="u",
        actor=actor,
        summary=text,
        occurred_at=DAY0 + timedelta(days=day),
        session_id=f"s{day}",
        sequence=seq,
        source_ids=[f"m{day}-{seq}"],
    )


def found(text: str, **kwargs: object) -> list[tuple[str, str, str]]:
    return [(e, lemma, obj) for e, lemma, obj, _ in actions_in(ep(text, **kwargs))]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I went running this morning.", [("Alice", "go", "running")]),
        ("I went to the gym after work.", [("Alice", "go", "to the gym")]),
        ("I went for a swim.", [("Alice", "go", "for a swim")]),
        ("I usually play chess with Tom.", [("Alice", "play", "chess")]),
        ("I had coffee at 3 pm.", [("Alice", "have", "coffee")]),
        (
            "I baked bread and I painted a lake.",
            [("Alice", "bake", "bread"), ("Alice", "paint", "a lake")],
        ),
        ("I ran this morning!", [("Alice", "run", "")]),
        (
            "My family and I went camping. We went to the lake too.",
            [("Alice", "go", "camping"), ("Alice", "go", "to the lake")],
        ),
    ],
)
def test_first_person_actions_are_read(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I didn't go running.",  # negated
        "I did not go to the gym.",
        "I never go to the gym.",
        "If I went to the gym more often I'd be fitter.",  # hypothetical
        "I would go running if it stopped raining.",
        "Tomorrow I will go running.",  # future
        "Did you know I went running?",  # question
        "I had a great time.",  # 'had' only with food and drink
        "I ran into an old friend.",  # idiom, not running
        "I went to it.",  # pronoun object
        "Bob went running.",  # not first person
        "I fixed the sink.",  # verb outside the closed list
        "I won't quit.",  # a contraction, not 'won'
        "A few years back I went on a hike.",  # long ago, at an unknown time
        "When I was a kid I played chess.",
    ],
)
def test_statements_that_are_not_actions_are_skipped(text: str) -> None:
    assert found(text) == []


def test_assistants_and_unprocessed_batches_are_not_people() -> None:
    assert found("I went running.", actor="assistant") == []
    assert found("I went running.", actor="Alice, Bob") == []
    raw = ep("I went running.").model_copy(update={"status": "unprocessed"})
    assert actions_in(raw) == []


def test_event_dates_time_of_day_and_companions() -> None:
    ((_, _, _, occ),) = actions_in(ep("Yesterday I played tennis with Bob at 6 pm.", day=3))
    assert (occ.label, occ.day, occ.part_of_day, occ.companion) == (
        "2023-05-03",
        (DAY0 + timedelta(days=2)).date(),
        "evening",
        "Bob",
    )
    ((_, _, _, week),) = actions_in(ep("I went hiking last week.", day=3))
    assert week.day is None and week.label.startswith("week of")


def test_a_pattern_needs_distinct_days_in_distinct_sessions() -> None:
    episodes = [ep("I went running.", day=d) for d in range(3)]
    (pattern,) = mine_patterns(episodes, min_sessions=3)
    assert pattern.phrase() == "went running"
    assert pattern.dates_text() == "1–3 May 2023"
    assert [e.id for e in pattern.episodes] == [e.id for e in episodes]
    assert mine_patterns(episodes, min_sessions=4) == []
    # One event told in two sessions is one occurrence.
    retold = [ep("I ran the Lisbon marathon on 14 May 2023.", day=d) for d in (14, 15)]
    assert mine_patterns(retold, min_sessions=2) == []
    # Two events on one day in one session are not a repetition either.
    same_day = [ep("I went running.", seq=0), ep("I went running again.", seq=1)]
    assert mine_patterns(same_day, min_sessions=2) == []


def test_shared_context_is_kept_only_when_every_occurrence_has_it() -> None:
    always = [ep("I had coffee at 3 pm with Bob.", day=d) for d in range(3)]
    assert mine_patterns(always, min_sessions=2)[0].phrase() == (
        "had coffee in the afternoon with Bob"
    )
    mixed = [*always, ep("I had coffee at 8 am with Carol.", day=5)]
    assert mine_patterns(mixed, min_sessions=2)[0].phrase() == "had coffee"


def test_routines_need_a_fixed_order_in_enough_sessions() -> None:
    episodes = []
    for d in range(4):
        episodes += [ep("I went running.", day=d, seq=0), ep("I had a smoothie.", day=d, seq=1)]
    patterns = mine_patterns(episodes, min_sessions=2)
    (routine,) = mine_routines(patterns, min_sessions=2)
    assert [p.phrase(tense="base") for p in routine.steps] == ["go running", "have a smoothie"]
    assert len(routine.sessions) == 4 and len(routine.episodes) == 8
    # Once reversed: no routine.
    episodes += [ep("I had a smoothie.", day=9, seq=0), ep("I went running.", day=9, seq=1)]
    assert mine_routines(mine_patterns(episodes, min_sessions=2), min_sessions=2) == []


def test_an_action_that_only_sometimes_follows_is_not_part_of_the_routine() -> None:
    episodes = []
    for d in range(9):
        episodes += [ep("I went running.", day=d, seq=0), ep("I had a smoothie.", day=d, seq=1)]
        if d % 3 == 0:
            episodes.append(ep("I played tennis today.", day=d, seq=2))
    routines = mine_routines(mine_patterns(episodes, min_sessions=2), min_sessions=2)
    assert [[p.lemma for p in r.steps] for r in routines] == [["go", "have"]]
