"""Answers from the knowledge vault: the value asked for, or how to reveal a hidden one."""

from __future__ import annotations

import re

from mirix_py._chat.cues import QuestionCues, content_stems
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


WHAT_IS = re.compile(r"^\s*what(?:'s|\s+(?:is|was|are|were)\b)", re.I)
"""A question asking what a thing *is* ("what is the number of …?"): a vault value can
answer it; "where did she put the key?" asks about the key, not for it."""


_HANDLING = re.compile(
    r"^\s*(?:[^,?]{1,60},\s*)?(?:where|how(?!\s+(?:much|many|long)\b)|why|when)\b"
    r"|\b(?:which|what)\s+(?:\w+\s+)?(?:file|folder|directory|app|application|tool|"
    r"manager|service|program|method|way|place|variable|setting)s?\b",
    re.I,
)


def asks_handling(question: str) -> bool:
    """True for a question that names a secret but asks how it is handled, not for its
    value: "where should the API key be kept?", "which file does the token go in?", "how do
    I change my PIN?". Such a question is answered from what was said about the secret."""
    return _HANDLING.search(question) is not None


def names_label(cues: QuestionCues, hit: Hit) -> bool:
    """The question names every word of a vault entry's label, in any order ("the
    *number* of the new credit *card*" for a card number, "the sandbox *key*"), so it asks
    for that value even without a credential word of its own."""
    label = str(hit.record.get("caption", "")).split("(from:", 1)[0]
    label = label.split("'s ", 1)[-1]  # "Rui's card number": the owner is asked about apart
    stems = set(content_stems(label))
    return bool(stems) and stems <= cues.stems


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
