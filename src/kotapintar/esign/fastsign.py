"""Fast batch signing: PAdES B-B, B-T and B-LT for many documents with one key.

Why a separate path: pyHanko's default ``sign_pdf`` loop re-parses the private key and signs twice
per document (a size-estimation pass and the real one), and goes through a general PDF writer. For
a batch of letters signed by one official the work that truly differs per document is small:

1. write the letter PDF with the signature field and a ``/Contents`` placeholder in the same pass
   (``kotapintar.lib.pdfmini``; for an existing PDF, pyHanko prepares the incremental update);
2. SHA-256 of the two byte ranges;
3. the CMS SignedData from a template built once per batch: the certificates, the signer id and
   the signing-certificate-v2 attribute never change, only the message digest does (PAdES puts no
   signing-time attribute in the signed attributes; the time goes in the signature dictionary ``/M``);
4. one RSA signature over the signed attributes with a key loaded once;
5. B-T: a signature timestamp token over the signature value (one TSA call per document: the token
   must cover that signature); B-LT: additionally a Document Security Store with the certificate
   chains and the CRLs/OCSP responses fetched once per batch, appended as an incremental update.

Everything produced here validates with pyHanko's validator (tests/esign/test_fastsign.py).
No Django imports: the batch service and ``bench/esign.py`` call it directly.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import secrets
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from io import BytesIO
from typing import Any

from asn1crypto import algos, cms, core, tsp
from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from kotapintar.esign.backends import LEVEL_BB, LEVEL_BLT, LEVEL_BT, LEVELS, SigningError
from kotapintar.lib import pdfmini
from kotapintar.lib.pdfmini import Letter

__all__ = [
    "DemoPki",
    "DemoPkiServer",
    "HttpTimeStamper",
    "InProcessTimeStamper",
    "Letter",
    "RevocationBundle",
    "SignerKey",
    "TimeStamper",
    "check_signer_usable",
    "fetch_revocation",
    "iter_sign",
    "sign_batch",
]

# A timestamper takes the SHA-256 digest of the data to stamp and returns a DER TimeStampToken
# (a CMS ContentInfo), as RFC 3161 defines it.
TimeStamper = Callable[[bytes], bytes]

_OID_DATA = "1.2.840.113549.1.7.1"
_OID_SIGNED_DATA = "1.2.840.113549.1.7.2"
_OID_TST_INFO = "1.2.840.113549.1.9.16.1.4"
_OID_SIG_TST = "1.2.840.113549.1.9.16.2.14"
_PAD = padding.PKCS1v15()
_SHA256 = hashes.SHA256()


# ---------------------------------------------------------------------------------------------
# DER helpers


def _der_len(n: int) -> bytes:
    if n < 0x80:
        return bytes((n,))
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes((0x80 | len(raw),)) + raw


def _tlv(tag: int, content: bytes) -> bytes:
    return bytes((tag,)) + _der_len(len(content)) + content


def _oid(dotted: str) -> bytes:
    return core.ObjectIdentifier(dotted).dump()


# ---------------------------------------------------------------------------------------------
# Signer key and CMS template


@dataclass(frozen=True)
class SignerKey:
    """A private key loaded once, its certificate and the chain above it (issuing CAs, root).

    ``chain`` goes into the CMS so that a validator can build the path without fetching.
    """

    private_key: rsa.RSAPrivateKey
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...] = ()

    @classmethod
    def from_pem(
        cls, key_pem: bytes, cert_pem: bytes, chain_pem: bytes = b"", *, password: bytes | None = None
    ) -> SignerKey:
        key = serialization.load_pem_private_key(key_pem, password=password)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise SigningError("only RSA keys are supported by the fast path", code="unsupported_key")
        chain = tuple(x509.load_pem_x509_certificates(chain_pem)) if chain_pem.strip() else ()
        return cls(private_key=key, certificate=x509.load_pem_x509_certificate(cert_pem), chain=chain)


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _ess_signing_certificate_v2(cert: asn1_x509.Certificate) -> bytes:
    value = tsp.SigningCertificateV2(
        {
            "certs": [
                tsp.ESSCertIDv2(
                    {
                        "hash_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
                        "cert_hash": hashlib.sha256(cert.dump()).digest(),
                        "issuer_serial": {
                            "issuer": [asn1_x509.GeneralName({"directory_name": cert.issuer})],
                            "serial_number": cert.serial_number,
                        },
                    }
                )
            ]
        }
    )
    return cms.CMSAttribute({"type": "signing_certificate_v2", "values": [value]}).dump()


class _CmsTemplate:
    """The constant parts of a CMS SignedData for one signer, with slots for what varies.

    Signed attributes: content-type, message-digest, signing-certificate-v2 (DER-sorted, as a SET OF
    must be; the order does not depend on the digest value because the attributes differ earlier).
    """

    def __init__(
        self,
        key: rsa.RSAPrivateKey,
        cert: x509.Certificate,
        extra_certs: Sequence[x509.Certificate],
        *,
        content_type: str = _OID_DATA,
    ) -> None:
        self.key = key
        self.signature_size = key.key_size // 8
        leaf = _asn1(cert)
        ct_attr = cms.CMSAttribute({"type": "content_type", "values": [content_type]}).dump()
        md_attr = cms.CMSAttribute({"type": "message_digest", "values": [b"\0" * 32]}).dump()
        attrs = sorted([ct_attr, md_attr, _ess_signing_certificate_v2(leaf)])
        body = b"".join(attrs)
        digest_at = body.index(md_attr) + len(md_attr) - 32
        header = _der_len(len(body))
        self._attrs_prefix = header + body[:digest_at]  # after the tag byte
        self._attrs_suffix = body[digest_at + 32 :]

        self._digest_alg = algos.DigestAlgorithm({"algorithm": "sha256"}).dump()
        self._sig_alg = algos.SignedDigestAlgorithm({"algorithm": "rsassa_pkcs1v15"}).dump()
        sid = cms.SignerIdentifier(
            {"issuer_and_serial_number": {"issuer": leaf.issuer, "serial_number": leaf.serial_number}}
        ).dump()
        self._si_head = b"\x02\x01\x01" + sid + self._digest_alg
        seen: set[bytes] = set()
        ders = []
        for c in (cert, *extra_certs):
            der = c.public_bytes(serialization.Encoding.DER)
            if der not in seen:
                seen.add(der)
                ders.append(der)
        self._certs = _tlv(0xA0, b"".join(sorted(ders)))
        self.content_type = content_type
        self.version = b"\x02\x01\x01" if content_type == _OID_DATA else b"\x02\x01\x03"

    def signed_attrs(self, digest: bytes) -> bytes:
        """DER of the signed attributes as a SET (the form that is signed)."""
        return b"\x31" + self._attrs_prefix + digest + self._attrs_suffix

    def content_info(
        self,
        digest: bytes,
        *,
        econtent: bytes | None = None,
        unsigned: Callable[[bytes], bytes] | None = None,
    ) -> bytes:
        """Sign and return the DER ContentInfo. ``unsigned(signature) -> attribute DER`` adds one
        unsigned attribute computed from the signature value (the signature timestamp)."""
        signature = self.key.sign(self.signed_attrs(digest), _PAD, _SHA256)
        signer_info = (
            self._si_head
            + b"\xa0"
            + self._attrs_prefix
            + digest
            + self._attrs_suffix
            + self._sig_alg
            + _tlv(0x04, signature)
        )
        if unsigned is not None:
            signer_info += _tlv(0xA1, unsigned(signature))
        encap = _oid(self.content_type)
        if econtent is not None:
            encap += _tlv(0xA0, _tlv(0x04, econtent))
        signed_data = (
            self.version
            + _tlv(0x31, self._digest_alg)
            + _tlv(0x30, encap)
            + self._certs
            + _tlv(0x31, _tlv(0x30, signer_info))
        )
        return _tlv(0x30, _oid(_OID_SIGNED_DATA) + _tlv(0xA0, _tlv(0x30, signed_data)))


# ---------------------------------------------------------------------------------------------
# Timestamping


class InProcessTimeStamper:
    """An RFC 3161 timestamp authority running in this process (tests, benchmark, demo).

    Its certificate must carry the critical timeStamping extended key usage. Tokens hold a random
    128-bit serial prefix plus a counter, the policy OID and the current UTC time.
    """

    def __init__(
        self,
        key: rsa.RSAPrivateKey,
        cert: x509.Certificate,
        chain: Sequence[x509.Certificate] = (),
        *,
        policy: str = "1.3.6.1.4.1.99999.1.1",
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._template = _CmsTemplate(key, cert, tuple(chain), content_type=_OID_TST_INFO)
        self.certificate = cert
        self.chain = tuple(chain)
        self.policy = policy
        self._clock = clock or (lambda: datetime.now(UTC))
        self._serial_base = secrets.randbits(64) << 32
        self._counter = itertools.count(1)

    def __call__(self, digest: bytes) -> bytes:
        return self.stamp_with_nonce(digest, None)

    def stamp_with_nonce(self, digest: bytes, nonce: int | None) -> bytes:
        """A token over ``digest`` (SHA-256), echoing ``nonce`` when the request carried one."""
        fields: dict[str, Any] = {
            "version": "v1",
            "policy": self.policy,
            "message_imprint": {
                "hash_algorithm": {"algorithm": "sha256"},
                "hashed_message": digest,
            },
            "serial_number": self._serial_base + next(self._counter),
            "gen_time": self._clock(),
        }
        if nonce is not None:
            fields["nonce"] = nonce
        tst_info = tsp.TSTInfo(fields).dump()
        return self._template.content_info(hashlib.sha256(tst_info).digest(), econtent=tst_info)


class HttpTimeStamper:
    """An RFC 3161 client (``application/timestamp-query`` over HTTP), e.g. the city TSA endpoint.

    The response's status, nonce and message imprint are checked; the token is returned as is.
    """

    def __init__(self, url: str, *, timeout: float = 10.0) -> None:
        self.url = url
        self.timeout = timeout

    def __call__(self, digest: bytes) -> bytes:
        nonce = secrets.randbits(63)
        request = tsp.TimeStampReq(
            {
                "version": "v1",
                "message_imprint": {
                    "hash_algorithm": {"algorithm": "sha256"},
                    "hashed_message": digest,
                },
                "nonce": nonce,
                "cert_req": True,
            }
        ).dump()
        http_request = urllib.request.Request(  # noqa: S310 - the URL comes from configuration
            self.url, data=request, headers={"Content-Type": "application/timestamp-query"}
        )
        try:
            with urllib.request.urlopen(http_request, timeout=self.timeout) as response:  # noqa: S310
                body = response.read()
        except OSError as exc:
            raise SigningError(f"timestamp authority unreachable: {exc}", code="tsa_unavailable") from exc
        reply = tsp.TimeStampResp.load(body)
        if reply["status"]["status"].native not in ("granted", "granted_with_mods"):
            raise SigningError("timestamp authority refused the request", code="tsa_refused")
        token = reply["time_stamp_token"]
        info = token["content"]["encap_content_info"]["content"].parsed
        if info["nonce"].native != nonce or info["message_imprint"]["hashed_message"].native != digest:
            raise SigningError("timestamp token does not match the request", code="tsa_mismatch")
        return bytes(token.dump())


def _signature_timestamp(timestamper: TimeStamper) -> Callable[[bytes], bytes]:
    oid = _oid(_OID_SIG_TST)

    def unsigned(signature: bytes) -> bytes:
        token = timestamper(hashlib.sha256(signature).digest())
        return _tlv(0x30, oid + _tlv(0x31, token))

    return unsigned


# ---------------------------------------------------------------------------------------------
# Revocation data (B-LT)


@dataclass(frozen=True)
class RevocationBundle:
    """Validation data for a batch: DER certificates, CRLs and OCSP responses, fetched once."""

    certs: tuple[bytes, ...] = ()
    crls: tuple[bytes, ...] = ()
    ocsps: tuple[bytes, ...] = ()
    fetched_urls: tuple[str, ...] = field(default_factory=tuple)


def _crl_urls(cert: x509.Certificate) -> list[str]:
    try:
        points = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    except x509.ExtensionNotFound:
        return []
    urls = []
    for point in points:
        for name in point.full_name or ():
            if isinstance(name, x509.UniformResourceIdentifier) and name.value.startswith(
                ("http://", "https://")
            ):
                urls.append(name.value)
    return urls


def _ocsp_urls(cert: x509.Certificate) -> list[str]:
    try:
        aia = cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    except x509.ExtensionNotFound:
        return []
    return [
        d.access_location.value
        for d in aia
        if d.access_method == x509.oid.AuthorityInformationAccessOID.OCSP
        and isinstance(d.access_location, x509.UniformResourceIdentifier)
        and d.access_location.value.startswith(("http://", "https://"))
    ]


def fetch_revocation(
    certificates: Iterable[x509.Certificate],
    *,
    timeout: float = 10.0,
    opener: Callable[[str], bytes] | None = None,
    poster: Callable[[str, bytes], bytes] | None = None,
    use_ocsp: bool = True,
    ocsps: Sequence[bytes] = (),
) -> RevocationBundle:
    """Collect the certificates and fetch, once, each CRL they point to (CRL distribution points)
    and, with ``use_ocsp``, an OCSP response for every certificate naming a responder (AIA) whose
    issuer is among ``certificates``.

    ``opener(url) -> bytes`` (GET) and ``poster(url, body) -> bytes`` (POST ``application/ocsp-request``)
    replace HTTP in tests. Every CRL and OCSP response is parsed before use; an OCSP answer that is
    not "successful" or does not match the request is an error. OCSP responses the caller already
    holds can be passed in ``ocsps``.
    """
    from cryptography.x509 import ocsp

    def http_get(url: str) -> bytes:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - URL from a trusted cert
            return bytes(response.read())

    def http_post(url: str, body: bytes) -> bytes:
        request = urllib.request.Request(  # noqa: S310 - URL from a trusted cert
            url, data=body, headers={"Content-Type": "application/ocsp-request"}
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return bytes(response.read())

    fetch = opener or http_get
    post = poster or http_post
    cert_list = list(certificates)
    by_subject = {c.subject: c for c in cert_list}
    certs: list[bytes] = []
    crls: list[bytes] = []
    responses: list[bytes] = list(ocsps)
    urls: list[str] = []
    for cert in cert_list:
        der = cert.public_bytes(serialization.Encoding.DER)
        if der not in certs:
            certs.append(der)
        for url in _crl_urls(cert):
            if url in urls:
                continue
            try:
                data = fetch(url)
                asn1_crl.CertificateList.load(data).native  # noqa: B018 - parse fully, reject junk
            except (OSError, ValueError) as exc:
                raise SigningError(f"cannot fetch CRL {url}: {exc}", code="revocation_unavailable") from exc
            urls.append(url)
            crls.append(data)
        issuer = by_subject.get(cert.issuer)
        if not use_ocsp or issuer is None or issuer is cert:
            continue
        for url in _ocsp_urls(cert)[:1]:
            request = ocsp.OCSPRequestBuilder().add_certificate(cert, issuer, hashes.SHA256()).build()
            try:
                data = post(url, request.public_bytes(serialization.Encoding.DER))
                answer = ocsp.load_der_ocsp_response(data)
            except (OSError, ValueError) as exc:
                raise SigningError(f"cannot fetch OCSP {url}: {exc}", code="revocation_unavailable") from exc
            if (
                answer.response_status != ocsp.OCSPResponseStatus.SUCCESSFUL
                or answer.serial_number != cert.serial_number
            ):
                raise SigningError(
                    f"OCSP responder {url} gave no answer for the certificate", code="revocation_unavailable"
                )
            urls.append(url)
            responses.append(data)
    return RevocationBundle(
        certs=tuple(certs), crls=tuple(crls), ocsps=tuple(responses), fetched_urls=tuple(urls)
    )


def check_signer_usable(
    signer: SignerKey, revocation: RevocationBundle | None = None, *, at: datetime | None = None
) -> None:
    """Refuse a certificate that is expired, not yet valid, or revoked according to ``revocation``
    (a CRL of its issuer or an OCSP response about it). Called by :func:`iter_sign`."""
    from cryptography.x509 import ocsp

    moment = at or datetime.now(UTC)
    cert = signer.certificate
    if moment > cert.not_valid_after_utc:
        raise SigningError("the signing certificate has expired", code="certificate_expired")
    if moment < cert.not_valid_before_utc:
        raise SigningError("the signing certificate is not valid yet", code="certificate_not_yet_valid")
    if revocation is None:
        return
    for der in revocation.crls:
        crl = x509.load_der_x509_crl(der)
        if crl.issuer == cert.issuer and crl.get_revoked_certificate_by_serial_number(cert.serial_number):
            raise SigningError("the signing certificate has been revoked", code="certificate_revoked")
    for der in revocation.ocsps:
        answer = ocsp.load_der_ocsp_response(der)
        if (
            answer.response_status == ocsp.OCSPResponseStatus.SUCCESSFUL
            and answer.serial_number == cert.serial_number
            and answer.certificate_status == ocsp.OCSPCertStatus.REVOKED
        ):
            raise SigningError("the signing certificate has been revoked", code="certificate_revoked")


# ---------------------------------------------------------------------------------------------
# Batch signing


def _check_level(level: str, timestamper: TimeStamper | None, revocation: RevocationBundle | None) -> None:
    if level not in LEVELS:
        raise SigningError(f"unknown signature level {level!r}", code="bad_level")
    if level in (LEVEL_BT, LEVEL_BLT) and timestamper is None:
        raise SigningError("a timestamper is needed for B-T and B-LT", code="tsa_required")
    if level == LEVEL_BLT and revocation is None:
        raise SigningError("revocation data is needed for B-LT", code="revocation_required")


def _reserve(template: _CmsTemplate, unsigned: Callable[[bytes], bytes] | None) -> int:
    """Exact size of a B-B CMS, plus the measured size of one timestamp attribute and a margin
    (a token's serial, time and the length octets may grow by a few bytes)."""
    size = len(template.content_info(b"\0" * 32))
    if unsigned is not None:
        size += len(unsigned(b"\0" * template.signature_size)) + 64
    return size + 16 + (size % 2)


def _sign_prepared(buf: bytearray, placeholder: pdfmini.SignaturePlaceholder, cms_der: bytes) -> None:
    hex_cms = cms_der.hex().encode()
    capacity = placeholder.contents_end - placeholder.contents_start - 2
    if len(hex_cms) > capacity:
        raise SigningError("signature container larger than the space reserved", code="placeholder_too_small")
    buf[placeholder.contents_start + 1 : placeholder.contents_start + 1 + len(hex_cms)] = hex_cms


def _digest_ranges(buf: bytearray, placeholder: pdfmini.SignaturePlaceholder) -> bytes:
    view = memoryview(buf)
    h = hashlib.sha256(view[: placeholder.contents_start])
    h.update(view[placeholder.contents_end :])
    return h.digest()


class _PdfPreparer:
    """Prepares an existing PDF for signing with pyHanko (new field or existing empty field) and
    lets the fast CMS path fill it. Used for documents that are not generated here."""

    def __init__(
        self, signer: SignerKey, field_name: str, reason: str, location: str, *, certify: bool = False
    ) -> None:
        from pyhanko.sign import fields, signers
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        leaf = _asn1(signer.certificate)
        registry = SimpleCertificateStore.from_certs([_asn1(c) for c in signer.chain])
        # The external signer is only asked for its certificate: signing happens in the template.
        self._pdf_signer = signers.PdfSigner(
            signers.PdfSignatureMetadata(
                field_name=field_name,
                subfilter=fields.SigSeedSubFilter.PADES,
                md_algorithm="sha256",
                reason=reason or None,
                location=location or None,
                certify=certify,
                docmdp_permissions=fields.MDPPerm.FILL_FORMS,
            ),
            signer=signers.ExternalSigner(
                signing_cert=leaf,
                cert_registry=registry,
                signature_value=b"\0" * (signer.private_key.key_size // 8),
            ),
        )

    def sign(self, pdf: bytes, reserve: int, cms_for: Callable[[bytes], bytes]) -> bytes:
        return asyncio.run(self._sign(pdf, reserve, cms_for))

    async def _sign(self, pdf: bytes, reserve: int, cms_for: Callable[[bytes], bytes]) -> bytes:
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign.signers.pdf_signer import PdfTBSDocument

        writer = IncrementalPdfFileWriter(BytesIO(pdf))
        prep, _tbs, output = await self._pdf_signer.async_digest_doc_for_signing(
            writer,
            bytes_reserved=2 * reserve,  # pyHanko counts hex digits
        )
        cms_der = cms_for(prep.document_digest)
        await PdfTBSDocument.async_finish_signing(output, prep, cms_der)
        output.seek(0)
        return bytes(output.read())


def _append_dss_generic(signed: bytes, revocation: RevocationBundle) -> bytes:
    from asn1crypto import ocsp as asn1_ocsp
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    out = BytesIO(signed)
    DocumentSecurityStore.add_dss(
        out,
        sig_contents=None,
        certs=[asn1_x509.Certificate.load(c) for c in revocation.certs],
        crls=[asn1_crl.CertificateList.load(c) for c in revocation.crls],
        ocsps=[asn1_ocsp.OCSPResponse.load(c) for c in revocation.ocsps],
    )
    return out.getvalue()


def iter_sign(
    items: Iterable[Letter | bytes],
    *,
    signer: SignerKey,
    level: str = LEVEL_BB,
    timestamper: TimeStamper | None = None,
    revocation: RevocationBundle | None = None,
    field_name: str = "Signature1",
    reason: str = "",
    location: str = "",
    clock: Callable[[], datetime] | None = None,
    certify: bool = False,
) -> Iterator[bytes]:
    """Sign each item and yield the signed PDF bytes, in order (for progress bars).

    An item is a :class:`Letter` (written and signed in one pass) or the bytes of an existing PDF
    (pyHanko adds the signature field in an incremental update; the CMS is made here). ``level`` is
    ``B-B``, ``B-T`` (needs ``timestamper``) or ``B-LT`` (also needs ``revocation``: its
    certificates, CRLs and OCSP responses are embedded in a DSS of every document). ``certify``
    makes each signature a certification signature (DocMDP P2: later revisions may only fill form
    fields and add signatures), as the first signature of a workflow should be.
    """
    _check_level(level, timestamper, revocation)
    now = clock or (lambda: datetime.now(UTC))
    check_signer_usable(signer, revocation, at=now())
    template = _CmsTemplate(signer.private_key, signer.certificate, signer.chain)
    unsigned = _signature_timestamp(timestamper) if timestamper is not None and level != LEVEL_BB else None
    reserve = _reserve(template, unsigned)
    signer_name = signer.certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    name = str(signer_name[0].value) if signer_name else ""
    preparer: _PdfPreparer | None = None
    dss_certs = list(revocation.certs) if revocation else []
    dss_crls = list(revocation.crls) if revocation else []
    dss_ocsps = list(revocation.ocsps) if revocation else []

    def cms_for(digest: bytes) -> bytes:
        return template.content_info(digest, unsigned=unsigned)

    for item in items:
        if isinstance(item, Letter):
            prepared = pdfmini.letter_pdf(
                item,
                signature_bytes=reserve,
                field_name=field_name,
                signing_time=now(),
                reason=reason,
                location=location,
                signer_name=name,
                certify=certify,
            )
            buf = prepared.data
            digest = _digest_ranges(buf, prepared.placeholder)
            _sign_prepared(buf, prepared.placeholder, cms_for(digest))
            if level == LEVEL_BLT:
                yield pdfmini.append_dss_update(
                    prepared, bytes(buf), certs=dss_certs, crls=dss_crls, ocsps=dss_ocsps
                )
            else:
                yield bytes(buf)
        elif isinstance(item, bytes | bytearray):
            if preparer is None:
                preparer = _PdfPreparer(signer, field_name, reason, location, certify=certify)
            try:
                signed = preparer.sign(bytes(item), reserve, cms_for)
                if level == LEVEL_BLT and revocation is not None:
                    signed = _append_dss_generic(signed, revocation)
            except SigningError:
                raise
            except Exception as exc:  # pyHanko's reader/writer errors: broken, encrypted, odd PDFs
                raise SigningError(f"cannot sign this PDF: {exc}", code="bad_pdf") from exc
            yield signed
        else:
            raise SigningError("a batch item must be a Letter or PDF bytes", code="bad_item")


def sign_batch(
    items: Iterable[Letter | bytes],
    *,
    signer: SignerKey,
    level: str = LEVEL_BB,
    timestamper: TimeStamper | None = None,
    revocation: RevocationBundle | None = None,
    field_name: str = "Signature1",
    reason: str = "",
    location: str = "",
    clock: Callable[[], datetime] | None = None,
    certify: bool = False,
) -> list[bytes]:
    """Sign every item (see :func:`iter_sign` for the arguments); returns the signed PDFs in order."""
    return list(
        iter_sign(
            items,
            signer=signer,
            level=level,
            timestamper=timestamper,
            revocation=revocation,
            field_name=field_name,
            reason=reason,
            location=location,
            clock=clock,
            certify=certify,
        )
    )


# ---------------------------------------------------------------------------------------------
# A self-contained PKI for tests, the benchmark and demos (never for real documents)


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
            return x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            )

        def leaf_usage(non_repudiation: bool) -> x509.KeyUsage:
            return x509.KeyUsage(
                digital_signature=True,
                content_commitment=non_repudiation,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            )

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
        from cryptography.x509 import ocsp

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
        import http.server
        import threading

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
                    import base64
                    import urllib.parse

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
