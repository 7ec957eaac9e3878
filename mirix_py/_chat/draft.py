"""An offline or LLM answer before it becomes an :class:`~mirix_py._chat.models.Answer`."""

from __future__ import annotations

from dataclasses import dataclass

NOT_MENTIONED = "Not mentioned in the conversation."


@dataclass(frozen=True)
class Draft:
    """An answer before it becomes an :class:`~mirix_py._chat.models.Answer`."""

    text: str
    refs: tuple[int, ...]
    abstained: bool
    llm_calls: int = 0
    llm_tokens: int = 0
