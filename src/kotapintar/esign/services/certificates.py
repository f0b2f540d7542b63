"""Writes of the city PKI: set it up, issue an official's certificate, revoke one.

What the PKI answers (CRL, OCSP, TSA, "may this certificate sign now") is in `kotapintar.esign.pki`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from kotapintar.core import audit
from kotapintar.core.models import OPD, City
from kotapintar.core.permissions import require_role
from kotapintar.core.selectors import city_get
from kotapintar.core.types import Actor, User
from kotapintar.esign import pki, selectors, tokens
from kotapintar.esign.errors import (
    AlreadyRevoked,
    BadReason,
    BadValidity,
    PassphraseTooShort,
    RootNotRevocable,
)
from kotapintar.esign.models import CertKind, KeyProtection, PkiCertificate, Revocation

MIN_PASSPHRASE = 8


def _store_cert(
    *,
    kind: str,
    cert_der: bytes,
    issuer: PkiCertificate | None,
    common_name: str,
    protection: str,
    key_pem: bytes = b"",
    public_id: uuid.UUID | None = None,
    **extra: Any,
) -> PkiCertificate:
    """Store a certificate with its encrypted key (``key_pem``); a key in a token passes its reference in
    ``extra`` instead (``token_label``, ``token_key_id``)."""
    cert = pki.load_cert(cert_der)
    fields: dict[str, Any] = {
        "kind": kind,
        "issuer": issuer,
        "serial": str(cert.serial_number),
        "common_name": common_name,
        "subject": cert.subject.rfc4514_string(),
        "cert_der": cert_der,
        "key_pem": key_pem,
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


def pki_init(*, actor: Actor = None, city: City | None = None) -> PkiInitResult:
    """Create the root CA, the issuing CA, the TSA and the OCSP responder (idempotent), named for
    the city (the configured one unless given): "<city> Root CA", O = "Pemerintah <city>", L, ST."""
    with transaction.atomic():
        if selectors.pki_ready():
            return PkiInitResult(
                selectors.ca_get(CertKind.ROOT),
                selectors.ca_get(CertKind.ISSUING),
                selectors.ca_get(CertKind.TSA),
                selectors.ca_get(CertKind.OCSP),
                False,
            )
        city = city or city_get()
        city_name = city.name
        secret = pki.kek()
        root_issued = pki.build_root(
            common_name=f"{city_name} Root CA",
            place=pki.city_place(
                city_name=city_name, province=city.province, organisation=city.government_name
            ),
        )
        root = _store_cert(
            kind=CertKind.ROOT,
            cert_der=root_issued.cert_der,
            issuer=None,
            common_name=f"{city_name} Root CA",
            key_pem=pki.encrypt_key(root_issued.key, secret),
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
            cert_der=issuing_issued.cert_der,
            issuer=root,
            common_name=f"{city_name} Issuing CA 1",
            key_pem=pki.encrypt_key(issuing_issued.key, secret),
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
                cert_der=issued.cert_der,
                issuer=issuing,
                common_name=f"{city_name} {cn}",
                key_pem=pki.encrypt_key(issued.key, secret),
                protection=KeyProtection.KEK,
            )
        for ca in (root, issuing):
            pki.crl_refresh(ca=ca)
        audit.record(
            action="esign.pki_init",
            actor=actor,
            obj=root,
            data={"root": root.subject, "issuing": issuing.subject, "root_serial": root.serial},
        )
        return PkiInitResult(root, issuing, services_made[CertKind.TSA], services_made[CertKind.OCSP], True)


@dataclass(frozen=True)
class _Official:
    """Who an official's certificate names, with the defaults taken from the user's profile."""

    user: User
    full_name: str
    nip: str
    title: str
    opd: OPD | None
    years: int

    def certificate_params(self, issuing: PkiCertificate) -> dict[str, Any]:
        return {
            "kind": "official",
            "issuer_der": bytes(issuing.cert_der),
            "issuer_key": pki.service_key(bytes(issuing.key_pem)),
            "issuer_public_id": str(issuing.public_id),
            "common_name": self.full_name,
            "ou": self.opd.name if self.opd else "",
            "serial_number": self.nip,
            "title": self.title,
            "years": self.years,
        }

    def record_fields(self) -> dict[str, Any]:
        return {"nip": self.nip, "title": self.title, "opd": self.opd, "user": self.user}


@sensitive_variables("passphrase")
def _check_official(
    *,
    actor: Actor,
    user: User,
    passphrase: str,
    full_name: str,
    nip: str,
    title: str,
    opd: OPD | None,
    years: int,
) -> _Official:
    if actor is not None:
        require_role(actor, "admin_kota")
    if len(passphrase) < MIN_PASSPHRASE:
        raise PassphraseTooShort(
            _("The passphrase must have at least %(n)d characters.") % {"n": MIN_PASSPHRASE}
        )
    if years < 1 or years > 5:
        raise BadValidity()
    profile = getattr(user, "profile", None)
    return _Official(
        user=user,
        full_name=(full_name or user.get_full_name() or user.get_username()).strip(),
        nip=(nip or getattr(profile, "nip", "") or "").strip(),
        title=(title or getattr(profile, "jabatan", "") or "").strip(),
        opd=opd or getattr(profile, "opd", None),
        years=years,
    )


@sensitive_variables("passphrase")
def certificate_issue(
    *,
    actor: Actor,
    user: User,
    passphrase: str,
    full_name: str = "",
    nip: str = "",
    title: str = "",
    opd: OPD | None = None,
    years: int = pki.OFFICIAL_YEARS,
    in_token: bool = False,
) -> PkiCertificate:
    """Issue an official's signing certificate. ``actor=None`` is the platform itself (pki-init, the demo).

    By default the key is made here and stored encrypted with the official's passphrase, which is
    neither stored nor logged. ``in_token=True`` (``kotapintar esign-token-keygen``) generates the key in
    the configured PKCS#11 token instead, where it stays (not extractable): the record keeps the token
    label, the key id and a hash of the passphrase, which every signature still asks for. A token
    failure is one of the ``token_*`` codes; nothing is stored then."""
    official = _check_official(
        actor=actor,
        user=user,
        passphrase=passphrase,
        full_name=full_name,
        nip=nip,
        title=title,
        opd=opd,
        years=years,
    )
    config = tokens.token_config() if in_token else None
    issuing = selectors.ca_get(CertKind.ISSUING)
    key_fields: dict[str, Any]
    if config is not None:
        key_id, public_key = tokens.key_generate(config=config, label=f"kotapintar:{user.get_username()}")
        cert_der, _serial = pki.build_certificate(
            public_key=public_key, **official.certificate_params(issuing)
        )
        key_fields = {
            "protection": KeyProtection.TOKEN,
            "token_label": config.label,
            "token_key_id": key_id.hex(),
            "passphrase_hash": make_password(passphrase),
        }
    else:
        issued = pki.build_issued(**official.certificate_params(issuing))
        cert_der = issued.cert_der
        key_fields = {
            "protection": KeyProtection.PASSPHRASE,
            "key_pem": pki.official_key_seal(issued.key, passphrase),
        }
    with transaction.atomic():
        cert = _store_cert(
            kind=CertKind.OFFICIAL,
            cert_der=cert_der,
            issuer=issuing,
            common_name=official.full_name,
            **key_fields,
            **official.record_fields(),
        )
        data = {"serial": cert.serial, "subject": cert.subject, "user": user.get_username()}
        if config is not None:
            data.update(key="token", token=cert.token_label, key_id=cert.token_key_id)
        audit.record(action="esign.certificate_issue", actor=actor, obj=cert, data=data)
        return cert


def certificate_revoke(
    *,
    actor: Actor,
    certificate: PkiCertificate,
    reason: str = "unspecified",
    note: str = "",
    revoked_at: dt.datetime | None = None,
) -> Revocation:
    """Revoke a certificate; the issuer's CRL is re-issued in the same transaction and OCSP answers
    from the same table, so both say "revoked" at once. ``actor=None`` is the platform itself."""
    revoked_by = require_role(actor, "admin_kota") if actor is not None else None
    if reason not in pki.REVOCATION_REASONS:
        raise BadReason()
    if certificate.kind == CertKind.ROOT:
        raise RootNotRevocable()
    with transaction.atomic():
        locked = PkiCertificate.objects.select_for_update().get(pk=certificate.pk)
        if Revocation.objects.filter(certificate=locked).exists():
            raise AlreadyRevoked()
        revocation = Revocation.objects.create(
            certificate=locked,
            revoked_at=(revoked_at or timezone.now()).replace(microsecond=0),
            reason=reason,
            note=note[:255],
            revoked_by=revoked_by,
        )
        assert locked.issuer is not None
        pki.crl_refresh(ca=locked.issuer)
        audit.record(
            action="esign.certificate_revoke",
            actor=actor,
            obj=locked,
            data={"serial": locked.serial, "reason": reason, "revoked_at": revocation.revoked_at},
        )
        return revocation
