"""Dates that moved: the new date for an actual/current question, the old one for the first
plan, a code that names which of several events a date is said of, ranges said as ranges.

All texts are invented; each case failed before the rule it pins down.
"""

from __future__ import annotations

from datetime import UTC, datetime

from mirix_py._chat.answer import answer_offline
from mirix_py._chat.compose import build_context
from mirix_py._chat.cues import read_question
from mirix_py._chat.models import Hit
from mirix_py._chat.moved_dates import MovedDates, asks_original, codes, moved_dates, names_other
from mirix_py._memory import EpisodicMemory
from tests.unit.chat.helpers import episode, hit


def _said(text: str, month: int, day: int, score: float, sequence: int = 0) -> Hit:
    record = episode(text, actor="Lena", session=f"s{month}-{day}", sequence=sequence)
    record = record.model_copy(update={"occurred_at": datetime(2026, month, day, 10, tzinfo=UTC)})
    assert isinstance(record, EpisodicMemory)
    return hit(record, score, vector=0.6)


def _answer(question: str, *hits: Hit) -> str:
    pack = build_context([], list(hits), budget_tokens=1000)
    return answer_offline(read_question(question), pack, min_evidence=0.2).text


# -- the new and the old dates of a move sentence ---------------------------------------


def test_a_move_sentence_has_a_new_and_an_old_date() -> None:
    text = (
        "The vet was off sick on the 9th [9 June 2026], so the dog's surgery was done on"
        " Friday [12 June 2026] instead. All fine."
    )
    assert moved_dates(text) == MovedDates(("12 June 2026",), ("9 June 2026",))
    moved = "Sadly we pushed our sailing week back to 4 to 10 August [4-10 August 2026]."
    assert moved_dates(moved).new == ("4-10 August 2026",)
    gig = "we moved the gig from the 3rd [3 May 2026] to the 9th [9 May 2026]"
    assert moved_dates(gig) == MovedDates(("9 May 2026",), ("3 May 2026",))


def test_a_sentence_that_moves_nothing_has_no_moved_dates() -> None:
    assert moved_dates("The gig is on the 3rd [3 May 2026], doors at 8.") == MovedDates((), ())
    # "now" elsewhere in the sentence is no new date
    pricey = "also the gig is moved, tickets in May [May 2026] are pricey now"
    assert moved_dates(pricey) == MovedDates((), ())


def test_a_move_to_a_place_is_no_new_date() -> None:
    text = "I start on 3 August [3 August 2026], so I'll move to Porto in July [July 2026]."
    assert moved_dates(text) == MovedDates((), ())
    assert moved_dates("Moving on 30 July [30 July 2026], right after the exams.").new == ()


def test_the_first_plan_is_asked_by_originally_or_supposed_to() -> None:
    assert asks_original("For which date was the kiln firing originally booked?")
    assert asks_original("When was the dinner supposed to be?")
    assert not asks_original("On what date did the kiln firing actually happen?")


# -- answers ------------------------------------------------------------------------------


_PLAN = "My dog Bruno finally has a date for his hip surgery: the 9th of June [9 June 2026]."
_MOVE = (
    "We are back home! It was moved last minute, the vet was off sick on the 9th"
    " [9 June 2026], so it was done on Friday [12 June 2026] instead. Bruno is fine."
)


def test_the_actual_date_of_a_moved_event_is_the_new_one() -> None:
    plan, move = _said(_PLAN, 5, 20, 2.0), _said(_MOVE, 6, 14, 1.5)
    question = "On what date did Bruno's hip surgery actually take place?"
    assert _answer(question, plan, move) == "12 June 2026"


def test_the_original_date_of_a_moved_event_is_the_old_one() -> None:
    plan, move = _said(_PLAN, 5, 20, 1.5), _said(_MOVE, 6, 14, 2.0)
    question = "For which date was Bruno's hip surgery originally scheduled?"
    assert _answer(question, move, plan) == "9 June 2026"
    only_new = _said("The surgery got postponed, so it was done on 12 June [12 June 2026] instead.",
                     6, 14, 2.0)  # fmt: skip
    assert _answer(question, only_new, plan) == "9 June 2026"


def test_a_moved_trip_answers_with_the_new_range() -> None:
    plan = _said("Lena and Olaf want to go to Sardinia in June [June 2026]. A week.", 2, 3, 2.0)
    move = _said(
        "Bad news about Sardinia: Olaf's brother marries in June [June 2026], so we have"
        " moved our trip to 8 to 15 September [8-15 September 2026].",
        4,
        1,
        1.6,
    )
    assert _answer("When are Lena and Olaf going to Sardinia now?", plan, move) == (
        "8 to 15 September 2026"
    )


def test_a_code_names_which_exam_a_date_is_of() -> None:
    assert codes("Is the B2 exam harder than B1 at 5pm on the 3rd?") == {"B2", "B1"}
    later = (
        "passed the B1 exam with 88!! next: the B2 exam on the first saturday of may [2 May 2026]"
    )
    assert names_other(frozenset({"B1"}), later, "2 May 2026")
    assert not names_other(frozenset({"B2"}), later, "2 May 2026")
    done = _said("B1 exam done on saturday [14 March 2026], fingers crossed", 3, 16, 1.6)
    second = _said(later, 4, 20, 2.0)
    assert _answer("On what date did Lena sit the B1 exam?", second, done) == "14 March 2026"
    first = _said("signed up for the B1 exam!! it is on the 14th [14 March 2026]", 1, 9, 2.0)
    assert _answer("On what date is Lena's B2 exam?", first, done, second) == "2 May 2026"


def test_a_range_of_days_is_answered_as_a_range() -> None:
    fair = _said("My boss sent me to the print fair in Bologna, from 3 to 6 May [3-6 May 2026].",
                 2, 2, 2.0)  # fmt: skip
    assert _answer("On which dates was Lena at the print fair in Bologna?", fair) == (
        "3 to 6 May 2026"
    )


def test_a_by_what_date_question_takes_the_limit_said_with_by() -> None:
    advice = _said(
        "For a contract ending 31 August [31 August 2026], you must tell the club two months"
        " before the end, so by 30 June [30 June 2026] at the latest.",
        3,
        3,
        2.0,
    )
    question = "By what date did the assistant say Lena had to tell the club?"
    assert _answer(question, advice) == "30 June 2026"


# -- a date followed through its later moves ---------------------------------------------


def test_a_date_is_followed_to_the_move_that_names_its_bare_day() -> None:
    slot = _said("got a table at the makers market!! my stall is on 9 may [9 May 2026]", 3, 1, 2.0)
    chat = _said("the weather looks good for the market, fingers crossed", 4, 2, 1.5)
    moved = _said(
        "update on the stall - they moved it to 16 may [16 May 2026] because a festival took the"
        " 9th. fine",
        4,
        20,
        0.5,
    )
    question = "On what date does Lena have her stall at the makers market?"
    assert _answer(question, slot, chat, moved) == "16 May 2026"
    assert _answer("When was Lena's stall originally planned?", slot, moved) == "9 May 2026"


def test_a_bare_day_said_instead_is_read_in_the_moved_dates_month() -> None:
    booked = _said("Train booked Munich - Verona on 4 February [4 February 2026].", 1, 10, 2.0)
    later = _said(
        "Ciao from Verona! Train on 4th was cancelled, strike. I travelled on 6th instead.",
        2,
        8,
        0.8,
    )
    assert _answer("On what date did Lena travel to Verona?", booked, later) == "6 February 2026"


def test_a_move_of_another_thing_on_the_same_day_moves_nothing() -> None:
    party = _said("my sister's party is on 12 june [12 June 2026], in the garden", 5, 1, 2.0)
    dentist = _said("dentist moved to the 15th, they had a problem on the 12th", 5, 20, 0.5)
    assert _answer("On what date is Lena's sister's party?", party, dentist) == "12 June 2026"


def test_asked_the_first_plan_a_date_moved_to_gives_the_one_moved_from() -> None:
    moved = _said(
        "Bad news. We wanted to move the shop at the end of May, the 30th of May [30 May 2026],"
        " but the van is broken. Now the move is the 4th of July [4 July 2026].",
        4,
        2,
        1.2,
    )
    later = _said("van fixed!! we really move the shop on the 4th of July [4 July 2026]", 6, 1, 2.0)
    question = "On what date did Lena first plan to move the shop?"
    assert _answer(question, later, moved) == "30 May 2026"
    assert _answer("When does Lena move the shop?", later, moved) == "4 July 2026"
