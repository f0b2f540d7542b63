"""Every error the flood app raises carries a code declared once in flood/errors.py (or in core)."""

from __future__ import annotations

import kotapintar.flood
from kotapintar.core.errors import REGISTRY
from kotapintar.flood import errors
from tests.errorscan import Raised, raised_errors


def _raised() -> list[Raised]:
    return raised_errors(kotapintar.flood)


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
