"""City PKI signing backend: pyHanko PAdES signatures with the official's key from the city PKI.

B-B: CMS signature only. B-T: plus an RFC 3161 token from the city TSA (in-process, the same engine
the /tte/pki/tsa/ endpoint serves). B-LT: plus the chain, CRLs and the signer's OCSP response in
the document security store (a DSS revision appended right after the signature).
"""

from __future__ import annotations

import asyncio
import io
import textwrap
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.contrib.auth.hashers import check_password
from django.views.decorators.debug import sensitive_variables
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from kotapintar.esign import fastsign, pdfincr, pki, selectors, tokens
from kotapintar.esign.backends import (
    LEGAL_UNCERTIFIED,
    LEVEL_BB,
    LEVEL_BLT,
    LEVELS,
    SignerIdentity,
    StampSpec,
)
from kotapintar.esign.errors import (
    BadLevel,
    BadPdf,
    KeySealMismatch,
    NoCertificate,
    NotIncremental,
    SigningError,
    TokenMissing,
    WrongPassphrase,
)
from kotapintar.esign.models import CertKind, KeyProtection, PkiCertificate
from kotapintar.esign.stamp import SegnoQRStampStyle

T = TypeVar("T")


def run_sync(fn: Callable[[], T]) -> T:
    """Run a pyHanko call that uses ``asyncio.run`` internally.

    Where the calling thread already runs an event loop (an ASGI worker, Playwright's sync API in
    tests), ``asyncio.run`` refuses to start; the call then runs in a short-lived worker thread.
    The callable must not touch the database (its connection belongs to the calling thread).
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn).result()


@dataclass(frozen=True)
class LoadedSigner:
    """An official's certificate with its decrypted key, for one signing session (or one batch)."""

    certificate: PkiCertificate
    key: rsa.RSAPrivateKey | tokens.TokenKey  # in memory, or a handle on the key in a PKCS#11 token

    def chain_der(self) -> list[bytes]:
        """The certificates above the official's: the issuing CA, then the root."""
        chain = []
        issuer = self.certificate.issuer
        while issuer is not None:
            chain.append(bytes(issuer.cert_der))
            issuer = issuer.issuer
        return chain


@sensitive_variables("passphrase")
def load_signer(*, certificate_id: int, passphrase: str) -> LoadedSigner:
    """The official's certificate, usable now, with its key opened by the passphrase; a key in a token
    is found there once the passphrase matches the certificate's hash."""
    cert = PkiCertificate.objects.select_related("issuer", "issuer__issuer").filter(pk=certificate_id).first()
    if cert is None or cert.kind != "official":
        raise NoCertificate()
    pki.certificate_check_usable(cert)
    if cert.key_protection == KeyProtection.TOKEN:
        if not check_password(passphrase, cert.passphrase_hash):
            raise WrongPassphrase()
        config = tokens.token_config()
        if config.label != cert.token_label:
            raise TokenMissing(detail={"token": cert.token_label})
        return LoadedSigner(cert, tokens.key_open(config=config, key_id=bytes.fromhex(cert.token_key_id)))
    return LoadedSigner(cert, open_official_key(cert, passphrase))


_PAIRWISE_TEST = b"kotapintar: the official's key signs what the certificate verifies"


@sensitive_variables("passphrase")
def open_official_key(cert: PkiCertificate, passphrase: str) -> rsa.RSAPrivateKey:
    """The official's key (PKCS#8, encrypted by the passphrase, sealed under the key-encryption key:
    ``pki.official_key_seal``), checked against the certificate.

    OpenSSL's own check of a loaded RSA key (primality tests of both factors) takes about 40 ms for a
    2048-bit key, most of a batch's fixed cost, and says nothing about the certificate. The keys here are
    made by ``pki.new_key``; what signing needs is that the key is the certificate's and signs correctly:
    the public key must be the certificate's, and a signature (PKCS#1 v1.5, SHA-256, as signing makes)
    must verify with the certificate's public key (a pairwise-consistency test, under 1 ms). A key that
    fails it never signs (``SigningError``); a passphrase that does not open the key is ``WrongPassphrase``.
    """
    try:
        pem = pki.official_key_pem(bytes(cert.key_pem))
    except pki.KeyDecryptError:
        raise KeySealMismatch() from None
    try:
        key = serialization.load_pem_private_key(
            pem, password=passphrase.encode("utf-8"), unsafe_skip_rsa_key_validation=True
        )
    except (ValueError, TypeError):
        raise WrongPassphrase() from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise WrongPassphrase()
    public = pki.load_cert(bytes(cert.cert_der)).public_key()
    if (
        not isinstance(public, rsa.RSAPublicKey)
        or key.public_key().public_numbers() != public.public_numbers()
    ):
        raise SigningError(detail="the key is not the certificate's key")
    try:
        public.verify(
            key.sign(_PAIRWISE_TEST, padding.PKCS1v15(), hashes.SHA256()),
            _PAIRWISE_TEST,
            padding.PKCS1v15(),
            hashes.SHA256(),
        )
    except InvalidSignature:
        raise SigningError(detail="the key does not sign what the certificate verifies") from None
    return key


STAMP_LINE_CHARS = 38
STAMP_MAX_LINES = 5


def _escape(text: str) -> str:
    return text.replace("%", "%%")


def validation_context_for_signing(certificate: PkiCertificate) -> ValidationContext:
    """Trust the city root; revocation data produced in-process (CRLs of both CAs, OCSP for the signer)."""
    root = selectors.ca_get(CertKind.ROOT)
    issuing = selectors.ca_get(CertKind.ISSUING)
    return ValidationContext(
        trust_roots=[pki.to_asn1_cert(bytes(root.cert_der))],
        other_certs=[pki.to_asn1_cert(bytes(issuing.cert_der))],
        crls=[pki.crl_current(ca=root), pki.crl_current(ca=issuing)],
        ocsps=[pki.ocsp_for(certificate)],
        allow_fetching=False,
        revocation_mode="hard-fail",
    )


def _declares_pdfa(pdf: bytes) -> bool:
    try:
        return bool(pdfincr.inspect(pdf).pdfa)
    except pdfincr.Unsupported:
        return False


def sign_loaded(
    *,
    document_pdf: bytes,
    loaded: LoadedSigner,
    signer: SignerIdentity,
    field_name: str,
    certify: bool,
    stamp: StampSpec | None,
    level: str,
    timestamper: TimeStamper | None = None,
) -> bytes:
    """Sign with pyHanko: a visible stamp with the QR code of the verification page, at ``level``."""
    if level not in LEVELS:
        raise BadLevel()
    if stamp is None and _declares_pdfa(document_pdf):
        # pyHanko would draw its default appearance (a font it does not embed) into the field;
        # the fast writer fills the field and keeps its empty appearance: PDF/A stays valid.
        sign = fast_signer(loaded, level)
        return sign(
            document_pdf=document_pdf,
            field_name=field_name,
            certify=certify,
            reason=signer.reason,
            location=signer.location,
        )
    cert = loaded.certificate
    chain = [pki.to_asn1_cert(der) for der in loaded.chain_der()]
    simple: signers.Signer
    if isinstance(loaded.key, tokens.TokenKey):
        simple = tokens.pyhanko_signer(
            loaded.key, signing_cert=pki.to_asn1_cert(bytes(cert.cert_der)), chain=chain
        )
    else:
        simple = signers.SimpleSigner(
            signing_cert=pki.to_asn1_cert(bytes(cert.cert_der)),
            signing_key=pki.to_asn1_key(loaded.key),
            cert_registry=SimpleCertificateStore.from_certs(chain),  # type: ignore[no-untyped-call]  # pyHanko leaves it unannotated
        )
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        certify=certify,
        docmdp_permissions=MDPPerm.FILL_FORMS,
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=signer.reason or None,
        location=signer.location or None,
        name=signer.name,
        embed_validation_info=level == LEVEL_BLT,
        validation_context=validation_context_for_signing(cert) if level == LEVEL_BLT else None,
    )
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(document_pdf), strict=False)
    except Exception as exc:
        raise BadPdf(detail=str(exc)[:200]) from exc
    existing = {name for name, _value, _ref in fields.enumerate_sig_fields(writer)}
    field_spec = None
    if field_name not in existing:
        box = None
        page = 0
        if stamp is not None:
            box = (
                int(stamp.x),
                int(stamp.y),
                int(stamp.x + stamp.width),
                int(stamp.y + stamp.height),
            )
            page = max(stamp.page - 1, 0)
        field_spec = fields.SigFieldSpec(sig_field_name=field_name, on_page=page, box=box)
    style: Any = None
    params: dict[str, str] = {}
    if stamp is not None:
        wrapped = [part for line in stamp.lines for part in textwrap.wrap(line, STAMP_LINE_CHARS) or [""]]
        text = "\n".join(_escape(line) for line in wrapped[:STAMP_MAX_LINES]) or "%(signer)s\n%(ts)s"
        box_style = TextBoxStyle(font_size=6, leading=8)
        if stamp.qr_url:
            style = SegnoQRStampStyle(stamp_text=text, border_width=1, text_box_style=box_style, innsep=2)
            params["url"] = stamp.qr_url
        else:
            style = TextStampStyle(stamp_text=text, border_width=1, text_box_style=box_style)
    if timestamper is None and level != LEVEL_BB:
        timestamper = pki.city_timestamper()
    pdf_signer = signers.PdfSigner(
        meta,
        signer=simple,
        timestamper=timestamper if level != LEVEL_BB else None,
        stamp_style=style,
        new_field_spec=field_spec,
    )
    try:
        out = run_sync(lambda: pdf_signer.sign_pdf(writer, appearance_text_params=params or None))
    except SigningError:
        raise
    except Exception as exc:
        raise SigningError(detail=str(exc)[:200]) from exc
    result = out.getvalue()
    if not result.startswith(document_pdf):
        raise NotIncremental()
    return bytes(result)


class FastSignFn(Protocol):
    """Sign one PDF invisibly through ``fastsign`` (see :func:`fast_signer`)."""

    def __call__(
        self, *, document_pdf: bytes, field_name: str, certify: bool, reason: str, location: str
    ) -> bytes: ...


def fast_revocation(
    loaded: LoadedSigner, *, cas: tuple[PkiCertificate, PkiCertificate, PkiCertificate] | None = None
) -> fastsign.RevocationBundle:
    """B-LT validation data for a batch, made once: the chain and the TSA's certificate, the CRLs of
    both CAs and the OCSP response about the signer (as ``validation_context_for_signing`` uses).
    ``cas``: the current root, issuing CA and TSA when the caller has already read them."""
    root, issuing, tsa = cas or selectors.cas_get(CertKind.ROOT, CertKind.ISSUING, CertKind.TSA)
    certs = [bytes(loaded.certificate.cert_der), *loaded.chain_der(), bytes(tsa.cert_der)]
    return fastsign.RevocationBundle(
        certs=tuple(dict.fromkeys(certs)),
        crls=(pki.crl_current(ca=root), pki.crl_current(ca=issuing)),
        ocsps=(pki.ocsp_for(loaded.certificate),),
    )


def fast_signer(loaded: LoadedSigner, level: str) -> FastSignFn:
    """A sign function over ``fastsign`` at ``level`` (B-LT: the DSS made once for the batch)."""
    chain = [pki.load_cert(der) for der in loaded.chain_der()]
    key = fastsign.SignerKey(
        private_key=loaded.key,
        certificate=pki.load_cert(bytes(loaded.certificate.cert_der)),
        chain=tuple(chain),
    )
    stamper = None
    revocation = None
    if level != LEVEL_BB:
        if level == LEVEL_BLT:
            root, issuing, tsa = selectors.cas_get(CertKind.ROOT, CertKind.ISSUING, CertKind.TSA)
            revocation = fast_revocation(loaded, cas=(root, issuing, tsa))
        else:
            tsa = selectors.ca_get(CertKind.TSA)
        stamper = fastsign.InProcessTimeStamper(
            pki.service_key(bytes(tsa.key_pem)),
            pki.load_cert(bytes(tsa.cert_der)),
            tuple(chain),
            policy=pki.TSA_POLICY_OID,
        )
    batch = fastsign.BatchSigner(signer=key, level=level, timestamper=stamper, revocation=revocation)

    def sign(*, document_pdf: bytes, field_name: str, certify: bool, reason: str, location: str) -> bytes:
        return batch.sign(
            document_pdf, field_name=field_name, certify=certify, reason=reason, location=location
        )

    return sign


class CityPkiBackend:
    """The city PKI backend (uncertified TTE)."""

    name = "citypki"
    legal_level = LEGAL_UNCERTIFIED
    supports_certification = True

    def sign(
        self,
        *,
        document_pdf: bytes,
        signer: SignerIdentity,
        passphrase: str,
        field_name: str,
        certify: bool,
        stamp: StampSpec | None,
        level: str,
    ) -> bytes:
        if signer.certificate_id is None:
            raise NoCertificate()
        loaded = load_signer(certificate_id=signer.certificate_id, passphrase=passphrase)
        return sign_loaded(
            document_pdf=document_pdf,
            loaded=loaded,
            signer=signer,
            field_name=field_name,
            certify=certify,
            stamp=stamp,
            level=level,
        )
