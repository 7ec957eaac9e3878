"""Questions that name an aspect (job, diet, weight …) answered from a memory that names the
value ("works as a midwife", "keto", "71.4 kg")."""

from __future__ import annotations

import pytest

from mirix_py._chat.abstain import possessed_missing
from mirix_py._chat.answer import answer_offline
from mirix_py._chat.aspects import answered_aspects, asked_aspects, aspect_value, question_aspects
from mirix_py._chat.compose import build_context
from mirix_py._chat.cues import read_question, stem_share
from mirix_py._chat.draft import NOT_MENTIONED
from mirix_py._text import stem
from tests.unit.chat.helpers import episode, hit


@pytest.mark.parametrize(
    ("aspect", "text", "value"),
    [
        ("job", "Lior works as a midwife at the county hospital", "midwife"),
        ("job", "I'm a freelance translator these days", "freelance translator"),
        ("job", "Got hired as a line cook downtown", "line cook"),
        ("diet", "been keto since March, feeling great", "keto"),
        ("diet", "Trying to stay gluten-free this year", "gluten-free"),
        ("drink", "mostly decaf now, one oat latte before work", "oat latte"),
        ("weight", "down to 71.4 kg after the summer", "71.4 kg"),
        ("height", "my son is already 152 cm", "152 cm"),
        ("age", "Bram turns 7 in October", "turns 7"),
        ("nationality", "his flatmate is Peruvian, very chill", "Peruvian"),
        ("language", "she grew up speaking Tagalog at home", "Tagalog"),
        ("pet", "we adopted a border collie called Pip", "border collie"),
        ("car", "finally sold the Mazda CX5 and got a bike", "Mazda CX5"),
        ("phone", "upgraded to a Pixel 8 last month", "Pixel 8"),
        ("material", "we went with walnut for the shelves", "walnut"),
        ("colour", "the hallway will be sage, the door navy", "sage"),
        ("instrument", "I've started cello lessons", "cello"),
        ("subject", "he lectured in astronomy for years", "astronomy"),
        ("pressure", "my readings were 128/79 this week", "128/79"),
        ("hours", "new rota!! 6am-2pm mon to fri", "6am-2pm"),
        ("hours", "the shop is open 09:30 - 18:00 every day", "09:30 - 18:00"),
        ("food", "honestly I could never give up dark chocolate", "chocolate"),
        ("vegetable", "the allotment is all leeks this year", "leeks"),
        ("monitor", "the nurse said to get the Braun X200 for home", "Braun X200"),
        ("laptop", "a Lenovo Yoga 7i Pro would do it", "Lenovo Yoga 7i Pro"),
    ],
)
def test_a_value_of_the_asked_aspect_is_found(aspect: str, text: str, value: str) -> None:
    topic = {stem(aspect)}
    assert aspect_value(asked_aspects(topic), text) == value
    assert answered_aspects(topic, text) == topic


def test_a_text_without_a_value_answers_no_aspect() -> None:
    assert aspect_value(asked_aspects({stem("job")}), "I work at a bank near the river") is None
    assert answered_aspects({stem("diet")}, "I had pasta for dinner") == set()
    assert aspect_value(asked_aspects({stem("garden")}), "works as a midwife") is None
    assert aspect_value(asked_aspects({stem("monitor")}), "Room 12 was noisy") is None


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("What is Lior's job now?", {"occupation"}),
        ("Which flooring material did they choose?", {"material"}),
        ("How much does Ines weigh?", {"weight"}),
        ("What is Ines's phone number?", set()),  # the phone modifies "number"
        ("Which pet food brand does Lior buy?", set()),
        ("How many grams of fibre per kg of body weight is advised?", set()),
        ("Why did Lior paint the shed that colour?", set()),
        ("How did Ines pick her new car?", set()),
        ("How tall is Ines now?", {"height"}),
    ],
)
def test_a_question_asks_for_an_aspect_it_heads(question: str, asked: set[str]) -> None:
    assert {a.name for a in question_aspects(question)} == asked


def test_a_quantity_question_takes_only_a_measure() -> None:
    drink = asked_aspects({stem("drink")})
    assert aspect_value(drink, "two cups of green tea a day", numeric=True) is None
    weight = asked_aspects({stem("weigh")})
    assert aspect_value(weight, "about 80 kg now", numeric=True) == "80 kg"
    assert aspect_value(weight, "aim to lose 0.5 kg per week", numeric=True) is None
    assert aspect_value(weight, "lost 3 kg, now at 77 kg", numeric=True) == "77 kg"
    assert aspect_value(weight, "goal: lose 10 pounds by June", numeric=True) is None


def test_a_weight_asked_now_is_the_latest_weight_not_a_rate() -> None:
    cues = read_question("How much does Ines weigh now?")
    pack = _pack(
        hit(
            episode(
                "Assistant: to weigh less safely, aim for 0.5 kg per week, Ines.",
                actor="assistant",
            ),
            3.0,
            vector=0.8,
        ),
        hit(episode("Ines: weight 70.1 kg now", actor="Ines", sequence=1, day=2), vector=0.4),
        hit(episode("Ines: weight 68.9 kg now", actor="Ines", sequence=2, day=9), 0.8, vector=0.3),
    )
    draft = answer_offline(cues, pack, min_evidence=0.35)
    assert draft.text == "68.9 kg"


def test_an_aspect_counts_as_said_where_its_value_is() -> None:
    topic = frozenset({stem("job")})
    assert stem_share(topic, "Lior works as a midwife") == 1.0
    assert stem_share(topic, "Lior likes long walks") == 0.0


def test_a_possessed_aspect_is_not_missing_when_its_value_is_there() -> None:
    question = "What is Lior's job?"
    assert not possessed_missing(question, ["Lior works as a midwife in Haifa"])
    assert possessed_missing(question, ["Lior likes long walks by the sea"])


def _pack(*hits):  # type: ignore[no-untyped-def]
    return build_context([], list(hits), budget_tokens=1000)


def test_a_job_question_is_answered_with_the_occupation() -> None:
    cues = read_question("What is Lior's job?")
    pack = _pack(
        hit(episode("Lior works as a midwife, mostly night shifts.", actor="Lior"), vector=0.3),
        hit(episode("Lior went hiking with her cousin.", actor="Lior", sequence=1), vector=0.3),
    )
    draft = answer_offline(cues, pack, min_evidence=0.35)
    assert draft.text == "midwife" and not draft.abstained


def test_what_someone_does_for_a_living_is_answered_with_the_occupation() -> None:
    assert [a.name for a in question_aspects("What does Odile do for a living?")] == ["occupation"]
    assert question_aspects("What does Odile do on Sundays?") == ()
    cues = read_question("What does Odile do for a living?")
    pack = _pack(
        hit(episode("ok the plan first, got it. Odile loves the garden", actor="Ana"), vector=0.3),
        hit(
            episode("Odile feeds the cat before her shift, she is a paramedic.", actor="Ana"),
            vector=0.3,
        ),
    )
    draft = answer_offline(cues, pack, min_evidence=0.35)
    assert draft.text == "paramedic" and not draft.abstained


def test_a_diet_question_is_answered_with_the_diet_not_another_line() -> None:
    cues = read_question("What diet does Tobias follow now?")
    pack = _pack(
        hit(episode("Tobias: doctor said to watch the salt, so mostly fish", actor="Tobias")),
        hit(
            episode("Tobias: ok I'm fully vegan now, three weeks in", actor="Tobias", sequence=1),
            vector=0.35,
        ),
    )
    draft = answer_offline(cues, pack, min_evidence=0.35)
    assert draft.text == "vegan"


def test_a_value_the_question_states_is_not_the_answer() -> None:
    question = "What does Oskar drink now instead of green tea?"
    drink = question_aspects(question)
    line = "Oskar: gave up green tea last month, only coffee for me now"
    assert aspect_value(drink, line) == "green tea"  # the most specific value said
    assert aspect_value(drink, line, question=question) == "coffee"


def test_a_weight_question_is_answered_with_the_number_and_unit() -> None:
    cues = read_question("How much does Ines weigh now?")
    pack = _pack(
        hit(episode("Scale says 58.3 kg this morning, happy", actor="Ines"), vector=0.3),
        hit(episode("Ines ran 3 laps of the park", actor="Ines", sequence=1), vector=0.3),
    )
    draft = answer_offline(cues, pack, min_evidence=0.35)
    assert draft.text == "58.3 kg"


def test_an_aspect_with_no_value_in_context_still_abstains() -> None:
    cues = read_question("What is Lior's job?")
    pack = _pack(
        hit(episode("Lior went hiking with her cousin.", actor="Lior"), vector=0.3),
        hit(episode("Lior likes long walks by the sea.", actor="Lior", sequence=1), vector=0.3),
    )
    assert answer_offline(cues, pack, min_evidence=0.35).text == NOT_MENTIONED


def test_a_weight_question_takes_a_weight_over_another_number() -> None:
    cues = read_question("How much does Ines weigh?")
    pack = _pack(
        hit(
            episode("Ines: weighed the flour twice, 3 cups for the big cake", actor="Ines"),
            3.0,
            vector=0.7,
        ),
        hit(episode("Ines: 58.3 kg this morning", actor="Ines", sequence=1), 0.6, vector=0.3),
    )
    draft = answer_offline(cues, pack, min_evidence=0.35)
    assert draft.text == "58.3 kg"


def test_a_plural_aspect_is_answered_with_the_sentences_not_one_kind() -> None:
    cues = read_question("Which pets did Ines rescue?")
    pack = _pack(
        hit(episode("Ines: rescued a parrot and named him Mango", actor="Ines", session="a")),
        hit(
            episode("Ines: a second budgie arrived, she is called Kiwi", actor="Ines", session="b"),
            vector=0.5,
        ),
    )
    draft = answer_offline(cues, pack, min_evidence=0.2)
    assert "Mango" in draft.text  # "which pets …?" may ask for their names, not "parrot"


def test_an_aspect_question_is_answered_from_deeper_in_the_context() -> None:
    cues = read_question("What snack does Tobias always keep in his bag?")
    fillers = [
        hit(
            episode(f"Tobias: the bag strap broke again on trip {i}", actor="Tobias", sequence=i),
            2.0 - 0.1 * i,
            vector=0.3,
        )
        for i in range(7)
    ]
    deep = hit(
        episode("Tobias: always a bit of popcorn with me, honestly", actor="Tobias", sequence=9),
        0.5,
        vector=0.45,
    )
    draft = answer_offline(cues, _pack(*fillers, deep), min_evidence=0.35)
    assert draft.text == "popcorn"


def test_the_aspect_value_may_sit_in_the_sentence_naming_the_person_asked_about() -> None:
    cues = read_question("What does Odile do for a living?")
    text = (
        "ok the living room plan first, got it. Odile loves the dog already lol she walks "
        "him before her shift, she's a paramedic at the city hospital so long hours"
    )
    pack = _pack(hit(episode(text, actor="Ana"), vector=0.3))
    draft = answer_offline(cues, pack, min_evidence=0.2)
    assert draft.text == "paramedic" and not draft.abstained


def test_working_hours_asked_now_are_the_latest_hours_told() -> None:
    pack = _pack(
        hit(
            episode("quick intro: Sami, baker, shifts are 4am-12pm, pretty brutal", actor="Sami"),
            1.5,
        ),
        hit(episode("I practise guitar around 5-6pm most days", actor="Sami", day=3), 1.0),
        hit(episode("moving to the front desk next month: 9am - 5pm", actor="Sami", day=9), 0.6),
    )
    draft = answer_offline(
        read_question("What are Sami's working hours now?"), pack, min_evidence=0.2
    )
    assert draft.text == "9am - 5pm"
