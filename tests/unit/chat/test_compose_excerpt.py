"""Long memories shown as query-focused excerpts in the context (``build_context``)."""

from __future__ import annotations

from mirix_py._chat.compose import ContextPack, build_context
from mirix_py._chat.cues import read_question
from mirix_py._chat.excerpt import GAP
from tests.unit.chat.helpers import episode, hit

LONG = (
    "Glad you asked about the garden. "
    "The soil there is heavy clay and drains slowly after rain. "
    "Most of the beds get full sun from late morning onwards. "
    "The old shed at the back could hold tools and a small bench. "
    "Your neighbour's fence casts shade on the western corner. "
    "The path from the house is uneven and needs new gravel before winter. "
    "A row of old raspberry canes runs along the northern edge of the lawn. "
    "Plant the tomatoes along the south wall where it stays warmest. "
    "A compost bin near the gate would save you long walks with scraps."
)
QUESTION = read_question("Where should Ann plant the tomatoes?")


TOP = hit(episode("Ann grows tomatoes", sequence=0, source="t0"), 4.0)


def _hits() -> list:  # type: ignore[type-arg]
    return [
        TOP,
        hit(episode(LONG, actor="Bo", sequence=1, source="t1"), 3.0),
        hit(episode("Ann bought tomato seedlings at the market", sequence=2, source="t2"), 2.0),
        hit(episode("Ann asked which tomatoes grow best in pots", sequence=3, source="t3"), 1.0),
    ]


def _shown(pack: ContextPack) -> list[list[str]]:
    return [h.source_ids for _, h in sorted(pack.refs.items())]


def test_a_long_memory_is_excerpted_so_more_memories_fit() -> None:
    whole = build_context([], _hits(), budget_tokens=110)
    cut = build_context([], _hits(), budget_tokens=110, question=QUESTION)
    assert len(cut.refs) > len(whole.refs)
    assert f"Glad you asked about the garden. {GAP} " in cut.text
    assert "Plant the tomatoes along the south wall" in cut.text
    assert "heavy clay" not in cut.text
    # the answer step reads what the context shows; the memory still cites its source
    excerpted = next(h for h in cut.refs.values() if h.source_ids == ["t1"])
    assert "heavy clay" not in excerpted.record["summary"]
    assert "south wall" in excerpted.record["summary"]
    shown = next(m for m in cut.ranked if m.memory_id == excerpted.memory_id)
    assert GAP in shown.text


def test_a_weak_excerpt_ranks_at_a_fraction_of_its_score() -> None:
    # no sentence of the long memory says both "tomatoes" and "sun": it ranks first by
    # its whole text, so its excerpt goes after a memory shown whole that ranks near it,
    # yet before one retrieval scaled down to fill what is left
    weak = read_question("Which tomatoes like the sun?")
    hits = [
        hit(episode(LONG, actor="Bo", sequence=1, source="t1"), 3.0),
        hit(episode("Ann bought tomato seedlings at the market", sequence=2, source="t2"), 2.0),
        hit(episode("Ann asked which tomatoes grow best in pots", sequence=3, source="t3"), 0.5),
    ]
    pack = build_context([], hits, budget_tokens=120, question=weak)
    assert _shown(pack) == [["t2"], ["t1"], ["t3"]]
    assert GAP in pack.text  # shown as its excerpt
    # "Plant the tomatoes along the south wall" says the question: the excerpt keeps its rank
    assert _shown(build_context([], _hits(), budget_tokens=100, question=QUESTION))[:2] == [
        ["t0"],
        ["t1"],
    ]


def test_the_best_memory_is_shown_whole() -> None:
    # the top memory is the likeliest answer: it is not cut, even when long
    pack = build_context([], _hits()[1:], budget_tokens=170, question=QUESTION)
    assert _shown(pack)[0] == ["t1"]
    assert "heavy clay" in pack.text and GAP not in pack.text


def test_budget_left_over_shows_the_excerpted_memory_whole() -> None:
    pack = build_context([], _hits(), budget_tokens=400, question=QUESTION)
    assert len(pack.refs) == 4
    assert "heavy clay" in pack.text and GAP not in pack.text
    assert next(h for h in pack.refs.values() if h.source_ids == ["t1"]).record["summary"] == LONG


REPLY = (
    "Here is what I would do with the tomatoes this year. "
    "Start the seeds indoors in early March on a warm windowsill. "
    "Move the seedlings to bigger pots once they have two true leaves. "
    "Harden them off outside for a week before planting out in May. "
    "Plant them along the south wall, sixty centimetres apart, with a stake each. "
    "Water at the base in the morning and feed them weekly once the first fruits set."
)


def test_for_a_question_about_the_assistants_words_the_users_long_turns_are_cut() -> None:
    # the question asks what the assistant said: its reply stays whole, while the user's
    # long message above it is excerpted, so the reply fits in the budget
    asked = read_question("Where did the assistant suggest planting the tomatoes?")
    hits = [
        hit(episode("Ann asked about tomatoes", sequence=0, source="t0"), 4.0),
        hit(episode(LONG, actor="Ann", sequence=1, source="t1"), 3.0),
        hit(episode(REPLY, actor="Assistant", sequence=2, source="t2"), 2.5),
    ]
    pack = build_context([], hits, budget_tokens=200, question=asked)
    assert ["t2"] in _shown(pack)
    assert "sixty centimetres apart" in pack.text and "Start the seeds indoors" in pack.text
    assert f"Glad you asked about the garden. {GAP}" in pack.text
    # before, every long turn stayed whole for such a question and the reply did not fit
    assert len(LONG) + len(REPLY) > 200 * 4
