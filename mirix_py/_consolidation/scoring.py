"""Retention policy per memory type and the retention score of one record."""

from __future__ import annotations

import math
from datetime import datetime

from mirix_py._config import RetentionConfig
from mirix_py._consolidation.models import RetentionScore
from mirix_py._memory.base import MemoryRecord, MemoryType, as_utc
from mirix_py._memory.registry import spec_of

_SECONDS_PER_DAY = 86_400.0


def fades(memory_type: MemoryType) -> bool:
    """Whether records of this type can be archived by retention (its spec's ``fades``;
    core is bounded by moving lines instead, the vault only by an explicit forget)."""
    return spec_of(memory_type).fades


def cap_for(config: RetentionConfig, memory_type: MemoryType) -> int | None:
    """The per-user cap on active records of ``memory_type`` (None: no cap)."""
    if not fades(memory_type):
        return None
    return config.caps.cap(memory_type.value, spec_of(memory_type).retention_cap)


def policy_text(config: RetentionConfig, memory_type: MemoryType) -> str:
    """One line saying how this type fades."""
    if memory_type is MemoryType.CORE:
        return "core memory never fades; full blocks move their least-used lines to semantic memory"
    if memory_type is MemoryType.KNOWLEDGE_VAULT:
        return "knowledge-vault items never fade (only an explicit forget removes them)"
    cap = cap_for(config, memory_type)
    if cap is None:
        return f"{memory_type.value} has no cap: nothing is archived"
    return (
        f"above {cap} active {memory_type.value} records per user, the lowest retention "
        f"scores are archived into summaries (half-life {config.half_life_days:g} days)"
    )


def is_active(record: MemoryRecord) -> bool:
    """Current and not an archive summary: what counts towards a cap."""
    return record.is_current and record.status != "archived"


def retention_score(
    record: MemoryRecord, *, now: datetime, config: RetentionConfig
) -> RetentionScore:
    """The record's retention score at ``now`` (see :class:`RetentionConfig`).

    Age runs from the record's event time (or last update); a record dated in
    the future counts as brand new. Ranking is independent of ``now`` (every
    record's recency scales by the same factor), so archiving is deterministic.
    """
    now = as_utc(now)
    age_days = max(0.0, (now - record.when).total_seconds() / _SECONDS_PER_DAY)
    recency = 0.5 ** (age_days / config.half_life_days)
    importance = float(record.importance)
    access = float(1 + record.access_count)
    score = (
        importance**config.importance_weight
        * recency**config.recency_weight
        * access**config.access_weight
    )
    return RetentionScore(
        score=score,
        importance=importance,
        recency=recency,
        access=access**config.access_weight,
        age_days=age_days,
        at=now,
    )


def rank_key(record: MemoryRecord, *, now: datetime, config: RetentionConfig) -> float:
    """The log of the retention score (no underflow for very old records): lower fades first."""
    age_days = max(0.0, (as_utc(now) - record.when).total_seconds() / _SECONDS_PER_DAY)
    importance = float(record.importance)
    log_importance = math.log(importance) if importance > 0 else -math.inf
    importance_term = config.importance_weight * log_importance if config.importance_weight else 0.0
    return (
        importance_term
        - config.recency_weight * age_days / config.half_life_days * math.log(2)
        + config.access_weight * math.log(1 + record.access_count)
    )
