"""Keeping Python's full garbage collections short for the life of a memory system.

A loaded ``MemorySystem`` holds a large, long-lived object graph (the embedding
model's tokenizer, compiled LangGraph graphs, pydantic schemas, imported
modules). Every full (generation-2) collection walks all of it; measured on
LOCOMO conv-26 offline, those passes took ~100 ms each and were the chat's p95.
:func:`freeze_start_up_objects` moves what exists after the first start-up into
the collector's permanent generation (:func:`gc.freeze`), so later full
collections walk only objects created since.
"""

from __future__ import annotations

import gc
import threading

import structlog

log = structlog.get_logger(__name__)

_lock = threading.Lock()
_frozen = False


def freeze_start_up_objects() -> bool:
    """Collect once, then exclude every object alive now from later collections.

    Runs once per process (the first system's start-up holds the long-lived
    graph; freezing again would also pin short-lived objects of the host, whose
    cycles would then never be freed). Returns whether this call froze.
    Objects frozen here are never freed by the cyclic collector (reference
    counting still frees them); set ``chat.freeze_gc: false`` to leave a host
    application's collector untouched.
    """
    global _frozen
    with _lock:
        if _frozen:
            return False
        gc.collect()
        gc.freeze()
        _frozen = True
    log.debug("gc.frozen", objects=gc.get_freeze_count())
    return True
