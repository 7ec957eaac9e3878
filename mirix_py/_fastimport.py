"""Start-up cost control for third-party packages whose ``__init__`` imports far
more than we use.

Two generated-code packages dominate mirix-py's import time:

- ``lance_namespace_urllib3_client`` (imported by ``import lancedb`` through
  ``lance_namespace``): LanceDB needs its ``models`` submodules, but the
  package ``__init__`` also imports a whole REST client (nine API modules whose
  ``@validate_call`` methods build pydantic schemas at import) for a REST
  namespace an embedded database never uses: about half of LanceDB's import.
- ``langsmith.types`` (imported by ``langchain_core``'s tracers, hence by
  LangGraph): one submodule (``run_select_field``) is needed, but the package
  ``__init__`` imports some 2.5 MB of generated API types.

:func:`defer_package_init` registers such a package with a lazy ``__init__``:
its submodules import normally, and the package's own ``__init__`` runs the
first time any package-level name is asked for, so every use still works
exactly as before (only later). It does nothing if the package is already
imported or is absent. :func:`install` applies it to the packages above; the
``mirix_py`` package runs it on import (it costs a few file look-ups).
"""

from __future__ import annotations

import importlib.util
import sys
from typing import Any

DEFERRED_PACKAGES = ("lance_namespace_urllib3_client", "langsmith.types")


def defer_package_init(name: str) -> bool:
    """Register package ``name`` so that its ``__init__`` runs on first attribute use.

    Returns True if the lazy package was installed.
    """
    if name in sys.modules:
        return False
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return False
    if spec is None or spec.loader is None or not spec.submodule_search_locations:
        return False
    module = importlib.util.module_from_spec(spec)
    loader = spec.loader

    def load_init(attr: str) -> Any:
        if attr.startswith("__") and attr != "__all__":
            raise AttributeError(attr)
        module.__dict__.pop("__getattr__", None)  # run the real __init__ once
        loader.exec_module(module)
        return getattr(module, attr)

    module.__dict__["__getattr__"] = load_init
    sys.modules[name] = module
    parent, _, child = name.rpartition(".")
    if parent:  # as the import system does: the parent package names its child
        setattr(sys.modules[parent], child, module)
    return True


def install() -> None:
    """Defer the ``__init__`` of every package in :data:`DEFERRED_PACKAGES`."""
    for name in DEFERRED_PACKAGES:
        defer_package_init(name)
