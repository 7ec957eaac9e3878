"""Where the coverage gaps tool puts each gold token a context misses."""

from __future__ import annotations

from evals.coverage_gaps import Tally, classify, first_said
from evals.datasets.model import Question
from evals.metrics import tokenize_answer
from mirix_py._chat.models import RetrievedMemory, ScoreBreakdown
from mirix_py._memory import MemoryType


def _memory(
    rank: int,
    text: str,
    sources: list[str],
    *,
    shown: bool,
    kind: MemoryType = MemoryType.EPISODIC,
) -> RetrievedMemory:
    return RetrievedMemory(
        rank=rank,
        memory_id=f"m{rank}",
        memory_type=kind,
        text=text,
        source_ids=sources,
        score=ScoreBreakdown(score=1.0 / rank),
        stage="fine",
        in_context=shown,
        ref=rank if shown else None,
    )


def _question(answer: str, evidence: tuple[str, ...] = ("t2",)) -> Question:
    return Question(
        id="q1",
        question="What instruments does Ines play?",
        answer=answer,
        category="1",
        evidence=evidence,
        question_date=None,
        is_abstention=False,
    )


TURNS = {
    "t1": "Ines: I practise the cello every evening, and the oboe on weekends.",
    "t2": "Ines: Joined a brass band last spring, I play the tuba there.",
    "t3": "Ines: The harp was my grandmother's.",
}


def _turn_tokens() -> dict[str, set[str]]:
    return {k: set(tokenize_answer(v)) for k, v in TURNS.items()}


def test_each_missing_token_goes_to_the_nearest_place_that_says_it() -> None:
    shown = [
        _memory(1, "Ines: I practise the cello every evening …", ["t1"], shown=True),
    ]
    hidden = [
        _memory(2, TURNS["t2"], ["t2"], shown=False),
        _memory(3, "Ines: a piccolo solo at the fair", ["t9"], shown=False),
    ]
    context = "<memories>\nInes: [1] I practise the cello every evening …\n</memories>"
    row = classify(
        _question("cello, oboe, tuba, piccolo, harp, lute"),
        context,
        [*shown, *hidden],
        _turn_tokens(),
    )
    assert row is not None
    by_token = dict(zip(row["missing"], row["classes"], strict=True))
    assert by_token == {
        "obo": "b-cut",  # in the shown turn's source, cut from what is shown
        "tuba": "a-evid",  # in a hidden memory citing an evidence turn
        "piccolo": "a-other",  # in a hidden memory citing no evidence turn
        "harp": "c",  # in the conversation, not retrieved
        "lute": "d",  # nowhere
    }
    assert row["carriers"][0]["rank"] == 2
    assert abs(row["cov"] - 1 / 6) < 1e-9


def test_a_shown_fact_s_source_turn_is_its_own_class() -> None:
    fact = _memory(1, "Ines: plays in a brass band", ["t2"], shown=True, kind=MemoryType.SEMANTIC)
    row = classify(
        _question("tuba"),
        "<memories>\nInes: [1] plays in a brass band\n</memories>",
        [fact],
        _turn_tokens(),
    )
    assert row is not None
    assert row["classes"] == ["b-fact"]


def test_a_fully_covered_question_has_no_row() -> None:
    shown = [_memory(1, TURNS["t3"], ["t3"], shown=True)]
    assert classify(_question("harp"), TURNS["t3"], shown, _turn_tokens()) is None


def test_first_said_counts_only_what_no_better_ranked_memory_says() -> None:
    ranked = [
        _memory(2, "the tuba and the harp", ["t2"], shown=False),
        _memory(1, "the tuba", ["t2"], shown=True),
        _memory(3, "harp again, and a lute", ["t3"], shown=False),
    ]
    assert first_said(["tuba", "harp", "lute"], ranked) == [1, 1, 1]


def test_the_tally_counts_value_by_rank_and_coverage_by_category() -> None:
    tally = Tally()
    ranked = [
        _memory(1, TURNS["t3"], ["t3"], shown=True),
        _memory(12, TURNS["t2"], ["t2"], shown=False),
    ]
    tally.add(_question("harp, tuba"), TURNS["t3"], ranked, _turn_tokens())
    assert tally.asked["1"] == 1
    assert tally.covered["1"] == 0.5
    said, chars, count, shown = tally.by_rank[("1", 1)]
    assert (said, count, shown) == (1, 1, 0)
    assert chars == len(TURNS["t2"])
