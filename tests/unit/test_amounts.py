"""Offline extraction of amounts that change inside turns, on invented sentences."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mirix_py._memory.amounts import amount_slot, amount_statements
from mirix_py._memory.facts import extract_facts, slot_of
from mirix_py._memory.history import previous_value
from mirix_py._memory.semantic import SemanticMemory, fact_id
from tests.turns import make_turn

WHEN = datetime(2025, 6, 2, 9, tzinfo=UTC)


def _said(sentence: str, me: str | None = "Odile") -> set[str]:
    return {summary for _, summary, _ in amount_statements([sentence], me)}


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The rent went up to 1,320 euros.", {"rent is 1,320 euros"}),
        ("My rent is 870 now, ouch.", {"rent is 870"}),
        ("I raised the lesson price to $55 after the summer.", {"lesson price is $55"}),
        ("Our budget is now 7,400 total.", {"budget is 7,400"}),
        (
            "I changed the menu, now the tasting plate is 38 because cheese went up.",
            {"tasting plate is 38"},
        ),
        ("Good news, the candle is now 14.50 and nobody minded.", {"candle is 14.50"}),
        ("I listened to you: mugs are 24 now and plates 30.", {"mug is 24"}),
        ("The agency raised our rate to €51 per hour from May.", {"rate is €51"}),
        ("The studio bumped me to $64 an hour, so that's nice.", {"hourly rate is $64"}),
        ("savings now 4100.", {"savings is 4100"}),
        ("And the lanterns finally went to 70 in spring.", {"lantern is 70"}),
        ("So now I have 7 beehives.", {"has 7 beehives"}),
        ("passed the exam, salary goes up from 3900 to 4400 francs.", {"salary is 4400 francs"}),
        ("jam going up to $9 a jar from spring.", {"jam is $9"}),
        ("Two new goats came, so the herd is back up to 11!", {"herd is 11"}),
    ],
)
def test_an_amount_told_as_the_current_value(sentence: str, expected: set[str]) -> None:
    assert _said(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "If I raised the price to 90, would people still come?",
        "Should I charge 40 an hour?",
        "Maybe the rent will go up to 1,500.",
        "The landlord wants to put the rent up to 1,900 from August.",
        "The lesson is now 4pm on Thursdays.",
        "The puppy is now 5 months old.",
        "My score is now 91 points.",
        "The class is now 14 students.",
        "The gate code is 4471 now.",
        "The bakery cut my hours to 12/wk.",
        "My daughter is 7 now.",
    ],
)
def test_no_amount_from_a_question_a_wish_a_time_or_a_code(sentence: str) -> None:
    assert _said(sentence) == set()


def test_an_assistant_states_no_amount() -> None:
    assert amount_statements(["Your rent is now 900."], None) == []


def test_the_slot_is_the_thing_priced_so_the_next_value_replaces_it() -> None:
    assert amount_slot("rent is 1,320 euros") == "amount:rent"
    assert slot_of("mug is 24") == slot_of("mug is 27") == "amount:mug"
    assert slot_of("has 7 beehives") == "count:beehives"
    assert slot_of("rent is Portland") is None


def test_the_amount_rules_run_in_the_fact_extractor() -> None:
    facts = extract_facts([make_turn("Quick update: my rent went up to 1,140 now.", "Odile", WHEN)])
    assert ("Odile", "rent is 1,140", "amount") in {(f.entity, f.summary, f.kind) for f in facts}


def _fact(summary: str) -> SemanticMemory:
    return SemanticMemory(
        id=fact_id("u", "Odile", summary),
        user_id="u",
        name="Odile",
        summary=summary,
        valid_from=WHEN,
        source_ids=["t1"],
    )


def test_a_replaced_amount_writes_no_used_to_fact() -> None:
    """Its superseded fact and the turns that said it are the older value's record."""
    assert previous_value(_fact("rent is 870"), _fact("rent is 940")) is None
