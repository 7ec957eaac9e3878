"""Date arithmetic answers: how long ago, how long between, which first, what was going on."""

from __future__ import annotations

from datetime import UTC, date, datetime

from mirix_py._chat.answer import answer_offline
from mirix_py._chat.compose import build_context
from mirix_py._chat.cues import read_question
from mirix_py._chat.models import Hit
from mirix_py._chat.reckon import date_event, event_cutoff, reckon
from tests.unit.chat.helpers import episode, hit

NOW = datetime(2024, 5, 20, 10, tzinfo=UTC)


def _said(text: str, day: int, score: float = 1.0, *, actor: str = "user") -> Hit:
    return hit(episode(text, actor=actor, day=day, session=f"s{day}"), score)


def _refs(*hits: Hit) -> dict[int, Hit]:
    return dict(enumerate(hits, start=1))


def _answer(question: str, *hits: Hit) -> str:
    pack = build_context([], list(hits), budget_tokens=2000)
    return answer_offline(read_question(question), pack, min_evidence=0.2, now=NOW).text


def test_days_ago_counts_from_the_question_date_to_the_day_the_message_names() -> None:
    refs = _refs(
        _said("Finally repainted the fence yesterday, it took all afternoon.", 3),
        _said("The garden looks great this week.", 9),
    )
    found = reckon(read_question("How many days ago did I repaint the fence?"), refs, NOW)
    assert found is not None and found.text.startswith("18 days ago") and found.refs == (1,)


def test_weeks_ago_and_no_answer_for_a_future_event() -> None:
    refs = _refs(_said("I repainted the fence today.", 6), _said("The fair is on 30 May.", 7))
    weeks = reckon(read_question("How many weeks ago did I repaint the fence?"), refs, NOW)
    assert weeks is not None and weeks.text.startswith("2 weeks ago")
    assert reckon(read_question("How many days ago was the fair?"), refs, NOW) is None


def test_how_long_ago_answers_in_the_unit_the_event_was_told_in_or_a_natural_one() -> None:
    refs = _refs(
        _said("My first marathon was three years ago, in the rain.", 10),
        _said("I repainted the fence today.", 6),
    )
    years = reckon(read_question("How long ago was my first marathon?"), refs, NOW)
    assert years is not None and years.text.startswith("3 years ago")
    late = _refs(_said("My first marathon was ten years ago.", 10))
    late_in_year = datetime(2024, 11, 30, tzinfo=UTC)  # 2014 to 2024, not 10.9 years
    ten = reckon(read_question("How long ago was my first marathon?"), late, late_in_year)
    assert ten is not None and ten.text.startswith("10 years ago")
    fence = reckon(read_question("How long ago did I repaint the fence?"), refs, NOW)
    assert fence is not None and fence.text.startswith("2 weeks ago")


def test_days_between_two_events_told_in_different_sessions() -> None:
    refs = _refs(
        _said("The piano recital was yesterday and I did not miss a note.", 16),
        _said("Had the dentist appointment today, no fillings needed.", 2),
    )
    question = "How many days passed between the dentist appointment and the piano recital?"
    found = reckon(read_question(question), refs, NOW)
    assert found is not None and found.text.startswith("13 days") and set(found.refs) == {1, 2}


def test_two_events_best_told_in_one_message_are_dated_by_two() -> None:
    refs = _refs(
        _said("Had the boiler serviced today. The engineer said the valve needs replacing.", 3),
        _said("Got the valve replaced this morning.", 10),
    )
    question = "How many days passed between the boiler service and replacing the valve?"
    found = reckon(read_question(question), refs, NOW)
    assert found is not None and found.text.startswith("7 days") and set(found.refs) == {1, 2}


def test_the_second_event_may_share_the_verb_of_the_first() -> None:
    refs = _refs(
        _said("The shelter has a shy dog called Bo.", 1),
        _said("I adopted Rex today!", 2),
        _said("We adopted Bo from the same shelter today.", 16),
    )
    question = "How many days passed between adopting Rex and Bo?"
    found = reckon(read_question(question), refs, NOW)
    assert found is not None and found.text.startswith("14 days")


def test_days_after_one_event_did_another_happen() -> None:
    refs = _refs(
        _said("Joined the community choir today!", 4),
        _said("Sang my first solo with the choir tonight.", 25 - 7),
    )
    question = "How many days after joining the choir did I sing my first solo?"
    found = reckon(read_question(question), refs, NOW)
    assert found is not None and found.text.startswith("14 days")


def test_which_first_names_the_earlier_option_and_which_last_the_later() -> None:
    refs = _refs(
        _said("Planted the tomatoes this morning.", 12),
        _said("I repainted the fence on Monday.", 9),  # 9 May 2024 was a Thursday: 6 May
    )
    first = reckon(
        read_question("Which did I do first, plant the tomatoes or repaint the fence?"), refs, NOW
    )
    assert first is not None and first.text.startswith("repaint the fence (6 May 2024)")
    last = reckon(
        read_question("Which did I do last, plant the tomatoes or repaint the fence?"), refs, NOW
    )
    assert last is not None and last.text.startswith("plant the tomatoes")


def test_a_told_act_is_dated_by_its_message_and_a_planned_event_by_its_day() -> None:
    refs = _refs(_said("Booked a trip to Lyon for 28 May! Cannot wait.", 4))
    cues = read_question("x")
    booked = date_event("book the Lyon trip", cues, refs)
    assert booked is not None and booked.day == date(2024, 5, 4)
    trip = date_event("the Lyon trip", cues, refs)
    assert trip is not None and trip.day == date(2024, 5, 28)


def test_an_irregular_past_form_tells_of_the_verb_asked() -> None:
    refs = _refs(_said("We sold the old van today.", 8), _said("The van is parked outside.", 2))
    found = reckon(read_question("How many days ago did I sell the van?"), refs, NOW)
    assert found is not None and found.text.startswith("12 days ago")


def test_today_dates_the_event_rather_than_a_weekday_describing_it() -> None:
    refs = _refs(_said("Started a Tuesday evening pottery class today!", 11))
    dated = date_event("start the pottery class", read_question("x"), refs)
    assert dated is not None and dated.day == date(2024, 5, 11)


def test_the_next_sentence_helps_and_equal_tellings_take_the_earliest() -> None:
    refs = _refs(
        _said("We adopted a second kitten yesterday, a tabby called Bo. Rex hissed.", 14),
        _said("I adopted a kitten from the shelter today. She is called Rex.", 3),
        _said("Rex had her first vet visit today.", 8),
    )
    question = "How many days passed between adopting Rex and adopting Bo?"
    found = reckon(read_question(question), refs, NOW)
    assert found is not None and found.text.startswith("10 days")


def test_a_sentence_and_the_next_one_date_an_event_better_than_a_whole_message() -> None:
    refs = _refs(
        _said("I adopted a kitten today. It was raining. The bus was late. Rex barked at it.", 2),
        _said("I adopted a kitten from the shelter. She is called Rex.", 6),
    )
    found = reckon(read_question("How many days ago did I adopt Rex?"), refs, NOW)
    assert found is not None and found.text.startswith("14 days ago")


def test_of_equal_tellings_the_earliest_dates_the_event() -> None:
    refs = _refs(
        _said("Since we moved to the farm the chickens are happier.", 12),
        _said("We moved to the farm.", 9),
    )
    dated = date_event("I moved to the farm", read_question("x"), refs)
    assert dated is not None and dated.day == date(2024, 5, 9)


def test_what_was_going_on_when_an_event_happened() -> None:
    refs = _refs(
        _said("Adopted a puppy today! Also I'm knitting a green scarf for my niece.", 5),
        _said("I'm knitting socks now.", 15),
    )
    question = "What was I knitting when I adopted the puppy?"
    found = reckon(read_question(question), refs, NOW)
    assert found is not None and "green scarf" in found.text


def test_not_a_date_arithmetic_question() -> None:
    refs = _refs(_said("I repainted the fence today.", 6))
    assert reckon(read_question("What colour is my fence?"), refs, NOW) is None


def test_before_an_event_the_value_held_until_then_answers() -> None:
    hits = [
        _said("I keep ten chickens now.", 14, 3.0),
        _said("I keep four chickens in the back garden.", 1, 2.0),
        _said("We moved to the farm today.", 9, 1.5),
        _said("I keep six chickens now, two more hatched.", 5, 1.0),
    ]
    cues = read_question("How many chickens did I keep before I moved to the farm?")
    assert event_cutoff(cues, _refs(*hits)) == date(2024, 5, 9)
    assert "six" in _answer(cues.asked, *hits)


def test_asked_for_the_value_now_the_latest_told_answers() -> None:
    hits = [
        _said("Right now I run three times a week around the park.", 1, 3.0),
        _said("Back to running, five times a week now.", 15, 1.0),
    ]
    assert "five" in _answer("How many times a week do I run now?", *hits)


def test_days_ago_through_the_offline_answer() -> None:
    hits = [_said("Finally repainted the fence yesterday.", 3)]
    assert _answer("How many days ago did I repaint the fence?", *hits).startswith("18 days ago")


def test_a_later_message_that_moves_a_planned_day_gives_the_current_one() -> None:
    refs = _refs(
        _said("Our housewarming party is planned for 15 June.", 2),
        _said("bad news, the hall flooded so the housewarming is now 22 june", 9),
        _said("My sister lands on 20 June, she can't wait.", 10),
    )
    question = "How many days before the housewarming does my sister land?"
    found = reckon(read_question(question), refs, NOW)
    assert found is not None and found.text.startswith("2 days")


def test_a_move_told_in_other_words_of_the_dating_sentence_counts() -> None:
    refs = _refs(
        _said("Got a place at the Harrow chess open, my board slot is 8 july.", 3),
        _said("update on harrow: they moved my slot to 10 july because of a clash.", 12),
        _said("Started the new openings course on the 6th of May.", 7),
    )
    question = "How many days after starting the openings course did I play at the chess open?"
    found = reckon(read_question(question), refs, NOW)
    assert found is not None and found.text.startswith("65 days")


def test_a_past_day_is_not_moved_by_a_later_now() -> None:
    refs = _refs(
        _said("We adopted Pip from the shelter on the 3rd.", 5),
        _said("Pip is now fully house trained, vet check on the 21st.", 15),
    )
    dated = date_event("adopting Pip", read_question("x"), refs)
    assert dated is not None and dated.day == date(2024, 5, 3)


def test_a_day_may_be_told_in_the_sentence_after_the_one_naming_the_event() -> None:
    refs = _refs(
        _said("Finally found a walker for Bruno, a student called Femi. He begins on the 9th.", 2),
        _said("Diwali is on the 30th of May this year, cousins will come.", 2),
    )
    question = "How many days before Diwali did the new walker begin?"
    found = reckon(read_question(question), refs, NOW)
    assert found is not None and found.text.startswith("21 days")


def test_a_word_the_whole_conversation_says_dates_an_event_less_than_its_verb() -> None:
    refs = _refs(
        _said("Lisbon again! Marta and her parents love Lisbon.", 1),
        _said("marta's parents are so happy about the trip to Lisbon", 2),
        _said("They fly in on 12 may, then the ceremony is on the 14th in Lisbon.", 3),
        _said("Lisbon hotel booked for Marta.", 4),
    )
    dated = date_event("Marta's parents fly in to Lisbon", read_question("x"), refs)
    assert dated is not None and dated.day == date(2024, 5, 12)


def test_a_name_opening_the_event_is_not_a_told_act() -> None:
    refs = _refs(_said("Eid will be on the 28th this year, the whole family comes.", 10))
    dated = date_event("Eid", read_question("How many days before Eid?"), refs)
    assert dated is not None and dated.day == date(2024, 5, 28)


def test_british_and_american_spellings_tell_of_one_event() -> None:
    refs = _refs(
        _said("thesis topic chosen today, finally", 1),
        _said("sent the full draft in on the 8th. the defense is set for 29 may", 10),
    )
    question = "How many days before her thesis defence did she send the full draft?"
    found = reckon(read_question(question), refs, NOW)
    assert found is not None and found.text.startswith("21 days")


def test_days_until_a_coming_event_count_from_the_question_date_to_its_named_day() -> None:
    refs = _refs(
        _said("The pottery fair is on 30 May, I have a stall there.", 7),
        _said("I glazed twelve bowls today.", 9),
    )
    found = reckon(read_question("How many days until the pottery fair?"), refs, NOW)
    assert found is not None and found.text == "10 days (30 May 2024)" and found.refs == (1,)
    weeks = reckon(read_question("How many weeks are left before the pottery fair?"), refs, NOW)
    assert weeks is not None and weeks.text.startswith("1 week")
    asked_past = "How long before the pottery fair did I glaze the bowls?"  # not "until"
    assert reckon(read_question(asked_past), refs, NOW) is None


def test_days_until_an_event_already_past_or_undated_is_not_answered() -> None:
    refs = _refs(
        _said("The pottery fair was on 3 May, I sold every bowl.", 7),
        _said("I glazed twelve bowls today.", 9),
    )
    assert reckon(read_question("How many days until the pottery fair?"), refs, NOW) is None
    assert reckon(read_question("How many days until I glaze the bowls?"), refs, NOW) is None
