"""Validation of identifiers that cross the API boundary (user ids, memory ids)."""

from __future__ import annotations

import hashlib
import unicodedata

from mirix_py.errors import InvalidArgument

MAX_ID_LENGTH = 256


def validate_user_id(value: object, *, field: str = "user_id") -> str:
    """Return ``value`` if it is a usable user id, else raise :class:`InvalidArgument`.

    A user id is any non-blank string of at most 256 characters without control
    characters or lone surrogates. Quotes, ``%``, ``*`` and SQL-looking text are
    allowed: they are always bound safely, never spliced into a query.
    """
    if not isinstance(value, str):
        raise InvalidArgument(f"{field} must be a string, got {type(value).__name__}")
    if not value.strip():
        raise InvalidArgument(f"{field} must be a non-empty string; pass the id of the user")
    if len(value) > MAX_ID_LENGTH:
        raise InvalidArgument(
            f"{field} is {len(value)} characters long; the limit is {MAX_ID_LENGTH}"
        )
    for ch in value:
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cs"):
            raise InvalidArgument(
                f"{field} contains a control character or lone surrogate ({ch!r}); remove it"
            )
    return value


def validate_memory_id(value: object, *, field: str = "memory_id") -> str:
    """Return ``value`` if it is a well-formed memory (or message) id, else ``InvalidArgument``."""
    return validate_user_id(value, field=field)


def derived_id(user_id: str, old_id: str) -> str:
    """The id an imported record takes when ``old_id`` is not already ``user_id``'s.

    Stable for (user, old id), so importing a file twice adds nothing; it keeps
    the old id's type prefix.
    """
    prefix = old_id.split("-", 1)[0] if "-" in old_id else "im"
    digest = hashlib.sha256(f"{user_id}\x1f{old_id}".encode()).hexdigest()[:24]
    return f"{prefix[:8]}-{digest}"
