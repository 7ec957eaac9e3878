"""Fixtures for the security tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import structlog

from tests.security._helpers import FIGURES


@pytest.fixture(autouse=True)
def _restore_structlog() -> Iterator[None]:
    """The CLI configures structlog for the process: undo it after each test."""
    saved = structlog.get_config()
    yield
    structlog.configure(**saved)


@pytest.fixture(scope="session", autouse=True)
def _print_figures() -> Iterator[None]:
    """Print what the security tests exercised (visible with ``pytest -s``)."""
    yield
    if FIGURES:
        lines = "\n".join(f"  {key}: {value}" for key, value in sorted(FIGURES.items()))
        print(f"\nsecurity test figures:\n{lines}")
