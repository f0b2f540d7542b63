"""`kotapintar restore DIR [--passphrase-env VAR] [--secrets-out FILE] [--force]`.

Checks the backup completely (manifest hashes, engine, migrations, archive readable, an empty
database and media folder, the passphrase) before writing anything, then restores the database,
the media and the keys. Run `kotapintar migrate`, `audit-verify` and `wallet-check` afterwards."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from kotapintar.core.backup import services
from kotapintar.core.backup.cli import command_error, read_passphrase
from kotapintar.core.errors import DomainError


class Command(BaseCommand):
    help = "Restore a backup made by `kotapintar backup` into an empty database and media folder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder")
        parser.add_argument("--passphrase-env", metavar="VAR", help="read the passphrase from $VAR")
        parser.add_argument(
            "--secrets-out",
            metavar="FILE",
            help="write secrets this server takes from its environment to FILE (mode 0600)",
        )
        parser.add_argument(
            "--force", action="store_true", help="overwrite a database or media folder that is not empty"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        secrets_out = Path(options["secrets_out"]) if options["secrets_out"] else None
        try:
            result = services.backup_restore(
                folder=Path(options["folder"]),
                passphrase=lambda: read_passphrase(options["passphrase_env"], confirm=False),
                force=options["force"],
                secrets_out=secrets_out,
            )
        except DomainError as exc:
            raise command_error(exc) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("Restored: %(engine)s database, %(media)d media files.")
                % {"engine": result.engine, "media": result.media_files}
            )
        )
        for path in result.keys_written:
            self.stdout.write(_("Key written: %(path)s") % {"path": path})
        if result.env_names:
            self.stdout.write(
                self.style.WARNING(
                    _("Set %(names)s from %(file)s in the service environment before starting it.")
                    % {"names": ", ".join(result.env_names), "file": secrets_out}
                )
            )
        self.stdout.write(_("Next: kotapintar migrate, kotapintar audit-verify, kotapintar wallet-check."))
