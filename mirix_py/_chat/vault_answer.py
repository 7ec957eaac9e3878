"""Answers from the knowledge vault: the value asked for, or how to reveal a hidden one."""

from __future__ import annotations

from mirix_py._chat.cues import content_stems
from mirix_py._chat.models import MASKED_SECRET, Hit

REVEAL_HINT = (
    "To see it, ask again with a reveal: `mirix-py chat --reveal` on the command line, "
    '`"reveal_secrets": true` in the REST chat request, or `reveal_secrets=True` in Python.'
)


def label_bonus(topic: frozenset[str], hit: Hit) -> float:
    """A vault entry whose label is what the question asks for ("the pickup *password*",
    "the *combination* of the cabinet") before one whose context only shares words."""
    label = str(hit.record.get("caption", "")).split("(from:", 1)[0]
    return 0.5 if topic & set(content_stems(label)) else 0.0


def vault_answer(hit: Hit) -> str:
    """A vault entry's caption and value, or where the value is and how to reveal it."""
    rec = hit.record
    caption = str(rec.get("caption", "")).strip()
    value = str(rec.get("secret_value", MASKED_SECRET))
    if value == MASKED_SECRET:
        return (
            f"That value is stored in the knowledge vault ({caption}) and hidden here. "
            f"{REVEAL_HINT}"
        )
    return f"{caption}: {value}"
