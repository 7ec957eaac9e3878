"""Answers read from long replies: lists, steps, frames, named kinds, rates, code."""

from __future__ import annotations

from mirix_py._chat.best_span import best_span, frame_stems, naming_pattern
from mirix_py._chat.code_answer import defined_name
from mirix_py._chat.cues import read_question, sentences
from mirix_py._chat.evidence import topic_stems
from mirix_py._chat.items import list_items
from mirix_py._chat.said import recommendation
from mirix_py._chat.spans import rate_asked, typed_span

PAINT = (
    "Painting an old door is easy if you go slowly. Step by step:\n\n"
    "1. **Sand**: take off loose flakes with 120 grit - do not sand to bare wood everywhere.\n"
    "2. **Prime**: one coat of oil primer on the bare spots only.\n"
    "3. **First coat**: thin it 10%, brush along the grain.\n"
    "4. **Second coat**: brush it across the grain, then lay off lightly with the grain.\n"
    "5. **Hinges**: mask them or take them off. Let it dry 24 hours.\n"
    "Tip for every coat: 'thin, even, no drips, good light'.\n"
    "Kids can help with step 1 only, with a mask."
)


def _span(question: str, text: str) -> str:
    cues = read_question(question)
    return best_span(cues, topic_stems(cues, []), text)[0]


def test_numbered_items_keep_their_dashes() -> None:
    items = list_items(PAINT)
    assert len(items) == 5
    assert items[0].startswith("Sand: take off loose flakes") and "bare wood" in items[0]
    assert items[-1].startswith("Hinges: mask them or take them off. Let it dry 24 hours.")


def test_an_intro_dash_is_no_list_item() -> None:
    text = (
        "hey Ola - good question. plan: 1. soak beans overnight 2. boil 10 min hard "
        "3. simmer 1 hour - salt only at the end"
    )
    assert list_items(text) == [
        "soak beans overnight",
        "boil 10 min hard",
        "simmer 1 hour - salt only at the end",
    ]


def test_step_dash_labels_number_a_list() -> None:
    text = (
        "Drill for the juniors.\nStep 1 - Walk: pass in pairs.\nStep 2 - Jog: same, faster."
        "\nStep 3 - Run: full speed.\nAlways finish with a cool-down."
    )
    assert list_items(text)[:2] == ["Walk: pass in pairs.", "Jog: same, faster."]
    assert list_items(text)[2].startswith("Run: full speed.")


def test_a_line_break_before_a_list_item_ends_a_sentence() -> None:
    text = "Two options.\n- **Oak** is hard and slow to work.\n- **Pine** is soft and cheap."
    assert sentences(text)[1] == "- **Oak** is hard and slow to work."
    assert sentences("Our plan:\n1. pack light\n2. leave early")[0] == "Our plan:"


def test_a_clause_does_not_run_across_a_sentence_end() -> None:
    got = _span("What tip did the assistant give for every coat of the door?", PAINT)
    assert got.startswith("Tip for every coat") and "thin, even, no drips" in got


def test_the_item_labelled_with_what_is_asked_answers_it() -> None:
    got = _span(
        "In the assistant's door painting steps, which way should the second coat go?", PAINT
    )
    assert "across the grain" in got


def test_a_leading_frame_names_the_reply_not_the_span() -> None:
    assert frame_stems("According to your packing list, what goes in the day bag?") >= {"pack"}
    assert frame_stems("In Lisbon, where did we eat?") == frozenset()  # no reply named
    story = (
        "Here's the short version for your aunt: the tea ceremony is short and calm. "
        "The host whisks the tea and bows. Guests turn the bowl twice before they drink."
    )
    got = _span(
        "According to the assistant's explanation of the tea ceremony, what do guests do "
        "with the bowl?",
        story,
    )
    assert "turn the bowl twice" in got


def test_a_kind_asked_for_by_name_is_answered_where_it_is_named() -> None:
    assert naming_pattern("in which dance style did she say it is danced?") is not None
    assert naming_pattern("which did you pick?") is None
    text = (
        "Lovely pick - that song is danced as a slow waltz called the boston. "
        "Practise the dance with counting first, it helps a lot."
    )
    assert "called the boston" in _span("In which waltz did the assistant say it is danced?", text)


def test_a_rate_asked_for_is_read_at_its_period() -> None:
    assert rate_asked("how much do we lose per week at 200 kg a day?") == {"week"}
    assert rate_asked("how many eggs at 3 hens a day?") is None  # a rate the question tells
    text = "You lose 40 cents a kilo: 200 x R0.40 = R80 a day, about R560 over a 7-day week."
    assert typed_span("quantity", text, "How much do we lose per week?") == "560"
    assert typed_span("quantity", text, "How much do we lose a day?") == "80 a day"


def test_a_count_of_months_is_no_amount_per_month() -> None:
    text = "you save about 150 a month, so the bike pays for itself in roughly 6 months."
    assert typed_span("quantity", text, "in how many months does the bike pay off?") == "6 months"


def test_the_name_of_a_defined_function_is_read_from_code() -> None:
    code = (
        "Try this: ```python\nMAX_TEMP = 40\ndef dew_point(t, rh):\n    return t - (100 - rh) / 5\n"
        "class Reading:\n    pass\n```"
    )
    assert defined_name("what was the name of the function in your weather script?", code) == (
        "dew_point"
    )
    assert defined_name("What is the name of the class in the script?", code) == "Reading"
    assert defined_name("What does the script print?", code) is None
    two = (
        "```js\nfunction pad(n) { return String(n).padStart(2, '0') }\n"
        "function slowestLap(laps) { return Math.max(...laps) }\n```\n"
        "slowestLap finds the longest lap time; pad only formats the clock."
    )
    question = "What is the name of the function in the bot's script that finds the longest lap?"
    assert defined_name(question, two) == "slowestLap"
    assert defined_name("What is the name of the function in the script?", two) is None


def test_a_plain_verdict_is_a_recommendation() -> None:
    assert recommendation("I'd take the night train: it saves a hotel.")
    assert recommendation("I would book the later ferry.")
    assert not recommendation("I take the bus to work.")


def test_a_one_character_answer_is_news_to_the_question() -> None:
    text = (
        "Short version:\n- **Plan A** covers the hospital stays only.\n"
        "- **Plan B** covers dental.\n- **Plan C** is for travel abroad."
    )
    got = _span("According to the bot, which plan covers dental?", text)
    assert "Plan B" in got and "Plan A" not in got


def test_the_noun_a_which_question_asks_for_picks_the_item_that_names_it() -> None:
    text = (
        "Congrats on the new bike! A few tips:\n- Use a D-shaped lock; cables are cut in "
        "seconds.\n- Park the new bike near a camera.\n- Note the frame number somewhere safe."
    )
    assert "D-shaped lock" in _span("What kind of lock did the bot suggest for Ida's bike?", text)


def test_a_rate_asked_for_is_not_a_count_of_its_period() -> None:
    text = "the trip is 6 weeks away and costs 1,800, so put aside 300 each week."
    got = typed_span("quantity", text, "How much did you say to put aside each week for the trip?")
    assert got is not None and got.startswith("300")


def test_a_value_after_an_exclamation_stays_with_its_sentence() -> None:
    text = "Ran the 10k this morning! 48 minutes 10 seconds. Legs are fine, knee too."
    assert "48 minutes" in _span("What was Eli's 10k time?", text)
