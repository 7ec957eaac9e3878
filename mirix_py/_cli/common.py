"""Helpers shared by the CLI command modules.

Nothing heavy is imported here at module level: ``mirix-py --help`` and the
argument parser load no database, graph or model code. Command functions
import what they need when they run.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from mirix_py.errors import InvalidArgument

if TYPE_CHECKING:
    from mirix_py._config import MirixConfig
    from mirix_py._system import MemorySystem


def add_common(parser: argparse.ArgumentParser, *, user: bool = True) -> None:
    """``--config`` (name or path) and, by default, a required ``--user``."""
    parser.add_argument(
        "--config", default=None, help="config name (default, minimal, ...) or YAML path"
    )
    if user:
        parser.add_argument("--user", required=True, help="the user id whose memory to use")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def positive_int(text: str) -> int:
    """argparse type: an integer ≥ 1 (the message names the value and the fix)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number; give e.g. 10") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not allowed; give a number of at least 1")
    return value


def non_negative_int(text: str) -> int:
    """argparse type: an integer ≥ 0."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number; give e.g. 0") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is not allowed; give 0 or more")
    return value


def load(args: argparse.Namespace) -> MirixConfig:
    """Load the config named by ``--config`` and configure logging (entry point)."""
    from mirix_py._config import load_config
    from mirix_py._logging import configure_logging

    config = load_config(getattr(args, "config", None))
    configure_logging(config.logging)
    return config


def open_system(args: argparse.Namespace) -> MemorySystem:
    """Load the config, configure logging (entry point) and build the system."""
    from mirix_py._system import MemorySystem

    return MemorySystem(load(args))


class LazySystem:
    """A :class:`MemorySystem` built on first use (``config`` is available at once).

    Servers answer their handshake while the heavy modules load: :meth:`warm`
    starts building the system in a background thread, and the first attribute
    that needs it waits for that build. Every attribute but ``config``, ``warm``,
    ``built`` and ``close`` is the real system's.
    """

    def __init__(self, config: MirixConfig, factory: Callable[[], MemorySystem]) -> None:
        self.config = config
        self._factory = factory
        self._lock = threading.Lock()
        self._system: MemorySystem | None = None
        self._error: BaseException | None = None

    def built(self) -> MemorySystem:
        """The real system (built now if no background build ran). Named so as not to
        shadow any :class:`MemorySystem` attribute (``get`` is one)."""
        with self._lock:
            if self._system is None:
                if self._error is not None:
                    raise self._error
                self._system = self._factory()
            return self._system

    def warm(self) -> None:
        """Build the system in a daemon thread; errors surface on first use."""

        def build() -> None:
            try:
                self.built()
            except BaseException as exc:  # re-raised by the next built()
                self._error = exc

        threading.Thread(target=build, name="mirix-warm-up", daemon=True).start()

    def close(self) -> None:
        """Close the system if it was built."""
        with self._lock:
            if self._system is not None:
                self._system.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.built(), name)


def parse_as_of(value: str, *, now: datetime | None = None) -> datetime:
    """``--as-of`` text as a moment: ISO 8601 (a bare date means the end of that day),
    "now", or a relative expression the temporal resolver knows ("yesterday",
    "last Friday", "two weeks ago", "March 2024"), meaning the end of that period."""
    from mirix_py._temporal import parse_loose_datetime, resolve_time_expressions

    text = value.strip()
    current = now or datetime.now(UTC)
    if text.lower() in ("now", "today"):
        return current if text.lower() == "now" else _end_of(current.date(), current)
    try:
        if len(text) == 10:
            return _end_of(date.fromisoformat(text), current)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    except ValueError:
        pass
    mentions = resolve_time_expressions(text, current)
    if len(mentions) == 1 and len(mentions[0].text) >= len(text.strip(" .")) - 4:
        return mentions[0].end - timedelta(microseconds=1)
    loose = parse_loose_datetime(text)
    if loose is not None:
        return loose
    raise InvalidArgument(
        f"--as-of {value!r}: not a date or time I can read; give an ISO date or time "
        "(2024-03-01, 2024-03-01T18:00:00Z) or a relative one (yesterday, last Friday, "
        "two weeks ago, March 2024)"
    )


def _end_of(day: date, like: datetime) -> datetime:
    """The last microsecond of ``day`` in ``like``'s timezone."""
    return datetime.combine(day, time.max, tzinfo=like.tzinfo or UTC)


def emit(args: argparse.Namespace, data: Any, text: str) -> None:
    """Print ``data`` as JSON with ``--json``, else ``text``."""
    if getattr(args, "json", False):
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        print(text)


def confirm(question: str) -> bool:
    """Ask a yes/no question on the terminal; False when stdin is not interactive."""
    if not sys.stdin.isatty():
        return False
    print(f"{question} [y/N] ", end="", file=sys.stderr, flush=True)
    return sys.stdin.readline().strip().lower() in ("y", "yes")
