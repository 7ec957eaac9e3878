"""Abstaining when the detail asked of a subject is never said of it (invented text)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mirix_py._chat.answer import answer_offline
from mirix_py._chat.compose import build_context
from mirix_py._chat.cues import read_question
from mirix_py._chat.models import Hit
from mirix_py._chat.said_of import AskedDetail, asked_detail, detail_unsaid
from tests.unit.chat.helpers import episode, hit

NOW = datetime(2024, 6, 20, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            "What does Ana's flatmate Joe do for work?",
            AskedDetail("occupation", frozenset({"joe"}), "flatmate"),
        ),
        (
            "What was Kim's grandfather's job?",
            AskedDetail("occupation", frozenset(), "grandfather"),
        ),
        ("What does Hugo study?", AskedDetail("occupation", frozenset({"hugo"}), "")),
        (
            "What is the name of Li's cousin who lent her the van?",
            AskedDetail("name", frozenset(), "cousin"),
        ),
        (
            "What is the name of the electrician rewiring Pat's kitchen?",
            AskedDetail("name", frozenset(), "electrician"),
        ),
        ("Who is Omar's landlord now?", None),  # a holder is named in too many ways
        (
            "What position does Sam play for the club?",
            AskedDetail("position", frozenset({"sam"}), ""),
        ),
        ("How much did Ewa's wedding dress cost?", AskedDetail("price", frozenset(), "dress")),
        ("How much did Raj pay for his new kayak?", AskedDetail("price", frozenset(), "kayak")),
        ("What is the name of Ola's bakery?", None),  # a business is named otherwise
        ("What does she do for a living?", None),  # no one in particular
        (
            "Where does Ana's flatmate Joe work?",
            AskedDetail("place", frozenset({"joe"}), "flatmate"),
        ),
        ("Where does Ana live now?", AskedDetail("place", frozenset({"ana"}), "")),
        ("Where does Ana's cat sleep?", None),
        ("What did Tom's brother do?", None),  # an event, maybe, not a job
        (
            "What did Tom's brother do for a living?",
            AskedDetail("occupation", frozenset(), "brother"),
        ),
    ],
)
def test_asked_detail(question: str, expected: AskedDetail | None) -> None:
    assert asked_detail(question) == expected


# --- occupation -------------------------------------------------------------------------


def test_a_flatmate_mentioned_without_a_job_abstains() -> None:
    texts = [
        "Mia: new flatmate is Joe, he's from Leeds, moves in on Friday",
        "Mia: Joe and two mates from the gym came to the gig",
        "Mia: I work as a pharmacist at the big hospital",  # the asker's job, not Joe's
    ]
    assert detail_unsaid(
        "What does Mia's flatmate Joe do for work?", texts, {"mia", "joe"}, {"mia"}
    )


def test_a_job_said_of_the_flatmate_answers() -> None:
    texts = ["Mia: new flatmate is Joe, he's a bus driver, moves in on Friday"]
    assert not detail_unsaid(
        "What does Mia's flatmate Joe do for work?", texts, {"mia", "joe"}, {"mia"}
    )


def test_a_job_in_the_next_clause_by_pronoun_answers() -> None:
    texts = ["mia: ok so joe moved in. he works nights at the port lol"]
    assert not detail_unsaid("What does Joe do for a living?", texts, {"mia", "joe"}, {"mia"})


def test_a_job_said_of_someone_else_does_not_answer_for_the_father() -> None:
    texts = [
        "Kim: The doctor looked at my father again, his memory is worse.",
        "Kim: I found a carer, Mrs Oh, she is a retired teacher.",
        "Assistant: A retired teacher will be patient with him.",
    ]
    assert detail_unsaid(
        "What was Kim's father's job before he retired?", texts, {"kim", "oh"}, {"kim"}
    )


def test_the_father_who_retired_from_a_trade_answers() -> None:
    texts = ["Kim: my father retired from the railway in 2009, now he gardens all day"]
    assert not detail_unsaid(
        "What was Kim's father's job before he retired?", texts, {"kim"}, {"kim"}
    )


def test_a_named_person_who_only_comes_from_somewhere_abstains() -> None:
    texts = [
        "Flatmates are Lars and Ines. Lars is from Bergen, Ines is from Porto.",
        "Hugo: I study volcanic soils for my thesis",  # said by the asker, of himself
    ]
    assert detail_unsaid("What does Ines study or work on?", texts, {"lars", "ines"}, {"hugo"})


def test_the_speaker_own_job_is_left_to_other_rules() -> None:
    texts = ["Hugo: bit of background - 34, welder, Gdansk"]
    assert not detail_unsaid("What is Hugo's job?", texts, {"hugo"}, {"hugo"})


def test_a_subject_never_mentioned_is_left_to_other_rules() -> None:
    texts = ["Mia: my gf sara moved in with me"]
    assert not detail_unsaid("What does Mia's girlfriend do?", texts, {"mia", "sara"}, {"mia"})


# --- names ------------------------------------------------------------------------------


def test_an_unnamed_cousin_abstains_though_other_names_share_the_clause() -> None:
    texts = [
        "Li: Trip is off, my cousin scared us with stories about the ferry and Wen got nervous.",
        "Li: Li's cousin told Li stories about the ferry",
    ]
    question = "What is the name of Li's cousin who told the ferry stories?"
    assert detail_unsaid(question, texts, {"li", "wen"}, {"li"})


@pytest.mark.parametrize(
    "text",
    [
        "Li: my cousin Dara lent us the van",
        "Li: Dara, my cousin, lent us the van",
        "li: my cousin dara lent us the van lol",
        "Dara: is Li's cousin",
        "Li: my cousin, her name is Dara, lent us the van",
        "li: cousin is a nurse from Hue, dara, very kind",
        "Li: my cousin (Dara) lent us the van. She is great.",
        "Li: Dara (my cousin) lent us the van",
        "Li: My cousin Dara will think it is a great idea.",  # a later "is" does not hide her
    ],
)
def test_a_cousin_named_beside_the_noun_answers(text: str) -> None:
    assert not detail_unsaid("What is the name of Li's cousin?", [text], {"li", "dara"}, {"li"})


def test_a_call_is_no_name() -> None:
    texts = ["Li: my cousin called me back after the ferry trip, she was so seasick"]
    assert detail_unsaid("What is the name of Li's cousin?", texts, {"li"}, {"li"})


def test_an_unnamed_tradesman_abstains() -> None:
    texts = [
        "Pat: The electrician is late again, he is ill for two weeks.",
        "Pat: The electrician is back, the lights work!",
    ]
    question = "What is the name of the electrician rewiring Pat's kitchen?"
    assert detail_unsaid(question, texts, {"pat"}, {"pat"})


def test_a_tradesman_with_a_title_answers() -> None:
    texts = ["Pat: The electrician, Mr. Brandt, quoted 900 euros for the kitchen."]
    question = "What is the name of the electrician rewiring Pat's kitchen?"
    assert not detail_unsaid(question, texts, {"pat", "brandt"}, {"pat"})


# --- position and price -----------------------------------------------------------------


def test_a_player_mentioned_without_a_position_abstains() -> None:
    texts = ["Coach: lost 10-3. and sam twisted his ankle, out for a month"]
    question = "What position does Sam play in the under-12 team?"
    assert detail_unsaid(question, texts, {"sam"}, {"coach"})


def test_a_player_with_a_position_answers() -> None:
    texts = ["Coach: sam is our new goalkeeper, very brave"]
    assert not detail_unsaid("What position does Sam play?", texts, {"sam"}, {"coach"})


def test_a_thing_mentioned_without_a_price_abstains() -> None:
    texts = ["Raj: finally bought the kayak!! 4 m long, 23 kg, we took it out 3 times already"]
    assert detail_unsaid("How much did Raj pay for his new kayak?", texts, {"raj"}, {"raj"})


@pytest.mark.parametrize(
    "text",
    [
        "Raj: finally bought the kayak, 1,150 after haggling",
        "Raj: kayak was €640 second hand",
        "raj: got the kayak for 300 quid",
    ],
)
def test_a_thing_with_a_price_answers(text: str) -> None:
    assert not detail_unsaid("How much did Raj pay for his new kayak?", [text], {"raj"}, {"raj"})


# --- end to end -------------------------------------------------------------------------


def _said(text: str, day: int, *, actor: str = "Mia") -> Hit:
    return hit(episode(text, actor=actor, day=day, session=f"s{day}"))


def _answer(question: str, *hits: Hit) -> str:
    pack = build_context([], list(hits), budget_tokens=2000)
    return answer_offline(read_question(question), pack, min_evidence=0.2, now=NOW).text


def test_the_answerer_declines_a_job_never_said_of_the_flatmate() -> None:
    hits = (
        _said("I work as a pharmacist, long shifts, please help me plan my week", 1),
        _said("news: my new flatmate is Joe, he's from Leeds, moves in on the 3rd", 4),
        _said("Joe cooked a curry for everyone tonight, so nice", 9),
    )
    assert "not mentioned" in _answer("What does Mia's flatmate Joe do for work?", *hits).lower()


def test_the_answerer_keeps_a_job_said_of_the_flatmate() -> None:
    hits = (
        _said("I work as a pharmacist, long shifts, please help me plan my week", 1),
        _said("news: my new flatmate is Joe, he's a paramedic, moves in on the 3rd", 4),
    )
    assert "paramedic" in _answer("What does Mia's flatmate Joe do for work?", *hits).lower()


# --- who the clause speaks of -------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Sara, my neighbour, is a vet at the animal clinic",  # the relation names Sara herself
        "sara's a nurse on the night ward",  # "'s" for "is", not an owner
        "Sara: works as a bookkeeper",  # a fact about her
    ],
)
def test_a_job_said_of_the_person_in_apposition_answers(text: str) -> None:
    assert not detail_unsaid("What does Sara do for a living?", [text], {"sara"}, {"ana"})


def test_a_job_of_the_persons_relative_does_not_answer() -> None:
    texts = ["Sara's husband is a nurse", "Sara and her husband came round for dinner"]
    assert detail_unsaid("What does Sara do for a living?", texts, {"sara"}, {"ana"})


def test_a_pet_has_no_occupation_to_judge() -> None:
    assert asked_detail("What does Ana's dog do?") is None


@pytest.mark.parametrize(
    ("text", "unsaid"),
    [
        ("we booked the flight to Lima, leaving on the 4th", True),
        ("flights were 640.", False),  # a bare amount, plural for singular
        ("the flight is 4.5 hours, ugh", True),  # a length of time, no amount
    ],
)
def test_a_price_is_an_amount_said_with_the_thing(text: str, unsaid: bool) -> None:
    assert (
        detail_unsaid("How much did Ana pay for the flights?", [text], {"ana"}, {"ana"}) is unsaid
    )


@pytest.mark.parametrize(
    ("text", "unsaid"),
    [
        ("Ana: my brother came over yesterday, we cooked together", True),
        ("ana: my brother lives in tartu now", False),
        ("Ana: my brother, he works at the port", False),
        ("Ana: my brother Tallinn-based since May", False),
        ("Ana: my brother Piet got a job at the port", False),  # his name, then the place
    ],
)
def test_a_place_is_said_after_the_subject(text: str, unsaid: bool) -> None:
    question = "Where does Ana's brother live?"  # Piet is known to memory
    assert detail_unsaid(question, [text], {"ana", "piet"}, {"ana"}) is unsaid


def test_the_noun_in_general_is_not_the_subject() -> None:
    # only cats in general are mentioned: whose cat is never said, so other rules judge
    texts = ["Assistant: Lilies are toxic to cats, most cats avoid them anyway."]
    assert not detail_unsaid("What is the name of Ana's cat?", texts, {"ana"}, {"ana"})


def test_a_price_list_gives_the_amount_after_a_dash() -> None:
    texts = [
        "Assistant: A price list:\n- **Quick wash — 15 €:** outside only.\n- **Full valet — 60 €**"
    ]
    question = "How much does the full valet cost in the price list?"
    assert not detail_unsaid(question, texts, {"ana"}, {"ana"})


@pytest.mark.parametrize(
    "text",
    [
        "Mia: Joe drives a tram in the old town",
        "mia: joe's in marketing, always on calls",
        "Mia: Joe works for a startup doing robots",
        "Mia: Joe, he's at a bank downtown",
    ],
)
def test_work_said_in_other_words_answers(text: str) -> None:
    assert not detail_unsaid("What does Joe do for a living?", [text], {"mia", "joe"}, {"mia"})


def test_being_in_it_together_is_no_work() -> None:
    texts = ["Mia: Joe is in it with us, we split the rent"]
    assert detail_unsaid("What does Joe do for a living?", texts, {"mia", "joe"}, {"mia"})


def test_an_age_never_said_of_the_asked_person_is_unsaid() -> None:
    question = "How old is Tamsin's new lodger Ferdi?"
    assert asked_detail(question) == AskedDetail("age", frozenset({"ferdi"}), "lodger")
    texts = [
        "The new lodger is Ferdi, he came up from Bristol, very tidy. Also the boiler is 12.",
        "For Ferdi, a house rota could help: bins, hoovering, the shared shelf.",
    ]
    assert detail_unsaid(question, texts, ["tamsin"], ["tamsin"])


@pytest.mark.parametrize(
    "told",
    [
        "Ferdi turned 23 last week, we had cake.",
        "my 23-year-old lodger Ferdi cooks every night",
        "Ferdi is in his forties, I think.",
    ],
)
def test_an_age_said_in_the_clause_of_the_person_is_said(told: str) -> None:
    question = "How old is Tamsin's new lodger Ferdi?"
    texts = ["The new lodger is Ferdi, he came up from Bristol, very tidy.", told]
    assert not detail_unsaid(question, texts, ["tamsin"], ["tamsin"])
