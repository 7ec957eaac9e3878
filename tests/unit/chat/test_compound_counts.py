"""A count of groups keeps the size of each group ("4 rounds of 12 reps")."""

from __future__ import annotations

from mirix_py._chat.compound_counts import with_group_size
from mirix_py._chat.spans import typed_span

_ASKED = "How many rounds and reps of the core circuit did the coach suggest for Tomasz?"


def test_quantity_keeps_group_size_with_unit() -> None:
    text = "Twice a week, do 4 rounds of 12 reps: planks, dead bugs and bird dogs."
    assert typed_span("quantity", text, _ASKED) == "4 rounds of 12 reps"


def test_quantity_keeps_bare_group_size() -> None:
    text = "For the shoulder, 2 rounds of 20: - wall slides - band pull-aparts"
    assert typed_span("quantity", text, _ASKED) == "2 rounds of 20"


def test_bare_share_is_not_a_group() -> None:
    assert with_group_size("3", "3 of 15 seedlings", 1) == "3"


def test_no_size_after_the_count() -> None:
    text = "4 rounds of planks"
    assert with_group_size("4 rounds", text, len("4 rounds")) == "4 rounds"


def test_money_is_left_alone() -> None:
    question = "How much did the plumber charge for the two visits?"
    found = typed_span("quantity", "He charged £80 of 120 quoted, cash.", question)
    assert found is not None and "80" in found and "120" not in found


def test_the_group_size_does_not_make_a_count_look_asked() -> None:
    text = (
        "You need 24 hours. The first-aid training runs as three evenings of 8 hours"
        " for the renewal."
    )
    asked = "How many hours of first-aid training does the renewal need?"
    assert typed_span("quantity", text, asked) == "24 hours"
