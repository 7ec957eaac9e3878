"""The whole config: :class:`MirixConfig`, one frozen model of the sections."""

from __future__ import annotations

from pathlib import Path

from pydantic import (
    BaseModel,
    model_validator,
)

from mirix_py._config.sections import (
    FROZEN,
    ChatConfig,
    EmbeddingsConfig,
    LLMConfig,
    LoggingConfig,
    MaintenanceConfig,
    MemoryConfig,
    RetentionConfig,
    RetrievalConfig,
    ServerConfig,
    StorageConfig,
    VaultConfig,
)
from mirix_py._memory.base import MemoryType
from mirix_py._resources import data_dir


def expand_user(value: str, *, key: str) -> str:
    try:
        return str(Path(value).expanduser())
    except RuntimeError:  # "~someone" for a user that does not exist
        raise ValueError(f"{key} {value!r}: cannot expand '~'; use an absolute path") from None


def expand_home(value: str, home: str) -> str:
    if "://" in value:
        return value.replace("{home}", home)
    return expand_user(value.replace("{home}", home), key="path")


class MirixConfig(BaseModel):
    """The whole configuration of a :class:`~mirix_py.MemorySystem`."""

    model_config = FROZEN
    home: str = "~/.mirix_py"
    config_dir: str = "~/.config/mirix_py"
    storage: StorageConfig = StorageConfig()
    embeddings: EmbeddingsConfig = EmbeddingsConfig()
    llm: LLMConfig = LLMConfig()
    memory: MemoryConfig = MemoryConfig()
    retrieval: RetrievalConfig = RetrievalConfig()
    chat: ChatConfig = ChatConfig()
    retention: RetentionConfig = RetentionConfig()
    vault: VaultConfig = VaultConfig()
    logging: LoggingConfig = LoggingConfig()
    server: ServerConfig = ServerConfig()
    maintenance: MaintenanceConfig = MaintenanceConfig()

    @model_validator(mode="after")
    def _expand_home(self) -> MirixConfig:
        for key, value in (
            ("home", self.home),
            ("storage.uri", self.storage.uri),
            ("vault.key_file", self.vault.key_file),
            ("config_dir", self.config_dir),
        ):
            if "\x00" in value:
                raise ValueError(f"{key} contains a NUL character")
        home = expand_user(self.home, key="home")
        object.__setattr__(self, "home", home)
        config_dir = expand_user(self.config_dir.replace("{home}", home), key="config_dir")
        object.__setattr__(self, "config_dir", config_dir)
        object.__setattr__(
            self,
            "storage",
            self.storage.model_copy(update={"uri": expand_home(self.storage.uri, home)}),
        )
        object.__setattr__(
            self,
            "vault",
            self.vault.model_copy(
                update={
                    "key_file": expand_home(
                        self.vault.key_file.replace("{config_dir}", config_dir), home
                    )
                }
            ),
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
