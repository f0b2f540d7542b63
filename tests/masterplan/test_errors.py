"""Every error the master plan app raises carries a code declared once in masterplan/errors.py (or in
core), raised as its class: no inline `code=`."""

from __future__ import annotations

import kotapintar.masterplan
from kotapintar.core.errors import REGISTRY
from kotapintar.masterplan import errors
from tests.errorscan import Raised, raised_errors


def _raised() -> list[Raised]:
    return raised_errors(kotapintar.masterplan)


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
