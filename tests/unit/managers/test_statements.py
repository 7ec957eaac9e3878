"""First-person statements kept as short facts about the speaker (invented text, no I/O)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mirix_py._memory import core, semantic
from mirix_py._memory.extract_common import Turn
from mirix_py._memory.semantic import SemanticMemory
from mirix_py._memory.statements import MAX_WORDS, STATEMENT, statement, turn_statements
from mirix_py._store.keys import entity_key, fact_key, record_keys
from tests.turns import make_turn

AT = datetime(2024, 3, 2, 18, 30, tzinfo=UTC)
FILLER = "Anyway that is my news for the week, more soon."


def turn(text: str, speaker: str = "Priya", *, tid: str = "t1") -> Turn:
    return make_turn(text, speaker, AT, tid=tid)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # leading interjection and vocative dropped, the verb's tense kept
        (
            "Hey Tomas, I just signed up for a woodworking class.",
            "just signed up for a woodworking class",
        ),
        # present tense put in the third person
        ("I try to swim laps before work.", "tries to swim laps before work"),
        ("I watch birds at the marsh on Sundays.", "watches birds at the marsh on Sundays"),
        ("I'm learning Portuguese with an app.", "is learning Portuguese with an app"),
        ("I've been restoring an old sailboat.", "has been restoring an old sailboat"),
        # "my" becomes the speaker's name
        ("My dogs love the lake behind the cabin.", "Priya's dogs love the lake behind the cabin"),
        # "we": the speaker took part, with others
        (
            "We drove up the coast to see the lighthouses.",
            "(with others) drove up the coast to see the lighthouses",
        ),
        # a setting before the subject
        (
            "Last spring, I planted tomatoes in the community garden.",
            "planted tomatoes in the community garden",
        ),
        ("Just yesterday I joined a rowing club.", "joined a rowing club"),
        # "I" left out before a past verb
        ("Took the ferry to Orkney for the weekend.", "took the ferry to Orkney for the weekend"),
        # cut where a dash or a "but" joins another statement
        ("I adopted a parrot named Kiwi - it talks all day.", "adopted a parrot named Kiwi"),
        ("I bought a kayak but the river was too high.", "bought a kayak"),
        # an "I" inside the clause becomes the name, its verb in the third person
        (
            "My brother and I run a bakery in Leeds.",
            "Priya's brother and Priya runs a bakery in Leeds",
        ),
    ],
)
def test_statement_rewrites_a_first_person_clause(sentence: str, expected: str) -> None:
    assert statement(sentence, "Priya") == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "I'm so proud of you for finishing the race!",  # a reply to the other person
        "Did I tell you about the trip to Oslo?",  # a question
        "I'd love to visit Kyoto one day.",  # a wish
        "If I win the raffle I will buy a boat.",  # a hypothetical
        "I'm so happy and grateful!",  # only sentiment
        "The festival was packed with people.",  # not about the speaker
        "My pin is [stored in vault: pin] and I keep it safe.",  # a redacted value
    ],
)
def test_statement_skips_what_says_nothing_about_the_speaker(sentence: str) -> None:
    assert statement(sentence, "Priya") is None


def test_long_clause_is_clipped_without_a_dangling_word() -> None:
    sentence = (
        "I spent the whole afternoon repainting the old fence around the garden of the "
        "house with my neighbour and her two teenage sons."
    )
    clause = statement(sentence, "Priya")
    assert clause is not None
    assert len(clause.split()) <= MAX_WORDS
    assert clause.split()[-1] not in {"the", "of", "and", "with", "Priya's"}
    assert clause.startswith("spent the whole afternoon repainting the old fence")


def test_date_annotations_stay_and_do_not_count_as_words() -> None:
    sentence = (
        "I went to a pottery fair last week [week of 19 February 2024] with my aunt "
        "and bought two blue bowls for the kitchen shelf there."
    )
    clause = statement(sentence, "Priya")
    assert clause is not None
    assert "[week of 19 February 2024]" in clause
    assert "blue bowls" in clause


def test_a_short_turn_gives_no_statement() -> None:
    assert turn_statements(turn("I joined a rowing club."), "Priya") == []
    long = turn(f"I joined a rowing club on the river. {FILLER}")
    assert turn_statements(long, "Priya") == ["joined a rowing club on the river"]


def test_statements_become_semantic_records_citing_only_their_turn() -> None:
    t1 = turn(f"Hi Tomas! I joined a rowing club on the river. {FILLER}", tid="t1")
    t2 = turn("Nice, that sounds lovely and very relaxing to me.", "Tomas", tid="t2")
    records = semantic.extract_offline([t1, t2], user_id="u")
    said = [r for r in records if isinstance(r, SemanticMemory) and r.aspect == STATEMENT]
    assert [(r.name, r.summary, r.source_ids) for r in said] == [
        ("Priya", "joined a rowing club on the river", ["t1"])
    ]
    assert said[0].valid_from == AT


def test_a_statement_sets_no_slot_and_is_no_core_line() -> None:
    text = f"I live in Porto and keep two cats and a very noisy parrot. {FILLER}"
    records = semantic.extract_offline([turn(text)], user_id="u")
    by_aspect = {r.aspect: r for r in records if isinstance(r, SemanticMemory)}
    assert by_aspect[STATEMENT].summary == "keeps two cats and a very noisy parrot"
    # the attribute rule still sets the residence slot; the statement sets none
    assert semantic.slot_key(by_aspect[""]) == "priya|residence"
    assert semantic.slot_key(by_aspect[STATEMENT]) is None
    lines = [line.text for line in core.extract_lines([turn(text)])]
    assert all("cats" not in line for line in lines)


def test_a_statement_is_keyed_apart_from_the_entity_attributes() -> None:
    fact = SemanticMemory(user_id="u", name="Priya", summary="lives in Porto")
    said = SemanticMemory(user_id="u", name="Priya", summary="joined a club", aspect=STATEMENT)
    assert record_keys(fact)["entity"] == entity_key("Priya") == "priya"
    assert record_keys(said)["entity"] == fact_key("Priya", STATEMENT) == "priya|statement"


def test_a_statement_that_only_repeats_an_attribute_fact_is_dropped() -> None:
    text = f"I work as a nurse at the clinic now. {FILLER}"
    records = semantic.extract_offline([turn(text)], user_id="u")
    summaries = [(r.aspect, r.summary) for r in records if isinstance(r, SemanticMemory)]
    assert ("", "works as a nurse at the clinic") in summaries
    assert all(aspect != STATEMENT for aspect, _ in summaries)


def test_a_statement_is_never_merged_as_a_near_duplicate() -> None:
    said = SemanticMemory(user_id="u", name="Priya", summary="went camping", aspect=STATEMENT)
    fact = SemanticMemory(user_id="u", name="Priya", summary="likes camping")
    assert semantic.dedupe_key(said) is None and semantic.dedupe_key(fact) == "priya"


def _said(text: str) -> list[str]:
    records = semantic.extract_offline([turn(f"{text} {FILLER}")], user_id="u")
    return [r.summary for r in records if isinstance(r, SemanticMemory) and r.aspect == STATEMENT]


def test_a_residence_is_its_own_fact_not_part_of_a_statement() -> None:
    # the residence stays a changeable fact that a later move supersedes
    assert _said("I live in Tromsø and teach chemistry at the old harbour school.") == [
        "teaches chemistry at the old harbour school"
    ]
    assert _said("We live in Bergen now and hike up the hills every single Sunday.") == [
        "(with others) hike up the hills every single Sunday"
    ]
    # what follows is not about the speaker, or is only the residence: no statement
    assert _said("We live in Bergen and the rain there never stops, honestly.") == []
    # no residence fact was read: the statement is the only record and stays
    kept = statement("I currently live in Bergen with a noisy parrot.", "Priya")
    assert kept == "currently lives in Bergen with a noisy parrot"


def test_a_clause_after_the_residence_keeps_its_own_subject() -> None:
    assert _said("I live in Tromsø, and for nine years I have kept goats on the hill.") == [
        "for nine years Priya has kept goats on the hill"
    ]
    assert _said("I live in Tromsø and for work mostly, the winters there are very long.") == []
