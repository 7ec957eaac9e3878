"""Single-hop answers of one type: an organisation, a relative picked by age, a hometown."""

from __future__ import annotations

from mirix_py._chat.answer import answer_offline
from mirix_py._chat.by_age import aged_names, by_age_answer
from mirix_py._chat.compose import build_context
from mirix_py._chat.cues import read_question
from mirix_py._chat.models import Hit
from mirix_py._chat.organisations import asks_organisation, organisation_answer
from tests.unit.chat.helpers import episode, hit


def _answer(question: str, *texts: str) -> str:
    hits = [
        hit(episode(t, actor="Tove", sequence=i), 2.0 - i / 10, vector=0.6)
        for i, t in enumerate(texts)
    ]
    draft = answer_offline(
        read_question(question), build_context([], hits, budget_tokens=1000), min_evidence=0.35
    )
    return draft.text


def _ranked(*texts: str) -> list[tuple[int, Hit]]:
    return [(i, hit(episode(t, actor="Tove", sequence=i))) for i, t in enumerate(texts, 1)]


def test_organisation_questions() -> None:
    assert asks_organisation("Which company does Tove work for?")
    assert asks_organisation("At which studio does Tove work?")
    assert not asks_organisation("Which city does Tove live in?")


def test_a_company_is_an_organisation_not_the_place_before_it() -> None:
    said = (
        "hi, tove here, 44, bus driver from gdansk poland, i drive for a dutch firm "
        "van dam travel from utrecht, mostly utrecht - paris",
        "my back hurts after long shifts",
    )
    assert _answer("Which company does Tove drive for?", *said) == "van dam travel"
    told = "I'm from Gdansk in Poland, and I work for Northwind Freight."
    assert _answer("Which company does Tove work for?", told) == "Northwind Freight"
    told = "my brother works for Halden Marine in Bergen now"
    ranked = _ranked(told)
    found = organisation_answer("Which company does Tove's brother work for?", ranked, past=False)
    assert found is not None and found.text == "Halden Marine"
    found = organisation_answer(
        "Which firm did Tove join?", _ranked("I joined Ostra last May"), past=False
    )
    assert found is not None and found.text == "Ostra"


def test_an_organisation_named_in_brackets_or_called_so() -> None:
    said = ("im a junior designer at a small agency in Porto (Mar Azul). love it", "tired")
    assert _answer("At which agency does Tove work?", *said) == "Mar Azul"
    told = "I just joined a tiny studio called Fennel Works, 6 people."
    assert _answer("Which studio does Tove work at?", told) == "Fennel Works"


def test_an_earlier_employer_is_the_one_left() -> None:
    said = (
        "Quick context: - left Brightwell in May after 5 years - now freelance",
        "Congratulations on going freelance! Keep receipts for the home studio.",
    )
    got = _answer("Which studio did Tove work at before going freelance?", *said)
    assert got == "Brightwell"
    ranked = _ranked(*said)
    assert organisation_answer("Which company did Tove work for?", ranked, past=False) is None


def test_names_with_ages() -> None:
    text = "my grandkids, Oskar who is 9 and Lilja (6), and baby Mo, 8 months"
    assert aged_names(text) == {"Oskar": 9.0, "Lilja": 6.0, "Mo": 8 / 12}
    assert aged_names("Anna is 34 minutes late") == {}
    assert aged_names("my 12-year-old Femke and 7 year old Joris") == {"Femke": 12, "Joris": 7}


def test_the_older_or_younger_relative_by_stated_ages() -> None:
    said = (
        "Rut lives nearby with the grandchildren, Oskar who is 9 and Lilja who is 6.",
        "Rut says hello.",
    )
    assert _answer("What is the name of Tove's older grandchild?", *said) == "Oskar"
    assert _answer("What is the name of Tove's youngest grandchild?", *said) == "Lilja"
    # no relation word that fits: ages of other people say nothing
    ranked = _ranked("my colleagues Per, 51, and Ola, 38, came to dinner")
    assert by_age_answer("Who is Tove's older sister?", ("Tove",), ranked) is None
    # "younger" that modifies no relation orders nobody
    ranked = _ranked("my grandchildren, Oskar who is 9 and Lilja who is 6, came to dinner")
    question = "Who gave Tove's grandchildren money when she was younger?"
    assert by_age_answer(question, ("Tove",), ranked) is None


def test_a_hometown_is_where_someone_is_from_or_goes_home_to() -> None:
    said = ("ok update: exams done!! going home to Tarnow for the holidays tomorrow", "tired")
    assert _answer("What is Tove's hometown?", *said) == "Tarnow"
    said = ("I grew up in Skagen but live in Aarhus now.", "I like the sea")
    assert _answer("What is Tove's hometown?", *said) == "Skagen"
