"""Normalising the inputs of ``add``."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mirix_py._messages import Message, normalize_messages
from mirix_py.errors import InvalidArgument


def test_string_becomes_one_user_message_with_stable_id() -> None:
    at = datetime(2024, 1, 2, tzinfo=UTC)
    first = normalize_messages("hello", user_id="u", occurred_at=at)
    again = normalize_messages("hello", user_id="u", occurred_at=at)
    assert len(first) == 1 and first[0].role == "user"
    assert first[0].id == again[0].id
    assert first[0].timestamp == at
    assert normalize_messages("hello", user_id="v", occurred_at=at)[0].id != first[0].id


def test_dicts_keep_given_ids_names_and_timestamps() -> None:
    msgs = normalize_messages(
        [
            {
                "role": "user",
                "content": "hi",
                "id": "D1:1",
                "name": "Ann",
                "timestamp": "2023-05-08T13:56:00",
            },
            {"role": "assistant", "content": "hello"},
        ],
        user_id="u",
        occurred_at=datetime(2023, 5, 8, tzinfo=UTC),
    )
    assert msgs[0].id == "D1:1" and msgs[0].speaker == "Ann"
    assert msgs[0].timestamp == datetime(2023, 5, 8, 13, 56, tzinfo=UTC)
    assert msgs[1].timestamp == datetime(2023, 5, 8, tzinfo=UTC)
    assert msgs[1].speaker == "assistant"


def test_blank_messages_are_dropped() -> None:
    assert normalize_messages(["  ", "\n"], user_id="u") == []


def test_bad_role_names_the_item_and_field() -> None:
    with pytest.raises(InvalidArgument, match=r"messages\[1\]\.role"):
        normalize_messages([{"content": "ok"}, {"role": "robot", "content": "x"}], user_id="u")


def test_wrong_types_are_named() -> None:
    with pytest.raises(InvalidArgument, match=r"messages\[0\]"):
        normalize_messages([42], user_id="u")  # type: ignore[list-item]
    with pytest.raises(InvalidArgument, match="messages must be"):
        normalize_messages(42, user_id="u")  # type: ignore[arg-type]


def test_lone_surrogates_are_replaced() -> None:
    msg = Message(content="bad \ud800 char")
    assert "\ud800" not in msg.content
