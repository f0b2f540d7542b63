"""Error codes are an API contract: each is declared once in its app's errors.py with a 4xx status and a
message translated to Indonesian, every raise uses a declared class, and the OpenAPI schema lists them all."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

import kotapintar
import kotapintar.api
from kotapintar.core.errors import REGISTRY, DomainError
from tests.errorscan import raised_errors

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


def _raise_sites_with(keyword: str) -> list[str]:
    return [
        f"{r.module}:{r.line}"
        for r in raised_errors(kotapintar)
        if any(kw.arg == keyword for kw in r.call.keywords)
    ]


def test_the_raise_scan_sees_domain_errors() -> None:
    from kotapintar.masterplan.errors import DimensionNotFound

    assert any(r.cls is DimensionNotFound for r in raised_errors(kotapintar))


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
