"""The URLs a certificate of the city PKI carries (CRL distribution point, OCSP, CA issuers): written
from SITE_URL when it is issued, and read back from a certificate to tell which SITE_URL that was."""

from __future__ import annotations

from dataclasses import dataclass

from cryptography import x509

from kotapintar.core import siteurl


@dataclass(frozen=True)
class Urls:
    crl: str
    ocsp: str
    ca_issuers: str


CRL_PATH = "/tte/pki/crl/"


def urls_for(issuer_public_id: str) -> Urls:
    """The CRL, OCSP and CA-issuer URLs a certificate issued now carries: on SITE_URL at issue time."""
    return Urls(
        crl=siteurl.absolute_url(f"{CRL_PATH}{issuer_public_id}.crl"),
        ocsp=siteurl.absolute_url("/tte/pki/ocsp/"),
        ca_issuers=siteurl.absolute_url(f"/tte/pki/ca/{issuer_public_id}.cer"),
    )


def issued_base_url(cert_der: bytes) -> str | None:
    """The SITE_URL a certificate was issued under, read from its CRL distribution point (None for a
    root, which has none)."""
    try:
        points = (
            x509.load_der_x509_certificate(cert_der)
            .extensions.get_extension_for_class(x509.CRLDistributionPoints)
            .value
        )
    except x509.ExtensionNotFound:
        return None
    for point in points:
        for name in point.full_name or ():
            url = str(name.value)
            if CRL_PATH in url:
                return url.rpartition(CRL_PATH)[0]
    return None
