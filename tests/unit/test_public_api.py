"""The curated public surface is pinned."""

import pydantic
import pytest

import mirix_py
from mirix_py import errors


def test_public_names_are_pinned() -> None:
    assert sorted(mirix_py.__all__) == sorted(
        [
            "AccessDenied",
            "Answer",
            "Citation",
            "ConfigError",
            "ConsolidationAction",
            "ConsolidationReport",
            "CoreMemory",
            "DeleteReceipt",
            "EpisodicMemory",
            "ExtractionError",
            "HistoryEvent",
            "InvalidArgument",
            "KnowledgeVaultMemory",
            "Latency",
            "MemoryExplanation",
            "MemoryRecord",
            "MemoryStore",
            "MemorySystem",
            "MemoryType",
            "MemoryTypeDisabled",
            "MemoryTypeSpec",
            "Message",
            "MirixConfig",
            "MirixError",
            "ModelUnavailable",
            "NothingStored",
            "ProceduralMemory",
            "RecordNotFound",
            "ResourceMemory",
            "RetentionScore",
            "RetrievalTrace",
            "RetrievedMemory",
            "ScoreBreakdown",
            "ScoreParts",
            "ScoredRecord",
            "SearchQuery",
            "SemanticMemory",
            "StorageError",
            "ToolCallsInvalid",
            "Unauthenticated",
            "VaultError",
            "WriteReceipt",
            "__version__",
            "load_config",
            "InMemoryStore",
            "LanceDBStore",
            "MirixStore",
            "build_chat_graph",
            "build_consolidation_graph",
            "build_write_graph",
            "create_app",
            "memory_tools",
        ]
    )
    for name in mirix_py.__all__:
        assert hasattr(mirix_py, name)


def test_answer_parts_are_exported() -> None:
    """What ``chat`` returns can be named without reaching into internal modules."""
    for name, field in mirix_py.Answer.model_fields.items():
        annotation = getattr(field.annotation, "__args__", (field.annotation,))
        for part in annotation:
            if isinstance(part, type) and issubclass(part, pydantic.BaseModel):
                assert getattr(mirix_py, part.__name__) is part, name


def test_every_error_derives_from_the_root_and_lives_in_errors() -> None:
    names = [n for n in errors.__all__ if isinstance(getattr(errors, n), type)]
    raised = [n for n in names if issubclass(getattr(errors, n), BaseException)]
    assert {"Unauthenticated", "ToolCallsInvalid", "InvalidArgument"} <= set(raised)
    for name in raised:
        assert issubclass(getattr(errors, name), mirix_py.MirixError), name
    for name in mirix_py.__all__:
        value = getattr(mirix_py, name)
        if isinstance(value, type) and issubclass(value, BaseException):
            assert value.__module__ == "mirix_py.errors", name


def test_the_old_validation_error_name_is_a_deprecated_alias() -> None:
    assert mirix_py.InvalidArgument is not pydantic.ValidationError
    with pytest.warns(DeprecationWarning, match="use mirix_py.InvalidArgument"):
        old = mirix_py.ValidationError
    assert old is mirix_py.InvalidArgument
    assert errors.ValidationError is errors.InvalidArgument
