"""A memory's text in the browser: its main field, without or with its date labels."""

from __future__ import annotations

import re

from mirix_py._memory import MemoryRecord
from mirix_py._memory.registry import spec_of

_DATE_NOTE = re.compile(r"\s*\[[^\]\n]*\d{4}\]")  # "[7 May 2023]", added at ingestion


def keep_date_notes(old: str, new: str) -> str:
    """The edited text, with the date labels of every line the user left unchanged.

    The edit box shows the text without ``[7 May 2023]`` labels; a line that comes
    back unchanged gets its labels back, so an edit elsewhere loses nothing."""
    originals = {strip_date_notes(line).strip(): line for line in old.splitlines()}
    return "\n".join(originals.get(line.strip(), line) for line in new.splitlines())


def main_text(record: MemoryRecord) -> str:
    """The record's main field (its spec's ``main_field``): what the edit box shows."""
    return str(getattr(record, spec_of(record.memory_type).main_field, ""))


def strip_date_notes(text: str) -> str:
    """``text`` without the ``[7 May 2023]`` labels ingestion adds after relative dates."""
    return _DATE_NOTE.sub("", text)
