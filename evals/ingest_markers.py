"""Which conversations' ingestion into mirix-py finished, kept next to its database.

``--resume`` reuses the database in ``--out``; without markers it still
re-ingested every conversation. A marker is written once a conversation's
ingestion (and its consolidation, when asked) has finished, and holds what it
cost, so a resumed run skips it and still reports the original ingestion
numbers. A conversation without a marker may have been cut off half-way: the
runner clears that user's rows before ingesting it again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
from pathlib import Path

from evals.systems import IngestStats

MARKER_FOLDER = "ingested"


class IngestMarkers:
    """One small JSON file per finished conversation under ``folder``."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder

    def _path(self, conversation_id: str) -> Path:
        digest = hashlib.sha256(conversation_id.encode()).hexdigest()[:24]
        return self._folder / f"{digest}.json"

    def get(self, conversation_id: str) -> IngestStats | None:
        """The recorded cost of a finished conversation, or None if it has no marker."""
        path = self._path(conversation_id)
        if not path.is_file():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("conversation") != conversation_id:
            return None
        return IngestStats(**data["stats"])

    def put(self, conversation_id: str, stats: IngestStats) -> None:
        """Record a finished conversation (written atomically: a marker is whole or absent)."""
        self._folder.mkdir(parents=True, exist_ok=True)
        path = self._path(conversation_id)
        tmp = path.with_suffix(".tmp")
        payload = {"conversation": conversation_id, "stats": dataclasses.asdict(stats)}
        tmp.write_text(json.dumps(payload), encoding="utf-8")
        os.replace(tmp, path)

    def clear(self) -> None:
        """Forget every marker (a fresh run starts from empty databases)."""
        shutil.rmtree(self._folder, ignore_errors=True)
