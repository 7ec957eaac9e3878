"""Which stated date answers a "when …?" question (``mirix_py._chat.stated_dates``).

Texts carry the date annotations the write path adds; all of them are invented.
"""

from __future__ import annotations

from datetime import UTC, datetime

from mirix_py._chat.answer import answer_offline
from mirix_py._chat.compose import build_context
from mirix_py._chat.cues import content_stems, read_question
from mirix_py._chat.current_value import change_bonus
from mirix_py._chat.stated_dates import finer_date, said_of_other, topic_date
from tests.unit.chat.helpers import episode, hit


def _pack(*hits):  # type: ignore[no-untyped-def]
    return build_context([], list(hits), budget_tokens=1000)


def test_a_date_said_of_another_clause_does_not_date_the_asked_event() -> None:
    topic = frozenset(content_stems("move Leeds"))
    assert said_of_other(
        topic, "moved to Leeds ✅ and I ran my first 10k last week [week of 9 March 2026]!"
    )
    assert not said_of_other(topic, "moving to Leeds on the 1st of March [1 March 2026]")
    assert not said_of_other(topic, "I ran my first 10k last week [week of 9 March 2026]")


def test_when_skips_a_span_whose_date_belongs_to_another_clause() -> None:
    pack = _pack(
        hit(episode("moved to Leeds ✅ and I ran my first 10k last week [week of 9 March 2026]!",
                    actor="Ravi", session="s2", day=15), 2.0, vector=0.7),
        hit(episode("I'm moving to a flat in Leeds on the 1st of March [1 March 2026].",
                    actor="Ravi", session="s1", day=2), 1.0, vector=0.5),
    )  # fmt: skip
    got = answer_offline(read_question("When did Ravi move to Leeds?"), pack, min_evidence=0.2)
    assert got.text == "1 March 2026"


def test_a_month_is_refined_by_the_days_given_later_in_the_session() -> None:
    pack = _pack(
        hit(episode("planning a hiking trip to Lofoten with Mia in june [June 2026], 5 days.",
                    actor="Ravi", session="s1", sequence=0), 2.0, vector=0.7),
        hit(episode("ok the dates: 8 to 12 June [8-12 June 2026]!",
                    actor="Ravi", session="s1", sequence=2), 1.0, vector=0.3),
    )  # fmt: skip
    got = answer_offline(
        read_question("When does Ravi's Lofoten trip start?"), pack, min_evidence=0.2
    )
    assert got.text == "8 June 2026"


def test_a_month_is_not_refined_from_another_session_or_another_subject() -> None:
    trip = hit(episode("a hiking trip to Lofoten in june [June 2026]", session="s1"), 2.0)
    topic = frozenset(content_stems("Lofoten trip"))
    elsewhere = hit(episode("dates: 8 to 12 June [8-12 June 2026]", session="s2"), 1.0)
    chatter = hit(
        episode(
            "the dentist moved my check-up and the boiler service and the car inspection "
            "to 9 June [9 June 2026]",
            session="s1",
            sequence=3,
        ),
        1.0,
    )
    assert finer_date("June 2026", trip, [trip, elsewhere, chatter], topic) == "June 2026"
    outside = hit(episode("dates: 8 to 12 July [8-12 July 2026]", session="s1", sequence=4))
    assert finer_date("June 2026", trip, [outside], topic) == "June 2026"
    assert finer_date("5 June 2026", trip, [elsewhere], topic) == "5 June 2026"


def test_a_corrected_date_ranks_as_the_current_one() -> None:
    fixed = "the tiles came April 2 [2 April 2026], not March 30 [30 March 2026]"
    planned = "tiles ordered, delivery March 30 [30 March 2026]"
    now = change_bonus(hit(episode(fixed)), fixed, past=False, newest=[])
    assert now > change_bonus(hit(episode(planned)), planned, past=False, newest=[])
    said = "I gave the talk on the 14th [14 May 2026], not the 12th"
    assert change_bonus(hit(episode(said)), said, past=False, newest=[]) > 0


def test_the_dated_piece_on_the_topic_gives_the_date() -> None:
    text = (
        "Garage:\n- the roofer comes on the 21st [21 April 2026]\n"
        "Living room:\n- bookshelves arrived April 2 [2 April 2026], a week late"
    )
    topic = frozenset(content_stems("bookshelves arrive"))
    assert topic_date(topic, text) == "2 April 2026"
    assert topic_date(topic, "no dates here") is None
    pack = _pack(hit(episode(text, actor="Ravi"), 2.0, vector=0.7))
    got = answer_offline(
        read_question("On what date did Ravi's bookshelves arrive?"), pack, min_evidence=0.2
    )
    assert got.text == "2 April 2026"


def test_a_later_corrected_date_beats_the_planned_one() -> None:
    pack = _pack(
        hit(episode("Marco wants the budget talk ready for 20 May [20 May 2026].",
                    actor="Lena", session="s1", day=1), 2.0, vector=0.7),
        hit(episode("it went ok, I gave the talk on May 24 [24 May 2026] finally, not the 20.",
                    actor="Lena", session="s2", day=25), 1.0, vector=0.4),
    )  # fmt: skip
    got = answer_offline(
        read_question("When did Lena give the budget talk?"), pack, min_evidence=0.2
    )
    assert got.text == "24 May 2026"


def test_a_month_is_refined_from_another_session_on_the_same_topic() -> None:
    topic = frozenset(content_stems("Lofoten trip"))
    trip = hit(episode("so the Lofoten trip in June [June 2026] is on!", session="s3"), 2.0)
    moved = hit(
        episode(
            "we moved the Lofoten trip to the 8th to the 12th of June [8-12 June 2026]",
            session="s2",
        ),
        1.0,
    )
    photos = hit(episode("Lofoten photo book printed on 9 June [9 June 2026]", session="s4"))
    assert finer_date("June 2026", trip, [photos, moved], topic) == "8-12 June 2026"
    assert finer_date("June 2026", trip, [photos], topic) == "June 2026"


def test_a_date_in_another_bullet_or_sentence_is_said_of_something_else() -> None:
    topic = frozenset(content_stems("chimney repair"))
    bullets = (
        "Updates:\n- Omar picked Leeds, induction in September [September 2026]\n"
        "- chimney repair done, no more drips"
    )
    assert said_of_other(topic, bullets)
    exam = frozenset(content_stems("exam"))
    assert not said_of_other(
        exam, "I booked my exam at last! It is on 26 February [26 February 2026]."
    )
    pack = _pack(
        hit(episode(bullets, actor="Ravi", session="s3", day=20), 2.0, vector=0.7),
        hit(episode("the chimney repair is on the 14th [14 July 2026], fingers crossed",
                    actor="Ravi", session="s2", day=2), 1.0, vector=0.4),
    )  # fmt: skip
    got = answer_offline(
        read_question("On what date was Ravi's chimney repair scheduled?"), pack, min_evidence=0.2
    )
    assert got.text == "14 July 2026"


def test_an_annotation_after_the_full_stop_belongs_to_its_sentence() -> None:
    topic = frozenset(content_stems("move Kaleva"))
    text = "Big news. I'm moving to a studio in Kaleva on the 1st of March. [1 March 2026]"
    assert not said_of_other(topic, text)
    assert topic_date(topic, text) == "1 March 2026"


def test_a_date_off_the_topic_elsewhere_in_a_memory_is_not_taken_first() -> None:
    topic = frozenset(content_stems("chimney repair"))
    body = "Updates: Omar picked Leeds. Induction in September [September 2026]. Chimney fixed."
    assert topic_date(topic, body, on_topic=True) is None
    assert topic_date(topic, body) == "September 2026"


def test_a_correction_elsewhere_in_the_message_does_not_promote_a_span() -> None:
    pack = _pack(
        hit(episode("I go to the bike shop next Saturday [11 October 2025] to try the Brompton.",
                    actor="Ravi", session="s1", day=1), 2.0, vector=0.7),
        hit(episode("The demo went fine, I showed it on the 24th [24 March 2026], not the 20. "
                    "Btw we plan a trip to Oslo in may [May 2026].",
                    actor="Ravi", session="s2", day=25), 1.0, vector=0.4),
    )  # fmt: skip
    got = answer_offline(
        read_question("On which date did Ravi plan to try the Brompton?"), pack, min_evidence=0.2
    )
    assert got.text == "11 October 2025"


def test_a_dash_inside_a_line_does_not_split_it() -> None:
    topic = frozenset(content_stems("kayak friends"))
    text = "Great day with the gang last weekend [4-5 May 2024] - we kayaked with friends."
    assert not said_of_other(topic, text)
    assert topic_date(topic, text, on_topic=True) == "4-5 May 2024"


def test_a_memory_without_annotations_still_gives_the_date_next_to_the_event() -> None:
    booked = episode(
        "I booked my exam at last! It is on 26 February at the test centre.", actor="Grace"
    ).model_copy(update={"occurred_at": datetime(2025, 12, 13, tzinfo=UTC)})
    result = episode("The result came on 3 March.", actor="Grace", sequence=1).model_copy(
        update={"occurred_at": datetime(2026, 3, 28, tzinfo=UTC)}
    )
    pack = _pack(hit(booked, 2.0, vector=0.7), hit(result, 1.0, vector=0.3))
    got = answer_offline(read_question("When is Grace's exam?"), pack, min_evidence=0.2)
    assert got.text == "26 February 2026"
