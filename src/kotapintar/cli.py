"""The `kotapintar` console script: Django's management commands under one name.

`kotapintar audit-verify` runs the management command `audit_verify`; hyphens and underscores are
interchangeable so that operators can type either. `kotapintar worker` runs the task worker.
"""

import os
import sys

ALIASES: dict[str, str] = {}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kotapintar.settings")
    args = list(sys.argv if argv is None else argv)
    args[0] = "kotapintar"
    if len(args) > 1 and not args[1].startswith("-"):
        name = args[1].replace("-", "_")
        args[1] = ALIASES.get(name, name)
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":  # pragma: no cover
    main()
