"""Asked what the assistant suggested instead of something, the reply that puts something
in its place answers, even ranked below memories sharing more of the question's words."""

from __future__ import annotations

from mirix_py._chat.answer import answer_offline
from mirix_py._chat.compose import build_context
from mirix_py._chat.cues import read_question
from mirix_py._chat.draft import Draft
from mirix_py._chat.models import Hit
from mirix_py._chat.said import named_adviser, names_replacement, replacing
from tests.unit.chat.helpers import episode, hit


def _ask(question: str, *hits: Hit) -> Draft:
    pack = build_context([], list(hits), budget_tokens=4000)
    return answer_offline(read_question(question), pack, min_evidence=0.1)


def test_a_sentence_putting_something_in_place_of_the_thing_set_aside() -> None:
    aside = frozenset({"muffin"})
    assert names_replacement("Have oat porridge instead of the muffin.", aside)
    assert names_replacement("Swap the muffin for oat porridge.", aside)
    assert not names_replacement("The muffin at the kiosk is huge.", aside)
    assert not names_replacement("Have porridge instead of toast.", aside)


def test_only_replacing_memories_are_brought_in() -> None:
    kept = hit(episode("Take the tram instead of the ferry, it is faster.", actor="assistant"))
    other = hit(episode("The ferry leaves at nine.", actor="assistant"))
    asked = "What did the assistant suggest instead of the ferry?"
    assert replacing(asked, [(1, kept), (2, other)]) == [(1, kept)]
    assert replacing("What did the assistant suggest?", [(1, kept)]) == []


def test_a_low_ranked_reply_naming_the_replacement_answers() -> None:
    chatter = [
        ("Odile", "I drive to the bakery on Rue Vernet every morning before my shift."),
        ("Odile", "The bakery queue was long again, I bought two croissants for the team."),
        ("Odile", "My shift at the depot starts at seven, the bakery opens at six."),
        ("Odile", "Renaud from the depot says the bakery is the best in town."),
        ("Odile", "I tried the bakery's almond pastry, too sweet for me."),
        ("Odile", "Morning traffic near the bakery is awful on Mondays."),
        ("Odile", "I think I put on weight since the depot job started."),
    ]
    hits = [
        hit(episode(text, actor=actor, sequence=i), 2.0 - i / 10, vector=0.5)
        for i, (actor, text) in enumerate(chatter)
    ]
    reply = hit(
        episode(
            "For breakfast on shift days: eat before you leave, keep water in the van, and "
            "at the counter choose rye toast with cottage cheese instead of the croissants.",
            actor="assistant",
            sequence=20,
        ),
        0.2,
        vector=0.1,
    )
    draft = _ask(
        "What did the assistant suggest Odile get at the bakery instead of croissants?",
        *hits,
        reply,
    )
    assert "rye toast" in draft.text


def test_an_adviser_named_alone_is_the_one_whose_words_are_asked() -> None:
    assert named_adviser("Which ferry did Ilse recommend?", {"ilse", "tariq"}, {"ilse"}) == "ilse"
    assert named_adviser("Which ferry did Ilse recommend?", {"ilse", "assistant"}, {"ilse"}) is None


def test_a_reply_by_an_adviser_named_alone_answers() -> None:
    turns = [
        hit(
            episode(
                "we are cycling the Lake Constance loop in June with my cousin, a start from "
                "the German side. can you plan it?",
                actor="Tariq",
                session="s1",
                sequence=0,
            ),
            1.5,
        ),
        hit(
            episode(
                "A 5-day loop around Lake Constance:\n\nStart: Lindau or Bregenz, both have "
                "train stations and bike hire.\nDay 1: Lindau to Konstanz by the north shore.",
                actor="Ilse",
                session="s1",
                sequence=1,
            ),
            0.4,
        ),
    ]
    draft = _ask("Which towns did Ilse suggest as a start for the Lake Constance loop?", *turns)
    assert "Bregenz" in draft.text
