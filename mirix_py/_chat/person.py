"""Questions in the first and second person, read as questions about named speakers.

A user asking their own assistant says "Where do I live now?", "What is the name of
my dog?", "What did you recommend for …?". Memory stores that user's words under the
speaker ``user`` (facts under the entity ``User``) and the assistant's under
``assistant``; every rule that finds the person a question is about — scope, the
speaker cue, facts about the person asked, "what is X's <thing>" abstentions — reads
names. :func:`third_person` rewrites the question so those rules see the same
question a third party would ask: "Where does User live now?", "What is the name of
User's dog?", "What did the assistant recommend for …?".

Only the words that refer to the two parties are rewritten ("I", "me", "my", "mine",
"myself"; "you", "your", "yours", "yourself"), with the auxiliary verb that agrees
with them ("do I" → "does User", "am I" → "is User"). "We" and "our" stay: they name
a group, not the user alone. A question with neither person is returned unchanged, and
a how-to opening ("How do I …", "how can you …") is kept as it is: it asks for steps,
not about the user.

A host usually passes the user's name on their messages (``name: "Sam"``); their
first-person statements are then stored under that name, not ``User``.
:func:`user_name` reads it off the user's core block (each line there is
``<speaker>: <fact>`` of what a user-role speaker said about themselves, one small
indexed read), and :func:`third_person` takes it, so "Where do I live?" asks
"Where does Sam live?". A block naming two speakers (a group chat) or mixing a name
with ``User`` leaves the question about ``User``: "I" is then not one known person.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

USER_NAME = "User"
"""The entity first-person statements of an unnamed user are stored under."""
ASSISTANT_NAME = "the assistant"

_FIRST_OR_SECOND = re.compile(
    r"\b(?:I|I'm|I’m|I've|I’ve|I'd|I’d|I'll|I’ll|me|my|mine|myself|you|your|yours|yourself)\b",
    re.I,
)
_HOWTO_OPENING = re.compile(r"^\s*how\s+(?:do|did|should|can|could|would)\s+(?:I|you|we)\b", re.I)
_AGREE = {"do": "does", "am": "is", "have": "has", "were": "was", "are": "is"}

_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    # auxiliary before the subject: "do I", "am I", "have I", "did you"
    (
        re.compile(
            r"\b(do|am|have|did|was|were|will|would|should|can|could|shall|must)\s+I\b", re.I
        ),
        "AUX_I",
    ),
    (
        re.compile(
            r"\b(do|does|are|have|did|were|will|would|should|can|could|shall|must)\s+you\b", re.I
        ),
        "AUX_YOU",
    ),
    (re.compile(r"\bI(?:'m|’m)\b|\bI\s+am\b"), f"{USER_NAME} is"),
    (re.compile(r"\bI(?:'ve|’ve)\b|\bI\s+have\b"), f"{USER_NAME} has"),
    (re.compile(r"\bI(?:'d|’d)\b"), f"{USER_NAME} would"),
    (re.compile(r"\bI(?:'ll|’ll)\b"), f"{USER_NAME} will"),
    (re.compile(r"\bI\b"), USER_NAME),
    (re.compile(r"\b(?:my|mine)\b", re.I), f"{USER_NAME}'s"),
    (re.compile(r"\b(?:me|myself)\b", re.I), USER_NAME),
    (re.compile(r"\byou(?:'re|’re)\b|\byou\s+are\b", re.I), f"{ASSISTANT_NAME} is"),
    (re.compile(r"\b(?:your|yours)\b", re.I), f"{ASSISTANT_NAME}'s"),
    (re.compile(r"\b(?:you|yourself)\b", re.I), ASSISTANT_NAME),
)


def _aux(match: re.Match[str], subject: str) -> str:
    aux = match.group(1)
    agreed = _AGREE.get(aux.lower(), aux.lower())
    if aux[:1].isupper():
        agreed = agreed.capitalize()
    return f"{agreed} {subject}"


def speaks_in_person(question: str) -> bool:
    """True when ``question`` refers to the asker or the assistant by pronoun."""
    return _FIRST_OR_SECOND.search(question) is not None


_NAME_LINE = re.compile(r"^(?P<name>[^:\n]{1,80}):\s")


def user_name(human_lines: Iterable[str]) -> str:
    """The name the user's first-person statements are stored under, read off the lines
    of their core ``human`` block ("Sam: lives in Oslo"): the one speaker named there,
    else :data:`USER_NAME` (no line, or several speakers, or a name beside ``User``)."""
    names = {
        m.group("name").strip() for line in human_lines if (m := _NAME_LINE.match(line.strip()))
    }
    names.discard("")
    if len(names) != 1:
        return USER_NAME
    name = names.pop()
    return USER_NAME if name.lower() in ("user", "human", "assistant") else name


_REQUEST = re.compile(
    r"^\s*(?:(?:please|can\s+you|could\s+you|would\s+you|will\s+you)\s+)?"
    r"(?:tell|remind|show|give|help)\s+me\b",
    re.I,
)
"""A request's opening ("tell me about …", "can you remind me …"): the asker is who is
told, not whom the question is about, so it keeps ``User`` (no person cue) even when
the user's name is known; "tell Sam about Biscuit" would scope the question to Sam."""


def _rewrite(text: str, user: str) -> str:
    for pattern, replacement in _RULES:
        if replacement == "AUX_I":
            text = pattern.sub(lambda m: _aux(m, user), text)
        elif replacement == "AUX_YOU":
            text = pattern.sub(lambda m: _aux(m, ASSISTANT_NAME), text)
        else:
            # the name is literal text, not a regex template
            text = pattern.sub(replacement.replace(USER_NAME, user).replace("\\", r"\\"), text)
    return text


def third_person(question: str, user: str = USER_NAME) -> str:
    """``question`` with the asker named ``user`` (``User`` unless the user's name is
    known, :func:`user_name`) and the assistant "the assistant" (see the module
    docstring); unchanged when it uses neither person."""
    if not speaks_in_person(question):
        return question
    opening = _HOWTO_OPENING.match(question)
    head = opening.group(0) if opening else ""
    text = question[len(head) :]
    request = _REQUEST.match(text) if user != USER_NAME else None
    cut = request.end() if request else 0
    text = _rewrite(text[:cut], USER_NAME) + _rewrite(text[cut:], user)
    if not head and text[:1].islower():
        text = text[0].upper() + text[1:]
    return head + text


_ASKS_ASSISTANT = re.compile(r"\b(?:the\s+assistant|assistant's)\b", re.I)


def asks_about_user(question: str) -> bool:
    """True when a (third-person) question is about the unnamed user ("User's dog",
    "does User pay") and not about something the assistant said."""
    return (
        re.search(rf"\b{USER_NAME}\b", question) is not None
        and _ASKS_ASSISTANT.search(question) is None
    )


def in_users_words(actor: str, entity: str, text: str) -> bool:
    """A memory the unnamed user is the source or subject of: their own message, a fact
    about them, or a fact that says "the user's …". The assistant's general advice
    ("… safe for cats and dogs") is none of these: it says nothing about the user's dog."""
    if actor.strip().lower() == USER_NAME.lower() or entity.strip() == USER_NAME:
        return True
    return bool(entity) and re.search(r"\bthe user'?s?\b", text, re.I) is not None
