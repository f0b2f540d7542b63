"""`kotapintar pki-init`: create the city PKI (root CA, issuing CA, TSA, OCSP responder) once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand
from django.urls import reverse

from kotapintar.core import siteurl
from kotapintar.esign import pki, pki_urls, services


class Command(BaseCommand):
    help = (
        "Create the city PKI: root CA, issuing CA, timestamp authority and OCSP responder, named for the "
        "configured city (idempotent; `city-init` runs it for a new city)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--export-root", help="write the root certificate (PEM) to this file")

    def handle(self, *args: Any, **options: Any) -> None:
        result = services.pki_init()
        verb = "created" if result.created else "already initialised"
        self.stdout.write(f"City PKI {verb}.")
        for label, cert in (
            ("root", result.root),
            ("issuing", result.issuing),
            ("tsa", result.tsa),
            ("ocsp", result.ocsp),
        ):
            self.stdout.write(f"  {label:8} {cert.subject}  (valid to {cert.not_after:%Y-%m-%d})")
        self.stdout.write(f"  CRL      {pki_urls.urls_for(str(result.issuing.public_id)).crl}")
        self.stdout.write(f"  OCSP     {pki_urls.urls_for(str(result.issuing.public_id)).ocsp}")
        self.stdout.write(f"  TSA      {siteurl.absolute_url(reverse('esign:pki_tsa'))}")
        if options.get("export_root"):
            Path(options["export_root"]).write_bytes(pki.pem(bytes(result.root.cert_der)))
            self.stdout.write(f"Root certificate written to {options['export_root']}")
