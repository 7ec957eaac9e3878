"""The curated public surface is pinned."""

import mirix_py


def test_public_names_are_pinned() -> None:
    assert sorted(mirix_py.__all__) == sorted(
        [
            "AccessDenied",
            "Answer",
            "ConfigError",
            "CoreMemory",
            "DeleteReceipt",
            "EpisodicMemory",
            "ExtractionError",
            "HistoryEvent",
            "KnowledgeVaultMemory",
            "MemoryRecord",
            "MemorySystem",
            "MemoryType",
            "MemoryTypeDisabled",
            "Message",
            "MirixConfig",
            "MirixError",
            "ProceduralMemory",
            "RecordNotFound",
            "ResourceMemory",
            "ScoredRecord",
            "SemanticMemory",
            "StorageError",
            "ValidationError",
            "VaultError",
            "WriteReceipt",
            "__version__",
            "load_config",
        ]
    )
    for name in mirix_py.__all__:
        assert hasattr(mirix_py, name)


def test_every_error_derives_from_the_root() -> None:
    for name in (
        "AccessDenied",
        "ConfigError",
        "ExtractionError",
        "MemoryTypeDisabled",
        "RecordNotFound",
        "StorageError",
        "ValidationError",
        "VaultError",
    ):
        assert issubclass(getattr(mirix_py, name), mirix_py.MirixError)
