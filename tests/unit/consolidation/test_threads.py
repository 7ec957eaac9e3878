"""Topic threads: one speaker's different actions about the same thing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mirix_py._consolidation.threads import mine_threads
from mirix_py._memory import EpisodicMemory

DAY0 = datetime(2023, 5, 1, 9, tzinfo=UTC)


def ep(text: str, day: int, actor: str = "Caroline") -> EpisodicMemory:
    return EpisodicMemory(
        id=f"ep-{actor}-{day}",
        user_id="u",
        actor=actor,
        summary=text,
        occurred_at=DAY0 + timedelta(days=day),
        session_id=f"s{day}",
        source_ids=[f"m{day}"],
    )


def test_different_actions_about_one_topic_become_one_thread() -> None:
    episodes = [
        ep("I went to an LGBTQ support group today.", 0),
        ep("Random chat about the weather.", 3),
        ep("I joined a new LGBTQ activist group!", 10),
        ep("Yesterday I went to an LGBTQ+ pride parade.", 20),
        ep("I went to the LGBTQ support group today.", 30, actor="Melanie"),  # someone else
    ]
    (thread,) = mine_threads(episodes, min_sessions=2)
    assert (thread.entity, thread.topic) == ("Caroline", "LGBTQ")
    assert thread.summary() == (
        "LGBTQ: went to an LGBTQ support group (1 May 2023); "
        "joined a new LGBTQ activist group (11 May 2023); "
        "went to an LGBTQ+ pride parade (20 May 2023)"
    )
    assert [e.id for e in thread.episodes] == ["ep-Caroline-0", "ep-Caroline-10", "ep-Caroline-20"]


def test_one_action_repeated_is_a_habit_not_a_thread() -> None:
    episodes = [ep("I went to the gym.", d) for d in range(4)]
    assert mine_threads(episodes, min_sessions=2) == []


def test_one_session_or_one_event_is_not_enough() -> None:
    same_session = [
        ep("I joined a chess club.", 0),
        ep("I won a chess tournament.", 0).model_copy(update={"id": "other"}),
    ]
    assert mine_threads(same_session, min_sessions=2) == []
    assert mine_threads([ep("I joined a chess club.", 0)], min_sessions=2) == []


def test_each_action_joins_one_thread_and_first_person_becomes_third() -> None:
    episodes = [
        ep("I took my kids to the museum.", 0, actor="Melanie"),
        ep("I visited a chess museum.", 5, actor="Melanie"),
        ep("I joined a chess club.", 9, actor="Melanie"),
    ]
    threads = mine_threads(episodes, min_sessions=2)
    assert [t.topic for t in threads] == ["museum"]
    assert "took Melanie's kids to the museum (1 May 2023)" in threads[0].summary()


def test_long_threads_keep_the_latest_items_and_only_their_sources() -> None:
    episodes = [ep(f"I won tournament number {d}.", d, actor="Nate") for d in range(1, 13)]
    (thread,) = mine_threads(episodes, min_sessions=2, max_items=10)
    assert len(thread.items) == 10
    assert [e.id for e in thread.episodes] == [f"ep-Nate-{d}" for d in range(3, 13)]
