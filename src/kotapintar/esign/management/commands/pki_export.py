"""`kotapintar pki-export --out DIR`: the city's root and issuing certificates (PEM and DER) and their
current CRLs, for recipients who check letters with other validators (pdfsig, Acrobat, openssl)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kotapintar.core.errors import DomainError
from kotapintar.esign import pki, selectors
from kotapintar.esign.models import CertKind


class Command(BaseCommand):
    help = "Write the city root and issuing CA certificates (PEM and DER) and their current CRLs to a folder."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--out", required=True, help="folder to write into (created if missing)")

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        try:
            cas = [("root", selectors.ca_get(CertKind.ROOT)), ("issuing", selectors.ca_get(CertKind.ISSUING))]
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        out.mkdir(parents=True, exist_ok=True)
        for name, ca in cas:
            der = bytes(ca.cert_der)
            (out / f"{name}.pem").write_bytes(pki.pem(der))
            (out / f"{name}.cer").write_bytes(der)
            (out / f"{name}.crl").write_bytes(pki.crl_current(ca=ca))
            self.stdout.write(f"{name:8} {ca.subject}  SHA-256 {pki.fingerprint_sha256(der)}")
        self.stdout.write(f"written to {out}: root.pem root.cer root.crl issuing.pem issuing.cer issuing.crl")
