"""Questions about what the assistant said, answered from the right part of a long reply."""

from __future__ import annotations

from mirix_py._chat.answer import answer_offline
from mirix_py._chat.answer_text import strip_annotations
from mirix_py._chat.code_answer import code_call
from mirix_py._chat.compose import build_context
from mirix_py._chat.cues import read_question
from mirix_py._chat.draft import Draft
from mirix_py._chat.labelled import labelled_value
from mirix_py._chat.models import MASKED_SECRET, Hit, ScoreBreakdown
from mirix_py._chat.said import (
    asks_recommendation,
    framing_stems,
    named_adviser,
    only_set_aside,
    recommendation,
    set_aside_stems,
)
from mirix_py._chat.spans import answer_kind
from mirix_py._chat.unit_items import unit_asked, unit_item
from mirix_py._chat.vault_answer import asks_handling, asks_other_thing
from mirix_py._memory import KnowledgeVaultMemory, MemoryType
from tests.unit.chat.helpers import episode, hit


def _ask(question: str, *hits: Hit, min_evidence: float = 0.1) -> Draft:
    pack = build_context([], list(hits), budget_tokens=2000)
    return answer_offline(read_question(question), pack, min_evidence=min_evidence)


def _chat(*turns: tuple[str, str], session: str = "s1", score: float = 1.5) -> list[Hit]:
    return [
        hit(episode(text, actor=actor, session=session, sequence=i), score - i / 10, vector=0.5)
        for i, (actor, text) in enumerate(turns)
    ]


BAKERY = (
    ("Tomas", "I want to bake rye bread for the market stall. What do I need per loaf?"),
    (
        "assistant",
        "For one loaf: - Flour: 450 g dark rye, sifted once - Water: 380 ml, lukewarm - "
        "Salt: 9 g - Starter: 120 g, fed the night before. Bake it at 230 degrees for the "
        "first 15 minutes, then lower the oven.",
    ),
    ("Tomas", "ok, the stall opens on Saturday."),
)


def test_the_words_that_frame_a_question_about_the_assistant_are_not_its_subject() -> None:
    assert framing_stems("How much flour did the assistant recommend per loaf?") == {
        "assist",
        "recommend",
    }
    assert framing_stems("Which wrench did you suggest?") == {"suggest"}
    assert framing_stems("How much flour does Tomas use?") == frozenset()


def test_a_value_the_assistant_listed_is_answered_not_abstained() -> None:
    draft = _ask("How much flour did the assistant suggest Tomas buy?", *_chat(*BAKERY))
    assert not draft.abstained
    assert draft.text.startswith("450 g")


def test_the_value_is_read_from_the_item_labelled_with_what_is_asked() -> None:
    text = BAKERY[1][1]
    assert labelled_value("quantity", "How much water did you suggest?", text) == "380 ml"
    assert labelled_value("quantity", "How much salt goes in?", text) == "9 g"
    assert labelled_value("quantity", "How hot should the oven be?", text) is None
    budget = "Split of 9,000: - Venue: hall and chairs: 4,500 euro (half) - Music: 1,200 euro"
    assert labelled_value("quantity", "How much for the venue?", budget) == "4,500 euro"


def test_a_question_about_where_a_secret_goes_is_no_secret_lookup() -> None:
    assert asks_handling("Which file should the API key be kept in?")
    assert asks_handling("In the assistant's steps, where does the token go?")
    assert asks_handling("How do I change my PIN?")
    assert not asks_handling("What is my wifi password?")
    assert not asks_handling("What's the API key for the staging server?")
    vault = KnowledgeVaultMemory(
        user_id="u",
        caption="Lena's api key (from: key: [stored in vault: api key])",
        secret_value=MASKED_SECRET,
    )
    turns = _chat(
        ("Lena", "my weather script has the api key pasted in it, where should it go?"),
        (
            "assistant",
            "Keep it out of the code. Put it in a file called .secrets.toml beside the "
            "script and list that file in .gitignore.",
        ),
    )
    draft = _ask("Which file should Lena's api key be kept in?", hit(vault, 1.0), *turns)
    assert ".secrets.toml" in draft.text
    assert "vault" not in draft.text


def test_a_loose_stop_is_joined_but_a_leading_dot_stays() -> None:
    assert strip_annotations("we met on Friday [3 May] .") == "we met on Friday."
    assert strip_annotations("save it as .env there") == "save it as .env there"


def test_what_a_question_sets_aside() -> None:
    asked = "Which lake did you suggest instead of Lake Bohinj?"
    assert set_aside_stems(asked) == {"bohinj"}
    assert set_aside_stems("Which hotel rather than the Ritz?") == {"ritz"}
    assert set_aside_stems("Which hotel did you suggest?") == frozenset()
    assert set_aside_stems("Besides the Ritz, which hotel did you suggest?") == frozenset()
    assert only_set_aside("The Ritz is full in May.", frozenset({"ritz"}))
    assert not only_set_aside("Try the Savoy instead of the Ritz.", frozenset({"ritz"}))
    assert not only_set_aside("The Savoy or the Ritz both work.", frozenset({"ritz"}))


def test_a_question_setting_something_aside_is_answered_by_the_other_thing() -> None:
    turns = _chat(
        ("Pavel", "We have one free day near Bled in August. Any swimming ideas?"),
        (
            "assistant",
            "Lake Bled is lovely but very crowded in August, with queues for the boats to "
            "the island. For a quieter swim, Jasna lake near Kranjska Gora is smaller, cold "
            "and has a little beach.",
        ),
    )
    draft = _ask("Which lake did the assistant suggest to Pavel instead of Lake Bled?", *turns)
    assert "Jasna" in draft.text


def test_the_unit_and_number_a_question_asks_for() -> None:
    assert unit_asked("Where did you suggest we sleep on day three of the tour?") == ("day", 3)
    assert unit_asked("What is planned for the second week?") == ("week", 2)
    assert unit_asked("What is in stage 4?") == ("stage", 4)
    assert unit_asked("Where did you suggest we sleep?") is None


PLAN = (
    "A calm loop from Bergen: Day 1 (Monday): visit the fish market in Bergen. Day 2: ferry to "
    "Rosendal, the barony gardens in the afternoon. Day 3: back via Os, the lake path. "
    "Pack a rain jacket, it rains most days."
)


def test_the_part_labelled_with_the_asked_number_is_read() -> None:
    assert (
        unit_item(PLAN, "day", 2)
        == "Day 2: ferry to Rosendal, the barony gardens in the afternoon."
    )
    assert unit_item(PLAN, "day", 3) == "Day 3: back via Os, the lake path."
    assert unit_item(PLAN, "day", 5) is None
    assert unit_item("Day 1: rest.", "day", 1) is None  # one label is no plan


def test_a_day_of_a_plan_is_answered_by_that_day_not_the_first() -> None:
    turns = _chat(
        ("Hedda", "Three days around Bergen with my aunt. Plan please?"),
        ("assistant", PLAN),
    )
    draft = _ask("Where did the assistant suggest Hedda visit on day two of the loop?", *turns)
    assert "Rosendal" in draft.text


def test_a_question_with_a_lead_in_clause_still_asks_where() -> None:
    assert answer_kind("In the assistant's steps, where does Omar go for the eye test?") == "where"
    assert answer_kind("For the trip, where should we stay?") == "where"


def test_a_step_that_does_not_name_the_place_is_answered_from_the_step_before() -> None:
    reply = (
        "To renew the licence: 1. Fill in form D5 at the Transport Portal. 2. Book a slot "
        "at the Northgate Licensing Office on Mill Street. 3. Bring your old card and a "
        "photo to the slot for the eye test. 4. Wait for the new card by post."
    )
    turns = _chat(
        ("Omar", "My driving licence runs out in May. How do I renew it?"), ("assistant", reply)
    )
    draft = _ask("In the assistant's steps, where does Omar go for the eye test?", *turns)
    assert "Northgate Licensing Office" in draft.text


def test_a_clause_about_what_a_place_offers_is_answered_by_the_place_before_it() -> None:
    reply = (
        "Day 1: arrive at Narita airport, train to Ueno and an evening walk in the park. "
        "Day 2: Yanaka cemetery and the old shopping street in the morning, lunch at Kamome "
        "inside the old bathhouse, which serves vegan ramen (no fish stock at all), and the "
        "Nezu shrine with its tunnel of red gates in the late afternoon."
    )
    turns = _chat(("Lin", "Two days in Tokyo in March, I eat vegan. Ideas?"), ("assistant", reply))
    draft = _ask("Which restaurant did the assistant recommend to Lin for vegan ramen?", *turns)
    assert draft.text == "Kamome"


SNIPPET = (
    'Sure, with pandas: ```python import pandas as pd orders = pd.read_csv("orders.csv") '
    'totals = orders.pivot_table(index="city", values="price", aggfunc="sum") '
    "print(totals.head(3)) ``` That reads the file, sums the price for each city and prints "
    "the top three rows."
)


def test_a_method_question_is_answered_by_the_call_that_does_what_is_asked() -> None:
    asked = "Which method did the assistant use to total the price per city?"
    assert code_call(asked, SNIPPET) == "pivot_table"
    assert code_call("What did the assistant say about the price per city?", SNIPPET) is None
    assert code_call(asked, "Sum the price per city in a spreadsheet.") is None
    turns = _chat(
        ("Noor", "How do I total the price per city from orders.csv?"), ("assistant", SNIPPET)
    )
    assert _ask(asked, *turns).text == "pivot_table"


def test_the_replys_own_recommendation_answers_what_the_assistant_suggested() -> None:
    assert asks_recommendation("Which laptop did the assistant suggest to Femi?")
    assert asks_recommendation("What did you recommend for the trip?")
    assert not asks_recommendation("Which laptop did Femi buy?")
    assert recommendation("My suggestion: take the lighter one.")
    assert not recommendation("The gorge is steep, which I would not recommend on a bad knee.")
    reply = (
        "For travel laptops, a small screen usually beats a big screen on weight. A few "
        "options: - The Aero 14 at 1.2 kg with a long battery. - The Vista 16 at 2.1 kg, "
        "roomy for spreadsheets. My suggestion: a refurbished Corvo 13 laptop, as you fly "
        "every month and it fits the tray table."
    )
    turns = _chat(("Femi", "Which laptop for travel, small or big screen?"), ("assistant", reply))
    draft = _ask("Which laptop did the assistant suggest to Femi for travel?", *turns)
    assert "Corvo 13" in draft.text


def test_a_replys_opening_verdict_answers_over_the_listed_options() -> None:
    request = (
        "Flat hunting in Graz. options: 1) shared flat in Lend, 480 EUR 2) studio in "
        "Andritz, 610 EUR 3) sublet near uni, 550. what u think?"
    )
    reply = (
        "I'd take the sublet near the uni:\n- You walk to class, no tram pass.\n"
        "- 550 EUR is in the middle of your budget.\nAsk whether the deposit is refundable."
    )
    turns = _chat(("Rosa", request), ("assistant", reply))
    draft = _ask("Which flat option did the assistant recommend to Rosa in Graz?", *turns)
    assert "sublet near the uni" in draft.text and "Lend" not in draft.text


def test_a_named_adviser_is_asked_like_the_assistant() -> None:
    speakers = {"orla", "dev"}
    assert (
        named_adviser("Which union did Orla suggest to Dev?", speakers, {"orla", "dev"}) == "orla"
    )
    assert named_adviser("How long, according to Orla, should Dev wait?", speakers, speakers)
    assert named_adviser("What did Dev suggest?", {"dev", "assistant"}, {"dev"}) is None
    assert named_adviser("Which union did Orla suggest?", {"dev"}, {"orla"}) is None
    turns = [
        hit(episode(_SPARE, actor="Dev", session="s0"), 1.2),
        hit(episode("My sister keeps losing the spare key. Ideas?", actor="Dev"), 1.1),
        hit(episode(_KEY_SAFE, actor="Orla", sequence=1), 1.0),
    ]
    draft = _ask("Where did Orla tell Dev to put the spare key?", *turns)
    assert draft.text == _KEY_SAFE  # Orla's reply to the request, not Dev's own habit


_SPARE = "I keep the spare key of the flat at work, in my desk drawer."
_KEY_SAFE = "A key safe by the back door, with a code only you and your sister know."


def _vault_hit(entry_type: str) -> Hit:
    return Hit(
        memory_id="kv-1",
        memory_type=MemoryType.KNOWLEDGE_VAULT,
        record={"entry_type": entry_type, "caption": "Uma's password"},
        score=ScoreBreakdown(score=1.0),
    )


def test_a_question_for_another_thing_beside_a_secret() -> None:
    password = _vault_hit("password")
    asked = "In the steps for changing the wifi password, what address should Uma type first?"
    assert asks_other_thing(asked, password)
    assert not asks_other_thing("What password should Uma type at the gate?", password)
    assert not asks_other_thing("What code does the side door take?", password)
    assert not asks_other_thing("What is the wifi password?", password)
    assert asks_other_thing("Which address should the card go to?", _vault_hit("card_number"))
