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
]
