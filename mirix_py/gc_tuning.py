"""Keeping Python's full garbage collections short for the life of a memory system.

A loaded ``MemorySystem`` holds a large, long-lived object graph (the embedding
model's tokenizer, compiled LangGraph graphs, pydantic schemas, imported
modules). Every full (generation-2) collection walks all of it; measured on
LOCOMO conv-26 offline, those passes took ~100 ms each and were the chat's p95.
:func:`freeze_start_up_objects` moves what exists after start-up into the
collector's permanent generation (:func:`gc.freeze`), so later full
collections walk only objects created since.
"""

from __future__ import annotations

import gc

import structlog

log = structlog.get_logger(__name__)


def freeze_start_up_objects() -> None:
    """Collect once, then exclude every object alive now from later collections.

    Objects frozen here are never freed by the cyclic collector (reference
    counting still frees them); set ``chat.freeze_gc: false`` to leave a host
    application's collector untouched.
    """
    gc.collect()
    gc.freeze()
    log.debug("gc.frozen", objects=gc.get_freeze_count())
