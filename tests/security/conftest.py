"""Fixtures for the security tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.security._helpers import FIGURES


@pytest.fixture(scope="session", autouse=True)
def _print_figures() -> Iterator[None]:
    """Print what the security tests exercised (visible with ``pytest -s``)."""
    yield
    if FIGURES:
        lines = "\n".join(f"  {key}: {value}" for key, value in sorted(FIGURES.items()))
        print(f"\nsecurity test figures:\n{lines}")
