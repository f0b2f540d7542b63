"""Error codes are an API contract: each is declared once in its app's errors.py with a 4xx status and a
message translated to Indonesian, every raise uses a declared class, and the OpenAPI schema lists them all."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

import kotapintar
import kotapintar.api
from kotapintar.core.errors import REGISTRY, DomainError

SRC = Path(kotapintar.__file__).parent


def _subclasses(cls: type[DomainError]) -> list[type[DomainError]]:
    found: list[type[DomainError]] = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def test_every_error_class_with_a_code_lives_in_an_errors_module() -> None:
    stray = [
        f"{cls.__module__}.{cls.__name__}"
        for cls in _subclasses(DomainError)
        if "code" in cls.__dict__ and not cls.__module__.endswith(".errors")
    ]
    assert not stray


def test_every_declared_code_is_registered_once_with_its_module() -> None:
    for cls in _subclasses(DomainError):
        if "code" in cls.__dict__:
            assert REGISTRY[cls.code].module == cls.__module__, cls


def _is_domain_error(module: object, func: ast.expr) -> bool:
    """Whether the called name is a DomainError class in that module (e.g. not Django's ValidationError)."""
    found: object = None
    if isinstance(func, ast.Name):
        found = getattr(module, func.id, None)
    elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        found = getattr(getattr(module, func.value.id, None), func.attr, None)
    return isinstance(found, type) and issubclass(found, DomainError)


def _raise_sites_with(keyword: str) -> list[str]:
    sites = []
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts or path.name == "__main__.py":
            continue
        name = ".".join(path.relative_to(SRC.parent).with_suffix("").parts).removesuffix(".__init__")
        module = importlib.import_module(name)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                call = node.exc
                if _is_domain_error(module, call.func) and any(kw.arg == keyword for kw in call.keywords):
                    sites.append(f"{path.relative_to(SRC)}:{node.lineno}")
    return sites


def test_the_raise_scan_sees_domain_errors() -> None:
    from kotapintar.masterplan import errors

    assert _is_domain_error(errors, ast.parse("DimensionNotFound").body[0].value)  # type: ignore[attr-defined]


@pytest.mark.parametrize("keyword", ["code", "status"])
def test_no_raise_site_invents_a_code_or_status(keyword: str) -> None:
    assert not _raise_sites_with(keyword)


def test_a_code_cannot_be_passed_at_raise_time() -> None:
    with pytest.raises(TypeError):
        DomainError("x", code="made_up")  # type: ignore[call-arg]


@pytest.mark.parametrize("code", sorted(REGISTRY))
def test_each_code_is_a_client_error_with_an_indonesian_message(code: str) -> None:
    entry = REGISTRY[code]
    assert 400 <= entry.status < 500
    with translation.override("en"):
        english = str(entry.message)
    with translation.override("id"):
        indonesian = str(entry.message)
    assert indonesian and indonesian != english, f"{code}: no Indonesian message for {english!r}"


def test_openapi_lists_every_code_with_its_status() -> None:
    schema: dict[str, Any] = kotapintar.api.api.get_openapi_schema()
    error = schema["components"]["schemas"]["ErrorOut"]
    assert set(error["properties"]["code"]["enum"]) == set(REGISTRY)
    assert {code: row["status"] for code, row in error["x-error-codes"].items()} == {
        code: entry.status for code, entry in REGISTRY.items()
    }
