"""Abstaining when a typed attribute (breed, title, score, colour …) of a known thing is
never stated, and answering when it is."""

from __future__ import annotations

from mirix_py._chat.answer import answer_offline
from mirix_py._chat.attributes import asked_attribute, attribute_missing, clauses
from mirix_py._chat.compose import build_context
from mirix_py._chat.cues import read_question
from mirix_py._chat.draft import NOT_MENTIONED
from tests.unit.chat.helpers import episode, hit


def _answer(question: str, *texts: str) -> tuple[str, bool]:
    hits = [
        hit(episode(t, actor="Tove", sequence=i), 2.0 - i / 10, vector=0.6)
        for i, t in enumerate(texts)
    ]
    draft = answer_offline(
        read_question(question), build_context([], hits, budget_tokens=1000), min_evidence=0.35
    )
    return draft.text, draft.abstained


def test_the_attribute_asked_for() -> None:
    assert asked_attribute("What breed is Tove's dog Biscuit?") == "breed"
    assert asked_attribute("What is the title of Omar's thesis?") == "title"
    assert asked_attribute("What score did Lena get on the driving theory test?") == "score"
    assert asked_attribute("What color is Sam's new bike?") == "colour"
    assert asked_attribute("What is Ravi's car's brand?") == "brand"
    assert asked_attribute("What is Omar's job title now?") is None
    assert asked_attribute("What is the hardest grade Lena has climbed?") is None
    assert asked_attribute("What did Tove name her dog?") is None


def test_clauses_cut_at_sentence_ends_and_list_dashes() -> None:
    got = clauses("passed the A1 test with 78 points! next: B1 in June\n- new flat [3 May 2024]")
    assert got == ["passed the A1 test with 78 points", "next: B1 in June", "new flat"]


def test_a_breed_never_said_abstains_and_a_said_one_does_not() -> None:
    said = ("We adopted a dog named Biscuit last week!", "Biscuit chewed my slippers again.")
    assert _answer("What breed is Tove's dog Biscuit?", *said) == (NOT_MENTIONED, True)
    for told in (
        "We adopted a beagle named Biscuit last week!",
        "Biscuit is a Bernese mountain dog, so he is huge.",
        "The shelter said Biscuit is a terrier mix.",
    ):
        assert not attribute_missing("What breed is Tove's dog Biscuit?", [told, said[1]])
    # a size or a colour before the animal is no breed
    assert attribute_missing("What breed is Tove's dog?", ["my little dog barks", "a brown dog"])


def test_a_title_never_said_abstains_and_a_said_one_does_not() -> None:
    said = ("Big news: my thesis on river sediments got approved!", "thesis defence is in May")
    assert _answer("What is the title of Tove's thesis?", *said) == (NOT_MENTIONED, True)
    for told in (
        'My thesis is called "Silt and Time" and it got approved!',
        "The thesis, titled Silt and Time, got approved.",
        "I submitted my thesis Silt and Time today.",
    ):
        assert not attribute_missing("What is the title of Tove's thesis?", [told])


def test_a_score_never_said_abstains_and_a_said_one_does_not() -> None:
    said = (
        "Passed the B1 exam with 81 points 🎉 now the B2 exam on 4 November",
        "the B2 exam is at 9am in the town hall",
    )
    got = _answer("What score did Tove get on the B2 exam?", *said)
    assert got == (NOT_MENTIONED, True)  # 81 points follows B1: the B1 exam's score
    assert not attribute_missing("What score did Tove get on the B1 exam?", said)
    assert not attribute_missing("What grade did Tove get in the essay?", ["essay: got a B+"])
    assert attribute_missing("What grade did Tove get in the essay?", ["essay due 12 May"])
    resit = ["the essay can be resubmitted after 14 days", "the essay costs USD 40 to resit"]
    assert attribute_missing("What grade did Tove get in the essay?", resit)
    match = ["the derby was great, we won two to one", "the derby was on 3 May"]
    assert not attribute_missing("What was the score of the derby?", match)
    assert attribute_missing("What was the score of the derby?", match[1:])


def test_a_colour_never_said_abstains() -> None:
    said = ("Bought a new bike yesterday, finally!", "the bike has a basket")
    assert _answer("What colour is Tove's new bike?", *said) == (NOT_MENTIONED, True)
    assert not attribute_missing("What colour is Tove's bike?", ["my bike is dark green"])


def test_an_unmentioned_thing_is_left_to_the_other_rules() -> None:
    # the dog is called a greyhound here: no clause says "dog", nothing to judge
    assert not attribute_missing("What breed is Tove's dog?", ["we got a greyhound named Pip"])


def test_a_clause_about_another_coded_thing_says_nothing_of_the_one_asked() -> None:
    said = ["my old XT500 motorbike was red", "got the XT600 motorbike yesterday, so fast"]
    assert attribute_missing("What colour is Tove's XT600 motorbike?", said)
    assert not attribute_missing("What colour was Tove's XT500 motorbike?", said)


def test_a_verb_before_a_bare_plural_animal_is_no_breed() -> None:
    texts = ["my dog rolo sulks all day since the move", "Loud streets scare dogs at first."]
    assert attribute_missing("What breed is Tove's dog?", texts)
    assert not attribute_missing("What breed is Tove's dog?", ["we have a sausage dog"])
    assert not attribute_missing("What breed is Tove's dog?", ["she has two shepherd dogs"])
