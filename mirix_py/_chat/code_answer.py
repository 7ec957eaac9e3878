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


_DEFINED_Q = re.compile(
    r"\bname\s+of\s+(?:the\s+|your\s+|that\s+|this\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?P<kind>function|method|class|procedure|macro)\b"
    r"|\b(?:what|which)\s+(?:is\s+|was\s+)?(?:the\s+)?(?P<kind2>function|method|class)\s+"
    r"(?:\w+\s+){0,6}?(?:called|named)\b",
    re.I,
)
_DEFINITION = re.compile(
    r"\b(?P<kind>def|function|func|fn|sub|class)\s+(?P<name>[A-Za-z_]\w*)\s*[(:{<]"
    r"|\b(?:const|let|var)\s+(?P<arrow>[A-Za-z_]\w*)\s*=\s*(?:async\s+)?\([^)]*\)\s*=>"
)


def defined_name(question: str, text: str) -> str | None:
    """The name a function, method or class is defined under in ``text``'s code, for
    "what is the name of the function in your script?" (``def stake_balance(…)``, not a
    constant the script also names). Of several, the one whose name, and the lines and
    sentences that name it ("best_segments … keeps the fastest time of each split"), share
    the most words with the question; None when none shares more than the others, when the
    question asks for no defined name, or when the text defines none."""
    asked = _DEFINED_Q.search(question)
    if asked is None:
        return None
    wants_class = (asked.group("kind") or asked.group("kind2") or "").lower() == "class"
    stems = set(content_stems(question))
    names = list(
        dict.fromkeys(
            m.group("name") or m.group("arrow")
            for m in _DEFINITION.finditer(text)
            if (m.group("kind") == "class") == wants_class
        )
    )
    if len(names) <= 1:
        return names[0] if names else None
    pieces = re.split(r"\n|;\s|(?<=[.!?])\s+", text)  # lines of code, clauses of prose
    scores = {
        name: len(
            stems
            & set(
                content_stems(
                    " ".join(
                        [
                            name.replace("_", " "),
                            *(p for p in pieces if re.search(rf"\b{name}\b", p)),
                        ]
                    ).replace("_", " ")
                )
            )
        )
        for name in names
    }
    ranked = sorted(names, key=lambda n: -scores[n])
    return ranked[0] if scores[ranked[0]] > scores[ranked[1]] else None
