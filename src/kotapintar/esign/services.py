"""Writes of the esign app: the PKI (init, issue, revoke, CRL), documents, workflows and signing."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass
from typing import Any

from asn1crypto import keys as asn1_keys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp as x509_ocsp
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kotapintar.core import audit
from kotapintar.core.errors import Conflict, ValidationFailed
from kotapintar.core.models import OPD
from kotapintar.core.permissions import require_role
from kotapintar.esign import pki, selectors
from kotapintar.esign.models import (
    CertKind,
    CrlState,
    KeyProtection,
    PkiCertificate,
    Revocation,
)

logger = logging.getLogger(__name__)

MIN_PASSPHRASE = 8


# --- PKI ------------------------------------------------------------------------------------------------


def _store_cert(
    *,
    kind: str,
    issued: pki.Issued,
    issuer: PkiCertificate | None,
    common_name: str,
    key_secret: bytes,
    protection: str,
    public_id: Any = None,
    **extra: Any,
) -> PkiCertificate:
    cert = pki.load_cert(issued.cert_der)
    fields: dict[str, Any] = {
        "kind": kind,
        "issuer": issuer,
        "serial": str(issued.serial),
        "common_name": common_name,
        "subject": cert.subject.rfc4514_string(),
        "cert_der": issued.cert_der,
        "key_pem": pki.encrypt_key(issued.key, key_secret),
        "key_protection": protection,
        "not_before": cert.not_valid_before_utc,
        "not_after": cert.not_valid_after_utc,
        **extra,
    }
    if public_id is not None:
        fields["public_id"] = public_id
    return PkiCertificate.objects.create(**fields)


@dataclass(frozen=True)
class PkiInitResult:
    root: PkiCertificate
    issuing: PkiCertificate
    tsa: PkiCertificate
    ocsp: PkiCertificate
    created: bool


def pki_init(*, actor: Any = None, city_name: str = "Kota Pekalongan") -> PkiInitResult:
    """Create the root CA, the issuing CA, the TSA and the OCSP responder (idempotent)."""
    import uuid

    with transaction.atomic():
        if selectors.pki_ready():
            return PkiInitResult(
                selectors.ca_get(CertKind.ROOT),
                selectors.ca_get(CertKind.ISSUING),
                selectors.ca_get(CertKind.TSA),
                selectors.ca_get(CertKind.OCSP),
                False,
            )
        secret = pki.kek()
        root_issued = pki.build_root(common_name=f"{city_name} Root CA")
        root = _store_cert(
            kind=CertKind.ROOT,
            issued=root_issued,
            issuer=None,
            common_name=f"{city_name} Root CA",
            key_secret=secret,
            protection=KeyProtection.KEK,
        )
        issuing_id = uuid.uuid4()
        issuing_issued = pki.build_issued(
            kind="issuing",
            issuer_der=root_issued.cert_der,
            issuer_key=root_issued.key,
            issuer_public_id=str(root.public_id),
            common_name=f"{city_name} Issuing CA 1",
            years=pki.ISSUING_YEARS,
        )
        issuing = _store_cert(
            kind=CertKind.ISSUING,
            issued=issuing_issued,
            issuer=root,
            common_name=f"{city_name} Issuing CA 1",
            key_secret=secret,
            protection=KeyProtection.KEK,
            public_id=issuing_id,
        )
        services_made = {}
        for kind, cn in ((CertKind.TSA, "Timestamp Authority"), (CertKind.OCSP, "OCSP Responder")):
            issued = pki.build_issued(
                kind=kind.value,
                issuer_der=issuing_issued.cert_der,
                issuer_key=issuing_issued.key,
                issuer_public_id=str(issuing.public_id),
                common_name=f"{city_name} {cn}",
                ou="Dinas Komunikasi dan Informatika",
                years=pki.SERVICE_YEARS,
            )
            services_made[kind] = _store_cert(
                kind=kind,
                issued=issued,
                issuer=issuing,
                common_name=f"{city_name} {cn}",
                key_secret=secret,
                protection=KeyProtection.KEK,
            )
        for ca in (root, issuing):
            crl_refresh(ca=ca)
        audit.record(
            action="esign.pki_init",
            actor=actor,
            obj=root,
            data={"root": root.subject, "issuing": issuing.subject, "root_serial": root.serial},
        )
        return PkiInitResult(root, issuing, services_made[CertKind.TSA], services_made[CertKind.OCSP], True)


def crl_refresh(*, ca: PkiCertificate) -> CrlState:
    """Issue a new CRL for the CA (next CRL number) listing every revoked certificate it issued."""
    with transaction.atomic():
        state, _created = CrlState.objects.select_for_update().get_or_create(ca=ca)
        revoked = [
            pki.RevokedEntry(int(r.certificate.serial), r.revoked_at, r.reason)
            for r in Revocation.objects.filter(certificate__issuer=ca).select_related("certificate")
        ]
        state.number += 1
        der, this_update, next_update = pki.build_crl(
            ca_der=bytes(ca.cert_der),
            ca_key=pki.service_key(bytes(ca.key_pem)),
            number=state.number,
            revoked=revoked,
        )
        state.crl_der = der
        state.this_update = this_update
        state.next_update = next_update
        state.save()
        return state


def crl_current(*, ca: PkiCertificate) -> bytes:
    """The CA's CRL, re-issued when it is missing or past its next update."""
    state = selectors.crl_state_get(ca)
    if state is None or not state.crl_der or state.next_update is None or state.next_update <= timezone.now():
        state = crl_refresh(ca=ca)
    return bytes(state.crl_der)


def _check_passphrase_strength(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise ValidationFailed(
            _("The passphrase must have at least %(n)d characters.") % {"n": MIN_PASSPHRASE},
            code="passphrase_too_short",
        )


def certificate_issue(
    *,
    actor: Any,
    user: Any,
    passphrase: str,
    full_name: str = "",
    nip: str = "",
    title: str = "",
    opd: OPD | None = None,
    years: int = pki.OFFICIAL_YEARS,
) -> PkiCertificate:
    """Issue an official's signing certificate. The key is encrypted with the official's passphrase,
    which is neither stored nor logged."""
    if actor is not None:
        require_role(actor, "admin_kota")
    _check_passphrase_strength(passphrase)
    profile = getattr(user, "profile", None)
    full_name = (full_name or user.get_full_name() or user.get_username()).strip()
    nip = (nip or getattr(profile, "nip", "") or "").strip()
    title = (title or getattr(profile, "jabatan", "") or "").strip()
    opd = opd or getattr(profile, "opd", None)
    if years < 1 or years > 5:
        raise ValidationFailed(_("Validity must be 1 to 5 years."), code="bad_validity")
    with transaction.atomic():
        issuing = selectors.ca_get(CertKind.ISSUING)
        issued = pki.build_issued(
            kind="official",
            issuer_der=bytes(issuing.cert_der),
            issuer_key=pki.service_key(bytes(issuing.key_pem)),
            issuer_public_id=str(issuing.public_id),
            common_name=full_name,
            ou=opd.name if opd else "",
            serial_number=nip,
            title=title,
            years=years,
        )
        cert = _store_cert(
            kind=CertKind.OFFICIAL,
            issued=issued,
            issuer=issuing,
            common_name=full_name,
            key_secret=passphrase.encode("utf-8"),
            protection=KeyProtection.PASSPHRASE,
            nip=nip,
            title=title,
            opd=opd,
            user=user,
        )
        audit.record(
            action="esign.certificate_issue",
            actor=actor,
            obj=cert,
            data={"serial": cert.serial, "subject": cert.subject, "user": user.get_username()},
        )
        return cert


def certificate_revoke(
    *,
    actor: Any,
    certificate: PkiCertificate,
    reason: str = "unspecified",
    note: str = "",
    revoked_at: dt.datetime | None = None,
) -> Revocation:
    """Revoke a certificate; the issuer's CRL is re-issued in the same transaction and OCSP answers
    from the same table, so both say "revoked" at once."""
    if actor is not None:
        require_role(actor, "admin_kota")
    if reason not in pki.REVOCATION_REASONS:
        raise ValidationFailed(_("Unknown revocation reason."), code="bad_reason")
    if certificate.kind == CertKind.ROOT:
        raise Conflict(_("The root CA cannot be revoked."), code="root_not_revocable")
    with transaction.atomic():
        locked = PkiCertificate.objects.select_for_update().get(pk=certificate.pk)
        if Revocation.objects.filter(certificate=locked).exists():
            raise Conflict(_("This certificate is already revoked."), code="already_revoked")
        revocation = Revocation.objects.create(
            certificate=locked,
            revoked_at=(revoked_at or timezone.now()).replace(microsecond=0),
            reason=reason,
            note=note[:255],
            revoked_by=actor,
        )
        assert locked.issuer is not None
        crl_refresh(ca=locked.issuer)
        audit.record(
            action="esign.certificate_revoke",
            actor=actor,
            obj=locked,
            data={"serial": locked.serial, "reason": reason, "revoked_at": revocation.revoked_at},
        )
        return revocation


def certificate_check_usable(cert: PkiCertificate, *, at: dt.datetime | None = None) -> None:
    """Refuse a revoked or expired (or not yet valid) certificate."""
    moment = at or timezone.now()
    if Revocation.objects.filter(certificate=cert).exists():
        raise Conflict(_("This certificate has been revoked and cannot sign."), code="certificate_revoked")
    if moment >= cert.not_after:
        raise Conflict(_("This certificate has expired and cannot sign."), code="certificate_expired")
    if moment < cert.not_before:
        raise Conflict(_("This certificate is not valid yet."), code="certificate_not_yet_valid")


def ocsp_for(cert: PkiCertificate, *, nonce: bytes | None = None) -> bytes:
    """A signed OCSP response about a certificate issued by the issuing CA."""
    responder = selectors.ca_get(CertKind.OCSP)
    assert cert.issuer is not None
    revocation = Revocation.objects.filter(certificate=cert).first()
    return pki.ocsp_response(
        cert_der=bytes(cert.cert_der),
        issuer_der=bytes(cert.issuer.cert_der),
        responder_der=bytes(responder.cert_der),
        responder_key=pki.service_key(bytes(responder.key_pem)),
        revoked_at=revocation.revoked_at if revocation else None,
        reason=revocation.reason if revocation else "unspecified",
        nonce=nonce,
    )


def _key_hash(cert_der: bytes, algorithm: hashes.HashAlgorithm) -> bytes:
    """Hash of the subject public key BIT STRING (RFC 6960 issuerKeyHash)."""
    spki = (
        pki.load_cert(cert_der)
        .public_key()
        .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    bits = asn1_keys.PublicKeyInfo.load(spki)["public_key"].contents[1:]
    digest = hashes.Hash(algorithm)
    digest.update(bits)
    return digest.finalize()


def ocsp_answer(request_der: bytes) -> bytes:
    """Answer an RFC 6960 OCSPRequest (DER). Unknown issuers get 'unauthorized', garbage 'malformed'."""
    try:
        req = x509_ocsp.load_der_ocsp_request(request_der)
        serial = req.serial_number
        issuer_key_hash = req.issuer_key_hash
        hash_algo = req.hash_algorithm
    except Exception:  # noqa: BLE001 - any parse failure is a malformed request
        return pki.ocsp_error(x509_ocsp.OCSPResponseStatus.MALFORMED_REQUEST)
    try:
        nonce: bytes | None = req.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce
    except Exception:  # noqa: BLE001 - no nonce (or an unreadable one): answer without
        nonce = None
    issuer = None
    for ca in PkiCertificate.objects.filter(kind=CertKind.ISSUING):
        if _key_hash(bytes(ca.cert_der), hash_algo) == issuer_key_hash:
            issuer = ca
            break
    if issuer is None:
        return pki.ocsp_error(x509_ocsp.OCSPResponseStatus.UNAUTHORIZED)
    cert = selectors.certificate_by_serial(issuer=issuer, serial=serial)
    if cert is None:
        return pki.ocsp_error(x509_ocsp.OCSPResponseStatus.UNAUTHORIZED)
    return ocsp_for(cert, nonce=nonce)


def tsa_answer(request_der: bytes) -> bytes:
    return pki.tsa_respond(request_der=request_der, stamper=city_timestamper())


def city_timestamper() -> pki.CityTimeStamper:
    tsa = selectors.ca_get(CertKind.TSA)
    return pki.timestamper(
        tsa_der=bytes(tsa.cert_der),
        tsa_key=pki.service_key(bytes(tsa.key_pem)),
        chain_der=selectors.ca_certs_der(),
    )


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def new_code() -> str:
    return secrets.token_urlsafe(12).replace("-", "x").replace("_", "y")
