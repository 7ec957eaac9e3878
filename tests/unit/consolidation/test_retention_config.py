"""The ``retention`` config section."""

from __future__ import annotations

import pytest

from mirix_py._config import load_config
from mirix_py.errors import ConfigError


def test_defaults_cap_episodic_only_and_leave_auto_consolidation_off() -> None:
    cfg = load_config("default", environ={}).retention
    assert cfg.caps.episodic == 10_000
    assert (cfg.caps.semantic, cfg.caps.procedural, cfg.caps.resource) == (None, None, None)
    assert cfg.consolidate_every_n_messages is None and not cfg.background


def test_overrides_and_frozen() -> None:
    cfg = load_config(
        "default",
        environ={},
        retention={"caps": {"episodic": 500, "semantic": 100}, "consolidate_every_n_messages": 50},
    ).retention
    assert (cfg.caps.episodic, cfg.caps.semantic, cfg.consolidate_every_n_messages) == (
        500,
        100,
        50,
    )
    with pytest.raises(ValueError):
        cfg.half_life_days = 1  # type: ignore[misc]


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"caps": {"core": 10}}, "retention.caps.core: unknown key"),
        ({"caps": {"knowledge_vault": 10}}, "valid keys here: episodic, semantic"),
        ({"caps": {"episodic": 0}}, "retention.caps.episodic"),
        ({"half_life_days": 0}, "retention.half_life_days"),
        ({"core_low_water": 0.95, "core_high_water": 0.9}, "core_low_water must not exceed"),
        ({"bogus": 1}, "retention.bogus: unknown key"),
    ],
)
def test_bad_values_name_the_key(section: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config("default", environ={}, retention=section)
