"""kotapintar audit-verify: check the audit log's hash chain; exit 1 and name the first bad entry."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kotapintar.core import audit


class Command(BaseCommand):
    help = "Verify the hash chain of the audit log. Exits non-zero at the first edited or deleted entry."

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit.verify()
        if not result.ok:
            raise CommandError(
                f"audit log broken at entry #{result.bad_seq}: {result.reason} "
                f"({result.checked} entries before it are intact)",
                returncode=1,
            )
        self.stdout.write(self.style.SUCCESS(f"audit log intact: {result.checked} entries"))
