"""Finding the shipped ``agents/`` and ``configs/`` folders, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The folder ``name`` (``agents`` or ``configs``) shipped with mirix-py.

    In a wheel they live in ``mirix_py/_data/<name>``; in a source checkout they
    are the top-level folders next to the package.
    """
    packaged = _PACKAGE_DIR / "_data" / name
    if packaged.is_dir():
        return packaged
    checkout = _PACKAGE_DIR.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"mirix-py data folder {name!r} not found in {_PACKAGE_DIR}")


def tokenizer_path() -> Path:
    """The all-MiniLM-L6-v2 ``tokenizer.json`` shipped as package data."""
    return _PACKAGE_DIR / "_data" / "tokenizer.json"
