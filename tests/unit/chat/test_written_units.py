"""Units of text kept whole as people write them: a title before a name ("Dr. Lund"), a
number with thousands separators or a time ("2,100,000", "1:37:48"), and an acronym
for the question's words ("pb" for "personal best")."""

from __future__ import annotations

import pytest

from mirix_py._chat.acronyms import acronym_stems
from mirix_py._chat.answer import answer_offline
from mirix_py._chat.answer_text import utterances
from mirix_py._chat.best_span import best_span
from mirix_py._chat.compose import ContextPack, build_context
from mirix_py._chat.cues import content_stems, read_question, sentences, stem_share
from mirix_py._chat.models import Hit
from tests.unit.chat.helpers import episode, hit


def _pack(*hits: Hit) -> ContextPack:
    return build_context([], list(hits), budget_tokens=1000)


@pytest.mark.parametrize(
    "text",
    [
        "My new physio is Dr. Amara Lund. She starts Monday.",
        "my new physio is dr. amara lund. she starts monday.",
        "The new tutor is Mrs. Okafor. Lessons on Tuesdays.",
        "we live near St. Ives now. its quiet.",
        "Her editor is Prof. J. Marsh. Deadline in May.",
    ],
)
def test_a_title_or_initial_ends_no_sentence(text: str) -> None:
    titles = ("dr.", "mrs.", "st.", "prof.", "j.")
    assert len(utterances(text)) == 2, utterances(text)
    for split in (sentences, utterances):
        assert not any(p.lower().endswith(titles) for p in split(text))


def test_a_capital_i_still_ends_a_sentence() -> None:
    assert utterances("so did I. then we left") == ["so did I.", "then we left"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("the landlord says rent goes up to 1,450,000 dinar a month, ugh", "1,450,000"),
        ("My best 10k: 0:41:07, a good day", "0:41:07"),
    ],
)
def test_a_clause_does_not_end_inside_a_number(text: str, value: str) -> None:
    cues = read_question("What is the value?")
    span, _ = best_span(cues, frozenset(content_stems("rent best 10k")), text)
    assert value in span


def test_a_doctor_named_with_a_title_is_answered_whole() -> None:
    pack = _pack(
        hit(
            episode("btw my old dentist retired. new dentist is dr. Ilse Varga", actor="Tamsin"),
            1.0,
        ),
    )
    got = answer_offline(read_question("Who is Tamsin's dentist?"), pack, min_evidence=0.2)
    assert "Varga" in got.text


@pytest.mark.parametrize(
    ("question", "text", "credited"),
    [
        ("What is her personal best in the 5k?", "new pb 18:40 today", {"person", "best"}),
        ("What was the somatic cell count?", "SCC came back at 210,000", None),
        ("Who is his general practitioner?", "My GP is Dr. Moor", None),
    ],
)
def test_an_acronym_stands_for_the_question_words(
    question: str, text: str, credited: set[str] | None
) -> None:
    stems = frozenset(content_stems(question))
    found = acronym_stems(stems, text)
    assert len(found) >= 2
    if credited is not None:
        assert found == credited
    assert stem_share(stems, text) > stem_share(stems, "came back at 210,000")


@pytest.mark.parametrize(
    ("question", "text"),
    [
        ("What is her personal best?", "personal stuff: ok"),  # words, no acronym
        ("Which car did he buy?", "a CC coupe"),  # two c-letters, one c-stem
        ("Where is the bus stop?", "the BBC said"),  # letters no question word starts with
        ("What does she keep in the box?", "the box is on the shelf"),  # a word, not an acronym
    ],
)
def test_no_acronym_is_read_where_letters_do_not_fit(question: str, text: str) -> None:
    assert acronym_stems(frozenset(content_stems(question)), text) == frozenset()


def test_the_latest_value_told_with_an_acronym_answers() -> None:
    pack = _pack(
        hit(
            episode(
                "i run 5k at the park every saturday, personal best is 19:55", actor="Idris", day=2
            ),
            1.0,
            vector=0.5,
        ),
        hit(episode("so happy, NEW PB 19:12 this morning", actor="Idris", day=20), 1.0),
    )
    got = answer_offline(
        read_question("What is Idris's personal best in the 5k now?"), pack, min_evidence=0.2
    )
    assert "19:12" in got.text


def test_chat_shorthand_is_no_acronym() -> None:
    stems = frozenset(content_stems("What is the building's door code?"))
    assert acronym_stems(stems, "moved to friday bc the boss is away") == frozenset()
