"""A self-contained test PKI for the fast signer and the fake BSrE (never for real documents).

`DemoPki.generate()` builds root CA → issuing CA → {signer, TSA}, RSA-2048, with CRL distribution
points and an OCSP responder URL; it issues CRLs and OCSP answers, and revokes. `DemoPkiServer` serves
them over real HTTP on 127.0.0.1 (pdfsig's own OCSP check reaches it). Moved out of
`kotapintar.esign.fastsign`: only the tests use it.
"""

from __future__ import annotations

import base64
import http.server
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from kotapintar.esign.fastsign import InProcessTimeStamper, SignerKey
from kotapintar.esign.pki import key_usage


def _name(common_name: str, unit: str = "") -> x509.Name:
    attrs = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Pemerintah Kota Pekalongan"),
    ]
    if unit:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attrs)


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class DemoPki:
    """Root CA → issuing CA → {signer, TSA}. RSA-2048, CRL distribution points under ``crl_base_url``.

    Built with :meth:`generate`. ``crl(ca)`` issues a fresh CRL (optionally with revoked serials).
    """

    root_key: rsa.RSAPrivateKey
    root: x509.Certificate
    ca_key: rsa.RSAPrivateKey
    ca: x509.Certificate
    signer_key: rsa.RSAPrivateKey
    signer: x509.Certificate
    tsa_key: rsa.RSAPrivateKey
    tsa: x509.Certificate
    crl_base_url: str
    revoked: dict[str, list[tuple[int, datetime]]] = field(default_factory=dict)

    @classmethod
    def generate(
        cls,
        *,
        crl_base_url: str = "http://127.0.0.1:8102/tte/pki",
        signer_name: str = "Budi Santoso",
        now: datetime | None = None,
    ) -> DemoPki:
        now = now or datetime.now(UTC)
        start = now - timedelta(days=1)
        root_key, ca_key, signer_key, tsa_key = _new_key(), _new_key(), _new_key(), _new_key()
        root_name = _name("Kota Pintar Test Root CA")
        ca_name = _name("Kota Pintar Test Issuing CA")

        def builder(
            subject: x509.Name, issuer: x509.Name, key: rsa.RSAPrivateKey, days: int
        ) -> x509.CertificateBuilder:
            return (
                x509.CertificateBuilder()
                .subject_name(subject)
                .issuer_name(issuer)
                .public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(start)
                .not_valid_after(now + timedelta(days=days))
                .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            )

        def ca_usage() -> x509.KeyUsage:
            return key_usage(sign_certs=True, digital_signature=False, non_repudiation=False)

        def leaf_usage(non_repudiation: bool) -> x509.KeyUsage:
            return key_usage(sign_certs=False, digital_signature=True, non_repudiation=non_repudiation)

        def aia() -> x509.AuthorityInformationAccess:
            url = f"{crl_base_url.rstrip('/')}/ocsp"
            return x509.AuthorityInformationAccess(
                [
                    x509.AccessDescription(
                        x509.oid.AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(url)
                    )
                ]
            )

        def dp(name: str) -> x509.CRLDistributionPoints:
            url = f"{crl_base_url.rstrip('/')}/{name}.crl"
            return x509.CRLDistributionPoints(
                [x509.DistributionPoint([x509.UniformResourceIdentifier(url)], None, None, None)]
            )

        root = (
            builder(root_name, root_name, root_key, 3650)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(ca_usage(), critical=True)
            .sign(root_key, hashes.SHA256())
        )
        aki_root = x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key())
        ca = (
            builder(ca_name, root_name, ca_key, 1825)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(ca_usage(), critical=True)
            .add_extension(aki_root, critical=False)
            .add_extension(dp("root"), critical=False)
            .sign(root_key, hashes.SHA256())
        )
        aki_ca = x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key())
        signer = (
            builder(_name(signer_name, "Sekretariat Daerah"), ca_name, signer_key, 365)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(leaf_usage(True), critical=True)
            .add_extension(aki_ca, critical=False)
            .add_extension(dp("issuing"), critical=False)
            .add_extension(aia(), critical=False)
            .sign(ca_key, hashes.SHA256())
        )
        tsa = (
            builder(_name("Kota Pintar Test TSA", "Dinas Komunikasi dan Informatika"), ca_name, tsa_key, 365)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(leaf_usage(False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
            .add_extension(aki_ca, critical=False)
            .add_extension(dp("issuing"), critical=False)
            .add_extension(aia(), critical=False)
            .sign(ca_key, hashes.SHA256())
        )
        return cls(root_key, root, ca_key, ca, signer_key, signer, tsa_key, tsa, crl_base_url.rstrip("/"))

    def signer_key_obj(self) -> SignerKey:
        return SignerKey(private_key=self.signer_key, certificate=self.signer, chain=(self.ca, self.root))

    def timestamper(self) -> InProcessTimeStamper:
        return InProcessTimeStamper(self.tsa_key, self.tsa, (self.ca, self.root))

    def revoke(self, cert: x509.Certificate, when: datetime) -> None:
        issuer = "root" if cert.issuer == self.root.subject and cert != self.root else "issuing"
        self.revoked.setdefault(issuer, []).append((cert.serial_number, when))

    def crl(self, which: str, *, now: datetime | None = None) -> bytes:
        """A CRL (DER) from ``which`` = ``root`` or ``issuing``, valid for a week."""
        now = now or datetime.now(UTC)
        key, cert = (self.root_key, self.root) if which == "root" else (self.ca_key, self.ca)
        b = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(cert.subject)
            .last_update(now - timedelta(minutes=5))
            .next_update(now + timedelta(days=7))
            .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()), critical=False
            )
        )
        for serial, when in self.revoked.get(which, []):
            b = b.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(when).build()
            )
        return b.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

    def ocsp_response(self, request_der: bytes, *, now: datetime | None = None) -> bytes:
        """Answer an OCSP request for a certificate of the issuing CA (the CA signs the response)."""
        now = now or datetime.now(UTC)
        request = ocsp.load_der_ocsp_request(request_der)
        known = {c.serial_number: c for c in (self.signer, self.tsa)}
        cert = known.get(request.serial_number)
        if cert is None:
            return ocsp.OCSPResponseBuilder.build_unsuccessful(
                ocsp.OCSPResponseStatus.UNAUTHORIZED
            ).public_bytes(serialization.Encoding.DER)
        revoked = {serial: when for serial, when in self.revoked.get("issuing", [])}
        when = revoked.get(cert.serial_number)
        builder = ocsp.OCSPResponseBuilder().add_response(
            cert=cert,
            issuer=self.ca,
            algorithm=request.hash_algorithm,  # answer with the CertID hash the client used (NSS: SHA-1)
            cert_status=ocsp.OCSPCertStatus.REVOKED if when else ocsp.OCSPCertStatus.GOOD,
            this_update=now - timedelta(minutes=5),
            next_update=now + timedelta(days=1),
            revocation_time=when,
            revocation_reason=None,
        )
        builder = builder.responder_id(ocsp.OCSPResponderEncoding.HASH, self.ca)
        return builder.sign(self.ca_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

    def ocsp_poster(self) -> Callable[[str, bytes], bytes]:
        """A ``poster`` for :func:`fetch_revocation` answering this PKI's OCSP URL in-process."""

        def poster(url: str, body: bytes) -> bytes:
            if url != f"{self.crl_base_url}/ocsp":
                raise OSError(f"unknown OCSP URL {url}")
            return self.ocsp_response(body)

        return poster

    def crl_opener(self) -> Callable[[str], bytes]:
        """An ``opener`` for :func:`fetch_revocation` answering this PKI's CRL URLs in-process."""

        def opener(url: str) -> bytes:
            name = url.rsplit("/", 1)[-1].removesuffix(".crl")
            if not url.startswith(self.crl_base_url) or name not in ("root", "issuing"):
                raise OSError(f"unknown CRL URL {url}")
            return self.crl(name)

        return opener


class DemoPkiServer:
    """Serves a :class:`DemoPki`'s CRLs (GET ``<url>/root.crl``, ``<url>/issuing.crl``) and OCSP
    (POST ``<url>/ocsp``) over real HTTP on 127.0.0.1, a free port, in a daemon thread.

    Create it first, generate the PKI with ``crl_base_url=server.url``, then set ``server.pki``.
    ``requests`` counts the requests answered (to show that a batch fetches once).
    """

    def __init__(self) -> None:
        self.pki: DemoPki | None = None
        self.requests = 0
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _send(self, body: bytes, content_type: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                outer.requests += 1
                if outer.pki is not None and "/ocsp/" in self.path:  # RFC 6960 GET form
                    encoded = urllib.parse.unquote(self.path.split("/ocsp/", 1)[1])
                    try:
                        answer = outer.pki.ocsp_response(base64.b64decode(encoded))
                    except ValueError:
                        self.send_error(400)
                        return
                    self._send(answer, "application/ocsp-response")
                    return
                name = self.path.rsplit("/", 1)[-1].removesuffix(".crl")
                if outer.pki is None or name not in ("root", "issuing"):
                    self.send_error(404)
                    return
                self._send(outer.pki.crl(name), "application/pkix-crl")

            def do_POST(self) -> None:
                outer.requests += 1
                if outer.pki is None or not self.path.endswith("/ocsp"):
                    self.send_error(404)
                    return
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    answer = outer.pki.ocsp_response(body)
                except ValueError:
                    self.send_error(400)
                    return
                self._send(answer, "application/ocsp-response")

            def log_message(self, format: str, *args: object) -> None:
                return

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/pki"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
