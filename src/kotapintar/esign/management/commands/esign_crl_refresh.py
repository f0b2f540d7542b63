"""`kotapintar esign-crl-refresh`: re-issue the CRL of every CA (run daily from cron/systemd timer)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kotapintar.esign import pki
from kotapintar.esign.models import CertKind, PkiCertificate


class Command(BaseCommand):
    help = "Re-issue the CRL of every CA of the city PKI (next CRL number, fresh nextUpdate)."

    def handle(self, *args: Any, **options: Any) -> None:
        for ca in PkiCertificate.objects.filter(kind__in=[CertKind.ROOT, CertKind.ISSUING]).order_by("pk"):
            state = pki.crl_refresh(ca=ca)
            self.stdout.write(
                f"{ca.common_name}: CRL #{state.number}, next update {state.next_update:%Y-%m-%d %H:%M}"
            )
