"""API keys and tenancy for the REST API, the memory browser and the MCP server.

Each configured key (``server.api_keys`` or ``MIRIX_PY_API_KEYS``) is bound to a
:class:`Scope`: the user ids it may act for, and/or a tenant prefix. Every
endpoint calls :meth:`Scope.authorize` with the user id it is about to touch,
so a key can never read or write another user's memories.

With no key configured the server runs in **development mode**: any user id is
allowed, but only from loopback clients, and the process refuses to bind a
non-loopback address (:func:`check_bind_host`).

Keys are compared by SHA-256 digest with :func:`hmac.compare_digest`; the raw
key is never logged or echoed. A key's ``key_id`` (the first 8 hex digits of
its digest) names it in logs.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from mirix_py._config import ApiKeyScope, ServerConfig
from mirix_py._ids import validate_user_id
from mirix_py.errors import AccessDenied, ConfigError, Unauthenticated

DEV_MODE_BANNER = """\
************************************************************************
*  mirix-py: DEVELOPMENT MODE - no API key is configured.             *
*  Any user's memories can be read and changed without a key, so the  *
*  server accepts loopback clients only (127.0.0.1 / ::1).            *
*  Set server.api_keys in the config or MIRIX_PY_API_KEYS to serve.   *
************************************************************************"""


TENANT_SEPARATOR = ":"
"""Separates a tenant prefix from the rest of a user id: the prefix ``acme`` (or
``acme:``) authorises ``acme:ann`` and ``acme:team:bob``, never ``acmecorp:ann``."""


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8")).digest()


@dataclass(frozen=True)
class Scope:
    """What one caller may act for.

    ``any_user`` is only true in development mode (or ``mcp --any-user``). Otherwise
    a user id is allowed when it is in ``users`` or lies under ``tenant_prefix``:
    it starts with the prefix followed by :data:`TENANT_SEPARATOR` (``:``) and
    something after it.
    """

    key_id: str
    users: frozenset[str] = frozenset()
    tenant_prefix: str | None = None
    any_user: bool = False

    def allows(self, user_id: str) -> bool:
        """True when this scope may act for ``user_id``."""
        if self.any_user:
            return True
        if user_id in self.users:
            return True
        return tenant_of(user_id, self.tenant_prefix)

    def authorize(self, user_id: str) -> str:
        """Return ``user_id`` if allowed; raise ``InvalidArgument`` or ``AccessDenied``."""
        validate_user_id(user_id)
        if not self.allows(user_id):
            raise AccessDenied(f"this API key may not act for user {user_id!r}")
        return user_id

    def default_user(self) -> str | None:
        """The only user this scope allows, if it allows exactly one."""
        if self.any_user or self.tenant_prefix or len(self.users) != 1:
            return None
        return next(iter(self.users))

    def describe(self) -> str:
        """A short human description (no key material)."""
        if self.any_user:
            return "any user (development mode)"
        parts = sorted(self.users)
        if self.tenant_prefix:
            parts.append(f"{self.tenant_prefix.removesuffix(TENANT_SEPARATOR)}{TENANT_SEPARATOR}*")
        return ", ".join(parts)

    @classmethod
    def dev(cls) -> Scope:
        """The development-mode scope: every user, loopback clients only."""
        return cls(key_id="dev", any_user=True)

    @classmethod
    def for_users(cls, users: Sequence[str], *, key_id: str = "local") -> Scope:
        """A scope limited to ``users`` (used by ``mirix-py mcp --user``)."""
        return cls(key_id=key_id, users=frozenset(validate_user_id(u) for u in users))


def tenant_of(user_id: str, prefix: str | None) -> bool:
    """True when ``user_id`` lies under tenant ``prefix`` (a separator boundary, see
    :data:`TENANT_SEPARATOR`; a trailing separator on the prefix is optional)."""
    base = (prefix or "").removesuffix(TENANT_SEPARATOR)
    if not base:
        return False
    head = base + TENANT_SEPARATOR
    return user_id.startswith(head) and len(user_id) > len(head)


class KeyRing:
    """The configured API keys; resolves a presented key to its :class:`Scope`."""

    def __init__(self, entries: Sequence[ApiKeyScope]) -> None:
        self._entries: list[tuple[bytes, Scope]] = []
        for entry in entries:
            digest = _digest(entry.key.get_secret_value().strip())
            scope = Scope(
                key_id=digest.hex()[:8],
                users=frozenset(entry.users),
                tenant_prefix=entry.tenant_prefix,
            )
            self._entries.append((digest, scope))

    @classmethod
    def from_config(cls, config: ServerConfig) -> KeyRing:
        """The key ring of a server config."""
        return cls(config.api_keys)

    @property
    def dev_mode(self) -> bool:
        """True when no key is configured (loopback-only development mode)."""
        return not self._entries

    def resolve(self, key: str | None) -> Scope:
        """The scope of ``key``; raises :class:`Unauthenticated` for a missing or unknown key.

        In development mode every caller gets :meth:`Scope.dev` (the caller must
        still check that the client is on loopback).
        """
        if self.dev_mode:
            return Scope.dev()
        if not key:
            raise Unauthenticated(
                "an API key is required: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'"
            )
        presented = _digest(key.strip())
        found: Scope | None = None
        for digest, scope in self._entries:  # no early exit: same work for every key
            if hmac.compare_digest(digest, presented):
                found = scope
        if found is None:
            raise Unauthenticated("unknown API key")
        return found


def key_from_headers(headers: Mapping[str, str]) -> str | None:
    """The API key of a request: ``Authorization: Bearer <key>`` or ``X-API-Key``."""
    auth = headers.get("authorization") or headers.get("Authorization") or ""
    scheme, _, value = auth.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    direct = headers.get("x-api-key") or headers.get("X-API-Key")
    return direct.strip() if direct and direct.strip() else None


def is_loopback(host: str | None) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``."""
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind_host(host: str, keys: KeyRing) -> None:
    """Refuse to bind a non-loopback address in development mode."""
    if keys.dev_mode and not is_loopback(host):
        raise ConfigError(
            f"refusing to listen on {host!r} without API keys: development mode is "
            "loopback-only; configure server.api_keys (or MIRIX_PY_API_KEYS) first"
        )
