"""The exceptions mirix-py raises.

Every error the library raises on purpose derives from :class:`MirixError`,
so one ``except MirixError`` catches them all::

    MirixError
    ├── ConfigError          a config file, override or environment value is wrong
    ├── ValidationError      a caller passed a bad argument (also a ``ValueError``)
    ├── StorageError         the database could not be read or written
    ├── RecordNotFound       no memory with that id for that user (also a ``KeyError``)
    ├── AccessDenied         the caller may not touch that memory or user
    ├── MemoryTypeDisabled   the memory type is not enabled in the config
    ├── ExtractionError      an extractor or model produced unusable output
    └── VaultError           the knowledge vault key is missing or wrong

Messages say what was wrong and how to fix it.
"""

from __future__ import annotations

from typing import Any


class MirixError(Exception):
    """Root of every error raised by mirix-py."""


class ConfigError(MirixError):
    """A configuration value is invalid; the message names the key and the fix."""


class ValidationError(MirixError, ValueError):
    """An argument passed to the API is invalid; the message names the field."""


class StorageError(MirixError):
    """The storage backend failed to read or write."""


class RecordNotFound(MirixError, KeyError):
    """No memory with the given id exists for the given user."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else "record not found"


class AccessDenied(MirixError):
    """The caller is not allowed to act on the requested user's data."""


class MemoryTypeDisabled(MirixError):
    """The requested memory type is not enabled in the configuration."""


class ExtractionError(MirixError):
    """A memory extractor (offline or model-driven) produced unusable output."""


class VaultError(MirixError):
    """The knowledge-vault encryption key is missing, unreadable or wrong."""


def describe_invalid(
    exc: Any, *, what: str = "", secret_fields: frozenset[str] = frozenset()
) -> str:
    """One readable line per problem in a pydantic ``ValidationError``: the field,
    the bad value (never for ``secret_fields``) and what is expected.

    ``what`` prefixes the field names (``"search"`` gives ``search.limit``).
    Used wherever a pydantic error would otherwise reach a user as a raw dump.
    """
    if not callable(getattr(exc, "errors", None)):
        return f"{what}: {exc}" if what else str(exc)
    lines: list[str] = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        key = ".".join([what, *loc] if what else loc) or what or "value"
        msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        value = err.get("input")
        if err.get("type") == "missing":
            lines.append(f"{key}: required; give a value")
        elif set(loc) & secret_fields or isinstance(value, dict):
            lines.append(f"{key}: {msg}")
        else:
            lines.append(f"{key} = {value!r:.100}: {msg}")
    return "; ".join(lines) or f"{what or 'value'}: invalid"


__all__ = [
    "AccessDenied",
    "ConfigError",
    "ExtractionError",
    "MemoryTypeDisabled",
    "MirixError",
    "RecordNotFound",
    "StorageError",
    "ValidationError",
    "VaultError",
    "describe_invalid",
]
