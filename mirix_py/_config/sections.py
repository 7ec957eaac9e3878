"""The config's sections: storage, embeddings, LLM, memory, retrieval, chat,
retention, vault, logging, maintenance and server (see :mod:`mirix_py._config`)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    field_validator,
    model_validator,
)

from mirix_py._memory.base import ALL_MEMORY_TYPES, MemoryType
from mirix_py._memory.registry import load_type_module, specs

FROZEN = ConfigDict(extra="forbid", frozen=True)


class StorageConfig(BaseModel):
    """Where the LanceDB database lives.

    ``uri`` is a local folder or an object-store URI (``s3://bucket/prefix``,
    ``gs://...``, ``az://...``). ``options`` are LanceDB's object-store options
    (``endpoint``, ``region``, ``aws_access_key_id``, ``allow_http``...); LanceDB
    also reads the standard ``AWS_*`` environment variables, which is the better
    place for credentials. Options are never logged or shown in errors.
    ``read_consistency_seconds``: how stale a read may be with respect to writes
    made by *other* processes: ``0`` checks for a newer table version on every
    read (always current; one extra metadata request per read on object
    storage), ``N`` checks at most every N seconds, ``null`` never (fastest, but
    this process never sees other processes' writes).

    ``file_lock`` serialises the writers of a local database across processes
    (ignored on object storage, which has none); turn it off only when every
    writer does (the declared key keeps concurrent upserts free of duplicate
    ids either way). Access counts are written in batches every
    ``access_flush_seconds``, and on maintenance and close. Each batch is an
    UPDATE that moves the rows it touches outside the indexes until the next
    maintenance run (which counts them as writes), so batches are kept rare: a
    crash loses at most that long of access counts (bookkeeping, not memories).
    """

    model_config = FROZEN
    uri: str = "{home}/db"
    read_consistency_seconds: float | None = Field(default=0.0, ge=0)
    file_lock: bool = True
    access_flush_seconds: float = Field(default=60.0, gt=0)
    options: dict[str, str] = Field(default_factory=dict, repr=False)

    @property
    def remote(self) -> bool:
        """True when the database lives on an object store (``scheme://...``)."""
        return "://" in self.uri


class EmbeddingsConfig(BaseModel):
    """Which embedder to use: ``onnx:all-MiniLM-L6-v2`` (default, offline),
    ``torch:all-MiniLM-L6-v2`` (sentence-transformers extra) or any
    ``provider:model`` string understood by ``langchain.embeddings.init_embeddings``."""

    model_config = FROZEN
    provider: str = "onnx:all-MiniLM-L6-v2"
    batch_size: int = Field(default=64, ge=1, le=4096)
    cache_size: int = Field(default=4096, ge=0)


class LLMConfig(BaseModel):
    """The chat model; ``model: null`` means the deterministic offline mode.

    ``base_url`` points an OpenAI-compatible provider at another server (vLLM,
    llama.cpp, a proxy); the provider's own variable (``OPENAI_BASE_URL``) works
    too. ``max_retries`` bounds both the retries of unusable replies and of
    provider faults (timeouts, 429, 5xx, connection errors), the latter with
    exponential backoff from ``retry_backoff_seconds``; then the memory type's
    offline extractor is used and the receipt says so. ``max_concurrency`` caps
    the model calls running at once for one write graph; ``max_tokens`` bounds
    each reply (unset: the provider's default).
    """

    model_config = FROZEN
    model: str | None = None
    base_url: str | None = None
    temperature: float = Field(default=0.0, ge=0.0, le=2.0)
    max_retries: int = Field(default=2, ge=0, le=10)
    retry_backoff_seconds: float = Field(default=1.0, ge=0.0, le=60.0)
    timeout_seconds: float = Field(default=60.0, gt=0)
    max_concurrency: int = Field(default=2, ge=1, le=64)
    max_tokens: int | None = Field(default=None, ge=16)
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

    model_config = FROZEN
    type_modules: tuple[str, ...] = ()
    """Dotted modules of custom memory types (each declares ``SPEC``); loaded first."""
    enabled: tuple[MemoryType, ...] = ALL_MEMORY_TYPES
    core_block_limit: int = Field(default=2000, ge=200, le=100_000)
    agents_dir: str | None = None
    near_duplicate_similarity: float = Field(default=0.92, ge=0.5, le=1.0)

    @field_validator("type_modules", mode="before")
    @classmethod
    def _load_types(cls, value: Any) -> Any:
        # registering them here, before ``enabled`` is validated, lets it name them
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list | tuple):
            for path in value:
                if isinstance(path, str):
                    load_type_module(path)
        return value

    @field_validator("enabled", mode="before")
    @classmethod
    def _check_enabled(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        valid = ", ".join(t.value for t in MemoryType)
        if not isinstance(value, list | tuple):
            raise ValueError(f"must be a list of memory type names; valid choices: {valid}")
        for item in value:
            if not isinstance(item, str) or item not in {t.value for t in MemoryType}:
                raise ValueError(f"unknown memory type {item!r}; valid choices: {valid}")
        if not value:
            raise ValueError(f"enable at least one memory type; valid choices: {valid}")
        return tuple(dict.fromkeys(value))


class RetrievalConfig(BaseModel):
    """Retrieval depths, fusion and the context budget."""

    model_config = FROZEN
    coarse_k: int = Field(default=5, ge=1, le=200)
    fine_k: int = Field(default=20, ge=1, le=500)
    # Episodic and semantic candidates re-ranked per search (see mirix_py._chat.episodes):
    # the read cost is proportional to it, never to the size of a user's history.
    candidate_k: int = Field(default=100, ge=10, le=1000)
    # One extra query per entity a question names (mirix_py._chat.decompose). Off by
    # default: on the LOCOMO dev file it lowered answer coverage from 0.811 to 0.781
    # (its hits crowd the budget); kept for questions that span several entities.
    entity_subqueries: bool = False
    # Leave the phatic sentences of events (greetings, thanks, cheering) out of the
    # context and place wholly phatic turns last (mirix_py._chat.budget).
    condense_context: bool = True
    budget_tokens: int = Field(default=1500, ge=50, le=200_000)
    rrf_k: int = Field(default=20, ge=1, le=1000)
    vector_weight: float = Field(default=1.0, ge=0.0)
    fts_weight: float = Field(default=0.7, ge=0.0)
    mode: Literal["hybrid", "vector", "fts"] = "hybrid"


class ChatConfig(BaseModel):
    """The chat agent's behaviour."""

    model_config = FROZEN
    interactive_update: bool = False  # on: the exchange is written back after answering
    min_evidence_score: float = Field(default=0.35, ge=0.0, le=1.0)
    count_accesses: bool = True
    """On: each memory put in a chat's context counts one access (retention ranks by
    access counts). Off: chats read without writing anything — for audits and
    measurements that must leave the folder exactly as they found it."""
    freeze_gc: bool = True
    """After start-up, move the objects alive then out of the garbage collector's
    generations (``gc.freeze``): full collections then walk only newer objects
    (they were the chat's latency spikes). ``false`` leaves the host's collector as is."""


def _custom_type_names() -> set[str]:
    builtin = {t.value for t in ALL_MEMORY_TYPES}
    return {s.name for s in specs() if s.name not in builtin and s.fades}


class RetentionCaps(BaseModel):
    """Per-user caps on *active* records per memory type (``null``: no cap).

    Core memory and the knowledge vault never fade, so they have no cap here;
    core stays bounded by ``memory.core_block_limit`` instead.
    """

    model_config = FROZEN
    episodic: int | None = Field(default=10_000, ge=10)
    semantic: int | None = Field(default=None, ge=10)
    procedural: int | None = Field(default=None, ge=10)
    resource: int | None = Field(default=None, ge=10)
    custom: dict[str, int | None] = Field(default_factory=dict)
    """Caps of custom memory types (``memory.type_modules``) by name; a custom type's
    cap may also be given under its own name, like the built-ins'."""

    @model_validator(mode="before")
    @classmethod
    def _custom_caps(cls, value: Any) -> Any:
        # a registered custom type's name is a key here too; other names stay unknown
        if not isinstance(value, dict):
            return value
        builtin = set(cls.model_fields)
        custom = {k: value[k] for k in value if k not in builtin and k in _custom_type_names()}
        if not custom:
            return value
        rest = {k: v for k, v in value.items() if k not in custom}
        rest["custom"] = {**dict(rest.get("custom") or {}), **custom}
        return rest

    @field_validator("custom")
    @classmethod
    def _check_custom(cls, value: dict[str, int | None]) -> dict[str, int | None]:
        for name, cap in value.items():
            if cap is not None and cap < 10:
                raise ValueError(f"{name} must be null or at least 10, got {cap}")
        return value

    def cap(self, name: str, default: int | None = None) -> int | None:
        """The configured cap of type ``name``; ``default`` (its spec's) when not set."""
        if name in type(self).model_fields and name != "custom":
            value: int | None = getattr(self, name)
            return value
        return self.custom.get(name, default)


class RetentionConfig(BaseModel):
    """Consolidation (reflection, clean-up) and forgetting (archiving) policies.

    A record's retention score is ``importance**importance_weight ×
    recency**recency_weight × (1 + access_count)**access_weight`` with
    ``recency = 0.5 ** (age_days / half_life_days)``. When a user's active
    records of a type exceed its cap, the lowest-scoring ones are archived
    (down to ``cap × (1 - headroom)``) into compact summary records that keep
    their sources; nothing is deleted. ``consolidate_every_n_messages`` runs
    consolidation after that many ingested messages per user (``null``: only
    on demand); ``background`` runs it on a worker thread instead of inline.
    """

    model_config = FROZEN
    caps: RetentionCaps = RetentionCaps()
    half_life_days: float = Field(default=30.0, gt=0)
    importance_weight: float = Field(default=1.0, ge=0.0)
    recency_weight: float = Field(default=1.0, ge=0.0)
    access_weight: float = Field(default=0.5, ge=0.0)
    headroom: float = Field(default=0.1, ge=0.0, lt=1.0)
    archive_group_size: int = Field(default=50, ge=2, le=1000)
    reflect: bool = True
    cleanup: bool = True
    min_sessions: int = Field(default=2, ge=2, le=100)
    reflect_max_episodes: int = Field(default=200, ge=10, le=5000)
    core_high_water: float = Field(default=0.9, gt=0.0, le=1.0)
    core_low_water: float = Field(default=0.7, gt=0.0, le=1.0)
    consolidate_every_n_messages: int | None = Field(default=None, ge=1)
    background: bool = False

    @model_validator(mode="after")
    def _water_marks(self) -> RetentionConfig:
        if self.core_low_water > self.core_high_water:
            raise ValueError("core_low_water must not exceed core_high_water (e.g. 0.7 and 0.9)")
        return self


DEFAULT_KEY_FILE = "{config_dir}/vault.key"
LEGACY_KEY_FILE = "{home}/vault.key"


class VaultConfig(BaseModel):
    """Knowledge-vault encryption key location.

    By default the key lives in the user's config folder (``{config_dir}``:
    ``MIRIX_PY_CONFIG_DIR``, else ``$XDG_CONFIG_HOME/mirix_py``, else
    ``~/.config/mirix_py``), apart from the data, so that a copy of the data
    folder never carries the key that decrypts it. ``MIRIX_PY_VAULT_KEY`` (the
    key itself) or ``MIRIX_PY_VAULT_KEY_FILE`` override it. A key file left in
    the data folder by an earlier version keeps working (with a warning); see
    :func:`mirix_py._vault.key_file_for`.
    """

    model_config = FROZEN
    key_file: str = DEFAULT_KEY_FILE


class LoggingConfig(BaseModel):
    """Log level and format (``console`` or ``json``)."""

    model_config = FROZEN
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "WARNING"
    format: Literal["console", "json"] = "console"

    @field_validator("level", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value


MIN_API_KEY_CHARS = 16


class ApiKeyScope(BaseModel):
    """One API key and what it may act for: the listed ``users`` and every user id
    under ``tenant_prefix`` — the prefix, the separator ``:`` and more (``acme``
    or ``acme:`` covers ``acme:ann``, never ``acmecorp:ann``). The key is a
    ``SecretStr`` (never shown)."""

    model_config = FROZEN
    key: SecretStr
    users: tuple[str, ...] = ()
    tenant_prefix: str | None = Field(default=None, min_length=1, max_length=256)

    @field_validator("key")
    @classmethod
    def _long_enough(cls, value: SecretStr) -> SecretStr:
        if len(value.get_secret_value().strip()) < MIN_API_KEY_CHARS:
            raise ValueError(
                f"an API key is shorter than {MIN_API_KEY_CHARS} characters; use a long random "
                "key, e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))'"
            )
        return value

    @field_validator("users", mode="before")
    @classmethod
    def _users(cls, value: Any) -> Any:
        from mirix_py._ids import validate_user_id

        if isinstance(value, str):
            value = [value]
        if isinstance(value, list | tuple):
            for item in value:
                validate_user_id(item, field="api key user id")
        return value

    @model_validator(mode="after")
    def _not_empty(self) -> ApiKeyScope:
        if not self.users and not self.tenant_prefix:
            raise ValueError("an API key must name the users it acts for or a tenant_prefix")
        return self


class MaintenanceConfig(BaseModel):
    """The maintenance step: compaction, index upkeep, version clean-up, ANN index, purges.

    ``background``: run it on a worker thread (``None``: on in ``mirix-py
    serve``; in the library once ``every_n_writes`` rows were written or a
    forget queues a purge, so that adds stay cheap and purge deadlines hold;
    ``false``: only ``maintain()`` runs it). ``every_n_writes`` rows
    written, or ``every_n_commits`` write operations (each leaves a small
    fragment and rows outside the indexes, however few rows it wrote), trigger a
    run; ``interval_seconds`` is how often the worker checks.
    ``retention_seconds`` is how long old table versions are kept for
    concurrent readers (0 only for single-process tests). A forgotten memory's
    bytes leave the disk within ``purge_delay_seconds``, or at once with
    ``purge=True``. A vector ANN index is built once a table holds
    ``ann_min_rows`` rows *and* one owner holds at least 20,000 of them
    (``mirix_py._store.ann.ANN_MIN_OWNER_ROWS``): search goes through the index
    only for such owners (a prefiltered flat search reads only a smaller owner's
    vectors, and is faster), so a table of many small owners gets no index that
    every write and purge would keep up to date for nothing, and an index is
    dropped once no owner holds 80% of that any longer. It is used only if its
    recall@10 against flat search, on ``ann_sample_queries`` of those owners'
    own vectors with the owner's prefilter, reaches ``ann_min_recall``.
    Maintenance keeps data fragments at most ``fragment_rows`` rows and
    full-text and scalar indexes in segments of about ``index_segment_rows``
    rows, so that a purge rewrites one
    fragment and the index segments over it, never a whole table. The history
    table's fragments are kept smaller (``history_fragment_rows``): only indexed
    lookups read it, and a forget purges one of its fragments too.
    """

    model_config = FROZEN
    background: bool | None = None
    every_n_writes: int = Field(default=2000, ge=1)
    every_n_commits: int = Field(default=50, ge=1)
    interval_seconds: float = Field(default=15.0, gt=0)
    retention_seconds: float = Field(default=120.0, ge=0)
    purge_delay_seconds: float = Field(default=600.0, ge=0)
    ann_min_rows: int = Field(default=50_000, ge=256)
    ann_index: Literal["IVF_PQ", "IVF_HNSW_SQ"] = "IVF_PQ"
    ann_min_recall: float = Field(default=0.95, gt=0.0, le=1.0)
    ann_sample_queries: int = Field(default=50, ge=5, le=1000)
    max_retries: int = Field(default=6, ge=0, le=20)
    fragment_rows: int = Field(default=8_192, ge=64)
    history_fragment_rows: int = Field(default=1_024, ge=64)
    index_segment_rows: int = Field(default=16_384, ge=64)

    @model_validator(mode="after")
    def _window(self) -> MaintenanceConfig:
        if self.retention_seconds > self.purge_delay_seconds:
            raise ValueError(
                "maintenance.retention_seconds must not exceed purge_delay_seconds "
                "(old versions hold forgotten bytes until they are cleaned up)"
            )
        return self


class ServerConfig(BaseModel):
    """``mirix-py serve`` and ``mirix-py mcp``: bind address, port and API keys.

    ``api_keys`` maps each key to what it may act for (a list of user ids, or
    ``{users: [...], tenant_prefix: "acme:"}``); it is stored as
    :class:`ApiKeyScope` entries so that no key appears in errors, logs or ``repr``.
    With no key configured the server runs in loopback-only development mode.
    ``allowed_hosts`` lists the ``Host`` names the server answers to (against DNS
    rebinding; ``*.example.com`` for subdomains, ``*`` for any); empty means
    loopback names in development mode and any name with API keys.
    """

    model_config = FROZEN
    host: str = "127.0.0.1"
    port: int = Field(default=8765, ge=0, le=65535)
    api_keys: tuple[ApiKeyScope, ...] = ()
    allowed_hosts: tuple[str, ...] = ()

    @field_validator("allowed_hosts", mode="before")
    @classmethod
    def _hosts(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.split(",")
        if isinstance(value, list | tuple):
            return tuple(h.strip().lower() for h in value if isinstance(h, str) and h.strip())
        return value

    @field_validator("api_keys", mode="before")
    @classmethod
    def _from_mapping(cls, value: Any) -> Any:
        # Never raise here: a pydantic error would echo this input (the raw keys).
        if isinstance(value, tuple) or value is None:
            return value or ()
        if not isinstance(value, dict):
            return None  # fails as "not a valid tuple" without echoing the value
        entries = []
        for key, scope in value.items():
            if isinstance(scope, dict):
                entry = {k: v for k, v in scope.items() if k != "key"}
            else:
                entry = {"users": scope}
            entries.append({**entry, "key": SecretStr(str(key))})
        return tuple(entries)
