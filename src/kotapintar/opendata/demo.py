"""Open data demo: the demo walidata publishes every declared dataset (none of them personal)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import get_user_model

from kotapintar.opendata import registry, services


def seed(*, out: Callable[[str], None]) -> None:
    walidata = get_user_model().objects.filter(username="walidata").first()
    if walidata is None:
        out("  open data: no walidata user (seed core first)")
        return
    for dataset in registry.datasets():
        if not dataset.personal:
            services.publication_set(actor=walidata, name=dataset.name, public=True)
    changed = services.states_refresh()
    out(f"  {len(registry.datasets())} open datasets public ({len(changed)} with new data)")
