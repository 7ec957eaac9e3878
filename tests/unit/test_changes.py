"""Offline extraction of changing facts and inline procedures, on made-up conversations."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mirix_py._memory import procedural, semantic
from mirix_py._memory.extract_common import Turn
from mirix_py._memory.facts import extract_facts, names_a_person, slot_of
from tests.turns import make_turn

WHEN = datetime(2025, 3, 4, 10, tzinfo=UTC)


def _turn(text: str, speaker: str = "Mira") -> Turn:
    return make_turn(text, speaker, WHEN)


def _facts(text: str) -> set[tuple[str, str]]:
    return {(f.entity, f.summary) for f in extract_facts([_turn(text)])}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Update: we relocated from Ghent to Utrecht in January.",
            {("Mira", "lives in Utrecht"), ("Mira", "used to live in Ghent")},
        ),
        ("My brother Joss moved to Tallinn last spring.", {("Joss", "lives in Tallinn")}),
        ("I started a new job at Fernhill Robotics!", {("Mira", "works at Fernhill Robotics")}),
        ("I quit Oaktree Media after four years.", {("Mira", "used to work at Oaktree Media")}),
        ("Good news, my new boss is Adaeze Obi.", {("Mira", "manager is Adaeze Obi")}),
        ("I report to Lars now.", {("Mira", "manager is Lars")}),
        (
            "We rescued a tabby cat last week. We named her Biscotti.",
            {("Mira", "has a tabby cat named Biscotti"), ("Biscotti", "is Mira's tabby cat")},
        ),
        (
            "I used to love cycling, but my knee says no.",
            {("Mira", "used to love cycling"), ("Mira", "no longer likes cycling")},
        ),
        ("No more energy drinks for me.", {("Mira", "no longer likes energy drinks")}),
        ("We had to cancel the camping trip.", {("Mira", "cancelled the camping trip")}),
        (
            "Big step: we're moving from Graz to Linz at the end of the month.",
            {("Mira", "lives in Linz"), ("Mira", "used to live in Graz")},
        ),
        ("moving to Lyon!! the company is opening an office there", {("Mira", "lives in Lyon")}),
        ("Settled in Aarhus now, the flat is tiny.", {("Mira", "lives in Aarhus")}),
        ("We found a new flat in Ostrava, near the river.", {("Mira", "lives in Ostrava")}),
        ("Mira Petrova, 34, QA engineer at Solberg Labs.", {("Mira", "works at Solberg Labs")}),
        ("i'm a pastry chef at Café Lindqvist in town", {("Mira", "works at Café Lindqvist")}),
        ("i'm opening my own studio called Pixelhof next spring", {("Mira", "works at Pixelhof")}),
        ("i handed in my notice at Brandt today", {("Mira", "used to work at Brandt")}),
    ],
)
def test_changes_of_state_are_extracted(text: str, expected: set[tuple[str, str]]) -> None:
    assert expected <= _facts(text)


def test_being_somewhere_is_not_a_job_or_a_move() -> None:
    assert not {f for f in _facts("I'm a regular at Joe's Diner.") if "works" in f[1]}
    assert not {f for f in _facts("The movers are moving boxes to the van.") if "lives" in f[1]}


def test_changed_values_share_a_slot() -> None:
    slot = slot_of
    assert slot("lives in Ghent") == slot("lives in Utrecht") == "residence"
    assert slot("manager is Lars") == slot("manager is Adaeze Obi")
    assert slot("likes cycling") == slot("no longer likes cycling")
    assert slot("planned a camping trip") == slot("cancelled the camping trip")
    assert slot("used to live in Ghent") is None  # history, not the current value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Ugh, my plumber? no. my landlady, Frau Keller, ignores me.",
            {("Mira", "landlord is Frau Keller")},
        ),
        ("our tutor Bram can't come on Fridays.", {("Mira", "tutor is Bram")}),
        ("I got promoted to staff scientist!", {("Mira", "job title is staff scientist")}),
        ("I got promoted! Head chef at last.", {("Mira", "job title is Head chef")}),
    ],
)
def test_roles_and_titles_said_in_passing(text: str, expected: set[tuple[str, str]]) -> None:
    assert expected <= _facts(text)


def test_a_new_one_takes_the_role_named_before_it() -> None:
    facts = [
        (f.entity, f.summary)
        for f in extract_facts(
            [
                _turn(
                    "our dog walker quit, and our babysitter Ines moves away in May. "
                    "We found a new one, Tilde."
                )
            ]
        )
    ]
    roles = [f for f in facts if f[1].startswith("nanny is")]
    assert roles == [("Mira", "nanny is Ines"), ("Mira", "nanny is Tilde")]  # the later one wins
    assert not _facts("We found a new one, Tilde.")  # no role before it: nothing to replace
    assert not _facts("I got promoted! So happy.")  # no title after it


def test_a_promotion_replaces_the_job_title() -> None:
    assert slot_of("job title is Head chef") == slot_of("works as line cook")


def test_questions_and_others_turns_are_not_changes() -> None:
    assert not _facts("Did you move to Utrecht?")
    assert not {f for f in _facts("Sure!") if f[1].startswith("lives")}


@pytest.mark.parametrize(
    ("text", "steps"),
    [
        (
            "To publish the site: 1) run npm ci 2) run npm run build 3) copy dist to the bucket",
            ["run npm ci", "run npm run build", "copy dist to the bucket"],
        ),
        (
            "Pancakes. Step 1: whisk eggs and milk. Step 2: fold in the flour. "
            "Step 3: rest the batter ten minutes. Step 4: fry in butter.",
            [
                "whisk eggs and milk",
                "fold in the flour",
                "rest the batter ten minutes",
                "fry in butter",
            ],
        ),
        (
            "To renew the certificate, first stop the proxy, then run the renewal script, "
            "finally start the proxy again.",
            ["stop the proxy", "run the renewal script", "start the proxy again"],
        ),
    ],
)
def test_inline_procedures_become_steps(text: str, steps: list[str]) -> None:
    (found,) = procedural.extract_offline([_turn(text)], user_id="u")
    assert found.steps == steps


def test_numbers_in_prose_are_not_procedures() -> None:
    assert not procedural.extract_offline([_turn("I rated it 1) great 2) fine")], user_id="u")
    assert not procedural.extract_offline([_turn("We met at 3. Then 4 people came.")], user_id="u")


def test_a_role_holder_gets_a_relation_fact_of_their_own() -> None:
    facts = _facts("My new accountant is Wendeline Okafor. Our vet, Arjun Pillai, retired.")
    assert ("Mira", "accountant is Wendeline Okafor") in facts
    assert ("Wendeline Okafor", "is Mira's accountant") in facts
    assert ("Arjun Pillai", "is Mira's vet") in facts
    assert names_a_person("is the user's accountant")
    assert not names_a_person("is the user's favourite bakery")


def test_a_named_person_leaving_for_a_place_lives_there() -> None:
    facts = _facts("Our tutor Ilse is leaving in June, she's going back to Graz.")
    assert ("Ilse", "lives in Graz") in facts
    assert ("Ilse", "lives in Innsbruck") in _facts("Ilse is moving back to Innsbruck.")
    assert not any(s.startswith("lives in") for _, s in _facts("Ilse is going back to Graz soon."))


def test_a_role_fact_names_its_holders_twin_by_id() -> None:
    role = semantic.SemanticMemory(user_id="u", name="Mira", summary="team lead is Lotte Brink")
    twin_id = semantic.fact_id("u", "Lotte Brink", "is Mira's team lead")
    assert semantic.twin_ids(role) == [twin_id]
    # the twin is the fact the extraction writes next to the role fact
    facts = _facts("Lotte Brink is my new team lead.")
    assert ("Mira", "team lead is Lotte Brink") in facts
    assert ("Lotte Brink", "is Mira's team lead") in facts
    user = semantic.SemanticMemory(user_id="u", name="User", summary="manager is Priya Nair")
    assert semantic.twin_ids(user) == [semantic.fact_id("u", "Priya Nair", "is the user's manager")]
    for other in ("lives in Porto", "has a sister named Lotte", "is Mira's team lead"):
        assert (
            semantic.twin_ids(semantic.SemanticMemory(user_id="u", name="Mira", summary=other))
            == []
        )


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("We moved to Quito in May, then back to Lima in October.", ["Quito", "Lima"]),
        ("We moved to Cork and a year later back to Galway.", ["Cork", "Galway"]),
        ("I moved to Bergen and then, two years later, back to Oslo.", ["Bergen", "Oslo"]),
        ("I moved to Bergen and drove back to Oslo for a wedding.", ["Bergen"]),
        ("I moved to Bergen, and back to the point: the budget.", ["Bergen"]),
    ],
)
def test_a_move_back_in_the_same_clause_is_the_later_residence(
    text: str, values: list[str]
) -> None:
    facts = extract_facts([_turn(text)])
    lives = [f.summary for f in facts if f.entity == "Mira" and f.summary.startswith("lives in")]
    assert lives == [f"lives in {v}" for v in values]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We have finally moved to Łódź, near the park.", {("Mira", "lives in Łódź")}),
        ("I relocated to Örebro for the new lab.", {("Mira", "lives in Örebro")}),
        (
            "Big news:\n- moving to Tromsø on 3 June\n- rent is lower there",
            {("Mira", "lives in Tromsø")},
        ),
    ],
)
def test_moves_to_places_spelled_with_accents_or_in_a_list(
    text: str, expected: set[tuple[str, str]]
) -> None:
    assert expected <= _facts(text)


def test_a_new_roommate_replaces_the_old_one() -> None:
    assert ("Mira", "roommate is Oskar") in _facts("my roommate Oskar plays the cello at night.")
    said = "Oskar moved out in June, and the new roommate from 1 August is Lene-Marie."
    assert ("Mira", "roommate is Lene-Marie") in _facts(said)
    assert ("Mira", "roommate is Tobin") in _facts("Our new flatmate is Tobin, a baker.")
    assert slot_of("roommate is Oskar") == slot_of("roommate is Lene-Marie") == "role:roommate"
    assert not {f for f in _facts("my roommates want a dog.") if f[1].startswith("roommate")}


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (
            "From March I am Head of the Chemistry Department, more meetings!",
            "Head of the Chemistry Department",
        ),
        ("i'm now head of logistics at the depot", "head of logistics"),
        ("Ruth was made chair of the Rowing Club.", "chair of the Rowing Club"),
    ],
)
def test_heading_a_body_is_the_job_title(text: str, title: str) -> None:
    facts = _facts(text)
    assert any(summary == f"job title is {title}" for _, summary in facts)
    assert slot_of(f"job title is {title}") == "occupation"


def test_heading_a_family_is_no_job_title() -> None:
    assert not {f for f in _facts("I am the head of the family now.") if "title" in f[1]}


@pytest.mark.parametrize(
    "text",
    [
        "The family relocated to Narvik in May.",
        "Our whole family moved to Narvik.",
        "My household has moved to Narvik.",
    ],
)
def test_a_household_moving_moves_the_speaker(text: str) -> None:
    assert ("Mira", "lives in Narvik") in _facts(text)
