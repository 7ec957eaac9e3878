"""The memory browser's sign-in sessions: in this process, with expiry and a CSRF token each."""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, replace

from mirix_py._server.auth import Scope

COOKIE = "mirix_ui"
SESSION_SECONDS = 8 * 3600
MAX_SESSIONS = 10_000


@dataclass(frozen=True)
class UiSession:
    """One signed-in browser: the key's scope (not the key), the current user, CSRF token."""

    token: str
    scope: Scope
    user_id: str
    csrf: str
    expires: float


class UiSessions:
    """In-process browser sessions with expiry (thread-safe)."""

    def __init__(self, *, ttl: float = SESSION_SECONDS, limit: int = MAX_SESSIONS) -> None:
        self._ttl = ttl
        self._limit = limit
        self._items: dict[str, UiSession] = {}
        self._lock = threading.Lock()

    def create(self, scope: Scope, user_id: str) -> UiSession:
        """A new session for ``user_id`` under ``scope``."""
        now = time.monotonic()
        session = UiSession(
            token=secrets.token_urlsafe(32),
            scope=scope,
            user_id=user_id,
            csrf=secrets.token_urlsafe(24),
            expires=now + self._ttl,
        )
        with self._lock:
            self._items = {k: s for k, s in self._items.items() if s.expires > now}
            while len(self._items) >= self._limit:
                self._items.pop(next(iter(self._items)))
            self._items[session.token] = session
        return session

    def get(self, token: str | None) -> UiSession | None:
        """The live session of ``token``, if any."""
        if not token:
            return None
        with self._lock:
            session = self._items.get(token)
            if session is None or session.expires <= time.monotonic():
                self._items.pop(token, None)
                return None
            return session

    def switch(self, session: UiSession, user_id: str) -> UiSession:
        """The same session acting for another (allowed) user."""
        updated = replace(session, user_id=user_id)
        with self._lock:
            self._items[session.token] = updated
        return updated

    def drop(self, token: str | None) -> None:
        """Sign out."""
        with self._lock:
            self._items.pop(token or "", None)
