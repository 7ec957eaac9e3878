"""Logging: quiet as a library, configured by entry points.

Library code only calls ``structlog.get_logger(__name__)``. Used as a library,
mirix-py prints nothing: on import, if the host has not configured structlog,
:func:`route_to_stdlib` sends structlog events to the standard :mod:`logging`
logger of their module (``mirix_py.…``), which has a ``NullHandler``; the host
application decides what to show with ordinary logging configuration
(``logging.basicConfig(level="INFO")`` shows mirix-py's INFO events, for
example), or by configuring structlog itself, which then takes over.

Only entry points (the CLI, the servers, the evaluation harness) call
:func:`configure_logging`, which renders events to stderr at the configured
level.

Lance's and LanceDB's native (Rust) loggers write to stderr on their own; on
import, :func:`quiet_native_logs` turns them off unless the host has set their
environment variables (``LANCE_LOG``, ``LANCEDB_LOG``).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import MutableMapping
from typing import TYPE_CHECKING

import structlog

if TYPE_CHECKING:
    from mirix_py._config import LoggingConfig

LIBRARY_LOGGER = "mirix_py"


class _Stderr:
    """Writes to whatever ``sys.stderr`` is at call time (tests and daemons swap it)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def route_to_stdlib() -> None:
    """Library default: structlog events go to stdlib ``logging``, silent unless the host
    configures logging. Does nothing if structlog is already configured (by the host)."""
    logging.getLogger(LIBRARY_LOGGER).addHandler(logging.NullHandler())
    if structlog.is_configured():
        return
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.stdlib.filter_by_level,  # cheap: dropped before any rendering
            structlog.processors.format_exc_info,
            structlog.processors.LogfmtRenderer(key_order=["event"], bool_as_flag=False),
        ],
        wrapper_class=structlog.stdlib.BoundLogger,
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=False,
    )


# Lance and LanceDB log from Rust straight to stderr (env_logger, WARN by default),
# e.g. "Compaction commit failed ... preempted by concurrent transaction" when a
# retried commit raced a writer. Their filters are read once, when the native
# library loads: ``LANCE_LOG`` (pylance; its Python side also takes the first
# plain level of it as a ``logging`` level, so "off" alone would break it) and
# ``LANCEDB_LOG`` (lancedb). The last plain level wins on the Rust side.
_NATIVE_LOG_DEFAULTS = {"LANCE_LOG": "error,off", "LANCEDB_LOG": "off"}


def quiet_native_logs(environ: MutableMapping[str, str] | None = None) -> None:
    """Library default: Lance's and LanceDB's Rust loggers print nothing.

    Sets ``LANCE_LOG`` and ``LANCEDB_LOG`` only where the host has not set them
    (a host that wants the native logs sets them, e.g. ``LANCE_LOG=warn``). Must
    run before ``lance``/``lancedb`` are first imported, so ``import mirix_py``
    does it; a host that imported them earlier keeps their defaults.
    """
    env = os.environ if environ is None else environ
    for name, value in _NATIVE_LOG_DEFAULTS.items():
        env.setdefault(name, value)


def configure_logging(config: LoggingConfig | None = None) -> None:
    """Configure structlog for a process (entry points only): events at or above the
    configured level, rendered as console text or JSON, to stderr."""
    # the defaults are LoggingConfig's; this module does not import the config (the
    # package imports it at start-up, before the config's dependencies are needed)
    level = getattr(logging, config.level if config else "WARNING")
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer()
        if config is not None and config.format == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(file=_Stderr()),  # type: ignore[arg-type]
        cache_logger_on_first_use=False,
    )
