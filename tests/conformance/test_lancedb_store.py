"""Run the store conformance suite against the LanceDB backend."""

from __future__ import annotations

from tests.conformance.store_suite import StoreConformance


class TestLanceDBStore(StoreConformance):
    """The suite with the ``store`` fixture from ``tests/conftest.py`` (LanceDB in tmp)."""
