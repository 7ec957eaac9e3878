"""Exception details made safe for the debug log: secrets redacted."""

from __future__ import annotations

import re

from mirix_py._memory.knowledge_vault import redact
from mirix_py.errors import MAX_DETAIL_CHARS

_TOKEN_LIKE = re.compile(
    r"(?<![A-Za-z0-9])(?:(?:sk|pk|rk|api|key|token|secret|bearer)[-_][A-Za-z0-9_\-]{8,}"
    r"|(?=[A-Za-z0-9_\-]*\d)(?=[A-Za-z0-9_\-]*[A-Za-z])[A-Za-z0-9_\-]{41,})",
    re.IGNORECASE,
)


def scrub_detail(text: str) -> str:
    """``text`` (an exception's details) with secrets redacted, for the debug log:
    what the vault's detector finds, plus key- and token-like strings anywhere
    (inside paths and URLs too)."""
    clipped = redact(text[:MAX_DETAIL_CHARS], vault_enabled=False)
    return _TOKEN_LIKE.sub("[redacted: token]", clipped)
