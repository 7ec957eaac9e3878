"""The lifts' shared re-scoring (``rescore.py``)."""

from __future__ import annotations

from mirix_py._chat.rescore import best_first, raise_to, with_score
from tests.unit.chat.helpers import episode, hit


def test_raise_to_only_raises_and_keeps_the_other_score_parts() -> None:
    low = hit(episode("the kiln cools overnight", memory_id="m-low"), 0.4)
    raised = raise_to(low, 0.71234567)
    assert raised.score.score == 0.712346
    assert raised.score.vector == low.score.vector and raised.score.fused == low.score.fused
    assert low.score.score == 0.4  # the hit given is not changed
    assert raise_to(low, 0.3) is low and raise_to(low, 0.4) is low


def test_with_score_may_lower_and_best_first_breaks_ties_by_id() -> None:
    a = hit(episode("glaze test tiles", memory_id="m-a"), 0.5)
    b = hit(episode("bisque firing on friday", memory_id="m-b"), 0.9)
    c = hit(episode("order more clay", memory_id="m-c"), 0.5)
    lowered = with_score(b, 0.1)
    assert lowered.score.score == 0.1
    assert [h.memory_id for h in best_first([c, lowered, a])] == ["m-a", "m-c", "m-b"]
