"""The false-positive count of the redactor over a dataset's turns."""

from __future__ import annotations

from evals.datasets.model import Conversation, Session, Turn
from evals.vault_markers import turn_spans


def _conversation(texts: list[str], secrets: tuple[str, ...]) -> Conversation:
    turns = [
        Turn(id=f"c-{i}", speaker="Ines", text=t, timestamp=None, session_id="s1", role="user")
        for i, t in enumerate(texts)
    ]
    return Conversation(
        id="c",
        speakers=("Ines",),
        sessions=[Session(id="s1", timestamp=None, turns=turns)],
        questions=[],
        secrets=secrets,
    )


def test_a_declared_secret_explains_its_span_and_other_marks_are_counted() -> None:
    conv = _conversation(
        [
            "the boathouse keypad is 6120 btw",  # declared
            "my pw for the kiln app: Ember#Kiln42",  # not declared: a mark to explain
            "we sold 40 mugs on 3 May for 12 euros each",  # ordinary numbers
        ],
        secrets=("6120",),
    )
    count = turn_spans([conv])
    assert (count.found, count.explained) == (2, 1)
    assert count.unexplained == ["c-1: password: Ember#Kiln42"]


def test_separators_do_not_hide_an_explained_span() -> None:
    conv = _conversation(["card 4539 1488 0343 6467 for the deposit"], ("4539148803436467",))
    count = turn_spans([conv])
    assert (count.found, count.explained, count.unexplained) == (1, 1, [])
