"""Dates that are right: days of the month, tense by clause, corrections, routines.

All sentences are invented; each case failed before the rule it pins down.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from mirix_py._temporal import annotate_text, resolve_time_expressions

WED = datetime(2026, 4, 22, 18, 0, tzinfo=UTC)  # a Wednesday in late April


def _spans(text: str, anchor: datetime = WED) -> list[tuple[str, date, date]]:
    return [(m.text, m.start.date(), m.end.date()) for m in resolve_time_expressions(text, anchor)]


# -- a day of the month alone ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "anchor", "expected"),
    [
        # past wording: the latest such day
        ("Priya slipped on the stairs on the 19th and hurt her ankle.", WED, date(2026, 4, 19)),
        ("She left on the 30th, a week before Easter.", WED, date(2026, 3, 30)),
        # future wording: the next such day
        ("The plumber will come on the 2nd to fix the boiler.", WED, date(2026, 5, 2)),
        ("I'll pay you back by the 22nd", WED, date(2026, 4, 22)),
        # no tense in its clause: the nearer occurrence
        ("- inspection is on the 28th", WED, date(2026, 4, 28)),
        ("the piano tuner comes on the 3rd", datetime(2026, 4, 27, tzinfo=UTC), date(2026, 5, 3)),
        # a past verb in another clause only leans: a much nearer coming day wins
        (
            "filled in the council form, appointment on the 3rd",
            datetime(2026, 4, 27, tzinfo=UTC),
            date(2026, 5, 3),
        ),
    ],
)
def test_a_day_of_the_month_alone_resolves_by_tense(
    text: str, anchor: datetime, expected: date
) -> None:
    mention = resolve_time_expressions(text, anchor)[0]  # "Easter" is a date of its own
    assert mention.granularity == "day"
    assert mention.start.date() == expected


def test_a_range_of_days_of_the_month_is_a_range() -> None:
    assert _spans("We're away from the 3rd to the 7th, the neighbours feed the cat.") == [
        ("the 3rd to the 7th", date(2026, 5, 3), date(2026, 5, 8))
    ]


@pytest.mark.parametrize(
    "text",
    [
        "We live on the 4th floor, no lift.",
        "Rent is due on the 1st every month.",
        "He passed on the 3rd attempt.",
    ],
)
def test_an_ordinal_that_is_not_a_day_is_left_alone(text: str) -> None:
    assert resolve_time_expressions(text, WED) == []


def test_a_day_alone_is_annotated() -> None:
    text = "Omar fell off his bike on the 12th outside the bakery."
    assert annotate_text(text, WED) == (
        "Omar fell off his bike on the 12th [12 April 2026] outside the bakery."
    )


# -- a coming month or day is not put in the past year -----------------------------------


@pytest.mark.parametrize(
    ("text", "anchor", "label"),
    [
        # the past verb belongs to another clause; the date's own clause is present tense
        (
            "Mum got the all clear, so the Crete trip in June is definitely on.",
            datetime(2026, 4, 20, tzinfo=UTC),
            "June 2026",
        ),
        # a past verb in another clause, the past occurrence most of a year back
        ("Tiles ordered, delivery April 12.", datetime(2026, 3, 1, tzinfo=UTC), "12 April 2026"),
        # the full stop after the month ends the sentence: the next one's "were" is not its tense
        (
            "For our tenth anniversary, which is the 3rd of June. We were thinking of Crete.",
            datetime(2026, 2, 1, tzinfo=UTC),
            "3 June 2026",
        ),
        (
            "Our anniversary: the 3rd of June. We were in Crete for the last one.",
            datetime(2026, 2, 1, tzinfo=UTC),
            "3 June 2026",
        ),
        # a present tense nearer the date than a past verb: the nearest occurrence
        ("I told him the party is on 2 March", datetime(2026, 10, 14, tzinfo=UTC), "2 March 2027"),
        # a day and month without a past marker is a plan or a schedule: the coming one,
        # even when last year's is a little nearer
        ("my cousins arrive 4 nov, staying two weeks", WED, "4 November 2026"),
        (
            "ok so the wedding is 7 november now",
            datetime(2026, 3, 2, tzinfo=UTC),
            "7 November 2026",
        ),
        ("Conference in Lisbon: 18 October.", WED, "18 October 2026"),
        # a replacement date ("… instead") is still to come, even when the past one is nearer
        (
            "the cabin weekend is off, rain everywhere. we drive up 9-11 october instead.",
            datetime(2026, 3, 20, tzinfo=UTC),
            "9-11 October 2026",
        ),
        (
            "the recital got cancelled; the new date is 30 September, same hall",
            datetime(2026, 3, 20, tzinfo=UTC),
            "30 September 2026",
        ),
    ],
)
def test_a_coming_date_is_not_put_in_the_past_year(text: str, anchor: datetime, label: str) -> None:
    assert resolve_time_expressions(text, anchor)[0].label == label


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # a past verb in the date's own clause still decides
        ("I visited my aunt on November 2, she is fine now.", "2 November 2025"),
        # "moved to" a place is no rescheduling ("moved it to 9 May" is): the past stands
        ("In May, we moved to a bigger flat.", "May 2026"),
    ],
)
def test_a_past_verb_still_puts_the_date_in_the_past(text: str, label: str) -> None:
    oct_ = datetime(2026, 10, 14, tzinfo=UTC)
    assert resolve_time_expressions(text, oct_)[0].label == label


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("the bake sale is on 2 October, my tray of flapjacks sold out", "2 October 2026"),
        ("photos from 20 September, the lake at dawn", "20 September 2026"),
    ],
)
def test_a_date_just_gone_without_a_past_verb_stays_in_the_past(text: str, label: str) -> None:
    oct_ = datetime(2026, 10, 14, tzinfo=UTC)
    assert resolve_time_expressions(text, oct_)[0].label == label


# -- a corrected date is tagged ----------------------------------------------------------


def test_a_lower_case_month_after_on_is_a_date() -> None:
    text = "the demo went fine, I showed it on march 24 after all, not the 20"
    assert _spans(text) == [("march 24", date(2026, 3, 24), date(2026, 3, 25))]
    assert resolve_time_expressions("They march 5 miles a day.", WED) == []


# -- routines and spans are not dates ----------------------------------------------------


def test_a_weekday_span_in_the_present_is_a_routine() -> None:
    assert resolve_time_expressions("Tuesday through Friday is slow, a few tables.", WED) == []


def test_a_weekday_span_with_a_tense_is_one_range() -> None:
    assert _spans("I will be away Monday to Thursday.") == [
        ("Monday to Thursday", date(2026, 4, 27), date(2026, 5, 1))
    ]
    assert _spans("I was in Oslo Monday to Thursday.") == [
        ("Monday to Thursday", date(2026, 4, 13), date(2026, 4, 17))
    ]


@pytest.mark.parametrize(
    "text", ["That's impressive progress in two months.", "That is a big drop in three weeks!"]
)
def test_an_evaluated_span_is_not_a_coming_date(text: str) -> None:
    assert resolve_time_expressions(text, WED) == []


@pytest.mark.parametrize(
    "text", ["The exam is in two weeks.", "That's in two weeks.", "This is due in two weeks."]
)
def test_a_coming_date_in_n_weeks_is_still_resolved(text: str) -> None:
    assert [m.label for m in resolve_time_expressions(text, WED)] == ["week of 4 May 2026"]


def test_the_annotation_goes_before_the_full_stop_after_a_month() -> None:
    text = "I move to a studio on the 1st of February. Then we see."
    assert annotate_text(text, datetime(2026, 1, 5, tzinfo=UTC)) == (
        "I move to a studio on the 1st of February [1 February 2026]. Then we see."
    )


# -- an ordinal weekday of a month, and moved dates ---------------------------------------


@pytest.mark.parametrize(
    ("text", "anchor", "label"),
    [
        # a future tense: the coming one
        ("the choir audition will be the second saturday of november", WED, "14 November 2026"),
        # a past verb: the latest one
        ("We repainted the shed on the first Monday of March.", WED, "2 March 2026"),
        ("the board meets on the last Friday in May", WED, "29 May 2026"),
        ("Renewal is the third Thursday of next month.", WED, "21 May 2026"),
    ],
)
def test_an_ordinal_weekday_of_a_month_is_that_day(text: str, anchor: datetime, label: str) -> None:
    assert [m.label for m in resolve_time_expressions(text, anchor)] == [label]


def test_a_move_with_an_object_looks_ahead() -> None:
    text = "we have pushed our cruise back to 3 to 9 February, cheaper then"
    assert [m.label for m in resolve_time_expressions(text, WED)] == ["3-9 February 2027"]


def test_a_past_clause_after_a_postponement_stays_in_the_past() -> None:
    text = "The recital was postponed, the hall flooded, so I played it on 2 April instead."
    assert [m.label for m in resolve_time_expressions(text, WED)] == ["2 April 2026"]


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("yay I got a viewing on the 27th for the flat on Elm Road", "27 April 2026"),
        ("We finally got an appointment with the notary for 2 May.", "2 May 2026"),
    ],
)
def test_an_appointment_got_is_dated_ahead(text: str, label: str) -> None:
    assert [m.label for m in resolve_time_expressions(text, WED)] == [label]


def test_a_thing_got_on_a_day_is_still_past() -> None:
    text = "I got a parking fine on the 27th, annoying"
    assert [m.label for m in resolve_time_expressions(text, WED)] == ["27 March 2026"]


# -- a plan decided: the past tense is the deciding's, the month the plan's ---------------

SUMMER = datetime(2026, 7, 3, 9, 0, tzinfo=UTC)  # early July: January is as near behind as ahead


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("anniversary trip decided: iceland in january, then a week with my aunt", "January 2027"),
        ("We finally settled on a cabin in the Alps in January.", "January 2027"),
        ("ok so we chose a small ceremony in february", "February 2027"),
        ("the retreat was finalised: a lake house in january", "January 2027"),
    ],
)
def test_a_decided_plan_takes_the_coming_month(text: str, label: str) -> None:
    assert [m.label for m in resolve_time_expressions(text, SUMMER)] == [label]


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # the event itself in the past tense: the past month
        ("we went skiing in the Alps in january, then visited my aunt", "January 2026"),
        ("Tomasz and I were in Iceland in january", "January 2026"),
        # the month right after the verb dates the deciding
        ("We decided in January to repaint the kitchen.", "January 2026"),
        ("I settled in february into the new flat", "February 2026"),
        # a date opening the sentence dates the deciding, not what was decided
        ("In January we decided to repaint the kitchen.", "January 2026"),
        ("On 3 May we agreed to split the rent.", "3 May 2026"),
    ],
)
def test_a_past_event_or_the_deciding_month_stays_past(text: str, label: str) -> None:
    assert [m.label for m in resolve_time_expressions(text, SUMMER)] == [label]
