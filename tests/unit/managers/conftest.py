"""Fixtures for the manager unit tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import structlog


@pytest.fixture(autouse=True)
def _plain_structlog() -> Iterator[None]:
    """Default structlog config for each test (a CLI test may have configured it to write
    to a capture stream that is closed afterwards)."""
    structlog.reset_defaults()
    yield
    structlog.reset_defaults()
