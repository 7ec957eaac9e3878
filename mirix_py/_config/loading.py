"""Loading the config: YAML files, the environment, overrides, clear errors."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import (
    BaseModel,
)
from pydantic import ValidationError as PydanticValidationError

from mirix_py._config.model import MirixConfig
from mirix_py._resources import data_dir
from mirix_py.errors import ConfigError


def _env_overrides(environ: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if environ.get("MIRIX_PY_HOME"):
        out["home"] = environ["MIRIX_PY_HOME"]
    config_dir = _config_dir_from(environ)
    if config_dir:
        out["config_dir"] = config_dir
    if environ.get("MIRIX_PY_VAULT_KEY_FILE"):
        out.setdefault("vault", {})["key_file"] = environ["MIRIX_PY_VAULT_KEY_FILE"]
    if environ.get("MIRIX_PY_DB_URI"):
        out.setdefault("storage", {})["uri"] = environ["MIRIX_PY_DB_URI"]
    if "MIRIX_PY_LLM_MODEL" in environ:
        out.setdefault("llm", {})["model"] = environ["MIRIX_PY_LLM_MODEL"]
    if environ.get("MIRIX_PY_EMBEDDINGS"):
        out.setdefault("embeddings", {})["provider"] = environ["MIRIX_PY_EMBEDDINGS"]
    if environ.get("MIRIX_PY_LOG_LEVEL"):
        out.setdefault("logging", {})["level"] = environ["MIRIX_PY_LOG_LEVEL"]
    if environ.get("MIRIX_PY_ALLOWED_HOSTS"):
        out.setdefault("server", {})["allowed_hosts"] = environ["MIRIX_PY_ALLOWED_HOSTS"]
    if environ.get("MIRIX_PY_API_KEYS"):
        out.setdefault("server", {})["api_keys"] = parse_api_keys(environ["MIRIX_PY_API_KEYS"])
    return out


def _config_dir_from(environ: dict[str, str]) -> str | None:
    """The user's config folder for mirix-py from the environment, if it says."""
    if environ.get("MIRIX_PY_CONFIG_DIR"):
        return environ["MIRIX_PY_CONFIG_DIR"]
    if environ.get("XDG_CONFIG_HOME"):
        return str(Path(environ["XDG_CONFIG_HOME"]) / "mirix_py")
    if os.name == "nt" and environ.get("APPDATA"):
        return str(Path(environ["APPDATA"]) / "mirix_py")
    return None


def parse_api_keys(text: str) -> dict[str, Any]:
    """Parse ``MIRIX_PY_API_KEYS`` (a JSON mapping, or ``KEY=alice,bob;KEY2=acme:*``).

    Errors name the entry's position, never the key.
    """
    import json

    text = text.strip()
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            raise ConfigError("MIRIX_PY_API_KEYS is not valid JSON") from None
        if not isinstance(data, dict):
            raise ConfigError("MIRIX_PY_API_KEYS JSON must be an object of key -> scope")
        return data
    out: dict[str, Any] = {}
    for index, part in enumerate(p for p in text.split(";") if p.strip()):
        key, sep, scope = part.partition("=")
        names = [n.strip() for n in scope.split(",") if n.strip()]
        if not sep or not key.strip() or not names:
            raise ConfigError(
                f"MIRIX_PY_API_KEYS entry {index + 1}: expected KEY=user1,user2 or KEY=prefix*"
            )
        prefixes = [n[:-1] for n in names if n.endswith("*")]
        if len(prefixes) > 1 or any(not p for p in prefixes):
            raise ConfigError(
                f"MIRIX_PY_API_KEYS entry {index + 1}: at most one non-empty tenant prefix"
            )
        entry: dict[str, Any] = {"users": [n for n in names if not n.endswith("*")]}
        if prefixes:
            entry["tenant_prefix"] = prefixes[0]
        out[key.strip()] = entry
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
    shipped = data_dir("configs")
    try:
        candidate = Path(name_or_path).expanduser()
        if candidate.is_file():
            return candidate
        stem = str(name_or_path).removesuffix(".yaml").removesuffix(".yml")
        named = shipped / f"{stem}.yaml"
        if named.is_file():
            return named
    except (TypeError, ValueError, RuntimeError, OSError) as exc:
        raise ConfigError(
            f"config {name_or_path!r:.200} is not a usable name or path: {exc}"
        ) from None
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
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config: {exc.strerror or exc}") from None
    try:
        raw = yaml.safe_load(text) or {}
    except (yaml.YAMLError, RecursionError) as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of sections")
    env_values = _env_overrides(env)
    data = _deep_merge(_deep_merge(raw, env_values), overrides)
    from_env = {k: v for k, v in _ENV_KEYS.items() if _has_path(env_values, k)}
    return config_from_dict(data, source=str(path), from_env=from_env)


def config_from_dict(
    data: dict[str, Any], *, source: str = "<dict>", from_env: dict[str, str] | None = None
) -> MirixConfig:
    """Validate a config mapping, turning pydantic errors into :class:`ConfigError`.

    ``from_env`` maps dotted keys that an environment variable set to that
    variable's name, so an error there blames the variable, not the file.
    """
    try:
        return MirixConfig.model_validate(data)
    except PydanticValidationError as exc:
        raise ConfigError(_describe(exc, source, from_env or {})) from None


# dotted config key -> the environment variable that overrides it
_ENV_KEYS: dict[str, str] = {
    "home": "MIRIX_PY_HOME",
    "storage.uri": "MIRIX_PY_DB_URI",
    "llm.model": "MIRIX_PY_LLM_MODEL",
    "embeddings.provider": "MIRIX_PY_EMBEDDINGS",
    "logging.level": "MIRIX_PY_LOG_LEVEL",
    "server.api_keys": "MIRIX_PY_API_KEYS",
}
_SECRET_ENV = frozenset({"MIRIX_PY_API_KEYS"})


def _has_path(data: dict[str, Any], dotted: str) -> bool:
    node: Any = data
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def _env_blame(key: str, from_env: dict[str, str]) -> str | None:
    for prefix, var in from_env.items():
        if key == prefix or key.startswith(prefix + "."):
            return var
    return None


def _describe(exc: PydanticValidationError, source: str, from_env: dict[str, str]) -> str:
    errors = exc.errors()
    keys = [".".join(str(p) for p in err["loc"]) for err in errors]
    blamed = [_env_blame(k, from_env) for k in keys]
    if all(blamed):
        lines = ["invalid configuration from the environment:"]
    elif any(blamed):
        lines = [f"invalid configuration (from {source} and the environment):"]
    else:
        lines = [f"invalid configuration in {source}:"]
    for err, key, var in zip(errors, keys, blamed, strict=True):
        value = err.get("input")
        if var is not None:
            msg = err["msg"].removeprefix("Value error, ")
            shown = "" if var in _SECRET_ENV else f" = {value!r:.200}"
            lines.append(
                f"  environment variable {var}{shown} (sets {key}): {msg}; fix or unset {var}"
            )
            continue
        if err["type"] == "extra_forbidden":
            parent = _section_model(err["loc"][:-1])
            valid = ", ".join(parent.model_fields) if parent else "?"
            lines.append(f"  {key}: unknown key; valid keys here: {valid}")
            continue
        msg = err["msg"].removeprefix("Value error, ")
        if not err["loc"]:  # a check across sections: the message names the key
            lines.append(f"  {msg}")
            continue
        lines.append(f"  {key} = {value!r:.200}: {msg}")
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
