"""Re-ranking adds to a pooled turn's whole-turn similarity a share of what its best
stored sentence vector adds (CandidatePool.dense)."""

from __future__ import annotations

import numpy as np

from mirix_py._chat.episodes import SENTENCE_GAIN, CandidatePool
from mirix_py._memory import EpisodicMemory
from mirix_py._store.stored_vector import attach_vector


def _unit(*values: float) -> np.ndarray:
    vec = np.asarray(values, dtype=np.float32)
    return vec / np.linalg.norm(vec)


def _turn(summary: str, whole: np.ndarray, sentences: np.ndarray | None = None) -> EpisodicMemory:
    record = EpisodicMemory(user_id="u1", actor="Ida", summary=summary)
    return attach_vector(record, whole, sentences)  # type: ignore[return-value]


def test_a_turn_gains_a_share_of_its_best_sentence_over_the_whole_turn() -> None:
    query = _unit(1, 0, 0)
    long_turn = _turn(
        "The train was late. I bought a cello.",
        _unit(0.2, 1, 1),
        np.stack([_unit(0, 1, 0), _unit(0.9, 0.1, 0)]),
    )
    plain = _turn("I play the violin.", _unit(0.5, 1, 0))
    pool = CandidatePool.build([long_turn, plain])
    dense = pool.dense(query)
    assert dense is not None
    got = dict(zip(pool.ids, dense.tolist(), strict=True))
    whole, best = float(_unit(0.2, 1, 1)[0]), float(_unit(0.9, 0.1, 0)[0])
    assert 0 < SENTENCE_GAIN < 1
    assert abs(got[long_turn.id] - (whole + SENTENCE_GAIN * (best - whole))) < 1e-6
    assert abs(got[plain.id] - float(_unit(0.5, 1, 0)[0])) < 1e-6
    assert got[long_turn.id] > got[plain.id]


def test_a_weaker_sentence_never_lowers_the_whole_turn_score() -> None:
    query = _unit(1, 0, 0)
    turn = _turn("A. B.", _unit(1, 0.1, 0), np.stack([_unit(0, 1, 0), _unit(0, 0, 1)]))
    pool = CandidatePool.build([turn])
    dense = pool.dense(query)
    assert dense is not None
    assert abs(float(dense[0]) - float(_unit(1, 0.1, 0)[0])) < 1e-6
