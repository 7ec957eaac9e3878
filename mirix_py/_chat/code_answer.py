"""The method or function a question asks for, read from the code in a reply.

"Which method did you use to count the rows per city?" is answered by a name in the code
the assistant wrote (``groupby``), not by the whole code block. :func:`code_call` reads the
calls in a span and picks the one whose arguments and chained text say most of what the
question asks about (``df.groupby("city")`` for "per city"). Only the shape of code is
used: a name followed by an opening bracket.
"""

from __future__ import annotations

import re

from mirix_py._chat.cues import content_stems

_CODE_Q = re.compile(
    r"\b(?:which|what)\s+(?:[\w-]+\s+){0,2}(?:method|function|call|func)s?\b",
    re.I,
)
_CODE = re.compile(r"```|`[^`\s][^`]*`|\w\.\w+\(")
"""A sign that a span holds code: a fenced block, inline code, or a method call."""
_CODE_END = re.compile(r"`|\n|\.\s")
_CALL = re.compile(r"(?:(?<=\.)|(?<![\w.]))(?P<name>[A-Za-z_]\w*)\(")


def asks_code_call(question: str) -> bool:
    """True for "which method/function …?"."""
    return _CODE_Q.search(question) is not None


def code_call(question: str, span: str) -> str | None:
    """The name of the call in ``span``'s code whose own text, up to the next call, shares
    the most content words with ``question`` (the first on a tie); None when the question
    does not ask for a method or function, or ``span`` holds no code."""
    if not asks_code_call(question) or _CODE.search(span) is None:
        return None
    asked = set(content_stems(question))
    calls = list(_CALL.finditer(span))
    best: tuple[int, str] | None = None
    for i, call in enumerate(calls):
        end = calls[i + 1].start() if i + 1 < len(calls) else len(span)
        stop = _CODE_END.search(span, call.end(), end)  # the prose after the code is no part
        said = set(
            content_stems(span[call.end() : stop.start() if stop else end].replace("_", " "))
        )
        shared = len(asked & said)
        if best is None or shared > best[0]:
            best = (shared, call.group("name"))
    return best[1] if best else None
