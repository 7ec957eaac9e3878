"""The context audit's attribution of a context item to the stage that placed it."""

from __future__ import annotations

from evals.context_audit import _cause
from mirix_py._chat.models import RetrievedMemory, ScoreBreakdown, Stage
from mirix_py._memory import MemoryType


def _memory(score: ScoreBreakdown, stage: Stage = "fine") -> RetrievedMemory:
    return RetrievedMemory(
        rank=1,
        memory_id="m1",
        memory_type=MemoryType.EPISODIC,
        text="Ana: We hiked the ridge trail.",
        score=score,
        stage=stage,
        in_context=True,
        ref=1,
    )


def test_a_retrieval_stage_names_the_cause() -> None:
    assert _cause(_memory(ScoreBreakdown(score=0.5), "neighbour"), True) == "neighbour"
    assert _cause(_memory(ScoreBreakdown(score=0.5), "fill"), True) == "fill"


def test_a_session_prior_at_least_the_base_score_is_the_cause() -> None:
    score = ScoreBreakdown(score=0.6, prior=0.3)
    assert _cause(_memory(score), True) == "prior"


def test_neighbour_smoothing_at_least_the_base_score_is_the_cause() -> None:
    score = ScoreBreakdown(score=0.6, prior=0.1, neighbour=0.3)
    assert _cause(_memory(score), True) == "nbr-smooth"


def test_a_full_text_match_without_a_question_word_is_a_name_only_match() -> None:
    score = ScoreBreakdown(score=0.6, fts=2.0, vector=0.2)
    assert _cause(_memory(score), False) == "name-fts"
    assert _cause(_memory(score), True) == "dense"
