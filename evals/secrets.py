"""Scans for a dataset's declared secrets: in a data folder's bytes, in stored rows, in answers.

A secret counts as *in clear* when any of its forms occurs: the value as written,
lower-cased, JSON-escaped (once and twice, as history rows hold JSON payloads),
UTF-16, and — for values written with separators ("4242 4242 …", "12-34-56") — the
value with its spaces, dashes and dots removed. Matching is case-insensitive. A
form shorter than 8 characters (a 4-digit PIN) must also be a token of its own (the
run of letters, digits, dots and dashes around it is the form), so that it is not
"found" inside a hex id, a UUID, a timestamp or the digits of a float.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel

_SEPARATORS = re.compile(r"[\s\-.]")


def secret_forms(value: str) -> set[bytes]:
    """The byte strings under which ``value`` could be stored in clear (lower-cased)."""
    texts = {value}
    compact = _SEPARATORS.sub("", value)
    if compact != value and len(compact) >= 6:
        texts.add(compact)
    out: set[bytes] = set()
    for text in texts:
        once = json.dumps(text)[1:-1]
        for form in (text, once, json.dumps(once)[1:-1]):
            out.add(form.lower().encode("utf-8", "surrogatepass"))
        out.add(text.lower().encode("utf-16-le", "surrogatepass"))
    return out


_SHORT = 8
_TOKEN = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789._-")
_EDGE = b"._-"


def _occurs(form: bytes, data: bytes) -> bool:
    if len(form) >= _SHORT:
        return form in data
    start = data.find(form)
    while start != -1:
        if _whole_token(form, data, start):
            return True
        start = data.find(form, start + 1)
    return False


def _whole_token(form: bytes, data: bytes, start: int) -> bool:
    """True when the short ``form`` at ``start`` is a token of its own: the run of letters,
    digits, dots, dashes and underscores around it is the form itself (a PIN "4471" is not
    found in "0.44710", "…136488832," or a UUID's "-4471-" group)."""
    left, right = start, start + len(form)
    if form[0] in _TOKEN:
        while left > 0 and data[left - 1] in _TOKEN:
            left -= 1
    if form[-1] in _TOKEN:
        while right < len(data) and data[right] in _TOKEN:
            right += 1
    return data[left:right].strip(_EDGE) == form.strip(_EDGE)


def _found(data: bytes, values: Iterable[str]) -> list[str]:
    data = data.lower()
    return [
        v for v in values if any(_occurs(form, data) for form in secret_forms(v) if form in data)
    ]


def scan_folder(root: Path, values: Sequence[str]) -> list[str]:
    """The values found in clear in any file under ``root`` (every byte is read)."""
    hits: set[str] = set()
    if root.exists():
        for path in sorted(root.rglob("*")):
            if path.is_file():
                hits.update(_found(path.read_bytes(), values))
    return sorted(hits)


def scan_records(records: Iterable[BaseModel], values: Sequence[str]) -> list[str]:
    """The values found in clear in stored rows, read back through the store.

    Rows are dumped as JSON (a vault record's ``secret_value`` is a ``SecretStr`` and
    dumps masked), so a hit means the value sits in a field that is shown, embedded
    or indexed. Vector fields (lists of floats) are left out: their decimal digits
    hold every short number ("0.0614…" is not the PIN 0614).
    """
    hits: set[str] = set()
    for record in records:
        vectors = {
            name
            for name, value in record
            if isinstance(value, list) and value and all(isinstance(x, float) for x in value)
        }
        hits.update(_found(record.model_dump_json(exclude=vectors).encode(), values))
    return sorted(hits)


def scan_answers(texts: Iterable[str], values: Sequence[str]) -> list[str]:
    """The values that occur in any of ``texts``."""
    hits: set[str] = set()
    for text in texts:
        hits.update(_found(text.encode("utf-8", "surrogatepass"), values))
    return sorted(hits)


@dataclass
class SecretScan:
    """What the harness found for mirix-py: values in clear on disk, in rows, in answers."""

    declared: int
    on_disk: list[str] = field(default_factory=list)
    in_records: list[str] = field(default_factory=list)
    in_answers: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        """The ``summary.json`` block."""
        return {
            "declared": self.declared,
            "on_disk": self.on_disk,
            "in_records": self.in_records,
            "in_answers": self.in_answers,
        }
