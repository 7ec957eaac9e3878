"""A question whose answer is a set of things ranks up the memories that name things
(:mod:`mirix_py._chat.named_items`)."""

from __future__ import annotations

from mirix_py._chat.cues import read_question
from mirix_py._chat.models import Hit
from mirix_py._chat.named_items import NAMED_BOOST, lift_named, named_things
from tests.unit.chat.helpers import episode, hit

KNOWN = frozenset({"ines", "teo", "cities"})


def test_capitalised_names_inside_a_sentence_and_quoted_titles_are_named_things() -> None:
    text = 'Teo! We drove from Porto to Vila Real, and I finally read "The Overstory".'
    assert named_things(text, KNOWN) == {"porto", "vila real", "the overstory"}


def test_first_words_people_months_and_brackets_are_not_named_things() -> None:
    assert named_things("Lovely day, Ines. I went on Sunday in May.", KNOWN) == set()
    assert named_things("We left early [shares a photo: a bridge in Lyon].", KNOWN) == set()
    assert named_things("Cities are fun, Teo!", KNOWN) == set()


def _by_id(hits: list[Hit]) -> list[str]:
    return [h.source_ids[0] for h in hits]


def _hits() -> list[Hit]:
    return [
        hit(episode("I love visiting new cities, it is my favourite thing!", source="a"), 0.9),
        hit(episode("Cities at night are the best, honestly.", source="b", sequence=1), 0.85),
        hit(episode("Porto was lovely, we ate by the river.", source="c", sequence=2), 0.75),
        hit(episode("We also spent a weekend in Ghent, it rained.", source="d", sequence=3), 0.78),
    ]


def test_a_list_question_ranks_the_memories_naming_things_first() -> None:
    lifted = lift_named(_hits(), read_question("Which cities has Ines visited?"))
    # "Porto" opens its sentence (not counted); "Ghent" is named mid-sentence
    assert _by_id(lifted) == ["a", "d", "b", "c"]
    assert lifted[1].score.score == round(0.78 + NAMED_BOOST, 6)


def test_a_question_for_one_thing_or_a_count_keeps_the_order() -> None:
    for question in ("Which city did Ines like best?", "How many cities has Ines visited?"):
        assert _by_id(lift_named(_hits(), read_question(question))) == ["a", "b", "c", "d"]
