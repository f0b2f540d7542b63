"""Every error the flood app raises carries a code declared once in flood/errors.py (or in core)."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import kotapintar.flood
from kotapintar.core.errors import REGISTRY, DomainError
from kotapintar.flood import errors

SRC = Path(kotapintar.flood.__file__).parent


def _raised() -> list[tuple[str, int, type[DomainError], ast.Call]]:
    """(module, line, class, call) for every `raise SomeDomainError(...)` in the flood app."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        name = ".".join(path.relative_to(SRC.parent.parent).with_suffix("").parts).removesuffix(".__init__")
        module = importlib.import_module(name)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                func = node.exc.func
                if isinstance(func, ast.Name):
                    cls = getattr(module, func.id, None)
                    if isinstance(cls, type) and issubclass(cls, DomainError):
                        found.append((name, node.lineno, cls, node.exc))
    return found


def test_the_app_raises_domain_errors_at_all():
    assert len(_raised()) > 30


def test_every_raised_error_has_a_declared_code_and_no_inline_one():
    wrong = [
        f"{module}:{line} {cls.__name__}"
        for module, line, cls, call in _raised()
        if "code" not in cls.__dict__
        or REGISTRY[cls.code].module != cls.__module__
        or any(kw.arg == "code" for kw in call.keywords)
    ]
    assert wrong == []


def test_a_reject_reason_that_is_also_an_error_code_is_declared_here():
    shared = {code for code in errors.REJECT_REASONS if code in REGISTRY}
    assert shared == {"bad_time"}
    assert REGISTRY["bad_time"].module == errors.__name__
    assert errors.REJECT_REASONS["bad_time"] is errors.BadTime.default_message
