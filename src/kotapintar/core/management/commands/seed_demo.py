"""kotapintar seed-demo: load the Pekalongan demo city into every app (idempotent)."""

from __future__ import annotations

import importlib
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from kotapintar.core.errors import DomainError


class Command(BaseCommand):
    help = "Load the Kota Pekalongan demo data (wilayah, OPD, users, and each module's demo). Safe to repeat."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--only", nargs="*", help="app labels to seed (default: all)")

    def handle(self, *args: Any, **options: Any) -> None:
        only = set(options.get("only") or [])
        for config in apps.get_app_configs():
            if not config.name.startswith("kotapintar.") or (only and config.label not in only):
                continue
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            self.stdout.write(f"{config.verbose_name}:")
            try:
                module.seed(out=self.stdout.write)
            except DomainError as exc:
                raise CommandError(f"{exc.message} [{exc.code}]", returncode=1) from exc
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
