"""Configuration: one frozen pydantic model with nested sections, loaded from YAML.

Load with :func:`load_config` (a name from the shipped ``configs/`` folder such as
``"default"`` or ``"minimal"``, or a path to a YAML file). The sections are in
``sections.py``, the whole model in ``model.py``, loading and its errors in
``loading.py``. Only this package reads the environment:

=========================  ======================================================
``MIRIX_PY_HOME``          data folder (default ``~/.mirix_py``); ``{home}`` in
                           ``storage.uri`` and ``vault.key_file`` expands to it
``MIRIX_PY_CONFIG_DIR``    the user's config folder, where the vault key lives
                           by default (else ``$XDG_CONFIG_HOME/mirix_py``, else
                           ``~/.config/mirix_py``); ``{config_dir}`` expands to it
``MIRIX_PY_VAULT_KEY_FILE`` overrides ``vault.key_file``
``MIRIX_PY_CONFIG``        config name or path used when none is passed
``MIRIX_PY_DB_URI``        overrides ``storage.uri``
``MIRIX_PY_LLM_MODEL``     overrides ``llm.model`` (``provider:model``; ``offline``
                           or empty for the offline mode)
``MIRIX_PY_EMBEDDINGS``    overrides ``embeddings.provider``
``MIRIX_PY_LOG_LEVEL``     overrides ``logging.level``
``MIRIX_PY_VAULT_KEY``     knowledge-vault key (Fernet, urlsafe base64); read by
                           :func:`vault_key_from_env`. During a key rotation it
                           may hold ``new,old``: the first key encrypts, all
                           of them decrypt
``MIRIX_PY_ALLOWED_HOSTS`` ``server.allowed_hosts``: comma-separated Host names
                           ``serve`` answers to (default: loopback names in
                           development mode, any name with API keys)
``MIRIX_PY_API_KEYS``      API keys for ``mirix-py serve`` / ``mirix-py mcp``,
                           added to ``server.api_keys``: JSON
                           (``{"KEY": {"users": ["alice"]}}``) or the short form
                           ``KEY=alice,bob;KEY2=acme:*`` (the user ids a key may
                           act for; one id ending in ``*`` is a tenant prefix,
                           matched up to the ``:`` separator: ``acme:*`` or
                           ``acme*`` covers ``acme:ann``, not ``acmecorp:x``).
                           Keys never appear in errors, logs or ``repr``
=========================  ======================================================
"""

from __future__ import annotations

from mirix_py._config.loading import (
    config_from_dict,
    load_config,
    parse_api_keys,
    resolve_config_path,
    vault_key_from_env,
)
from mirix_py._config.model import MirixConfig
from mirix_py._config.sections import (
    DEFAULT_KEY_FILE,
    LEGACY_KEY_FILE,
    MIN_API_KEY_CHARS,
    ApiKeyScope,
    ChatConfig,
    EmbeddingsConfig,
    LLMConfig,
    LoggingConfig,
    MaintenanceConfig,
    MemoryConfig,
    RetentionCaps,
    RetentionConfig,
    RetrievalConfig,
    ServerConfig,
    StorageConfig,
    VaultConfig,
)
from mirix_py.errors import ConfigError

__all__ = [
    "DEFAULT_KEY_FILE",
    "LEGACY_KEY_FILE",
    "MIN_API_KEY_CHARS",
    "ApiKeyScope",
    "ChatConfig",
    "ConfigError",
    "EmbeddingsConfig",
    "LLMConfig",
    "LoggingConfig",
    "MaintenanceConfig",
    "MemoryConfig",
    "MirixConfig",
    "RetentionCaps",
    "RetentionConfig",
    "RetrievalConfig",
    "ServerConfig",
    "StorageConfig",
    "VaultConfig",
    "config_from_dict",
    "load_config",
    "parse_api_keys",
    "resolve_config_path",
    "vault_key_from_env",
]
