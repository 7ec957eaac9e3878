"""Resolving relative and absolute time expressions (``mirix_py._temporal``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from mirix_py._temporal import (
    TimeMention,
    annotate_text,
    parse_loose_datetime,
    question_time_range,
    resolve_time_expressions,
)

MON = datetime(2023, 5, 8, 14, 0, tzinfo=UTC)  # a Monday
SUN = datetime(2023, 5, 7, 12, 0, tzinfo=UTC)  # a Sunday
JAN = datetime(2023, 1, 10, 9, 0, tzinfo=UTC)  # a Tuesday in January
SEP = datetime(2023, 9, 10, 9, 0, tzinfo=UTC)

Expected = list[tuple[str, date, str]]

RESOLVE_CASES: list[tuple[str, datetime, Expected]] = [
    # days
    ("I went yesterday", MON, [("yesterday", date(2023, 5, 7), "day")]),
    ("Today was great", MON, [("Today", date(2023, 5, 8), "day")]),
    ("We're having pizza tonight", MON, [("tonight", date(2023, 5, 8), "day")]),
    ("I ran this morning", MON, [("this morning", date(2023, 5, 8), "day")]),
    ("She called this evening", MON, [("this evening", date(2023, 5, 8), "day")]),
    ("YESTERDAY was odd", MON, [("YESTERDAY", date(2023, 5, 7), "day")]),
    ("we talked last night", MON, [("last night", date(2023, 5, 7), "day")]),
    (
        "I saw it the day before yesterday",
        MON,
        [("the day before yesterday", date(2023, 5, 6), "day")],
    ),
    ("See you tomorrow", MON, [("tomorrow", date(2023, 5, 9), "day")]),
    ("The party is day after tomorrow", MON, [("day after tomorrow", date(2023, 5, 10), "day")]),
    # calendar weeks / months / years
    ("Last week was busy", MON, [("Last week", date(2023, 5, 1), "week")]),
    ("this week", MON, [("this week", date(2023, 5, 8), "week")]),
    ("next week", MON, [("next week", date(2023, 5, 15), "week")]),
    ("last month", MON, [("last month", date(2023, 4, 1), "month")]),
    ("this month", MON, [("this month", date(2023, 5, 1), "month")]),
    ("next month", MON, [("next month", date(2023, 6, 1), "month")]),
    ("last month", datetime(2023, 3, 31, tzinfo=UTC), [("last month", date(2023, 2, 1), "month")]),
    ("last year", MON, [("last year", date(2022, 1, 1), "year")]),
    ("this year", MON, [("this year", date(2023, 1, 1), "year")]),
    ("next year", MON, [("next year", date(2024, 1, 1), "year")]),
    ("LAST WEEK", MON, [("LAST WEEK", date(2023, 5, 1), "week")]),
    # weekends
    ("We went camping last weekend", MON, [("last weekend", date(2023, 5, 6), "day")]),
    ("this weekend", MON, [("this weekend", date(2023, 5, 13), "day")]),
    ("next weekend", MON, [("next weekend", date(2023, 5, 20), "day")]),
    ("I went hiking over the weekend", MON, [("the weekend", date(2023, 5, 6), "day")]),
    ("last weekend", SUN, [("last weekend", date(2023, 4, 29), "day")]),
    # weekdays
    ("I saw her on Friday", MON, [("Friday", date(2023, 5, 5), "day")]),
    ("We met on Monday", MON, [("Monday", date(2023, 5, 1), "day")]),
    ("last Friday", MON, [("last Friday", date(2023, 5, 5), "day")]),
    ("next Friday", MON, [("next Friday", date(2023, 5, 12), "day")]),
    ("this Friday", MON, [("this Friday", date(2023, 5, 12), "day")]),
    ("I will call you on Friday", MON, [("Friday", date(2023, 5, 12), "day")]),
    ("last Friday night", MON, [("last Friday night", date(2023, 5, 5), "day")]),
    ("last Sunday", SUN, [("last Sunday", date(2023, 4, 30), "day")]),
    ("this Sunday", SUN, [("this Sunday", date(2023, 5, 7), "day")]),
    # N units ago / in N units
    ("3 days ago", MON, [("3 days ago", date(2023, 5, 5), "day")]),
    ("two weeks ago", MON, [("two weeks ago", date(2023, 4, 24), "week")]),
    ("a month ago", MON, [("a month ago", date(2023, 4, 1), "month")]),
    ("a couple of years ago", MON, [("a couple of years ago", date(2021, 1, 1), "year")]),
    ("a few days ago", MON, [("a few days ago", date(2023, 5, 5), "day")]),
    ("Twelve months ago", MON, [("Twelve months ago", date(2022, 5, 1), "month")]),
    ("I'll leave in 2 days", MON, [("in 2 days", date(2023, 5, 10), "day")]),
    ("We're moving in three weeks", MON, [("in three weeks", date(2023, 5, 29), "week")]),
    ("in a month", MON, [("in a month", date(2023, 6, 1), "month")]),
    ("5 days from now", MON, [("5 days from now", date(2023, 5, 13), "day")]),
    ("the past two weeks", MON, [("the past two weeks", date(2023, 4, 24), "day")]),
    # seasons
    ("last summer", MON, [("last summer", date(2022, 6, 1), "month")]),
    ("last summer", SEP, [("last summer", date(2023, 6, 1), "month")]),
    ("last winter", MON, [("last winter", date(2022, 12, 1), "month")]),
    ("last fall", MON, [("last fall", date(2022, 9, 1), "month")]),
    ("last autumn", JAN, [("last autumn", date(2022, 9, 1), "month")]),
    ("the summer of 2022", MON, [("summer of 2022", date(2022, 6, 1), "month")]),
    # absolute dates
    ("7 May 2023", MON, [("7 May 2023", date(2023, 5, 7), "day")]),
    ("May 7, 2023", MON, [("May 7, 2023", date(2023, 5, 7), "day")]),
    ("May 7th", MON, [("May 7th", date(2023, 5, 7), "day")]),
    ("2023-05-07", MON, [("2023-05-07", date(2023, 5, 7), "day")]),
    ("at 1:56 pm on 8 May, 2023", MON, [("8 May, 2023", date(2023, 5, 8), "day")]),
    ("Monday, May 8, 2023", MON, [("Monday, May 8, 2023", date(2023, 5, 8), "day")]),
    ("the 4th of July", MON, [("the 4th of July", date(2023, 7, 4), "day")]),
    ("Dec 28", JAN, [("Dec 28", date(2022, 12, 28), "day")]),
    ("march 5th", MON, [("march 5th", date(2023, 3, 5), "day")]),
    # months and years
    ("We moved in May 2023", MON, [("May 2023", date(2023, 5, 1), "month")]),
    ("It happened in 2022", MON, [("2022", date(2022, 1, 1), "year")]),
    ("We met in May", MON, [("May", date(2023, 5, 1), "month")]),
    ("in December", JAN, [("December", date(2022, 12, 1), "month")]),
    ("in early June", MON, [("early June", date(2023, 6, 1), "month")]),
    ("last May", MON, [("last May", date(2022, 5, 1), "month")]),
    ("last April", MON, [("last April", date(2023, 4, 1), "month")]),
    ("next March", MON, [("next March", date(2024, 3, 1), "month")]),
    ("this June", MON, [("this June", date(2023, 6, 1), "month")]),
    # several mentions, sorted by position
    (
        "Yesterday I met John and last Friday we went hiking",
        MON,
        [("Yesterday", date(2023, 5, 7), "day"), ("last Friday", date(2023, 5, 5), "day")],
    ),
    (
        "In 2022 I lived in Rome; two years ago I was in Oslo.",
        MON,
        [("2022", date(2022, 1, 1), "year"), ("two years ago", date(2021, 1, 1), "year")],
    ),
]


@pytest.mark.parametrize(("text", "anchor", "expected"), RESOLVE_CASES)
def test_resolve_time_expressions(text: str, anchor: datetime, expected: Expected) -> None:
    mentions = resolve_time_expressions(text, anchor)
    assert [(m.text, m.start.date(), m.granularity) for m in mentions] == expected
    for m in mentions:
        assert text[m.span[0] : m.span[1]] == m.text
        assert m.start < m.end
        assert m.start.tzinfo is anchor.tzinfo and m.start.time() == m.end.time()


FALSE_POSITIVES = [
    "You may want to leave early",
    "this may be hard",
    "The 3 may be late",
    "Maybe we can march forward in the Mayday parade",
    "They march 5 miles every day",
    "I have been busy recently",
    "I saw him the other day",
    "That was a while ago",
    "Mondays are hard",
    "The next day we left",
    "My last fall really hurt",
    "I finished the book in two days",
    "I haven't seen him in a year",
    "There were 2023 people there",
    "",
]


@pytest.mark.parametrize("text", FALSE_POSITIVES)
def test_false_positives_are_not_resolved(text: str) -> None:
    assert resolve_time_expressions(text, MON) == []


@pytest.mark.parametrize(
    ("unit_text", "days"),
    [("yesterday", 1), ("last week", 7), ("last weekend", 2), ("last summer", 92)],
)
def test_ranges_are_half_open(unit_text: str, days: int) -> None:
    (mention,) = resolve_time_expressions(unit_text, MON)
    assert mention.end - mention.start == timedelta(days=days)


def test_range_is_in_the_anchor_timezone_and_naive_means_utc() -> None:
    pacific = timezone(timedelta(hours=-7))
    late_evening = datetime(2023, 5, 7, 22, 0, tzinfo=pacific)  # already 8 May in UTC
    (today,) = resolve_time_expressions("today", late_evening)
    assert today.start == datetime(2023, 5, 7, tzinfo=pacific)
    (naive,) = resolve_time_expressions("yesterday", datetime(2023, 5, 8, 14, 0))
    assert naive.start == datetime(2023, 5, 7, tzinfo=UTC)
    assert naive.start.tzinfo is UTC


@pytest.mark.parametrize(
    ("text", "anchor", "label"),
    [
        ("yesterday", MON, "7 May 2023"),
        ("last week", MON, "week of 1 May 2023"),
        ("last month", MON, "April 2023"),
        ("last year", MON, "2022"),
        ("last weekend", MON, "6-7 May 2023"),
        ("last weekend", datetime(2023, 5, 2, tzinfo=UTC), "29-30 April 2023"),
        ("last summer", MON, "June - August 2022"),
        ("last winter", MON, "December 2022 - February 2023"),
        ("the past two weeks", MON, "24 April - 8 May 2023"),
    ],
)
def test_label(text: str, anchor: datetime, label: str) -> None:
    (mention,) = resolve_time_expressions(text, anchor)
    assert mention.label == label


def test_label_of_a_hand_made_mention() -> None:
    start = datetime(2023, 5, 7, tzinfo=UTC)
    mention = TimeMention("x", start, start + timedelta(days=1), "day", (0, 1))
    assert mention.label == "7 May 2023"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I went yesterday", "I went yesterday [7 May 2023]"),
        ("We met on 7 May 2023.", "We met on 7 May 2023."),
        ("We met May 7th.", "We met May 7th [7 May 2023]."),
        ("See you next week!", "See you next week [week of 15 May 2023]!"),
        ("It may rain tomorrow", "It may rain tomorrow [9 May 2023]"),
        ("I moved in 2022.", "I moved in 2022."),
        (
            "We moved in May 2023 and went to Rome last summer",
            "We moved in May 2023 and went to Rome last summer [June - August 2022]",
        ),
        (
            "Yesterday and 3 days ago",
            "Yesterday [7 May 2023] and 3 days ago [5 May 2023]",
        ),
        ("Nothing to see here, I was busy recently", "Nothing to see here, I was busy recently"),
    ],
)
def test_annotate_text(text: str, expected: str) -> None:
    assert annotate_text(text, MON) == expected


def test_annotate_text_is_idempotent() -> None:
    once = annotate_text("I went yesterday and will go again next Friday", MON)
    assert once == "I went yesterday [7 May 2023] and will go again next Friday [12 May 2023]"
    assert annotate_text(once, MON) == once


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1:56 pm on 8 May, 2023", datetime(2023, 5, 8, 13, 56, tzinfo=UTC)),
        ("10:37 am on 27 June, 2023", datetime(2023, 6, 27, 10, 37, tzinfo=UTC)),
        ("12:05 am on 1 January, 2024", datetime(2024, 1, 1, 0, 5, tzinfo=UTC)),
        ("2023/05/24 (Wed) 17:31", datetime(2023, 5, 24, 17, 31, tzinfo=UTC)),
        ("2023-05-24T17:31:00", datetime(2023, 5, 24, 17, 31, tzinfo=UTC)),
        ("2023-05-24T17:31:00Z", datetime(2023, 5, 24, 17, 31, tzinfo=UTC)),
        ("2023-05-24T17:31:00+02:00", datetime(2023, 5, 24, 15, 31, tzinfo=UTC)),
        ("8 May 2023", datetime(2023, 5, 8, tzinfo=UTC)),
        ("  8 May 2023 ", datetime(2023, 5, 8, tzinfo=UTC)),
    ],
)
def test_parse_loose_datetime(value: str, expected: datetime) -> None:
    parsed = parse_loose_datetime(value)
    assert parsed is not None and parsed.utcoffset() is not None
    assert parsed == expected


def test_parse_loose_datetime_keeps_the_given_offset() -> None:
    parsed = parse_loose_datetime("2023-05-24T17:31:00+02:00")
    assert parsed is not None and parsed.utcoffset() == timedelta(hours=2)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "hello world",
        "5",
        "May",
        "2023",
        "Wed",
        "tomorrow",
        "2023-13-45",
        "30 Feb 2023",
        "1:56 pm on 8 May",
        "99999999999999999999",
        "\x00\x01",
        "x" * 10_000,
    ],
)
def test_parse_loose_datetime_garbage(value: str) -> None:
    assert parse_loose_datetime(value) is None


def test_parse_loose_datetime_non_string() -> None:
    assert parse_loose_datetime(None) is None  # type: ignore[arg-type]
    assert parse_loose_datetime(12345) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("question", "anchor", "expected"),
    [
        ("What did I do in May 2023?", None, (date(2023, 5, 1), date(2023, 6, 1))),
        ("Did I travel in 2022?", None, (date(2022, 1, 1), date(2023, 1, 1))),
        ("What did I do last year?", MON, (date(2022, 1, 1), date(2023, 1, 1))),
        ("What did I eat yesterday?", MON, (date(2023, 5, 7), date(2023, 5, 8))),
        ("What happened yesterday and last week?", MON, (date(2023, 5, 1), date(2023, 5, 8))),
        ("What did I do last year?", None, None),
        ("When did I go to Paris?", MON, None),
        ("Where may I find my keys?", MON, None),
    ],
)
def test_question_time_range(
    question: str, anchor: datetime | None, expected: tuple[date, date] | None
) -> None:
    got = question_time_range(question, anchor)
    if expected is None:
        assert got is None
    else:
        assert got is not None
        assert (got[0].date(), got[1].date()) == expected
        assert got[0].tzinfo is not None


OCT = datetime(2026, 10, 14, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # an arrangement in the past tense is about a coming event
        ("We booked a cabin in Tromsø from November 14.", "14 November 2026"),
        ("I reserved a table for March 2 at Nonna's.", "2 March 2027"),
        ("She scheduled the surgery for December 1", "1 December 2026"),
        # a plain past event stays in the past; "last December" is the previous one
        ("I visited my aunt on September 28", "28 September 2026"),
        ("We went skiing last December", "December 2025"),
        # ranges resolve as ranges
        ("We booked flights to Accra from December 12 to December 19.", "12-19 December 2026"),
        ("The workshop runs 3-5 February", "3-5 February 2027"),
        ("I was in Hanoi from 28 August to 2 September", "28 August - 2 September 2026"),
        ("between November 2 and November 6 we'll be away", "2-6 November 2026"),
        # a participle is not the past tense; a rescheduled date looks ahead
        ("my cousin is getting married in Cusco on 2 November!", "2 November 2026"),
        ("the audit moved a week later, to 9 January", "9 January 2027"),
        ("I went to a gig on 9 January", "9 January 2026"),
        # a month alone follows the same cues: arrangements and decisions look ahead
        ("I signed up for the river regatta in March.", "March 2027"),
        ("We've decided to move to Tallinn in February.", "February 2027"),
        ("She promised to visit in January", "January 2027"),
        ("We stayed in Lima in February.", "February 2026"),
        ("We got married in June", "June 2026"),
    ],
)
def test_yearless_dates_follow_tense_and_cues(text: str, label: str) -> None:
    (mention,) = resolve_time_expressions(text, OCT)
    assert mention.label == label


def test_and_joins_a_range_only_after_between() -> None:
    mentions = resolve_time_expressions("On May 3 and 7 friends came over", OCT)
    assert [m.granularity for m in mentions] == ["day"]
    assert mentions[0].end - mentions[0].start == timedelta(days=1)


def test_a_day_of_a_relative_month_resolves_to_that_day() -> None:
    nov = datetime(2025, 11, 15, tzinfo=UTC)
    assert annotate_text("moving on the 1st of next month", nov).endswith("[1 December 2025]")
    got = resolve_time_expressions("in town from the 22nd to the 25th of next month", nov)
    assert [(m.start.date(), m.end.date(), m.granularity) for m in got] == [
        (date(2025, 12, 22), date(2025, 12, 26), "day")
    ]
    assert annotate_text("paid on the 3rd of last month", nov).endswith("[3 October 2025]")


def test_a_weekday_relative_to_an_event_is_not_resolved_against_today() -> None:
    assert resolve_time_expressions("leaving the Monday after the wedding", MON) == []
    assert resolve_time_expressions("see you Monday before the party", MON) == []
    assert len(resolve_time_expressions("see you on Monday.", MON)) == 1


DEC = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)  # a Saturday in December


@pytest.mark.parametrize(
    ("text", "anchor", "expected"),
    [
        ("Next spring we move to the coast.", DEC, date(2027, 3, 1)),  # the coming one
        ("next summer", datetime(2023, 5, 2, tzinfo=UTC), date(2023, 6, 1)),
        ("next summer", datetime(2023, 7, 10, tzinfo=UTC), date(2024, 6, 1)),  # inside one
        ("This spring we move to the coast.", DEC, date(2027, 3, 1)),
    ],
)
def test_next_season_is_the_first_one_still_to_begin(
    text: str, anchor: datetime, expected: date
) -> None:
    (mention,) = resolve_time_expressions(text, anchor)
    assert mention.start.date() == expected


@pytest.mark.parametrize(
    "text",
    ["Back in January I quit smoking.", "I used to run in January, before the knee."],
)
def test_back_in_and_used_to_mark_the_past(text: str) -> None:
    (mention,) = resolve_time_expressions(text, DEC)
    assert mention.start.date() == date(2026, 1, 1)


@pytest.mark.parametrize(
    "text",
    ["Her birthday falls on a Saturday this time.", "We meet every Monday at noon."],
)
def test_a_weekday_that_names_any_such_day_is_not_resolved(text: str) -> None:
    assert resolve_time_expressions(text, DEC) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Her recital is on the eighth of August 2027.", date(2027, 8, 8)),
        ("We fly out on March twenty-first.", date(2027, 3, 21)),
        ("We flew out on March twenty first.", date(2026, 3, 21)),
        ("The first of May was sunny.", date(2026, 5, 1)),
    ],
)
def test_a_day_in_words_is_a_date(text: str, expected: date) -> None:
    (mention,) = resolve_time_expressions(text, DEC)
    assert mention.start.date() == expected


@pytest.mark.parametrize("text", ["You may first ask him.", "It was my first May in Lisbon."])
def test_an_ordinal_word_beside_a_month_word_is_not_always_a_date(text: str) -> None:
    assert resolve_time_expressions(text, DEC) == []


@pytest.mark.parametrize(
    "text", ["We flew out on March 21.", "She drove to the lake on 21 March.", "I sold it March 21"]
)
def test_an_irregular_past_verb_puts_a_yearless_date_in_the_past(text: str) -> None:
    (mention,) = resolve_time_expressions(text, DEC)
    assert mention.start.date() == date(2026, 3, 21)


def test_a_habit_in_another_clause_leaves_a_day_of_the_month_alone() -> None:
    anchor = datetime(2024, 3, 4, 9, tzinfo=UTC)
    (mention,) = resolve_time_expressions(
        "new inhaler twice a day, every morning and night, first refill on the 12th", anchor
    )
    assert mention.start.date() == date(2024, 3, 12)
    assert resolve_time_expressions("we pay the cleaner on the 1st every month", anchor) == []
    assert resolve_time_expressions("Rent goes out on the 5th of each month.", anchor) == []
