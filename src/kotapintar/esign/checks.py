"""Deployment check of the city PKI: its certificates point at the SITE_URL they were issued under.

Imported by the app config before the models are ready: the model is looked up when the check runs."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core import checks
from django.db import DatabaseError

from kotapintar.core import siteurl
from kotapintar.esign import pki_urls


def check_ca_site_url(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Warn when the city CA was created under another SITE_URL than today's.

    The CRL, OCSP and CA-issuer URLs are written into each certificate when it is issued; the base
    the CA was made with is read back from the issuing CA's own CRL distribution point."""
    try:
        issuing = (
            apps.get_model("esign", "PkiCertificate")
            .objects.filter(kind="issuing", revocation__isnull=True)
            .order_by("-created_at", "-pk")
            .only("cert_der")
            .first()
        )
    except DatabaseError:  # not migrated yet: nothing issued, nothing to compare
        return []
    if issuing is None:
        return []
    issued_under = pki_urls.issued_base_url(bytes(issuing.cert_der))
    if issued_under is None or issued_under.rstrip("/") == siteurl.site_url():
        return []
    return [
        checks.Warning(
            f"The city CA was created with SITE_URL {issued_under}; SITE_URL is now {siteurl.site_url()}.",
            hint=(
                f"Certificates issued from now on carry CRL/OCSP/CA URLs on {siteurl.site_url()}. "
                f"Certificates issued before (and the issuing CA itself) keep pointing at {issued_under}: "
                "keep that address answering /tte/pki/ (e.g. a proxy to this platform) so that their "
                "signatures still validate, or re-issue them (docs/deployment.md, 'Public address')."
            ),
            id="esign.W001",
        )
    ]
