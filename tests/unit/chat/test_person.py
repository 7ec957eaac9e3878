"""Questions in the first and second person: read as questions about User and the assistant."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mirix_py._chat.abstain import possessed_stem
from mirix_py._chat.answer import answer_offline
from mirix_py._chat.compose import build_context
from mirix_py._chat.cues import read_question
from mirix_py._chat.decompose import as_asked_targets
from mirix_py._chat.draft import NOT_MENTIONED
from mirix_py._chat.models import TargetQuery
from mirix_py._chat.person import (
    USER_NAME,
    asks_about_user,
    in_users_words,
    third_person,
    user_name,
)
from mirix_py._memory import MemoryType, SemanticMemory
from mirix_py._memory.extract_common import Turn
from mirix_py._memory.facts import extract_facts
from tests.unit.chat.helpers import episode, hit


@pytest.mark.parametrize(
    ("asked", "read"),
    [
        ("Which town do I live in now?", "Which town does User live in now?"),
        ("What is the name of my parrot?", "What is the name of User's parrot?"),
        ("Am I still going to Oslo?", "Is User still going to Oslo?"),
        ("Who will pick me up after my check-up?", "Who will pick User up after User's check-up?"),
        (
            "What did you suggest I cook on Friday?",
            "What did the assistant suggest User cook on Friday?",
        ),
        (
            "According to you, how long should bread rise?",
            "According to the assistant, how long should bread rise?",
        ),
        ("In your plan, what comes first?", "In the assistant's plan, what comes first?"),
        ("I'm curious, where have I parked?", "User is curious, where has User parked?"),
    ],
)
def test_first_and_second_person_read_in_the_third(asked: str, read: str) -> None:
    assert third_person(asked) == read


@pytest.mark.parametrize(
    "question",
    ["Where does Tove live now?", "What did the assistant recommend?", "Which city is it in?"],
)
def test_questions_without_either_person_are_unchanged(question: str) -> None:
    assert third_person(question) == question


def test_a_howto_opening_stays_a_howto_question() -> None:
    assert third_person("How do I descale my kettle?") == "How do I descale User's kettle?"
    cues = read_question("How do I descale my kettle?")
    assert cues.is_howto


def test_read_question_names_the_user_and_the_assistant() -> None:
    assert "User" in read_question("Which town do I live in now?").names
    assert "assist" in read_question("What did you suggest for dinner?").stems


def test_asks_about_user_and_users_words() -> None:
    assert asks_about_user("What is the name of User's parrot?")
    assert not asks_about_user("Which book did the assistant recommend for User?")
    assert not asks_about_user("Where does Tove live?")
    assert in_users_words("user", "", "I got a parrot")
    assert in_users_words("", "User", "lives in Oslo")
    assert in_users_words("", "Pip", "is the user's parrot")
    assert not in_users_words("assistant", "", "parrots need big cages")


def _fact(name: str, summary: str) -> SemanticMemory:
    return SemanticMemory(
        user_id="u", name=name, summary=summary, occurred_at=datetime(2024, 5, 2, tzinfo=UTC)
    )


def _pack(*hits):  # type: ignore[no-untyped-def]
    return build_context([], list(hits), budget_tokens=1000)


def test_a_first_person_question_prefers_the_users_own_fact() -> None:
    advice = episode(
        "Property tax in Wales is set by the council; where you live in the town decides "
        "the band, so check before you move.",
        actor="assistant",
    )
    pack = _pack(
        hit(advice, 2.0, vector=0.35),
        hit(_fact("User", "lives in Swansea"), 1.0, vector=0.4),
    )
    draft = answer_offline(read_question("Which town do I live in now?"), pack, min_evidence=0.2)
    assert draft.text == "Swansea"


def test_a_thing_of_the_user_only_the_assistant_mentions_is_not_mentioned() -> None:
    advice = episode(
        "Both the fern and the calathea are safe for cats and parrots, so no need to move "
        "them up high.",
        actor="assistant",
        sequence=1,
    )
    own = episode("I finally repotted the fern, it looks great now.", actor="user")
    pack = _pack(hit(advice, 2.0, vector=0.5), hit(own, 1.0, vector=0.3))
    draft = answer_offline(read_question("What is the name of my parrot?"), pack, min_evidence=0.2)
    assert draft.abstained and draft.text == NOT_MENTIONED


def test_a_date_moved_to_a_new_day_is_the_current_one() -> None:
    planned = episode("my recital is planned for 10 March, so nervous", actor="user", day=3)
    moved = episode(
        "and the recital moved two days later, to 12 March", actor="user", sequence=1, day=3
    )
    pack = _pack(hit(planned, 2.0, vector=0.55), hit(moved, 1.6, vector=0.5))
    draft = answer_offline(read_question("When is my recital?"), pack, min_evidence=0.2)
    assert draft.text.startswith("12 March")


def test_a_question_about_the_user_is_answered_from_their_own_words() -> None:
    advice = episode(
        "For photos on a laptop the lighter tool is fine; the heavier one only runs on "
        "Linux and needs a big screen.",
        actor="assistant",
    )
    own = episode("I edit with Darkroom, which only runs on Linux.", actor="user", sequence=1)
    pack = _pack(hit(advice, 1.3, vector=0.45), hit(own, 1.2, vector=0.45))
    question = read_question("Which editor do I use that only runs on Linux?")
    draft = answer_offline(question, pack, min_evidence=0.2)
    assert "Darkroom" in draft.text


def test_someone_moving_to_a_place_is_no_new_value_for_another_question() -> None:
    intro = episode("Hi, I'm Ann, I work as a nurse at Northfield Clinic in Leeds.", day=1)
    friend = episode(
        "random one: my friend Olu just moved to Glasgow and asks how council tax works.",
        sequence=1,
    )
    pack = _pack(hit(intro, 1.0, vector=0.41), hit(friend, 1.0, vector=0.33))
    draft = answer_offline(
        read_question("Which company does Ann work for?"), pack, min_evidence=0.2
    )
    assert draft.text == "Northfield Clinic"


def test_the_thing_possessed_follows_a_chain_of_possessives() -> None:
    assert possessed_stem("What is the name of User's twins' swim coach?") == "coach"
    assert possessed_stem("What is Ann's sister's job at the bakery?") == "job"
    pack = _pack(
        hit(episode("the twins started at Pebble Lane swim club, they love it", actor="user"), 1.0),
        hit(episode("Swim clubs usually group children by age.", actor="assistant", sequence=1)),
    )
    draft = answer_offline(
        read_question("What is the name of my twins' swim coach?"), pack, min_evidence=0.2
    )
    assert draft.abstained


def test_the_question_as_asked_is_one_more_episodic_query() -> None:
    cues = read_question("Which town do I live in now?")
    assert cues.asked == "Which town do I live in now?"
    episodic = TargetQuery(memory_type=MemoryType.EPISODIC, query=cues.text)
    facts = TargetQuery(memory_type=MemoryType.SEMANTIC, query=cues.text)
    extra = as_asked_targets(cues, [episodic, facts])
    assert extra == [TargetQuery(memory_type=MemoryType.EPISODIC, query=cues.asked)]
    assert as_asked_targets(cues, [facts]) == []
    named = read_question("Which town does Tove live in now?")
    assert named.asked == "" and as_asked_targets(named, [episodic]) == []


def test_a_liking_that_points_back_is_no_fact_about_the_user() -> None:
    said = Turn(
        id="m1",
        role="user",
        speaker="user",
        content="I like the second one. Can you explain the rhyme?",
        text="I like the second one. Can you explain the rhyme?",
        timestamp=datetime(2024, 5, 2, tzinfo=UTC),
        sequence=0,
        session_id="s",
    )
    assert [f.summary for f in extract_facts([said])] == []
    plain = said.model_copy(update={"content": "I like green tea.", "text": "I like green tea."})
    assert [f.summary for f in extract_facts([plain])] == ["likes green tea"]


def test_a_known_user_name_replaces_user() -> None:
    assert third_person("Where am I based?", "Noor") == "Where is Noor based?"
    assert third_person("Which town do I live in now?", "Noor") == (
        "Which town does Noor live in now?"
    )
    assert third_person("What is my cat's name?", "Noor") == "What is Noor's cat's name?"
    assert third_person("What did you tell me?", "Noor") == "What did the assistant tell Noor?"


def test_a_name_is_inserted_literally() -> None:
    assert third_person("Where do I work?", r"Ana\1") == r"Where does Ana\1 work?"


def test_user_name_is_the_one_speaker_of_the_human_block() -> None:
    assert user_name(["Noor: lives in Tallinn", "Noor: works as a baker"]) == "Noor"
    assert user_name(["User: lives in Tallinn"]) == USER_NAME
    assert user_name([]) == USER_NAME
    # two speakers (a group chat) or a name beside User: "I" is not one known person
    assert user_name(["Noor: lives in Tallinn", "Ilse: works as a baker"]) == USER_NAME
    assert user_name(["Noor: lives in Tallinn", "User: has a cat"]) == USER_NAME
    assert user_name(["likes tea"]) == USER_NAME


def test_a_request_opening_does_not_name_the_known_user() -> None:
    # the asker is who is told, not whom the question is about
    assert third_person("Tell me about Biscuit", "Noor") == "Tell User about Biscuit"
    assert third_person("Can you remind me where I parked?", "Noor") == (
        "Can the assistant remind User where Noor parked?"
    )
