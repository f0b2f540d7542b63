"""What the backup and restore commands share: the passphrase (an environment variable the operator
names, or asked on the terminal) and the error line an operator reads."""

from __future__ import annotations

import getpass
import os
import sys

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from kotapintar.core.errors import BackupPassphraseMissing, DomainError


def read_passphrase(env_name: str | None, *, confirm: bool) -> str:
    if env_name:
        value = os.environ.get(env_name, "")
        if not value:
            raise BackupPassphraseMissing(detail=env_name)
        return value
    if not sys.stdin.isatty():
        raise BackupPassphraseMissing(detail="--passphrase-env")
    value = getpass.getpass(_("Backup passphrase: "))
    if confirm and getpass.getpass(_("Repeat the passphrase: ")) != value:
        raise BackupPassphraseMissing(_("The two passphrases differ."))
    if not value:
        raise BackupPassphraseMissing()
    return value


def command_error(exc: DomainError) -> CommandError:
    """The translated message, the code for a search, and the detail (a file, a tool's output)."""
    detail = exc.detail
    if isinstance(detail, list):
        detail = ", ".join(str(d) for d in detail)
    text = f"{exc.message} [{exc.code}]" + (f" {detail}" if detail else "")
    return CommandError(text, returncode=1)
