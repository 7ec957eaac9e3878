"""Configuration: one frozen pydantic model with nested sections, loaded from YAML.

Load with :func:`load_config` (a name from the shipped ``configs/`` folder such as
``"default"`` or ``"minimal"``, or a path to a YAML file). Only this module reads
the environment:

=========================  ======================================================
``MIRIX_PY_HOME``          data folder (default ``~/.mirix_py``); ``{home}`` in
                           ``storage.uri`` and ``vault.key_file`` expands to it
``MIRIX_PY_CONFIG``        config name or path used when none is passed
``MIRIX_PY_DB_URI``        overrides ``storage.uri``
``MIRIX_PY_LLM_MODEL``     overrides ``llm.model`` (``provider:model``; ``offline``
                           or empty for the offline mode)
``MIRIX_PY_EMBEDDINGS``    overrides ``embeddings.provider``
``MIRIX_PY_LOG_LEVEL``     overrides ``logging.level``
``MIRIX_PY_VAULT_KEY``     knowledge-vault key (Fernet, urlsafe base64); read by
                           :func:`vault_key_from_env`
=========================  ======================================================
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic import ValidationError as PydanticValidationError

from mirix_py.errors import ConfigError
from mirix_py.memory.base import ALL_MEMORY_TYPES, MemoryType
from mirix_py.resources import data_dir

_FROZEN = ConfigDict(extra="forbid", frozen=True)


class StorageConfig(BaseModel):
    """Where the LanceDB database lives."""

    model_config = _FROZEN
    uri: str = "{home}/db"
    read_consistency_seconds: float | None = Field(default=0.0, ge=0)


class EmbeddingsConfig(BaseModel):
    """Which embedder to use: ``onnx:all-MiniLM-L6-v2`` (default, offline),
    ``torch:all-MiniLM-L6-v2`` (sentence-transformers extra) or any
    ``provider:model`` string understood by ``langchain.embeddings.init_embeddings``."""

    model_config = _FROZEN
    provider: str = "onnx:all-MiniLM-L6-v2"
    batch_size: int = Field(default=64, ge=1, le=4096)
    cache_size: int = Field(default=4096, ge=0)


class LLMConfig(BaseModel):
    """The chat model; ``model: null`` means the deterministic offline mode."""

    model_config = _FROZEN
    model: str | None = None
    temperature: float = Field(default=0.0, ge=0.0, le=2.0)
    max_retries: int = Field(default=2, ge=0, le=10)
    timeout_seconds: float = Field(default=60.0, gt=0)
    single_pass: bool = False

    @field_validator("model")
    @classmethod
    def _offline_alias(cls, value: str | None) -> str | None:
        if value is None or value.strip().lower() in ("", "offline", "none"):
            return None
        if ":" not in value:
            raise ValueError(
                f"model must be 'provider:model' (e.g. 'openai:gpt-4.1-mini'), got {value!r}"
            )
        return value


class MemoryConfig(BaseModel):
    """Which memory types are enabled and how each behaves."""

    model_config = _FROZEN
    enabled: tuple[MemoryType, ...] = ALL_MEMORY_TYPES
    core_block_limit: int = Field(default=2000, ge=200, le=100_000)
    agents_dir: str | None = None
    near_duplicate_similarity: float = Field(default=0.92, ge=0.5, le=1.0)

    @field_validator("enabled", mode="before")
    @classmethod
    def _check_enabled(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        valid = ", ".join(t.value for t in MemoryType)
        for item in value:
            if item not in {t.value for t in MemoryType}:
                raise ValueError(f"unknown memory type {item!r}; valid choices: {valid}")
        if not value:
            raise ValueError(f"enable at least one memory type; valid choices: {valid}")
        return tuple(dict.fromkeys(value))


class RetrievalConfig(BaseModel):
    """Retrieval depths, fusion and the context budget."""

    model_config = _FROZEN
    coarse_k: int = Field(default=5, ge=1, le=200)
    fine_k: int = Field(default=20, ge=1, le=500)
    budget_tokens: int = Field(default=1500, ge=50, le=200_000)
    rrf_k: int = Field(default=20, ge=1, le=1000)
    vector_weight: float = Field(default=1.0, ge=0.0)
    fts_weight: float = Field(default=0.7, ge=0.0)
    mode: Literal["hybrid", "vector", "fts"] = "hybrid"


class ChatConfig(BaseModel):
    """The chat agent's behaviour."""

    model_config = _FROZEN
    interactive_update: bool | None = None  # None: on in LLM mode, off offline
    min_evidence_score: float = Field(default=0.35, ge=0.0, le=1.0)


class VaultConfig(BaseModel):
    """Knowledge-vault encryption key location."""

    model_config = _FROZEN
    key_file: str = "{home}/vault.key"


class LoggingConfig(BaseModel):
    """Log level and format (``console`` or ``json``)."""

    model_config = _FROZEN
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "WARNING"
    format: Literal["console", "json"] = "console"

    @field_validator("level", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value


class MirixConfig(BaseModel):
    """The whole configuration of a :class:`~mirix_py.MemorySystem`."""

    model_config = _FROZEN
    home: str = "~/.mirix_py"
    storage: StorageConfig = StorageConfig()
    embeddings: EmbeddingsConfig = EmbeddingsConfig()
    llm: LLMConfig = LLMConfig()
    memory: MemoryConfig = MemoryConfig()
    retrieval: RetrievalConfig = RetrievalConfig()
    chat: ChatConfig = ChatConfig()
    vault: VaultConfig = VaultConfig()
    logging: LoggingConfig = LoggingConfig()

    @model_validator(mode="after")
    def _expand_home(self) -> MirixConfig:
        home = str(Path(self.home).expanduser())
        object.__setattr__(self, "home", home)
        object.__setattr__(
            self,
            "storage",
            self.storage.model_copy(update={"uri": _expand(self.storage.uri, home)}),
        )
        object.__setattr__(
            self,
            "vault",
            self.vault.model_copy(update={"key_file": _expand(self.vault.key_file, home)}),
        )
        return self

    @property
    def offline(self) -> bool:
        """True when no chat model is configured."""
        return self.llm.model is None

    def is_enabled(self, memory_type: MemoryType | str) -> bool:
        """Whether ``memory_type`` is enabled."""
        return MemoryType(memory_type) in self.memory.enabled

    def agents_path(self) -> Path:
        """The folder holding the agent definitions."""
        if self.memory.agents_dir:
            return Path(self.memory.agents_dir).expanduser()
        return data_dir("agents")


def _expand(value: str, home: str) -> str:
    if "://" in value:
        return value.replace("{home}", home)
    return str(Path(value.replace("{home}", home)).expanduser())


def _env_overrides(environ: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if environ.get("MIRIX_PY_HOME"):
        out["home"] = environ["MIRIX_PY_HOME"]
    if environ.get("MIRIX_PY_DB_URI"):
        out.setdefault("storage", {})["uri"] = environ["MIRIX_PY_DB_URI"]
    if "MIRIX_PY_LLM_MODEL" in environ:
        out.setdefault("llm", {})["model"] = environ["MIRIX_PY_LLM_MODEL"]
    if environ.get("MIRIX_PY_EMBEDDINGS"):
        out.setdefault("embeddings", {})["provider"] = environ["MIRIX_PY_EMBEDDINGS"]
    if environ.get("MIRIX_PY_LOG_LEVEL"):
        out.setdefault("logging", {})["level"] = environ["MIRIX_PY_LOG_LEVEL"]
    return out


def _deep_merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def resolve_config_path(name_or_path: str | os.PathLike[str]) -> Path:
    """Map a config name (``default``) or path to an existing YAML file."""
    candidate = Path(name_or_path).expanduser()
    if candidate.is_file():
        return candidate
    shipped = data_dir("configs")
    stem = str(name_or_path).removesuffix(".yaml").removesuffix(".yml")
    named = shipped / f"{stem}.yaml"
    if named.is_file():
        return named
    choices = ", ".join(sorted(p.stem for p in shipped.glob("*.yaml")))
    raise ConfigError(
        f"config {str(name_or_path)!r} is neither a file nor a shipped config name; "
        f"shipped configs: {choices}"
    )


def load_config(
    name_or_path: str | os.PathLike[str] | None = None,
    *,
    environ: dict[str, str] | None = None,
    **overrides: Any,
) -> MirixConfig:
    """Load a config by name or path, then apply environment and keyword overrides.

    ``overrides`` are nested dicts by section, e.g.
    ``load_config("default", storage={"uri": "/tmp/db"})``.
    """
    env = dict(os.environ) if environ is None else environ
    if name_or_path is None:
        name_or_path = env.get("MIRIX_PY_CONFIG") or "default"
    path = resolve_config_path(name_or_path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of sections")
    data = _deep_merge(_deep_merge(raw, _env_overrides(env)), overrides)
    return config_from_dict(data, source=str(path))


def config_from_dict(data: dict[str, Any], *, source: str = "<dict>") -> MirixConfig:
    """Validate a config mapping, turning pydantic errors into :class:`ConfigError`."""
    try:
        return MirixConfig.model_validate(data)
    except PydanticValidationError as exc:
        raise ConfigError(_describe(exc, source)) from None


def _describe(exc: PydanticValidationError, source: str) -> str:
    lines = [f"invalid configuration in {source}:"]
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"])
        value = err.get("input")
        if err["type"] == "extra_forbidden":
            parent = _section_model(err["loc"][:-1])
            valid = ", ".join(parent.model_fields) if parent else "?"
            lines.append(f"  {key}: unknown key; valid keys here: {valid}")
            continue
        msg = err["msg"].removeprefix("Value error, ")
        lines.append(f"  {key} = {value!r}: {msg}")
    return "\n".join(lines)


def _section_model(loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    model: type[BaseModel] = MirixConfig
    for part in loc:
        field = model.model_fields.get(str(part))
        if field is None or not isinstance(field.annotation, type):
            return None
        if not issubclass(field.annotation, BaseModel):
            return None
        model = field.annotation
    return model


def vault_key_from_env(environ: dict[str, str] | None = None) -> str | None:
    """The knowledge-vault key from ``MIRIX_PY_VAULT_KEY``, if set."""
    env = os.environ if environ is None else environ
    return env.get("MIRIX_PY_VAULT_KEY") or None
