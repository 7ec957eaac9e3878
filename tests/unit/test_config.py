"""Config loading and every error path."""

from __future__ import annotations

from pathlib import Path

import pytest

from mirix_py._config import config_from_dict, load_config, resolve_config_path
from mirix_py._memory import MemoryType
from mirix_py.errors import ConfigError


def test_default_config_is_offline_and_enables_all_types(tmp_path: Path) -> None:
    cfg = load_config("default", environ={"MIRIX_PY_HOME": str(tmp_path)})
    assert cfg.offline
    assert cfg.memory.enabled == tuple(MemoryType)
    assert cfg.storage.uri == str(tmp_path / "db")
    assert cfg.vault.key_file == str(Path("~/.config/mirix_py/vault.key").expanduser())


def test_minimal_config_enables_three_types() -> None:
    cfg = load_config("minimal", environ={})
    assert cfg.memory.enabled == (MemoryType.CORE, MemoryType.EPISODIC, MemoryType.SEMANTIC)
    assert not cfg.is_enabled("knowledge_vault")


@pytest.mark.parametrize("name", ["default", "minimal", "openai", "ollama", "locomo"])
def test_every_shipped_config_loads(name: str) -> None:
    assert load_config(name, environ={}) is not None


def test_llm_configs_name_a_provider_model() -> None:
    assert load_config("openai", environ={}).llm.model == "openai:gpt-4.1-mini"
    assert not load_config("ollama", environ={}).offline


def test_environment_overrides(tmp_path: Path) -> None:
    env = {
        "MIRIX_PY_HOME": str(tmp_path),
        "MIRIX_PY_LLM_MODEL": "openai:gpt-4.1",
        "MIRIX_PY_LOG_LEVEL": "debug",
        "MIRIX_PY_DB_URI": "s3://bucket/mem",
    }
    cfg = load_config("default", environ=env)
    assert cfg.llm.model == "openai:gpt-4.1"
    assert cfg.logging.level == "DEBUG"
    assert cfg.storage.uri == "s3://bucket/mem"


def test_config_env_var_selects_config() -> None:
    cfg = load_config(None, environ={"MIRIX_PY_CONFIG": "minimal"})
    assert len(cfg.memory.enabled) == 3


def test_offline_alias_for_llm_model() -> None:
    cfg = load_config("openai", environ={"MIRIX_PY_LLM_MODEL": "offline"})
    assert cfg.offline


def test_keyword_overrides_merge_into_sections(tmp_path: Path) -> None:
    cfg = load_config("default", environ={}, retrieval={"coarse_k": 3}, home=str(tmp_path))
    assert cfg.retrieval.coarse_k == 3
    assert cfg.retrieval.budget_tokens == 1500


def test_config_by_path(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("memory:\n  enabled: [episodic]\n")
    assert load_config(str(path), environ={}).memory.enabled == (MemoryType.EPISODIC,)


def test_unknown_config_name_lists_choices() -> None:
    with pytest.raises(ConfigError, match=r"shipped configs: .*default.*minimal"):
        resolve_config_path("nope")


def test_unknown_top_level_key_names_valid_keys() -> None:
    with pytest.raises(ConfigError) as err:
        config_from_dict({"storag": {}})
    assert "storag: unknown key" in str(err.value)
    assert "storage" in str(err.value)


def test_unknown_nested_key_names_valid_keys() -> None:
    with pytest.raises(ConfigError) as err:
        config_from_dict({"retrieval": {"coarse": 3}})
    msg = str(err.value)
    assert "retrieval.coarse: unknown key" in msg
    assert "coarse_k" in msg


def test_unknown_memory_type_names_value_and_choices() -> None:
    with pytest.raises(ConfigError) as err:
        config_from_dict({"memory": {"enabled": ["core", "dreams"]}})
    msg = str(err.value)
    assert "memory.enabled" in msg
    assert "'dreams'" in msg
    assert "knowledge_vault" in msg


def test_empty_enabled_list_is_rejected() -> None:
    with pytest.raises(ConfigError, match="enable at least one"):
        config_from_dict({"memory": {"enabled": []}})


def test_wrong_type_names_key_and_value() -> None:
    with pytest.raises(ConfigError) as err:
        config_from_dict({"retrieval": {"coarse_k": "many"}})
    assert "retrieval.coarse_k = 'many'" in str(err.value)


def test_out_of_range_value() -> None:
    with pytest.raises(ConfigError, match=r"retrieval\.budget_tokens"):
        config_from_dict({"retrieval": {"budget_tokens": 0}})


def test_bad_model_string() -> None:
    with pytest.raises(ConfigError, match="provider:model"):
        config_from_dict({"llm": {"model": "gpt4"}})


def test_bad_log_level_lists_choices() -> None:
    with pytest.raises(ConfigError, match=r"logging\.level"):
        config_from_dict({"logging": {"level": "LOUD"}})


def test_invalid_yaml(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("memory: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(str(path), environ={})


def test_top_level_must_be_mapping(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- a\n- b\n")
    with pytest.raises(ConfigError, match="mapping"):
        load_config(str(path), environ={})


def test_config_is_frozen() -> None:
    cfg = load_config("default", environ={})
    with pytest.raises(Exception, match="frozen"):
        cfg.retrieval.coarse_k = 9  # type: ignore[misc]


def test_llm_base_url_and_limits_reach_the_openai_client(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("langchain_openai")
    from mirix_py._config import LLMConfig
    from mirix_py._llm import resolve_chat_model

    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-secret")
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    model = resolve_chat_model(
        LLMConfig(model="openai:local", base_url="http://127.0.0.1:9/v1", max_tokens=256)
    )
    assert getattr(model, "openai_api_base", None) == "http://127.0.0.1:9/v1"
    assert getattr(model, "max_tokens", None) == 256
    assert getattr(model, "max_retries", None) == 0  # mirix-py retries and counts itself
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:8/v1")
    from_env = resolve_chat_model(LLMConfig(model="openai:local"))
    # the openai SDK reads OPENAI_BASE_URL itself
    assert str(from_env.root_client.base_url).rstrip("/") == "http://127.0.0.1:8/v1"  # type: ignore[union-attr]
