"""The audit's split of a rendered context's characters by part (invented text)."""

from __future__ import annotations

from evals.context_split import split_chars

_CONTEXT = "\n".join(
    [
        "<core_memory>",
        "[human] Ines: likes rowing",
        "</core_memory>",
        "<memories>",
        "Facts:",
        "Ines: [2] joined a rowing club (3 May 2024)",
        "Events:",
        "3 May 2024:",
        "Ines: [4] Race day!",
        "14 September 2024:",
        "Ines: [1] I joined a rowing club [30 April 2024]!",
        "  (4 May 2024) [3] The coach is strict.",
        "Ines: [5] We won (16 September 2024)",
        "</memories>",
    ]
)


def test_every_character_is_counted_once_by_its_part() -> None:
    parts = split_chars(_CONTEXT)
    assert sum(parts.values()) == len(_CONTEXT) + 1
    assert parts["core"] == len("<core_memory>\n[human] Ines: likes rowing\n</core_memory>\n")
    assert parts["ref"] == 5 * len("[1] ")
    assert parts["speaker"] == 4 * len("Ines: ")
    long_date = len(" (16 September 2024)")
    assert parts["date"] == len(" (3 May 2024)") + len("(4 May 2024) ") + long_date
    assert parts["day"] == len("3 May 2024:\n") + len("14 September 2024:\n")
    assert parts["annotation"] == len("[30 April 2024]")
    assert parts["indent"] == 2
    assert parts["text:facts"] == len("joined a rowing club\n")
    events = ("I joined a rowing club !\n", "The coach is strict.\n", "Race day!\n", "We won\n")
    assert parts["text:events"] == sum(len(t) for t in events)
    assert not any(k.startswith("text:") and "2024" in k for k in parts)  # a month spelled out


def test_the_numbers_of_a_turn_with_folded_facts_are_one_ref() -> None:
    parts = split_chars("<memories>\nEvents:\n3 May 2024:\nInes: [1, 12] Race day!\n</memories>")
    assert parts["ref"] == len("[1, 12] ")
    assert parts["speaker"] == len("Ines: ")
    assert parts["text:events"] == len("Race day!\n")
