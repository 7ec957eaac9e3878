"""The pool-recall table: shares of evidence turns in the pool and near its top."""

from __future__ import annotations

from typing import Any

from evals.pool_recall import _value, summarise


def _row(cat: str, gold: list[str], pool: list[str], top: list[str], cov: float | None) -> Any:
    return {"cat": cat, "gold": gold, "pool": pool, "top": top, "size": 10, "cov": cov}


def test_shares_are_over_evidence_turns_per_category_and_pooled() -> None:
    rows = [
        _row("1", ["D1:1", "D2:4"], ["D1:1"], [], 0.5),
        _row("1", ["D3:2"], ["D3:2"], ["D3:2"], 1.0),
        _row("4", ["D5:7"], [], [], None),
    ]
    table = summarise(rows, top=50).splitlines()
    assert table[0] == "questions 3  mean episodic pool 10.0"
    assert "top50" in table[1]
    multi, single, pooled = table[2].split(), table[3].split(), table[4].split()
    assert multi == ["multi-hop", "3", "0.667", "0.333", "0.750"]
    assert single == ["single-hop", "1", "0.000", "0.000", "0.000"]
    assert pooled == ["all", "4", "0.500", "0.250", "0.750"]


def test_an_override_value_is_read_as_json_when_it_is_json() -> None:
    assert _value("170") == 170
    assert _value("terms") == "terms"
    assert _value("true") is True
