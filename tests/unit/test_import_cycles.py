"""No import cycle is hidden by a function-local import.

A module may import another inside a function to keep start-up light, but never
to break a cycle: the module it imports there must not import it back (directly
or through other modules and their packages) at import time. A package's PEP 562
``__getattr__`` (lazy attributes of the package itself) is exempt.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "mirix_py"


def _modules() -> dict[str, Path]:
    out: dict[str, Path] = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _resolve(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rsplit(".", 1)[0] if "." in name else ""
    return name or None


def _targets(node: ast.Import | ast.ImportFrom) -> set[str]:
    found: set[str] = set()
    if isinstance(node, ast.ImportFrom):
        if node.module and node.module.startswith("mirix_py"):
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in MODULES else _resolve(node.module) or "")
    else:
        found |= {_resolve(a.name) or "" for a in node.names if a.name.startswith("mirix_py")}
    return found - {""}


def _is_type_checking(node: ast.If) -> bool:
    return "TYPE_CHECKING" in ast.unparse(node.test)


def _import_time(tree: ast.Module) -> set[str]:
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            found |= _targets(node)
        elif isinstance(node, ast.Try | ast.If) and not (
            isinstance(node, ast.If) and _is_type_checking(node)
        ):
            for child in node.body:
                if isinstance(child, ast.Import | ast.ImportFrom):
                    found |= _targets(child)
    return found


def _local(tree: ast.Module) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name != "__getattr__":
            for child in ast.walk(node):
                if isinstance(child, ast.Import | ast.ImportFrom):
                    out += [(target, node.name) for target in _targets(child)]
    return out


TREES = {name: ast.parse(path.read_text()) for name, path in MODULES.items()}
AT_IMPORT = {name: _import_time(tree) for name, tree in TREES.items()}


def _reaches(start: str, goal: str) -> bool:
    seen: set[str] = set()
    stack = [start]
    while stack:
        name = stack.pop()
        if name == goal:
            return True
        if name in seen:
            continue
        seen.add(name)
        stack.extend(AT_IMPORT.get(name, ()))
        parent = name
        while "." in parent:  # importing a.b.c runs a/__init__ and a/b/__init__ first
            parent = parent.rsplit(".", 1)[0]
            stack.append(parent)
    return False


def test_the_analysis_sees_the_package() -> None:
    assert "mirix_py._system" in MODULES and "mirix_py.errors" in AT_IMPORT["mirix_py._system"]


def test_no_function_local_import_hides_a_cycle() -> None:
    hidden = [
        f"{module}.{function} imports {target}, which imports {module} back"
        for module, tree in TREES.items()
        for target, function in _local(tree)
        if target != module and _reaches(target, module)
    ]
    assert hidden == []
