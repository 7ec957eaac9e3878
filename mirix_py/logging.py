"""structlog set-up for entry points (the CLI, servers, the eval harness).

Library code only calls ``structlog.get_logger(__name__)``; nothing in the
library configures logging except through :func:`configure_logging`, which only
entry points call.
"""

from __future__ import annotations

import logging
import sys

import structlog

from mirix_py.config import LoggingConfig


class _Stderr:
    """Writes to whatever ``sys.stderr`` is at call time (tests and daemons swap it)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def configure_logging(config: LoggingConfig | None = None) -> None:
    """Configure structlog for a process: level and console/JSON rendering to stderr."""
    cfg = config or LoggingConfig()
    level = getattr(logging, cfg.level)
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer()
        if cfg.format == "json"
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
