"""Scoring over a candidate pool: fusion, neighbour smoothing, cues, time ranges."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mirix_py._chat.cues import read_question
from mirix_py._chat.episodes import CandidatePool
from mirix_py._chat.scoring import Fusion, IndexQuery, rank_pool
from tests.unit.chat.helpers import episode

FUSION = Fusion(k=20, vector_weight=1.0, fts_weight=0.7)


def _index() -> CandidatePool:
    return CandidatePool.build(
        [
            episode("Good morning!", actor="Mel", session="a", sequence=0, vector=[0.0, 1.0]),
            episode(
                "I painted a sunrise at the lake",
                actor="Mel",
                session="a",
                sequence=1,
                vector=[1.0, 0.0],
            ),
            episode(
                "It was last year, in the summer",
                actor="Mel",
                session="a",
                sequence=2,
                vector=[0.2, 0.9],
            ),
            episode(
                "Caroline painted a mural",
                actor="Caroline",
                session="b",
                sequence=0,
                day=20,
                vector=[0.9, 0.1],
            ),
            episode(
                "Totally unrelated chatter",
                actor="Caroline",
                session="b",
                sequence=1,
                day=20,
                vector=[0.0, 1.0],
            ),
        ]
    )


def _rank(question: str, **query: object) -> list[str]:
    cues = read_question(question)
    index = _index()
    q = IndexQuery([1.0, 0.0], cues.stems, question, **query)  # type: ignore[arg-type]
    hits = rank_pool(index, [q], cues=cues, fusion=FUSION, limit=5)
    return [h.record["summary"] for h in hits]


def test_the_direct_match_ranks_first_and_parts_are_reported() -> None:
    cues = read_question("What did Mel paint at the lake?")
    index = _index()
    hits = rank_pool(
        index, [IndexQuery([1.0, 0.0], cues.stems, cues.text)], cues=cues, fusion=FUSION, limit=3
    )
    top = hits[0]
    assert top.record["summary"] == "I painted a sunrise at the lake"
    assert top.score.vector is not None and top.score.fts is not None
    assert top.score.cue > 0  # Mel is named and is the speaker
    assert top.session == "a" and top.position == 1


def test_neighbour_smoothing_lifts_the_following_turn() -> None:
    ranked = _rank("When did Mel paint the sunrise at the lake?")
    assert ranked.index("It was last year, in the summer") < ranked.index(
        "Totally unrelated chatter"
    )


def test_named_speaker_is_boosted() -> None:
    ranked = _rank("What did Caroline paint?")
    assert ranked[0] == "Caroline painted a mural"


def test_time_range_boosts_memories_inside_it() -> None:
    start = datetime(2024, 5, 15, tzinfo=UTC)
    end = datetime(2024, 5, 31, tzinfo=UTC)
    ranked = _rank("What was painted?", start=start, end=end)
    assert ranked[0] == "Caroline painted a mural"


def test_no_smoothing_across_a_gap_in_the_pool() -> None:
    cues = read_question("Where is the sunrise painting?")
    pool = CandidatePool.build(
        [
            episode("I painted a sunrise", session="a", sequence=0, vector=[1.0, 0.0]),
            episode("Some other chatter", session="a", sequence=2, vector=[0.0, 1.0]),
            episode("More chatter here", session="a", sequence=3, vector=[0.0, 1.0]),
        ]
    )
    hits = rank_pool(
        pool, [IndexQuery([1.0, 0.0], cues.stems, cues.text)], cues=cues, fusion=FUSION, limit=3
    )
    by_text = {h.record["summary"]: h for h in hits}
    assert by_text["Some other chatter"].score.neighbour > 0  # turn 3 is next to it
    assert by_text["I painted a sunrise"].score.neighbour == pytest.approx(0.0)  # turn 1 is missing
    assert by_text["More chatter here"].position == 3


def test_a_speaker_referred_to_by_role_is_a_cue_not_a_search_term() -> None:
    vector = [0.6, 0.8]
    pool = CandidatePool.build(
        [
            episode("Noted.", actor="Assistant", session="x", sequence=1, vector=vector),
            episode("Saved it for you.", actor="Assistant", session="y", sequence=1, vector=vector),
            episode("Any tips for the garden hose leak?", actor="Tove", session="z", vector=vector),
            episode(
                "Wrap the joint in plumber's tape and add a clamp before the winter frost.",
                actor="Assistant",
                session="z",
                sequence=1,
                vector=[0.0, 1.0],
            ),
            episode("The clamp fixed it, thanks", actor="Tove", session="w", vector=[0.0, 1.0]),
        ]
    )
    question = "What clamp did the assistant recommend?"
    cues = read_question(question)
    query = IndexQuery([1.0, 0.0], cues.stems, question)
    hits = rank_pool(pool, [query], cues=cues, fusion=FUSION, limit=5)
    assert hits[0].record["summary"].startswith("Wrap the joint")
    # every assistant turn carries the speaker cue; the user's turns do not
    cue = {h.record["summary"]: h.score.cue for h in hits}
    assert cue["Noted."] > 0 and cue["The clamp fixed it, thanks"] == 0


def test_the_name_a_first_person_question_is_read_with_is_no_search_term() -> None:
    # "Where do I …" is read as "Where does User …"; every turn of the unnamed user
    # carries that word, so as a search term it ranks their shortest turns — follow-up
    # questions with no facts in them — above the turn that answers.
    same = [0.6, 0.8]
    pool = CandidatePool.build(
        [
            episode("And what about lunges?", actor="user", session="a", vector=same),
            episode("Is that enough?", actor="user", session="b", vector=same),
            episode(
                "Here is a long answer about lunges, squats and planks for a home workout.",
                actor="assistant",
                session="a",
                sequence=1,
                vector=[0.0, 1.0],
            ),
            episode(
                "Big news: I start at the harbour bistro downtown on Monday",
                actor="user",
                session="c",
                day=9,
                vector=[1.0, 0.0],
            ),
            episode("Noted, congratulations!", actor="assistant", session="c", sequence=1),
        ]
    )
    cues = read_question("Where do I cook now?")
    assert cues.asked and "User" in cues.names
    query = IndexQuery([1.0, 0.0], cues.stems, cues.text)
    hits = rank_pool(pool, [query], cues=cues, fusion=FUSION, limit=5)
    assert hits[0].record["summary"].startswith("Big news")
    # the user's turns keep the speaker cue
    cue = {h.record["summary"]: h.score.cue for h in hits}
    assert cue["Is that enough?"] > 0 and cue["Noted, congratulations!"] == 0


def _family_pool() -> CandidatePool:
    """One session full of talk about the topic, and another with a second instance."""
    return CandidatePool.build(
        [
            episode(
                "We went hiking with the kids on Sunday",
                actor="Ana",
                session="a",
                sequence=0,
                vector=[1.0, 0.0],
            ),
            episode(
                "The kids want to go hiking every weekend now",
                actor="Ana",
                session="a",
                sequence=1,
                vector=[0.9, 0.45],
            ),
            episode(
                "Hiking with kids takes patience",
                actor="Ben",
                session="a",
                sequence=2,
                vector=[0.95, 0.3],
            ),
            episode(
                "My sister called yesterday",
                actor="Ana",
                session="b",
                sequence=0,
                day=20,
                vector=[0.0, 1.0],
            ),
            episode(
                "I took the kids to the pottery studio",
                actor="Ana",
                session="b",
                sequence=1,
                day=20,
                vector=[0.7, 0.7],
            ),
        ]
    )


def _family_ranking(question: str) -> list[str]:
    cues = read_question(question)
    q = IndexQuery([1.0, 0.0], cues.stems, question)
    hits = rank_pool(_family_pool(), [q], cues=cues, fusion=FUSION, limit=5)
    return [h.record["summary"] for h in hits]


def test_a_question_asking_for_several_things_gets_no_session_prior() -> None:
    # one activity: the session that talks most about it is the context to read
    one = _family_ranking("What activity has Ana done with the kids?")
    assert one.index("Hiking with kids takes patience") < one.index(
        "I took the kids to the pottery studio"
    )
    # several: the second activity, told in another session, comes before more of the first
    several = _family_ranking("What activities has Ana done with the kids?")
    assert several.index("I took the kids to the pottery studio") < several.index(
        "Hiking with kids takes patience"
    )
    cues = read_question("What activities has Ana done with the kids?")
    hits = rank_pool(
        _family_pool(),
        [IndexQuery([1.0, 0.0], cues.stems, cues.text)],
        cues=cues,
        fusion=FUSION,
        limit=5,
    )
    assert all(h.score.prior == 0.0 for h in hits)
