"""kotapintar audit-verify: check the audit log's keyed hash chain and its newest TSA anchor; exit 1
and name the first bad entry (or the anchor the chain no longer matches)."""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kotapintar.core import audit


def _anchor_text(anchor: audit.AnchorRef | None) -> str:
    if anchor is None:
        return "no anchor yet (run `kotapintar audit-anchor`)"
    return f"anchor #{anchor.seq} timestamped {anchor.anchored_at.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"


class Command(BaseCommand):
    help = (
        "Verify the keyed hash chain of the audit log against AUDIT_HMAC_KEY and the newest anchor "
        "timestamped by the city TSA. Exits non-zero at the first edited or deleted entry."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit.verify()
        if not result.ok:
            raise CommandError(
                f"audit log broken at entry #{result.bad_seq}: {result.reason} "
                f"({result.checked} entries before it are intact; checked against "
                f"{_anchor_text(result.anchor)})",
                returncode=1,
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"audit log intact: {result.checked} entries; checked against {_anchor_text(result.anchor)}"
            )
        )
        stale = timedelta(hours=2 * settings.AUDIT_ANCHOR_INTERVAL_H)
        anchor = result.anchor
        if anchor is not None and anchor.seq < result.checked and timezone.now() - anchor.anchored_at > stale:
            self.stderr.write(
                self.style.WARNING(
                    f"warning: the newest anchor is older than {stale}: is the worker's periodic anchor "
                    "running? (`kotapintar audit-anchor` anchors now and restarts it)"
                )
            )
