"""Which offered option a reply chose."""

from __future__ import annotations

from mirix_py._chat.choice import asks_choice, chosen_option
from mirix_py._chat.models import Hit
from tests.unit.chat.helpers import answer_text, episode, hit


def _turns(*turns: tuple[str, str]) -> list[Hit]:
    """One session of ``(speaker, text)`` turns, in order."""
    return [
        hit(episode(text, actor=actor, day=3, session="s3", sequence=i))
        for i, (actor, text) in enumerate(turns)
    ]


def test_a_terse_reply_naming_a_quoted_option_is_the_choice() -> None:
    hits = _turns(
        ("Ines", "we need a name for the bakery cat. ideas?"),
        (
            "Bot",
            'A few:\n- "Crumpet" — soft and round.\n- "Biscotti" — for a skinny one.\n'
            '- "Sourdough" — if she is a bit sour.',
        ),
        ("Ines", "biscotti!! done"),
        ("Bot", "Lovely, Biscotti it is."),
    )
    assert "Biscotti" in answer_text("Which name did Ines decide on for the bakery cat?", *hits)


def test_a_reply_pointing_at_the_listers_pick_takes_that_option() -> None:
    hits = _turns(
        ("Tomas", "which tent for two should i buy for the hike"),
        (
            "Helper",
            "Three good ones:\n- **Nordlys Duo** — light, 1.4 kg.\n- **Granite 2P** — roomy, "
            "heavy.\n- **Fjell Lite** — cheapest.\nFor long hikes the Nordlys Duo is my pick; "
            "on a budget, the Fjell Lite is the best value.",
        ),
        ("Tomas", "ok i take your hiking pick"),
    )
    got = answer_text("Which tent did Tomas decide to buy?", *hits)
    assert "Nordlys Duo" in got


def test_a_reply_in_a_full_sentence_naming_a_bold_option() -> None:
    hits = _turns(
        ("Mira", "Could you suggest a board game for my nephew's birthday? He is ten."),
        (
            "Assistant",
            "Some ideas:\n1. **Ticket to Ride** — trains and routes.\n2. **Carcassonne** — tiles."
            "\n3. **Dixit** — pictures and stories.",
        ),
        ("Mira", "I think I'll get him Carcassonne, he loves maps."),
    )
    got = answer_text("Which board game did Mira choose for her nephew?", *hits)
    assert "Carcassonne" in got


def test_a_reply_naming_no_option_is_no_choice() -> None:
    hits = _turns(
        ("Mira", "Could you suggest a board game for my nephew's birthday?"),
        ("Assistant", "Some ideas:\n1. **Ticket to Ride** — trains.\n2. **Dixit** — stories."),
        ("Mira", "Thanks, I will think about it."),
    )
    question = "Which board game did Mira choose for her nephew?"
    topic = frozenset({"board", "game", "choos", "nephew"})
    assert chosen_option(question, topic, list(enumerate(hits)), {"mira"}) is None


def test_the_lister_naming_an_option_again_is_no_choice() -> None:
    hits = _turns(
        ("Assistant", "Some ideas:\n1. **Ticket to Ride** — trains.\n2. **Dixit** — stories."),
        ("Mira", "hmm not sure"),
        ("Assistant", "Dixit is quick to learn."),
    )
    question = "Which board game did Mira choose?"
    topic = frozenset({"board", "game", "choos"})
    assert chosen_option(question, topic, list(enumerate(hits)), {"mira"}) is None


def test_asks_choice() -> None:
    assert asks_choice("Which stove did they end up buying?")
    assert asks_choice("What did she decide on for dinner?")
    assert not asks_choice("Which stove did the assistant suggest?")
    assert not asks_choice("Where does she live now?")
