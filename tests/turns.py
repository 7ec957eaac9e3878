"""One way to build a conversation turn for the offline write rules' tests."""

from __future__ import annotations

from datetime import datetime

from mirix_py._memory.extract_common import Turn


def make_turn(
    text: str,
    speaker: str,
    at: datetime,
    *,
    tid: str = "t1",
    role: str = "user",
    sequence: int = 0,
) -> Turn:
    """A turn of session ``s`` whose redacted text equals its content (the snippets
    hold no secrets)."""
    return Turn(
        id=tid,
        role=role,
        speaker=speaker,
        content=text,
        text=text,
        timestamp=at,
        sequence=sequence,
        session_id="s",
    )
