"""Answer coverage, rendered-text evidence recall and containment correctness, worked by hand."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from evals.datasets import Conversation, Question, Session, Turn
from evals.metrics import (
    CARRY_MIN_WORDS,
    RetrievedItem,
    answer_correct,
    answer_coverage,
    content_words,
    evidence_recall,
    rendered_evidence_recall,
    turn_carried,
    visible_context,
)
from evals.runner import _score
from evals.systems import SystemAnswer, core_items, rendered_items
from mirix_py._memory import CoreMemory

# ----------------------------------------------------------------- answer coverage


def test_coverage_counts_gold_tokens_present_in_the_context() -> None:
    # gold tokens: portland, oregon -> only "portland" is in the context
    assert answer_coverage("Portland, Oregon", "Sam moved to Portland last May.") == 0.5


def test_coverage_normalises_and_stems_both_sides() -> None:
    # "The running marathons" -> [run, marathon]; context "runs a marathon" -> {run, marathon}
    assert answer_coverage("The running marathons", "She runs a marathon.") == 1.0
    # articles and "and" are dropped from the gold, punctuation too
    assert answer_coverage("the Eiffel Tower!", "we saw eiffel tower") == 1.0


def test_coverage_counts_repeated_gold_tokens() -> None:
    # [new, york, new, york]: both "new" present, no "york" -> 2/4
    assert answer_coverage("New York, New York", "a new job") == 0.5


def test_coverage_cuts_category_3_gold_at_the_semicolon() -> None:
    gold = "hiking; she talks about mountains often"
    assert answer_coverage(gold, "likes hiking", category="3") == 1.0
    assert answer_coverage(gold, "likes hiking", category=3) == 1.0
    # other categories keep the whole gold: [hike, she, talk, about, mountain, often]
    assert answer_coverage(gold, "likes hiking", category="4") == pytest.approx(1 / 6)


def test_coverage_is_none_without_gold_tokens() -> None:
    assert answer_coverage("the", "anything") is None
    assert answer_coverage("", "anything") is None


def test_visible_context_applies_the_budget_to_the_rendered_text() -> None:
    text = "<core_memory>\n[human] lives in Lisbon\n</core_memory>\n<memories>x</memories>"
    assert visible_context(text, 5) == text[:20]
    assert visible_context(text, None) == text
    assert visible_context(text, 1000) == text
    with pytest.raises(ValueError):
        visible_context(text, -1)
    # coverage on the visible part only: "Lisbon" is past the 20-char cut
    assert answer_coverage("Lisbon", visible_context(text, 5)) == 0.0


# ------------------------------------------------------------ rendered evidence rule

TURN = "I finally adopted a greyhound! Her name is Juniper."


def test_content_words_drop_stopwords_and_stem() -> None:
    assert content_words(TURN) == {"final", "adopt", "greyhound", "name", "junip"}


def test_a_turn_is_carried_by_half_of_its_content_words() -> None:
    # 5 content words; 2 matched (adopt, greyhound) < 2.5 -> not carried
    assert not turn_carried(TURN, "Dana adopted a greyhound")
    # 4 matched (adopt, greyhound, name, junip) -> carried
    assert turn_carried(TURN, "Dana adopted a greyhound named Juniper")


def test_a_long_turn_is_carried_by_enough_of_its_words() -> None:
    vocabulary = [f"k{i:03d}z" for i in range(60)]
    turn = " ".join(vocabulary)
    assert len(content_words(turn)) == 60
    assert turn_carried(turn, " ".join(vocabulary[:CARRY_MIN_WORDS]))
    assert not turn_carried(turn, " ".join(vocabulary[: CARRY_MIN_WORDS - 1]))


def test_a_turn_without_content_words_needs_only_a_citing_text() -> None:
    assert turn_carried("Yes!", "[3] yes")
    assert not turn_carried("Yes!", "   ")


def test_rendered_recall_credits_cited_and_carried_turns_only() -> None:
    texts = {"t1": TURN, "t2": "My manager is now Priya Raman, since the reorg in March."}
    # one record cites both turns but carries only the first
    padded = RetrievedItem("Dana adopted a greyhound named Juniper", ("t1", "t2"))
    assert rendered_evidence_recall(["t1", "t2"], texts, [padded]) == 0.5
    # the older rule credits every cited id
    assert evidence_recall(["t1", "t2"], [padded], 1000) == 1.0
    # text that carries t2 but does not cite it earns nothing
    uncited = RetrievedItem("manager is Priya Raman since the reorg in March", ("t9",))
    assert rendered_evidence_recall(["t2"], texts, [uncited]) == 0.0
    # several citing items are read together
    parts = [
        RetrievedItem("manager Priya Raman", ("t2",)),
        RetrievedItem("reorg in March", ("t2",)),
    ]
    # t2 content ("now" is a stopword): manag, priya, raman, sinc, reorg, march (6)
    assert content_words(texts["t2"]) == {"manag", "priya", "raman", "sinc", "reorg", "march"}
    # together 5 matched >= 3; "reorg in March" alone 2 < 3
    assert rendered_evidence_recall(["t2"], texts, parts) == 1.0
    assert rendered_evidence_recall(["t2"], texts, parts[1:]) == 0.0
    # unknown turn text counts as not carried; no gold -> None
    assert rendered_evidence_recall(["t7"], texts, [RetrievedItem("x", ("t7",))]) == 0.0
    assert rendered_evidence_recall([], texts, [padded]) is None


def test_rendered_items_read_the_numbered_lines() -> None:
    context = "\n".join(
        [
            "<core_memory>",
            "[human] name is Dana",
            "</core_memory>",
            "<memories>",
            "Facts:",
            "Dana: [1] adopted a greyhound named Juniper (3 Mar 2026)",
            "  [2] works at [Acme] since 2024 (3 Mar 2026)",
            "Events:",
            "3 Mar 2026:",
            "Dana: [3] I finally adopted a greyhound!",
            "  (4 Mar 2026) [4] see [1] above",
            "</memories>",
        ]
    )
    items = rendered_items(context, {1: ["t1"], 2: ["t2"], 3: ["t1"], 4: ["t4"]})
    assert [i.source_ids for i in items] == [("t1",), ("t2",), ("t1",), ("t4",)]
    assert items[0].text == "Dana: [1] adopted a greyhound named Juniper (3 Mar 2026)"
    assert items[3].text == "  (4 Mar 2026) [4] see [1] above"
    assert all(i.text in context for i in items)
    # refs not in the map are ignored
    assert len(rendered_items(context, {1: ["t1"]})) == 1


def test_a_turn_line_with_folded_facts_is_the_item_of_each_number() -> None:
    context = "\n".join(
        ["<memories>", "Events:", "3 Mar 2026:", "Dana: [2, 5] I adopted a greyhound in [2025]!"]
    )
    items = rendered_items(context, {2: ["t1"], 5: ["t1"], 2025: ["t9"]})
    assert [i.source_ids for i in items] == [("t1",), ("t1",)]
    assert {i.text for i in items} == {"Dana: [2, 5] I adopted a greyhound in [2025]!"}


def test_core_items_cite_each_line_s_own_sources() -> None:
    block = CoreMemory(
        user_id="u1",
        label="human",
        value="Name is Dana\nLives in Portland",
        line_sources={"Name is Dana": ["t1"], "Lives in Portland": ["t5"]},
    )
    items = core_items([block])
    assert [(i.text, i.source_ids) for i in items] == [
        ("Name is Dana", ("t1",)),
        ("Lives in Portland", ("t5",)),
    ]


def _conversation() -> Conversation:
    stamp = datetime(2026, 3, 3, tzinfo=UTC)
    turns = [
        Turn("t1", "Dana", TURN, stamp, "s1", "user"),
        Turn("t2", "Dana", "My manager is now Priya Raman.", stamp, "s1", "user"),
    ]
    question = Question(
        id="q1",
        question="What is the greyhound's name?",
        answer="Juniper",
        category="single-hop",
        evidence=("t1",),
        question_date=None,
        is_abstention=False,
    )
    return Conversation("c1", ("Dana",), [Session("s1", stamp, turns)], [question])


def test_score_reads_coverage_and_evidence_from_the_visible_text_only() -> None:
    conv = _conversation()
    q = conv.questions[0]
    core = "<core_memory>\n[human] " + "x" * 60 + "\n</core_memory>\n"
    line = "Dana: [1] adopted a greyhound named Juniper"
    context = f"{core}<memories>\nFacts:\n{line}\n</memories>"
    answer = SystemAnswer(
        text="Juniper",
        items=[RetrievedItem(line, ("t1",))],
        cited_source_ids=["t1"],
        retrieval_ms=1.0,
        total_ms=2.0,
        context_tokens=len(context) // 4,
        context=context,
        context_items=[RetrievedItem(line, ("t1",))],
    )
    texts = {t.id: t.text for t in conv.turns()}
    roomy = _score("s", conv, q, answer, 1000, None, texts)
    assert roomy.answer_coverage == 1.0
    assert roomy.evidence_recall == 1.0
    assert roomy.correct
    # the core block eats a 25-token budget: the memory line is cut off
    tight = _score("s", conv, q, answer, 25, None, texts)
    assert tight.answer_coverage == 0.0
    assert tight.evidence_recall == 0.0
    # an unbudgeted (full-context) answer sees everything
    answer.budgeted = False
    assert _score("s", conv, q, answer, 25, None, texts).answer_coverage == 1.0


# --------------------------------------------------------------------- correctness


def test_correct_when_the_normalised_gold_is_contained() -> None:
    assert answer_correct("She lives in Portland now.", "Portland")
    assert answer_correct("Eiffel Tower", "the Eiffel Tower")
    assert answer_correct("They adopted two cats", "adopt two cats")  # stems
    assert not answer_correct("Portlandia", "Portland")  # whole tokens only
    assert not answer_correct("two of the cats", "two cats")  # a contiguous run
    assert not answer_correct("", "Portland")


def test_correct_accepts_aliases() -> None:
    gold, aliases = "12 December 2026", ["December 12, 2026", "2026-12-12"]
    assert answer_correct("On December 12, 2026.", gold, aliases=aliases)
    assert answer_correct("It starts 12 December 2026", gold, aliases=aliases)
    assert not answer_correct("December 2026", gold, aliases=aliases)


def test_abstention_questions_are_correct_only_when_the_answer_abstains() -> None:
    gold = "Not mentioned in the conversation"
    assert answer_correct("Not mentioned in the conversation.", gold, is_abstention=True)
    assert answer_correct("No information available.", gold, is_abstention=True)
    assert not answer_correct("Portland", gold, is_abstention=True)
    # an abstaining answer to an answerable question is wrong, even if it quotes the gold
    assert not answer_correct("Portland is not mentioned", "Portland")
