"""Input messages: the shapes ``add`` accepts and their normalised form."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic import ValidationError as PydanticValidationError

from mirix_py._ids import validate_memory_id
from mirix_py._memory.base import as_utc, utcnow
from mirix_py.errors import InvalidArgument

MAX_MESSAGE_CHARS = 1_000_000
Role = Literal["user", "assistant", "system", "tool"]


class Message(BaseModel):
    """One input message. ``id`` becomes the source id of every record derived from it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    role: Role = "user"
    content: str = Field(max_length=MAX_MESSAGE_CHARS)
    timestamp: datetime | None = None
    id: str | None = Field(default=None, min_length=1, max_length=256)
    name: str | None = Field(default=None, max_length=256)

    @field_validator("timestamp")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        return None if value is None else aware_utc(value, field="timestamp")

    @field_validator("content", "name", mode="before")
    @classmethod
    def _clean(cls, value: object) -> object:
        # Lone surrogates cannot be encoded or stored: replace them with U+FFFD.
        if isinstance(value, str):
            return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
        return value

    @field_validator("name")
    @classmethod
    def _plain_name(cls, value: str | None) -> str | None:
        # A speaker name is shown in prompts: no line breaks or other control characters.
        if value is not None and any(unicodedata.category(ch) == "Cc" for ch in value):
            raise ValueError("name contains a control character (such as a line break)")
        return value

    @field_validator("id")
    @classmethod
    def _plain_id(cls, value: str | None) -> str | None:
        return None if value is None else validate_memory_id(value, field="id")

    @property
    def speaker(self) -> str:
        """Who said it: the name if given, else the role."""
        return self.name or self.role


def aware_utc(value: datetime, *, field: str) -> datetime:
    """``value`` in UTC (naive means UTC); a ``InvalidArgument`` if UTC cannot hold it.

    ``datetime(1, 1, 1, tzinfo=+05:00)`` is a valid date that falls before year 1
    in UTC: it is refused with a message instead of an ``OverflowError``.
    """
    try:
        return as_utc(value)
    except OverflowError:
        raise InvalidArgument(
            f"{field} {value.isoformat()} is out of range once converted to UTC (years 1 to 9999)"
        ) from None


MessagesInput = str | Message | Mapping[str, Any] | Sequence[str | Message | Mapping[str, Any]]


def stable_source_id(user_id: str, index: int, message: Message) -> str:
    """A deterministic id for a message without one: the same input gives the same id."""
    stamp = message.timestamp.isoformat() if message.timestamp else ""
    digest = hashlib.sha256(
        "\x1f".join(
            [user_id, str(index), message.role, message.name or "", stamp, message.content]
        ).encode("utf-8", "replace")
    ).hexdigest()
    return f"m-{digest[:16]}"


def normalize_messages(
    messages: MessagesInput, *, user_id: str, occurred_at: datetime | None = None
) -> list[Message]:
    """Accept a string, one message or a list of them; fill ids and timestamps.

    Messages without a timestamp get ``occurred_at`` (or now); messages without
    an id get a stable content-derived one. Blank messages are dropped.
    Raises :class:`InvalidArgument` naming the bad item and field.
    """
    items: Sequence[Any]
    if isinstance(messages, str | Message | Mapping):
        items = [messages]
    elif isinstance(messages, Sequence):
        items = messages
    else:
        raise InvalidArgument(
            f"messages must be a string, a message dict or a list of them, "
            f"got {type(messages).__name__}"
        )
    if occurred_at is not None and not isinstance(occurred_at, datetime):
        raise InvalidArgument(
            f"occurred_at must be a datetime or None, got {type(occurred_at).__name__}"
        )
    default_time = aware_utc(occurred_at, field="occurred_at") if occurred_at else utcnow()
    out: list[Message] = []
    for index, item in enumerate(items):
        try:
            if isinstance(item, Message):
                msg = item
            elif isinstance(item, str):
                msg = Message(content=item)
            elif isinstance(item, Mapping):
                msg = Message.model_validate(dict(item))
            else:
                raise InvalidArgument(
                    f"messages[{index}] must be a string or a dict with 'content', "
                    f"got {type(item).__name__}"
                )
        except PydanticValidationError as exc:  # never echo the input: it may hold secrets
            err = exc.errors()[0]
            field = ".".join(str(p) for p in err["loc"])
            got = err.get("input")
            size = f", {len(got)} characters" if isinstance(got, str) else ""
            raise InvalidArgument(
                f"messages[{index}].{field}: {err['msg']} (got a {type(got).__name__}{size})"
            ) from None
        if not msg.content.strip():
            continue
        if msg.timestamp is None:
            msg = msg.model_copy(update={"timestamp": default_time})
        if msg.id is None:
            msg = msg.model_copy(update={"id": stable_source_id(user_id, index, msg)})
        out.append(msg)
    return out
