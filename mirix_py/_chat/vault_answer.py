"""Answers from the knowledge vault: the value asked for, or how to reveal a hidden one."""

from __future__ import annotations

import re
from typing import Literal

from mirix_py._chat.cues import QuestionCues, content_stems
from mirix_py._chat.models import MASKED_SECRET, Hit

REVEAL_HINT = (
    "To see it, ask again with a reveal: `mirix-py chat --reveal` on the command line, "
    '`"reveal_secrets": true` in the REST chat request, or `reveal_secrets=True` in Python.'
)
"""How to reveal a hidden value, every interface named: what the chat graph writes. The
caller's interface replaces it with its own route (:func:`for_route`)."""

RevealRoute = Literal["any", "python", "cli", "rest", "mcp"]
"""The interface a question came through, which names the way to reveal a value."""

REVEAL_ROUTES: dict[str, str] = {
    "any": REVEAL_HINT,
    "python": "To see it, ask again with `reveal_secrets=True` (`system.chat(…, "
    "reveal_secrets=True)`).",
    "cli": "To see it, ask again with `mirix-py chat --reveal`.",
    "rest": 'To see it, send the chat request again with `"reveal_secrets": true`.',
    "mcp": "The MCP tools never reveal vault values (an agent reads what they return); "
    "its owner can see it with `mirix-py chat --reveal` on the command line.",
}
"""The route to a reveal in each interface: its own flag, field or command."""


def for_route(text: str, route: RevealRoute) -> str:
    """``text`` (an answer) with the reveal hint naming ``route``'s own way to reveal."""
    return text.replace(REVEAL_HINT, REVEAL_ROUTES[route]) if REVEAL_HINT in text else text


def label_bonus(topic: frozenset[str], hit: Hit, question: str = "") -> float:
    """A vault entry whose label is what the question asks for ("the pickup *password*",
    "the *combination* of the cabinet"), or of the kind the question asks for (a "door
    code" is stored as a password, a "stream key" as a token), before one whose context
    only shares words."""
    label = str(hit.record.get("caption", "")).split("(from:", 1)[0]
    if topic & set(content_stems(label)) or topic & own_words(hit):
        return 0.5
    return 0.25 if question and asked_kind(question, hit) else 0.0


_KIND_WORDS: dict[str, re.Pattern[str]] = {
    "password": re.compile(
        r"\b(?:password|passcode|passphrase|passwd|pin|code|combination|combo|login)s?\b", re.I
    ),
    "api_key": re.compile(r"\b(?:key|token|secret)s?\b", re.I),
    "account_number": re.compile(r"\b(?:account|iban|routing|sort\s+code)\b", re.I),
    "card_number": re.compile(r"\bcards?\b", re.I),
    "phone_number": re.compile(r"\b(?:phone|mobile|cell|telephone|whatsapp)\b", re.I),
    "email": re.compile(r"\be-?mail\b", re.I),
    "address": re.compile(r"\baddress\b", re.I),
    "national_id": re.compile(r"\b(?:social\s+security|ssn|passport|national\s+id)\b", re.I),
}
"""The words a question uses for each kind of vault entry: a value stored from "our door
lock PIN is …" or "the alarm code is …" is a password, whatever the question calls it."""


def asked_kind(question: str, hit: Hit) -> bool:
    """True when ``question`` names the kind of value the vault entry ``hit`` holds ("the
    door lock *code*" for a stored password, the "*account* number" for an account)."""
    words = _KIND_WORDS.get(str(hit.record.get("entry_type", "")))
    return words is not None and words.search(question) is not None


_BEFORE_VALUE = re.compile(
    r"(?P<said>[^()\[\]]*?)[\s:=\-–—]*(?:\b(?:is|are|was|=)\s*)?\[stored in vault", re.I
)
_OWN_WORDS = 2


def own_words(hit: Hit) -> frozenset[str]:
    """The stems of the last words said right before the value in the vault entry's source
    sentence: the user's own name for it ("save this: *stream key* …", "our *gate code*
    is …"), which a question repeats though the entry's label is generic ("secret
    token")."""
    caption = str(hit.record.get("caption", ""))
    context = caption.split("(from:", 1)[-1] if "(from:" in caption else ""
    found = _BEFORE_VALUE.search(context)
    if found is None:
        return frozenset()
    return frozenset(content_stems(found.group("said"))[-_OWN_WORDS:])


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


_ASKED_THING = re.compile(
    r"\b(?:what|which)\s+(?P<noun>[a-z]+)\s+(?:should|does|do|did|must|can|could|would|will|"
    r"has|have|had)\b",
    re.I,
)
_ANY_SECRET = re.compile(
    r"(?:password|passcode|passphrase|pin|code|combination|combo|key|token|secret|number|"
    r"digits|value|credential|login|one)s?",
    re.I,
)


def asks_other_thing(question: str, hit: Hit) -> bool:
    """True when ``question`` asks for a thing of another kind than the vault entry
    ``hit`` holds, beside a credential word: "in the steps for changing the wifi
    password, what *address* should he type?" asks for an address, not the password."""
    asked = _ASKED_THING.search(question)
    if asked is None or _ANY_SECRET.fullmatch(asked.group("noun")):
        return False
    words = _KIND_WORDS.get(str(hit.record.get("entry_type", "")))
    return words is None or words.search(asked.group("noun")) is None


def names_label(cues: QuestionCues, hit: Hit) -> bool:
    """The question names every word of a vault entry's label, in any order ("the
    *number* of the new credit *card*" for a card number, "the sandbox *key*"), or the
    two words its owner called it by (:func:`own_words`), so it asks for that value even
    without a credential word of its own."""
    label = str(hit.record.get("caption", "")).split("(from:", 1)[0]
    label = label.split("'s ", 1)[-1]  # "Rui's card number": the owner is asked about apart
    stems = set(content_stems(label))
    own = own_words(hit)  # "save this: stream key …" for an entry labelled "secret token"
    return (bool(stems) and stems <= cues.stems) or (len(own) > 1 and own <= cues.stems)


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
