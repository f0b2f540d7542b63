"""Health checks that apps add to `/healthz` (`selectors.health`), registered in their AppConfig.ready.

A check returns a JSON-able dict with at least `ok` (bool); `/healthz` lists it under its name and is
unhealthy (503) while any check is not ok. A check must be cheap (a few indexed queries): load
balancers call `/healthz` often.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

HealthCheck = Callable[[], dict[str, Any]]
_checks: dict[str, HealthCheck] = {}


def health_check_register(name: str, check: HealthCheck) -> None:
    """Add (or replace) the check called `name`."""
    _checks[name] = check


def health_checks_run() -> dict[str, dict[str, Any]]:
    """Every registered check's result, by name."""
    return {name: check() for name, check in sorted(_checks.items())}
