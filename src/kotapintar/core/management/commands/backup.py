"""`kotapintar backup --out DIR [--passphrase-env VAR]`: database, media and sealed keys in one folder.

The keys are sealed with a passphrase taken from the environment variable named by --passphrase-env,
or asked twice on the terminal. Exit 1 with the error's message when anything fails (the folder is
then removed if this command created it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from kotapintar.core.backup import services
from kotapintar.core.backup.cli import command_error, read_passphrase
from kotapintar.core.errors import DomainError


class Command(BaseCommand):
    help = "Back up the database, the media folder and the keys (sealed with a passphrase) into DIR."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="a new or empty folder")
        parser.add_argument("--passphrase-env", metavar="VAR", help="read the passphrase from $VAR")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            passphrase = read_passphrase(options["passphrase_env"], confirm=True)
            result = services.backup_create(out=Path(options["out"]), passphrase=passphrase)
        except DomainError as exc:
            raise command_error(exc) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("Backup written: %(folder)s (%(engine)s, %(files)d files, %(mib).1f MiB)")
                % {
                    "folder": result.folder,
                    "engine": result.engine,
                    "files": result.files,
                    "mib": result.bytes / 2**20,
                }
            )
        )
