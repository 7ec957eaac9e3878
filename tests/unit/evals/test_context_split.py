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
        "Ines: [1] I joined a rowing club [30 April 2024]!",
        "  (4 May 2024) [3] The coach is strict.",
        "</memories>",
    ]
)


def test_every_character_is_counted_once_by_its_part() -> None:
    parts = split_chars(_CONTEXT)
    assert sum(parts.values()) == len(_CONTEXT) + 1
    assert parts["core"] == len("<core_memory>\n[human] Ines: likes rowing\n</core_memory>\n")
    assert parts["ref"] == 3 * len("[1] ")
    assert parts["speaker"] == 2 * len("Ines: ")
    assert parts["date"] == len(" (3 May 2024)") + len("(4 May 2024) ")
    assert parts["day"] == len("3 May 2024:\n")
    assert parts["annotation"] == len("[30 April 2024]")
    assert parts["indent"] == 2
    assert parts["text:facts"] == len("joined a rowing club\n")
    assert parts["text:events"] == len("I joined a rowing club !\n") + len("The coach is strict.\n")
