"""Query-focused excerpts of long memories (``mirix_py._chat.excerpt``)."""

from __future__ import annotations

from mirix_py._chat.cues import content_stems, read_question
from mirix_py._chat.excerpt import (
    EXCERPT_MIN_CHARS,
    EXCERPT_MIN_WORDS,
    GAP,
    Excerpter,
    strong_match,
)

FILLER = (
    "The weather turned grey over the weekend. "
    "Most of the neighbours stayed indoors with their families. "
    "A delivery van blocked the lane for an hour on Sunday. "
    "The bakery on the corner ran out of bread before noon. "
    "Someone left a bicycle chained to the railings by the bus stop. "
)


def _cut(question: str, text: str, names: frozenset[str] = frozenset()) -> str | None:
    found = Excerpter.of(read_question(question), names).excerpt(text)
    return None if found is None else found.shown


def test_a_short_text_is_whole() -> None:
    text = "Hi there! Odile bought a green kayak. The weather turned grey over the weekend."
    assert _cut("Which kayak did Odile buy?", text) is None


def test_a_long_text_keeps_its_lead_and_the_sentences_on_topic() -> None:
    text = (
        "Quite a week here. "
        + FILLER
        + "Odile finally bought a green kayak from the harbour shop. "
        + FILLER
    )
    shown = _cut("Which kayak did Odile buy?", text) or ""
    kept = "Odile finally bought a green kayak from the harbour shop."
    assert shown.startswith(f"Quite a week here. {GAP} ") and shown.endswith(GAP)
    assert kept in shown and "Most of the neighbours" not in shown


def test_a_text_with_no_topic_word_is_whole() -> None:
    assert _cut("Which kayak did Odile buy?", "Quite a week here. " + FILLER * 2) is None


def test_a_sentence_leaning_on_the_one_before_keeps_it() -> None:
    text = (
        "Quite a week here. "
        + FILLER
        + "We found an old rowing boat in the shed. "
        + "It needs new oars before the summer. "
        + FILLER
    )
    shown = _cut("What does the rowing boat need?", text) or ""
    assert "We found an old rowing boat in the shed. It needs new oars" in shown
    shown = _cut("What needs new oars?", text) or ""
    assert "We found an old rowing boat in the shed." in shown  # kept for "It"


def test_the_names_of_the_people_talking_are_no_topic_words() -> None:
    text = "Quite a week. " + FILLER + "Ines called her sister. " + FILLER
    text += "Ines went to the pottery fair. " + FILLER
    shown = _cut("What did Ines like at the fair?", text, frozenset({"ines"})) or ""
    assert "pottery fair" in shown and "called her sister" not in shown
    # without the speakers' names, every sentence naming Ines would stay
    assert "called her sister" in (_cut("What did Ines like at the fair?", text) or "")


LIST = (
    "Some ideas for the long weekend:\n\n"
    "1. **Harbour walk** along the old sea wall, with a stop at the fish market.\n"
    "2. **Lighthouse** climb in the morning before the tour buses arrive there.\n"
    "3. **Tram museum** on the hill, which has a cafe inside an old carriage.\n"
    "4. **Sea swim** at the north beach if the water is warm enough by then.\n"
    "5. **Market hall** for lunch: the stalls at the back sell grilled sardines.\n"
    "6. **Old fort** ramparts at dusk, when the light turns the stone orange.\n"
    "Enjoy the trip and send photos of the view from the top."
)


def test_a_list_item_on_topic_is_kept_and_the_text_after_the_list_is_its_own_part() -> None:
    shown = _cut("When is the best time to climb the lighthouse?", LIST) or ""
    assert "Lighthouse** climb in the morning" in shown
    assert "Sea swim" not in shown and "Old fort" not in shown
    shown = _cut("Where should I send photos of the view?", LIST) or ""
    assert "send photos" in shown and "Tram museum" not in shown  # after the last item's line
    assert shown.startswith("Some ideas for the long weekend:")


def test_a_bare_number_stays_with_the_heading_it_numbers() -> None:
    text = LIST.replace("2. **Lighthouse**", "2. **Lighthouse:**")
    shown = _cut("When is the best time to climb the lighthouse?", text) or ""
    assert "2. **Lighthouse:** climb" in shown


def test_a_list_introduced_by_the_topic_is_kept_whole() -> None:
    # "Some ideas for the long weekend:" says what the list is: the list is the answer
    assert _cut("What were the ideas for the long weekend?", LIST) is None


def test_a_list_asked_for_by_its_place_or_for_several_things_is_whole() -> None:
    # one item on topic; the rest stays because the question asks for an item by its place
    assert _cut("What was the second point, after the harbour walk?", LIST) is None
    # the question asks for several things, and an item is on topic
    assert _cut("What are all the museum options?", LIST) is None
    assert _cut("Which museum had a cafe?", LIST) is not None


def test_nothing_is_cut_for_a_question_about_what_the_assistant_said() -> None:
    assert _cut("What did you suggest for the lighthouse?", LIST) is None
    assert _cut("When is the lighthouse climb best?", LIST) is not None


def test_the_body_is_the_kept_parts_without_gap_marks() -> None:
    found = Excerpter.of(read_question("When should we climb the lighthouse?")).excerpt(LIST)
    assert found is not None
    assert GAP not in found.body
    assert any(line.startswith("2. **Lighthouse**") for line in found.body.splitlines())
    assert "Old fort" not in found.body


def test_an_excerpt_that_saves_little_is_not_worth_the_gap() -> None:
    text = (
        "The kayak club meets on Tuesdays. Kayak lessons start at six. "
        "Bring a kayak helmet if you have one. The kayak shed opens at half past five. "
        "Every kayak is checked and rinsed after each session by the kayak team on duty. "
        "Parking near the lake is free on weekdays. The kayak racks hold twelve boats. "
        "Spare kayak paddles hang by the door. A kayak trip runs in August. "
        "Members may borrow a club kayak for a weekend once they pass the kayak safety test. "
        "New kayak members get a free kayak lesson with a coach on their first Tuesday."
    )
    assert len(text) > EXCERPT_MIN_CHARS
    assert _cut("When does the kayak club meet?", text) is None


def test_a_sentence_leaning_on_an_on_topic_one_is_kept_with_it() -> None:
    text = (
        "Quite a week here. "
        + FILLER
        + "On Friday I went to a pottery workshop. "
        + "They showed us how to glaze bowls without drips. "
        + FILLER
    )
    shown = _cut("What happened at the pottery workshop?", text) or ""
    assert "pottery workshop. They showed us how to glaze bowls" in shown


def test_a_count_is_no_question_for_a_whole_list() -> None:
    shown = _cut("How many museum visits a week are there?", LIST) or ""
    assert "Tram museum" in shown and "Harbour walk" not in shown


def test_any_question_naming_the_assistant_keeps_replies_whole() -> None:
    assert _cut("How many museum visits did you allow?", LIST) is None


def test_a_strong_match_is_one_part_saying_most_of_the_topic() -> None:
    assert strong_match(1, 1) and strong_match(2, 2) and not strong_match(1, 2)
    assert strong_match(2, 4) and not strong_match(1, 3) and strong_match(3, 6)
    ex = Excerpter.of(read_question("Which lighthouse climb suits a museum visit?"))
    found = ex.excerpt(LIST)
    assert found is not None and not found.strong  # each item says one topic word
    found = Excerpter.of(read_question("When is the lighthouse climb?")).excerpt(LIST)
    assert found is not None and found.strong


def test_nothing_is_cut_for_a_question_about_what_a_named_speaker_said() -> None:
    speakers = frozenset({"pia", "orla"})
    assert _cut("According to Orla, when is the lighthouse climb best?", LIST, speakers) is None
    assert _cut("When did Orla suggest the lighthouse climb?", LIST, speakers) is None
    # someone who is not a speaker, or a verb that is not one of saying: cut as usual
    assert _cut("According to Bram, when is the lighthouse climb best?", LIST, speakers) is not None
    assert _cut("When did Orla climb the lighthouse?", LIST, speakers) is not None
    assert _cut("Did Orla recommend the lighthouse climb?", LIST, speakers) is None


def test_an_excerpt_keeps_the_parts_around_its_on_topic_sentence_until_it_says_enough() -> None:
    # one short sentence on topic: the parts next to it join, the one after first, until
    # the excerpt says EXCERPT_MIN_WORDS content words; the far ones stay out
    text = (
        "Right, here is the whole story of the move. "
        + FILLER
        + "The removal firm wants a deposit before Friday. "
        + "Their van comes at eight with three packers and enough crates for the books. "
        + "Grandad's piano needs a specialist crew from the next town over. "
        + FILLER
    )
    found = Excerpter.of(read_question("How much is the removal deposit?")).excerpt(text)
    assert found is not None
    assert "The removal firm wants a deposit before Friday." in found.shown
    assert "Their van comes at eight" in found.shown  # the part after it goes on with it
    assert len(set(content_stems(found.body))) >= EXCERPT_MIN_WORDS
    assert "Most of the neighbours" not in found.shown  # far from the topic: still left out


def test_only_the_asked_speakers_own_words_stay_whole() -> None:
    # the question asks what the assistant said: its replies stay whole, the user's long
    # messages are cut as for any question, and a turn of unknown origin stays whole
    ex = Excerpter.of(read_question("What did the assistant suggest for the lighthouse?"))
    assert ex.excerpt(LIST, speaker="Assistant") is None
    assert ex.excerpt(LIST, speaker="") is None
    found = ex.excerpt(LIST, speaker="Pia")
    assert found is not None and "Lighthouse" in found.shown and "Old fort" not in found.shown
    # a named speaker: their turns whole, the other speaker's cut
    named = Excerpter.of(
        read_question("According to Orla, when is the lighthouse climb best?"),
        frozenset({"pia", "orla"}),
    )
    assert named.excerpt(LIST, speaker="Orla") is None
    assert named.excerpt(LIST, speaker="Pia") is not None
    # a question that asks about no one's words: nobody's turns are kept whole for it
    assert (
        Excerpter.of(read_question("When is the lighthouse climb?")).excerpt(
            LIST, speaker="Assistant"
        )
        is not None
    )
