"""Every error the master plan app raises carries a code declared once in masterplan/errors.py (or in
core), raised as its class: no inline `code=`."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import kotapintar.masterplan
from kotapintar.core.errors import REGISTRY, DomainError
from kotapintar.masterplan import errors

SRC = Path(kotapintar.masterplan.__file__).parent


def _raised() -> list[tuple[str, int, type[DomainError], ast.Call]]:
    """(module, line, class, call) for every `raise SomeDomainError(...)` and every DomainError built
    to be raised later (`return WorksheetLocked(...)`) in the master plan app."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        name = ".".join(path.relative_to(SRC.parent.parent).with_suffix("").parts).removesuffix(".__init__")
        module = importlib.import_module(name)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            call = (
                node.exc
                if isinstance(node, ast.Raise)
                else node.value
                if isinstance(node, ast.Return)
                else None
            )
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Name):
                cls = getattr(module, call.func.id, None)
                if isinstance(cls, type) and issubclass(cls, DomainError):
                    found.append((name, call.lineno, cls, call))
    return found


def test_the_app_raises_domain_errors_at_all():
    assert len(_raised()) > 40


def test_every_raised_error_has_a_declared_code_and_no_inline_one():
    wrong = [
        f"{module}:{line} {cls.__name__}"
        for module, line, cls, call in _raised()
        if "code" not in cls.__dict__
        or REGISTRY[cls.code].module != cls.__module__
        or any(kw.arg == "code" for kw in call.keywords)
    ]
    assert wrong == []


def test_every_code_declared_here_is_raised_somewhere():
    raised = {cls.code for _module, _line, cls, _call in _raised()}
    declared = {e.code for e in REGISTRY.values() if e.module == errors.__name__}
    assert declared - raised == set()
