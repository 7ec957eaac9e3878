"""Retention policy and score."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from mirix_py._config import RetentionCaps, RetentionConfig
from mirix_py._consolidation.scoring import (
    cap_for,
    fades,
    is_active,
    policy_text,
    rank_key,
    retention_score,
)
from mirix_py._memory import EpisodicMemory, MemoryType

NOW = datetime(2024, 1, 31, tzinfo=UTC)


def ep(days_old: float, *, importance: float = 0.5, access: int = 0) -> EpisodicMemory:
    return EpisodicMemory(
        user_id="u",
        summary="x",
        occurred_at=NOW - timedelta(days=days_old),
        importance=importance,
        access_count=access,
    )


def test_score_is_importance_times_recency_times_access() -> None:
    cfg = RetentionConfig(half_life_days=10, access_weight=1.0)
    s = retention_score(ep(20, importance=0.8, access=3), now=NOW, config=cfg)
    assert s.recency == pytest.approx(0.25)
    assert s.access == pytest.approx(4.0)
    assert s.score == pytest.approx(0.8 * 0.25 * 4.0)
    assert s.age_days == pytest.approx(20)
    assert "importance 0.80" in s.describe() and "20.0 days old" in s.describe()


def test_future_events_count_as_new_and_rank_key_is_the_log_score() -> None:
    cfg = RetentionConfig()
    assert retention_score(ep(-5), now=NOW, config=cfg).recency == 1.0
    record = ep(45, importance=0.3, access=2)
    assert rank_key(record, now=NOW, config=cfg) == pytest.approx(
        math.log(retention_score(record, now=NOW, config=cfg).score)
    )
    ancient = ep(365 * 200)  # underflows the plain score, not the log
    assert retention_score(ancient, now=NOW, config=cfg).score == 0.0
    assert rank_key(ancient, now=NOW, config=cfg) < rank_key(ep(365 * 100), now=NOW, config=cfg)


def test_ranking_does_not_depend_on_now() -> None:
    cfg = RetentionConfig()
    records = [ep(1, access=5), ep(40), ep(10, importance=0.9), ep(100, access=50)]
    orders = [
        [r.id for r in sorted(records, key=lambda r: rank_key(r, now=now, config=cfg))]
        for now in (NOW, NOW + timedelta(days=3650))
    ]
    assert orders[0] == orders[1]


def test_accesses_and_importance_protect_old_records() -> None:
    cfg = RetentionConfig()
    old_but_used = ep(60, access=100)
    new_unused = ep(30)
    assert rank_key(old_but_used, now=NOW, config=cfg) > rank_key(new_unused, now=NOW, config=cfg)


def test_core_and_vault_never_fade() -> None:
    cfg = RetentionConfig(caps=RetentionCaps(episodic=50, semantic=20))
    assert not fades(MemoryType.CORE) and not fades(MemoryType.KNOWLEDGE_VAULT)
    assert cap_for(cfg, MemoryType.CORE) is None
    assert cap_for(cfg, MemoryType.KNOWLEDGE_VAULT) is None
    assert (cap_for(cfg, MemoryType.EPISODIC), cap_for(cfg, MemoryType.SEMANTIC)) == (50, 20)
    assert cap_for(cfg, MemoryType.PROCEDURAL) is None
    assert "never fade" in policy_text(cfg, MemoryType.KNOWLEDGE_VAULT)
    assert "50 active episodic" in policy_text(cfg, MemoryType.EPISODIC)
    assert "no cap" in policy_text(cfg, MemoryType.PROCEDURAL)


def test_archive_summaries_and_retired_records_are_not_active() -> None:
    assert is_active(ep(1))
    assert not is_active(ep(1).model_copy(update={"status": "archived"}))
    assert not is_active(ep(1).model_copy(update={"valid_to": NOW}))
    assert is_active(ep(1).model_copy(update={"status": "unprocessed"}))
