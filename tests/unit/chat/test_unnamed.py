"""Abstaining on the name of a person by relation who is never named (invented text)."""

from __future__ import annotations

import pytest

from mirix_py._chat.unnamed import asked_relation, relative_unnamed


@pytest.mark.parametrize(
    ("question", "relation"),
    [
        ("What is the name of Ines's brother?", "brother"),
        ("What's the name of Odile's landlord?", None),
        ("What is Tomas's boss's name?", "boss"),
        ("What is Priya's older sister called?", "sister"),
        ("What is the name of Karl's dog?", None),
        ("Where does Ines's brother live?", None),
    ],
)
def test_asked_relation(question: str, relation: str | None) -> None:
    assert asked_relation(question) == relation


def test_unnamed_brother_abstains() -> None:
    texts = ["Anyway, my brother fixed the bike over the weekend and I rode it to work."]
    assert relative_unnamed("What is the name of Ines's brother?", texts, {"ines"})


def test_named_brother_answers() -> None:
    texts = ["Anyway, my brother Pavel fixed the bike over the weekend."]
    assert not relative_unnamed("What is the name of Ines's brother?", texts, {"ines"})


def test_lower_case_name_answers() -> None:
    texts = ["ok so my brother pavel fixed the bike lol"]
    assert not relative_unnamed("What is the name of Ines's brother?", texts, {"ines"})


def test_known_lower_case_name_before_relation_answers() -> None:
    texts = ["went hiking with otso, my brother, on sunday"]
    assert not relative_unnamed("What is the name of Ines's brother?", texts, {"ines", "otso"})


def test_naming_cue_answers() -> None:
    texts = ["my boss, his name is hollis, wants the report friday"]
    assert not relative_unnamed("What is Tomas's boss's name?", texts, {"tomas"})


def test_role_fact_answers() -> None:
    texts = ["spouse is Renata"]
    assert not relative_unnamed("What is the name of Luis's wife?", texts, {"luis"})


def test_relation_not_in_context_is_left_to_other_rules() -> None:
    texts = ["I fixed the bike over the weekend."]
    assert not relative_unnamed("What is the name of Ines's brother?", texts, {"ines"})


def test_asker_name_is_no_name_of_the_relation() -> None:
    texts = ["Ines here: my brother cooked dinner and we talked about the move."]
    assert relative_unnamed("What is the name of Ines's brother?", texts, {"ines"})


def test_name_opening_a_clause_answers() -> None:
    texts = ["Pavel is my brother and he fixed the bike."]
    assert not relative_unnamed("What is the name of Ines's brother?", texts, {"ines"})


def test_speaker_prefix_is_no_name() -> None:
    texts = ["Ines: Anyway, my brother fixed the bike over the weekend."]
    assert relative_unnamed("What is the name of Ines's brother?", texts, {"ines"})


def test_accented_capitalised_name_answers() -> None:
    texts = ["Ines: my brother Émile and I fixed the bike.", "Ines: partner is Øystein"]
    assert not relative_unnamed("What is the name of Ines's brother?", texts[:1], {"ines"})
    assert not relative_unnamed("What is the name of Ines's boyfriend?", texts[1:], {"ines"})


def test_a_relation_owning_someone_else_names_nobody() -> None:
    texts = ["my brother's wife, Zora, runs the orchard with twelve pickers this year"]
    assert relative_unnamed("What is the name of Ines's brother?", texts, {"ines", "zora"})


def test_a_relation_owning_a_name_names_him() -> None:
    texts = ["my brother's name is Teo, he lives in Split"]
    assert not relative_unnamed("What is the name of Ines's brother?", texts, {"ines"})


def test_a_relation_also_named_outside_the_possessive_answers() -> None:
    texts = ["my brother's wife Zora and my brother Teo came over"]
    assert not relative_unnamed("What is the name of Ines's brother?", texts, {"ines"})
