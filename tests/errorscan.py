"""Where an app raises its domain errors: an AST scan of a package's modules (migrations aside)."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path
from types import ModuleType
from typing import NamedTuple

import kotapintar
from kotapintar.core.errors import DomainError

ROOT = Path(kotapintar.__file__).parent.parent  # the directory that holds the kotapintar package


class Raised(NamedTuple):
    module: str
    line: int
    cls: type[DomainError]
    call: ast.Call


def _domain_error(module: ModuleType, func: ast.expr) -> type[DomainError] | None:
    """The DomainError class a call names in that module (`X(...)` or `errors.X(...)`), else None."""
    found: object = None
    if isinstance(func, ast.Name):
        found = getattr(module, func.id, None)
    elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        found = getattr(getattr(module, func.value.id, None), func.attr, None)
    return found if isinstance(found, type) and issubclass(found, DomainError) else None


def raised_errors(package: ModuleType) -> list[Raised]:
    """Every `raise SomeDomainError(...)`, and every DomainError built to be raised later
    (`return WorksheetLocked(...)`), in the package's modules."""
    found = []
    for path in sorted(Path(package.__file__ or "").parent.rglob("*.py")):
        if "migrations" in path.parts or path.name == "__main__.py":
            continue
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        module = importlib.import_module(name)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            call = (
                node.exc
                if isinstance(node, ast.Raise)
                else node.value
                if isinstance(node, ast.Return)
                else None
            )
            if isinstance(call, ast.Call) and (cls := _domain_error(module, call.func)) is not None:
                found.append(Raised(name, call.lineno, cls, call))
    return found
