"""Fast batch signing: PAdES B-B, B-T and B-LT for many PDFs with one key.

Why a separate path: pyHanko's default ``sign_pdf`` loop re-parses the private key and signs twice
per document (a size-estimation pass and the real one). For a batch of documents signed by one
official the work that truly differs per document is small:

1. ``pdfincr`` appends the incremental update (a new invisible signature field, or the empty one
   named ``field_name``) reading only the cross-reference chain, the catalog, the first page and
   the AcroForm, with an exact reserved size, so there is no estimation pass and no full parse
   (pyHanko's incremental writer prepares the few structures ``pdfincr`` declines);
2. SHA-256 of the two byte ranges;
3. the CMS SignedData from a template built once per batch: the certificates, the signer id and
   the signing-certificate-v2 attribute never change, only the message digest does (PAdES puts no
   signing-time attribute in the signed attributes; the time goes in the signature dictionary ``/M``);
4. one RSA signature over the signed attributes with a key loaded once;
5. B-T: a signature timestamp token over the signature value (one TSA call per document: the token
   must cover that signature); B-LT: additionally a Document Security Store with the certificate
   chains and the CRLs/OCSP responses fetched once per batch, appended as an incremental update.

Everything produced here validates with pyHanko's validator (tests/esign/test_fastsign.py). A failure
is one of the ``SigningError`` rows of ``kotapintar.esign.errors``. No Django models: the batch
service (``services.signing``, ``esign-batch --fast``) and ``bench/esign.py`` call it directly.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import itertools
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from io import BytesIO
from typing import Protocol

from asn1crypto import algos, cms, core, tsp
from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.asymmetric.padding import AsymmetricPadding
from cryptography.x509 import ocsp
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import fields, signers
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko_certvalidator.registry import SimpleCertificateStore

from kotapintar.core import net, siteurl
from kotapintar.esign import pdfincr
from kotapintar.esign.backends import LEVEL_BB, LEVEL_BLT, LEVEL_BT, LEVELS
from kotapintar.esign.errors import (
    BadItem,
    BadLevel,
    BadPdf,
    CertificateExpired,
    CertificateNotYetValid,
    CertificateRevoked,
    PlaceholderTooSmall,
    RevocationRequired,
    RevocationUnavailable,
    TsaMismatch,
    TsaRefused,
    TsaRequired,
    TsaUnavailable,
)

__all__ = [
    "BatchSigner",
    "HttpTimeStamper",
    "InProcessTimeStamper",
    "RevocationBundle",
    "SignerKey",
    "TimeStamper",
    "check_signer_usable",
    "fetch_revocation",
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


@functools.lru_cache(maxsize=64)
def _oid(dotted: str) -> bytes:
    return bytes(core.ObjectIdentifier(dotted).dump())


# ---------------------------------------------------------------------------------------------
# Signer key and CMS template


class RawSigner(Protocol):
    """What signs the signed attributes: a ``cryptography`` RSA private key, or anything that signs like
    one (``tokens.TokenKey``: a key in a PKCS#11 token). Called with PKCS#1 v1.5 and SHA-256."""

    @property
    def key_size(self) -> int: ...

    def sign(self, data: bytes, padding: AsymmetricPadding, algorithm: hashes.HashAlgorithm, /) -> bytes: ...


@dataclass(frozen=True)
class SignerKey:
    """A private key loaded once, its certificate and the chain above it (issuing CAs, root).

    ``chain`` goes into the CMS so that a validator can build the path without fetching.
    """

    private_key: RawSigner
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...] = ()


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


@functools.lru_cache(maxsize=16)
def _signer_parts(cert_der: bytes) -> tuple[bytes, bytes]:
    """The signing-certificate-v2 attribute and the signer identifier of a certificate (DER), kept
    per process: asn1crypto takes tens of milliseconds to build them, once per batch otherwise."""
    leaf = asn1_x509.Certificate.load(cert_der)
    sid = cms.SignerIdentifier(
        {"issuer_and_serial_number": {"issuer": leaf.issuer, "serial_number": leaf.serial_number}}
    ).dump()
    return _ess_signing_certificate_v2(leaf), bytes(sid)


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
    return bytes(cms.CMSAttribute({"type": "signing_certificate_v2", "values": [value]}).dump())


@functools.lru_cache(maxsize=16)
def _template_parts(
    ders: tuple[bytes, ...], content_type: str
) -> tuple[bytes, bytes, bytes, bytes, bytes, bytes]:
    """What a :class:`_CmsTemplate` of the signer ``ders[0]`` (DER; the other certificates follow)
    keeps, built once per process with asn1crypto: the signed attributes around the digest, the
    algorithm identifiers, the head of the SignerInfo and the certificates field."""
    ess, sid = _signer_parts(ders[0])
    ct_attr = cms.CMSAttribute({"type": "content_type", "values": [content_type]}).dump()
    md_attr = cms.CMSAttribute({"type": "message_digest", "values": [b"\0" * 32]}).dump()
    attrs = sorted([ct_attr, md_attr, ess])
    body = b"".join(attrs)
    digest_at = body.index(md_attr) + len(md_attr) - 32
    attrs_prefix = _der_len(len(body)) + body[:digest_at]
    attrs_suffix = body[digest_at + 32 :]
    digest_alg = bytes(algos.DigestAlgorithm({"algorithm": "sha256"}).dump())
    sig_alg = bytes(algos.SignedDigestAlgorithm({"algorithm": "rsassa_pkcs1v15"}).dump())
    si_head = b"\x02\x01\x01" + sid + digest_alg
    certs = _tlv(0xA0, b"".join(sorted(dict.fromkeys(ders))))
    return attrs_prefix, attrs_suffix, digest_alg, sig_alg, si_head, certs


class _CmsTemplate:
    """The constant parts of a CMS SignedData for one signer, with slots for what varies.

    Signed attributes: content-type, message-digest, signing-certificate-v2 (DER-sorted, as a SET OF
    must be; the order does not depend on the digest value because the attributes differ earlier).
    """

    def __init__(
        self,
        key: RawSigner,
        cert: x509.Certificate,
        extra_certs: Sequence[x509.Certificate],
        *,
        content_type: str = _OID_DATA,
    ) -> None:
        self.key = key
        self.signature_size = key.key_size // 8
        ders = tuple(c.public_bytes(serialization.Encoding.DER) for c in (cert, *extra_certs))
        (
            self._attrs_prefix,  # after the tag byte
            self._attrs_suffix,
            self._digest_alg,
            self._sig_alg,
            self._si_head,
            self._certs,
        ) = _template_parts(ders, content_type)
        self.content_type = content_type
        self.version = b"\x02\x01\x01" if content_type == _OID_DATA else b"\x02\x01\x03"
        self._encap = _oid(content_type)
        self._signed_data_oid = _oid(_OID_SIGNED_DATA)

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
        return self.assemble(digest, signature, econtent=econtent, unsigned=unsigned)

    def dry_run(
        self,
        digest: bytes,
        *,
        econtent: bytes | None = None,
        unsigned: Callable[[bytes], bytes] | None = None,
    ) -> bytes:
        """A ContentInfo of exactly the size :meth:`content_info` makes, without using the key: a PKCS#1
        v1.5 signature is always as long as the modulus, so zeros of that length stand in for it."""
        return self.assemble(digest, b"\0" * self.signature_size, econtent=econtent, unsigned=unsigned)

    def assemble(
        self,
        digest: bytes,
        signature: bytes,
        *,
        econtent: bytes | None = None,
        unsigned: Callable[[bytes], bytes] | None = None,
    ) -> bytes:
        """The DER ContentInfo around ``signature`` (made over :meth:`signed_attrs` of ``digest``)."""
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
        encap = self._encap
        if econtent is not None:
            encap += _tlv(0xA0, _tlv(0x04, econtent))
        signed_data = (
            self.version
            + _tlv(0x31, self._digest_alg)
            + _tlv(0x30, encap)
            + self._certs
            + _tlv(0x31, _tlv(0x30, signer_info))
        )
        return _tlv(0x30, self._signed_data_oid + _tlv(0xA0, _tlv(0x30, signed_data)))


# ---------------------------------------------------------------------------------------------
# Timestamping


_SHA256_ALG = bytes(algos.DigestAlgorithm({"algorithm": "sha256"}).dump())


def _der_int(n: int) -> bytes:
    return _tlv(0x02, n.to_bytes(n.bit_length() // 8 + 1, "big", signed=True))


def tst_info_der(*, policy: bytes, digest: bytes, serial: int, when: datetime, nonce: int | None) -> bytes:
    """The DER of an RFC 3161 TSTInfo (version 1, ``policy`` as DER OID, SHA-256 imprint), written
    directly: asn1crypto takes a few milliseconds per token, which a B-T batch pays per document."""
    moment = when.astimezone(UTC)
    fraction = f".{moment.microsecond:06d}".rstrip("0") if moment.microsecond else ""
    gen_time = (moment.strftime("%Y%m%d%H%M%S") + fraction + "Z").encode("ascii")
    body = (
        b"\x02\x01\x01"
        + policy
        + _tlv(0x30, _SHA256_ALG + _tlv(0x04, digest))
        + _der_int(serial)
        + _tlv(0x18, gen_time)
        + (_der_int(nonce) if nonce is not None else b"")
    )
    return _tlv(0x30, body)


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
        self._policy_der = _oid(policy)
        self._clock = clock or (lambda: datetime.now(UTC))
        self._serial_base = secrets.randbits(64) << 32
        self._counter = itertools.count(1)

    def __call__(self, digest: bytes) -> bytes:
        return self.stamp_with_nonce(digest, None)

    def stamp_with_nonce(self, digest: bytes, nonce: int | None) -> bytes:
        """A token over ``digest`` (SHA-256), echoing ``nonce`` when the request carried one."""
        tst_info = tst_info_der(
            policy=self._policy_der,
            digest=digest,
            serial=self._serial_base + next(self._counter),
            when=self._clock(),
            nonce=nonce,
        )
        return self._template.content_info(hashlib.sha256(tst_info).digest(), econtent=tst_info)

    def dry_run(self, digest: bytes) -> bytes:
        """A token of the size :meth:`__call__` makes now, unsigned and not counted (to size a
        placeholder): the next serial, the current time, the signature replaced by zeros."""
        tst_info = tst_info_der(
            policy=self._policy_der,
            digest=digest,
            serial=self._serial_base + (1 << 31),
            when=self._clock(),
            nonce=None,
        )
        return self._template.dry_run(hashlib.sha256(tst_info).digest(), econtent=tst_info)


def _city_pki_hosts() -> tuple[str, ...]:
    """The city's own TSA, CRLs and OCSP responder are served by the platform at SITE_URL, which may
    be an inside address; the outbound client may reach that host, and no other inside one."""
    return net.service_hosts(siteurl.site_url())


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
        try:
            response = net.request(
                "POST",
                self.url,
                body=request,
                headers={"Content-Type": "application/timestamp-query"},
                timeout=self.timeout,
                allow=_city_pki_hosts(),
            )
        except (OSError, net.HTTPException) as exc:
            raise TsaUnavailable(detail=str(exc)[:200]) from exc
        if response.status != 200:
            raise TsaUnavailable(detail=f"HTTP {response.status}")
        body = response.body
        reply = tsp.TimeStampResp.load(body)
        if reply["status"]["status"].native not in ("granted", "granted_with_mods"):
            raise TsaRefused()
        token = reply["time_stamp_token"]
        info = token["content"]["encap_content_info"]["content"].parsed
        if info["nonce"].native != nonce or info["message_imprint"]["hashed_message"].native != digest:
            raise TsaMismatch()
        return bytes(token.dump())


def _signature_timestamp(timestamper: TimeStamper, *, dry: bool = False) -> Callable[[bytes], bytes]:
    """The signature-time-stamp attribute over a signature value. ``dry``: one of the same size, from the
    timestamper's ``dry_run`` when it has one (no token issued, no key used), to size a placeholder."""
    oid = _oid(_OID_SIG_TST)
    stamp: TimeStamper = (getattr(timestamper, "dry_run", None) if dry else None) or timestamper

    def unsigned(signature: bytes) -> bytes:
        token = stamp(hashlib.sha256(signature).digest())
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

    def body_of(response: net.Response) -> bytes:
        if response.status != 200:
            raise ValueError(f"HTTP {response.status}")
        return response.body

    def http_get(url: str) -> bytes:
        return body_of(net.request("GET", url, timeout=timeout, max_redirects=3, allow=_city_pki_hosts()))

    def http_post(url: str, body: bytes) -> bytes:
        headers = {"Content-Type": "application/ocsp-request"}
        return body_of(
            net.request("POST", url, body=body, headers=headers, timeout=timeout, allow=_city_pki_hosts())
        )

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
            except (OSError, ValueError, net.HTTPException) as exc:
                raise RevocationUnavailable(detail={"url": url, "error": str(exc)[:200]}) from exc
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
            except (OSError, ValueError, net.HTTPException) as exc:
                raise RevocationUnavailable(detail={"url": url, "error": str(exc)[:200]}) from exc
            if (
                answer.response_status != ocsp.OCSPResponseStatus.SUCCESSFUL
                or answer.serial_number != cert.serial_number
            ):
                raise RevocationUnavailable(detail={"url": url, "error": "no answer for the certificate"})
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
    moment = at or datetime.now(UTC)
    cert = signer.certificate
    if moment > cert.not_valid_after_utc:
        raise CertificateExpired()
    if moment < cert.not_valid_before_utc:
        raise CertificateNotYetValid()
    if revocation is None:
        return
    for der in revocation.crls:
        crl = x509.load_der_x509_crl(der)
        if crl.issuer == cert.issuer and crl.get_revoked_certificate_by_serial_number(cert.serial_number):
            raise CertificateRevoked()
    for der in revocation.ocsps:
        answer = ocsp.load_der_ocsp_response(der)
        if (
            answer.response_status == ocsp.OCSPResponseStatus.SUCCESSFUL
            and answer.serial_number == cert.serial_number
            and answer.certificate_status == ocsp.OCSPCertStatus.REVOKED
        ):
            raise CertificateRevoked()


# ---------------------------------------------------------------------------------------------
# Batch signing


def _check_level(level: str, timestamper: TimeStamper | None, revocation: RevocationBundle | None) -> None:
    if level not in LEVELS:
        raise BadLevel()
    if level in (LEVEL_BT, LEVEL_BLT) and timestamper is None:
        raise TsaRequired()
    if level == LEVEL_BLT and revocation is None:
        raise RevocationRequired()


def _reserve(template: _CmsTemplate, unsigned: Callable[[bytes], bytes] | None) -> int:
    """Exact size of a B-B CMS, plus the measured size of one timestamp attribute and a margin
    (a token's serial, time and the length octets may grow by a few bytes). Nothing is signed:
    ``template.dry_run`` and ``unsigned`` (a dry :func:`_signature_timestamp`) have the real sizes."""
    size = len(template.dry_run(b"\0" * 32))
    if unsigned is not None:
        size += len(unsigned(b"\0" * template.signature_size)) + 64
    return size + 16 + (size % 2)


class _PdfPreparer:
    """Prepares an existing PDF for signing with pyHanko (new field or existing empty field) and
    lets the fast CMS path fill it. Used for documents that are not generated here."""

    def __init__(
        self, signer: SignerKey, field_name: str, reason: str, location: str, *, certify: bool = False
    ) -> None:
        leaf = _asn1(signer.certificate)
        chain = [_asn1(c) for c in signer.chain]
        registry = SimpleCertificateStore.from_certs(chain)  # type: ignore[no-untyped-call]  # pyHanko leaves it unannotated
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
        writer = IncrementalPdfFileWriter(BytesIO(pdf))
        prep, _tbs, output = await self._pdf_signer.async_digest_doc_for_signing(
            writer,
            bytes_reserved=2 * reserve,  # pyHanko counts hex digits
        )
        cms_der = cms_for(prep.document_digest)
        if len(cms_der) > reserve:
            raise PlaceholderTooSmall()
        await PdfTBSDocument.async_finish_signing(output, prep, cms_der)
        output.seek(0)
        return bytes(output.read())


def _append_dss(signed: bytes, revocation: RevocationBundle) -> bytes:
    try:
        return pdfincr.append_dss(
            signed, certs=revocation.certs, crls=revocation.crls, ocsps=revocation.ocsps
        )
    except pdfincr.Unsupported:
        pass
    out = BytesIO(signed)
    DocumentSecurityStore.add_dss(
        out,
        sig_contents=None,
        certs=[asn1_x509.Certificate.load(c) for c in revocation.certs],
        crls=[asn1_crl.CertificateList.load(c) for c in revocation.crls],
        ocsps=[asn1_ocsp.OCSPResponse.load(c) for c in revocation.ocsps],
    )
    return out.getvalue()


class BatchSigner:
    """One signer's fast path for a batch: the key checked, the CMS template, the timestamp engine and
    the reserved size prepared once; :meth:`sign` signs one PDF (see :func:`sign_batch`)."""

    def __init__(
        self,
        *,
        signer: SignerKey,
        level: str = LEVEL_BB,
        timestamper: TimeStamper | None = None,
        revocation: RevocationBundle | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        _check_level(level, timestamper, revocation)
        self._now = clock or (lambda: datetime.now(UTC))
        check_signer_usable(signer, revocation, at=self._now())
        self._signer = signer
        self._template = _CmsTemplate(signer.private_key, signer.certificate, signer.chain)
        stamped = timestamper is not None and level != LEVEL_BB
        self._unsigned = _signature_timestamp(timestamper) if stamped and timestamper else None
        dry = _signature_timestamp(timestamper, dry=True) if stamped and timestamper else None
        #: The largest CMS :meth:`cms_for` returns (bytes): the size of the ``/Contents`` placeholder.
        self.reserve = _reserve(self._template, dry)
        self._revocation = revocation if level == LEVEL_BLT else None

    def cms_for(self, digest: bytes) -> bytes:
        """The CMS SignedData over ``digest`` (SHA-256 of the signed byte ranges)."""
        return self._template.content_info(digest, unsigned=self._unsigned)

    def sign(
        self,
        pdf: bytes,
        *,
        field_name: str = "Signature1",
        reason: str = "",
        location: str = "",
        certify: bool = False,
    ) -> bytes:
        try:
            signed = pdfincr.sign_incremental(
                pdf,
                cms_for=self.cms_for,
                reserve=self.reserve,
                field_name=field_name,
                certify=certify,
                reason=reason,
                location=location,
                when=self._now(),
            )
        except pdfincr.Unsupported:
            # A structure the fast writer does not handle: pyHanko prepares the update instead.
            preparer = _PdfPreparer(self._signer, field_name, reason, location, certify=certify)
            try:
                signed = preparer.sign(pdf, self.reserve, self.cms_for)
            except (PdfError, ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
                # pyHanko's reader/writer on a broken or odd PDF (PdfReadError, a missing /Root…)
                raise BadPdf(detail=str(exc)[:200]) from exc
        if self._revocation is not None:
            signed = _append_dss(signed, self._revocation)
        return signed


def sign_batch(
    items: Iterable[bytes],
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
    """Sign each PDF (bytes) and return the signed PDFs, in order.

    ``pdfincr`` (or, for a structure it declines, pyHanko) adds the signature field in an incremental
    update (or fills an empty one named ``field_name``); the CMS is made here. An encrypted PDF, one
    without pages, one certified with "no changes" or declaring PDF/A level A is refused with its
    declared error (``pdf_encrypted``, ``pdf_no_pages``, ``pdf_certified``, ``pdfa_accessible``).
    ``level`` is ``B-B``, ``B-T`` (needs ``timestamper``) or ``B-LT`` (also needs ``revocation``: its
    certificates, CRLs and OCSP responses are embedded in a DSS of every document). ``certify`` makes
    each signature a certification signature (DocMDP P2: later revisions may only fill form fields and
    add signatures), as the first signature of a workflow should be.
    """
    batch = BatchSigner(
        signer=signer, level=level, timestamper=timestamper, revocation=revocation, clock=clock
    )
    signed_pdfs: list[bytes] = []
    for item in items:
        if not isinstance(item, bytes | bytearray):
            raise BadItem()
        signed_pdfs.append(
            batch.sign(bytes(item), field_name=field_name, reason=reason, location=location, certify=certify)
        )
    return signed_pdfs
