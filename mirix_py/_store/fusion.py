"""Weighted reciprocal-rank fusion of a vector ranking and a full-text ranking."""

from __future__ import annotations

from collections.abc import Sequence

from mirix_py._store.base import ScoreParts


def fuse(
    vector: Sequence[tuple[str, float]],
    fts: Sequence[tuple[str, float]],
    *,
    k: int,
    vector_weight: float,
    fts_weight: float,
) -> list[tuple[str, ScoreParts]]:
    """Fuse two rankings (``(id, raw score)`` best first) into one, best first.

    ``score = vector_weight / (k + rank_v) + fts_weight / (k + rank_f)`` with
    1-based ranks; the raw similarity/BM25 scores and ranks are kept as parts.
    Ties break on the vector similarity, then the id, so results are deterministic.
    """
    parts: dict[str, dict[str, float | int | None]] = {}
    for rank, (memory_id, raw) in enumerate(vector, 1):
        entry = parts.setdefault(memory_id, {})
        if "vector_rank" not in entry:
            entry.update(vector=raw, vector_rank=rank)
    for rank, (memory_id, raw) in enumerate(fts, 1):
        entry = parts.setdefault(memory_id, {})
        if "fts_rank" not in entry:
            entry.update(fts=raw, fts_rank=rank)
    fused: list[tuple[str, ScoreParts]] = []
    for memory_id, entry in parts.items():
        score = 0.0
        v_rank = entry.get("vector_rank")
        f_rank = entry.get("fts_rank")
        if v_rank is not None:
            score += vector_weight / (k + float(v_rank))
        if f_rank is not None:
            score += fts_weight / (k + float(f_rank))
        fused.append(
            (
                memory_id,
                ScoreParts(
                    score=score,
                    vector=_opt_float(entry.get("vector")),
                    fts=_opt_float(entry.get("fts")),
                    vector_rank=_opt_int(v_rank),
                    fts_rank=_opt_int(f_rank),
                ),
            )
        )
    fused.sort(key=lambda item: (-item[1].score, -(item[1].vector or 0.0), item[0]))
    return fused


def _opt_float(value: float | int | None) -> float | None:
    return None if value is None else float(value)


def _opt_int(value: float | int | None) -> int | None:
    return None if value is None else int(value)
