"""The exceptions mirix-py raises.

Every error the library raises on purpose derives from :class:`MirixError`,
so one ``except MirixError`` catches them all::

    MirixError
    ├── ConfigError          a config file, override or environment value is wrong
    ├── InvalidArgument      a caller passed a bad argument (also a ``ValueError``)
    ├── StorageError         the database could not be read or written
    │   └── NothingStored    ``add()`` could not store anything (REST 503)
    ├── RecordNotFound       no memory with that id for that user (also a ``KeyError``)
    ├── AccessDenied         the caller may not touch that memory or user
    │   └── Unauthenticated  no API key, or an unknown one (REST 401)
    ├── MemoryTypeDisabled   the memory type is not enabled in the config
    ├── ExtractionError      an extractor or model produced unusable output
    │   ├── ModelUnavailable the model could not be reached within the retries
    │   └── ToolCallsInvalid the model's tool calls could not be used
    └── VaultError           the knowledge vault key is missing or wrong

Messages say what was wrong and how to fix it. Messages of caller errors
(validation, not found, access, disabled type) may be shown to any client; for
the others (storage, vault, extraction, config) clients get only a stable code
and :func:`public_message`, while the details go to the log at debug level,
scrubbed of secrets (:func:`describe_failure`). Validation messages never echo
the rejected input (:func:`validation_summary`).

``ValidationError`` is a deprecated alias of :class:`InvalidArgument` (the old
name shadowed pydantic's ``ValidationError``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import ValidationError as PydanticValidationError


class MirixError(Exception):
    """Root of every error raised by mirix-py."""


class ConfigError(MirixError):
    """A configuration value is invalid; the message names the key and the fix."""


class InvalidArgument(MirixError, ValueError):
    """An argument passed to the API is invalid; the message names the field."""


ValidationError = InvalidArgument
"""Deprecated alias of :class:`InvalidArgument` (it shadowed pydantic's name)."""


class StorageError(MirixError):
    """The storage backend failed to read or write."""


class NothingStored(StorageError):
    """A write stored nothing at all (every step failed); its message is safe to show."""


class RecordNotFound(MirixError, KeyError):
    """No memory with the given id exists for the given user."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else "record not found"


class AccessDenied(MirixError):
    """The caller is not allowed to act on the requested user's data."""


class Unauthenticated(AccessDenied):
    """No API key, or an unknown one, was presented (HTTP 401)."""


class MemoryTypeDisabled(MirixError):
    """The requested memory type is not enabled in the configuration."""


class ExtractionError(MirixError):
    """A memory extractor (offline or model-driven) produced unusable output."""


class ModelUnavailable(ExtractionError):
    """The chat model could not be reached within the retry bound (timeouts, rate
    limits, server or connection errors); the offline path is used instead."""


@dataclass(frozen=True)
class ToolError:
    """One invalid tool call and why."""

    call_id: str | None
    message: str


class ToolCallsInvalid(ExtractionError):
    """The model's tool calls could not be used; ``errors`` says which and why."""

    def __init__(self, errors: Sequence[ToolError]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(e.message for e in self.errors))


class VaultError(MirixError):
    """The knowledge-vault encryption key is missing, unreadable or wrong."""


# --------------------------------------------------------------------------
# What a client may see of an error, and what goes to the log.
# --------------------------------------------------------------------------

_HTTP: tuple[tuple[type[MirixError], int, str], ...] = (
    (Unauthenticated, 401, "unauthorized"),
    (AccessDenied, 403, "forbidden"),
    (RecordNotFound, 404, "not_found"),
    (MemoryTypeDisabled, 422, "memory_type_disabled"),
    (InvalidArgument, 422, "validation_error"),
    (StorageError, 503, "storage_error"),
    (VaultError, 500, "vault_error"),
    (ExtractionError, 500, "extraction_error"),
    (ConfigError, 500, "config_error"),
)


def classify_error(exc: MirixError) -> tuple[int, str]:
    """The HTTP status and stable error code of a library error (REST API and UI)."""
    for cls, status, code in _HTTP:
        if isinstance(exc, cls):
            return status, code
    return 500, "internal_error"


# --------------------------------------------------------------------------
# --------------------------------------------------------------------------

_SAFE: tuple[tuple[type[BaseException], str, str], ...] = (
    (TimeoutError, "timeout", "the step timed out"),  # before OSError, its base class
    (NothingStored, "storage_error", "nothing was stored: the database is unavailable"),
    (StorageError, "storage_error", "the database could not be read or written"),
    (OSError, "storage_error", "the database could not be read or written"),
    (VaultError, "vault_error", "the knowledge-vault key is missing or wrong"),
    (ModelUnavailable, "model_unavailable", "the model could not be reached (retries spent)"),
    (ExtractionError, "extraction_error", "the model's output could not be used"),
    (MemoryTypeDisabled, "memory_type_disabled", "a memory type is disabled"),
    (InvalidArgument, "validation_error", "a value did not pass validation"),
    (ValueError, "validation_error", "a value did not pass validation"),
    (ConfigError, "config_error", "the configuration is invalid"),
)
_DEFAULT_MESSAGES = {
    "model_error": "the model call failed",
    "internal_error": "an unexpected error occurred",
    "storage_error": "the database could not be read or written",
}
_CLIENT_ERRORS = (InvalidArgument, RecordNotFound, AccessDenied, MemoryTypeDisabled, NothingStored)
MAX_DETAIL_CHARS = 2000


@dataclass(frozen=True)
class SafeFailure:
    """A failure as clients see it: a stable ``code`` and a short ``message``."""

    code: str
    message: str


def describe_failure(exc: BaseException, *, default_code: str = "internal_error") -> SafeFailure:
    """The stable code and safe message for ``exc`` (never its text).

    ``default_code`` names failures no class rule covers (``model_error`` for a
    model call, ``storage_error`` for a database step, ``internal_error``).
    """
    for cls, code, message in _SAFE:
        if isinstance(exc, cls):
            return SafeFailure(code, message)
    return SafeFailure(default_code, _DEFAULT_MESSAGES.get(default_code, "the step failed"))


def failure_line(step: str, exc: BaseException, *, default_code: str = "internal_error") -> str:
    """``"<step>: <code>: <safe message>"`` for a report a user or model may read;
    the exception's own text is never in it (log that with
    :func:`mirix_py._log_scrub.scrub_detail`)."""
    safe = describe_failure(exc, default_code=default_code)
    return f"{step}: {safe.code}: {safe.message}"


def public_message(exc: MirixError) -> str:
    """What a client (REST, browser, MCP) may read of a library error."""
    if isinstance(exc, _CLIENT_ERRORS):
        return str(exc)
    return describe_failure(exc).message


def validation_summary(exc: PydanticValidationError, *, limit: int = 3) -> str:
    """``field: problem`` for the first errors of ``exc``, never the rejected input."""
    parts = []
    for err in exc.errors()[:limit]:
        where = ".".join(str(p) for p in err.get("loc", ())) or "value"
        msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        parts.append(f"{where}: {msg[:200]}")
    more = len(exc.errors()) - limit
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")


def describe_invalid(
    exc: Any, *, what: str = "", secret_fields: frozenset[str] = frozenset()
) -> str:
    """One readable line per problem in a pydantic ``ValidationError``: the field,
    the bad value when it is a number, a boolean or null (text and lists are
    never echoed, only their type and length: they may hold secrets or a whole
    message; ``secret_fields`` never show anything) and what is expected.

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
        elif value is None or isinstance(value, bool | int | float):
            lines.append(f"{key} = {value!r:.100}: {msg}")
        else:  # text may hold anything (a secret, a whole message): never echoed
            size = f", {len(value)} characters" if isinstance(value, str | list) else ""
            lines.append(f"{key} (got a {type(value).__name__}{size}): {msg}")
    return "; ".join(lines) or f"{what or 'value'}: invalid"


__all__ = [
    "AccessDenied",
    "ConfigError",
    "ExtractionError",
    "InvalidArgument",
    "MemoryTypeDisabled",
    "MirixError",
    "ModelUnavailable",
    "NothingStored",
    "RecordNotFound",
    "SafeFailure",
    "StorageError",
    "ToolCallsInvalid",
    "ToolError",
    "Unauthenticated",
    "ValidationError",
    "VaultError",
    "classify_error",
    "describe_failure",
    "describe_invalid",
    "public_message",
    "validation_summary",
]
