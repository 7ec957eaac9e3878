"""The reply to a turn asking about the question's topic ranks next to that turn."""

from __future__ import annotations

from mirix_py._chat.asked import ASKING_TOP, REPLY_SCALE, asks_about, lift_replies
from mirix_py._chat.cues import read_question
from mirix_py._chat.models import Hit
from tests.unit.chat.helpers import episode, hit

QUESTION = read_question("How does Piet describe looking after his bonsai trees?")


def _by_text(hits: list[Hit]) -> list[str]:
    return [str(h.record.get("summary")) for h in hits]


def _talk(asking: str, reply: str, *, reply_actor: str = "Piet") -> tuple[Hit, Hit, list[Hit]]:
    ask = hit(episode(asking, actor="Mira", session="s3", sequence=7), 1.1)
    answer = hit(episode(reply, actor=reply_actor, session="s3", sequence=8), 0.3)
    filler = [
        hit(episode(f"The bonsai show had {n} stalls.", actor="Piet", sequence=n), 1.0 - n / 100)
        for n in range(1, 6)
    ]
    return ask, answer, [ask, *filler, answer]


def test_the_reply_to_an_on_topic_question_is_lifted_to_just_below_it() -> None:
    ask, answer, hits = _talk(
        "They look so calm! Is looking after bonsai trees hard?",
        "Not really. Water them every other day and turn the pots weekly.",
    )
    ranked = lift_replies(hits, QUESTION)
    order = _by_text(ranked)
    assert order.index(ask.record["summary"]) + 1 == order.index(answer.record["summary"])
    lifted = next(h for h in ranked if h.memory_id == answer.memory_id)
    assert lifted.score.score == round(REPLY_SCALE * 1.1, 6)
    assert len(ranked) == len(hits)


def test_a_question_off_the_topic_lifts_nothing() -> None:
    # "Any plans for the weekend?" says none of the question's words: its reply is
    # about something else
    _, answer, hits = _talk(
        "Those bonsai trees look great. Any plans for the weekend?",
        "Just resting at home with a book.",
    )
    ranked = lift_replies(hits, QUESTION)
    assert next(h for h in ranked if h.memory_id == answer.memory_id).score.score == 0.3


def test_a_statement_on_the_topic_lifts_nothing() -> None:
    # only a turn that asks waits for a reply; the topic words must be in the question put
    _, answer, hits = _talk(
        "Looking after bonsai trees is hard. What are you cooking tonight?",
        "Lentil soup, as always.",
    )
    ranked = lift_replies(hits, QUESTION)
    assert next(h for h in ranked if h.memory_id == answer.memory_id).score.score == 0.3


def test_the_next_turn_by_the_same_speaker_is_no_reply() -> None:
    _, answer, hits = _talk(
        "Is looking after bonsai trees hard?",
        "I ask because I want one.",
        reply_actor="Mira",
    )
    ranked = lift_replies(hits, QUESTION)
    assert next(h for h in ranked if h.memory_id == answer.memory_id).score.score == 0.3


def test_a_question_ranked_low_lifts_nothing() -> None:
    ask, answer, hits = _talk(
        "Is looking after bonsai trees hard?",
        "Not really. Water them every other day.",
    )
    others = [
        hit(episode(f"Bonsai note {n}.", actor="Piet", sequence=20 + n), 2.0)
        for n in range(ASKING_TOP)
    ]
    ranked = lift_replies([*others, *hits], QUESTION)
    assert next(h for h in ranked if h.memory_id == answer.memory_id).score.score == 0.3
    assert next(h for h in ranked if h.memory_id == ask.memory_id).score.score == 1.1


def test_the_names_asked_about_do_not_make_a_question_on_topic() -> None:
    # every turn to Piet names him: his name is not the question's topic
    _, answer, hits = _talk("Good to see you, Piet! How was your week, Piet?", "Busy, thanks.")
    ranked = lift_replies(hits, QUESTION)
    assert next(h for h in ranked if h.memory_id == answer.memory_id).score.score == 0.3


def test_asks_about_reads_only_the_sentences_that_ask() -> None:
    assert asks_about("Is the bonsai thirsty? I watered it.", frozenset({"bonsai"}))
    assert not asks_about("The bonsai is thirsty. Want tea?", frozenset({"bonsai"}))


def test_a_line_break_ends_the_asking_sentence() -> None:
    # "- garden done\nWhich pot suits a maple?": the list line before the question is
    # not part of what it asks
    text = "Updates:\n- bonsai trees repotted\nWhich pot suits a maple?"
    assert not asks_about(text, frozenset({"bonsai"}))
    assert asks_about(text, frozenset({"pot"}))
