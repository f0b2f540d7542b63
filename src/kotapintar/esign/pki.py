"""The city PKI: certificate building, key encryption at rest, CRL, OCSP and RFC 3161 tokens.

The primitives take and return bytes / cryptography objects. Keys are PKCS#8, encrypted with the
platform key-encryption key (CA, TSA, OCSP) or with the holder's own passphrase (officials).

The responders at the end answer from the database: the CRL of a CA (re-issued when due), OCSP, the
RFC 3161 TSA, and whether a certificate may sign now. Issuing and revoking certificates are services
(`services.certificates`); signing (`pki_signing`) and verification read the answers here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import threading
import uuid
from dataclasses import dataclass
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidTag, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.db import transaction
from django.utils import timezone
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from kotapintar.core.keys import key_encryption_key
from kotapintar.esign import selectors
from kotapintar.esign.errors import CertificateExpired, CertificateNotYetValid, CertificateRevoked
from kotapintar.esign.models import CertKind, CrlState, PkiCertificate, Revocation
from kotapintar.esign.pki_urls import urls_for

KEY_SIZE = 2048
ROOT_YEARS = 20
ISSUING_YEARS = 10
SERVICE_YEARS = 5
OFFICIAL_YEARS = 2
CRL_VALID_HOURS = 24
# An OID under the UUID arc 2.25 (ITU-T X.667): needs no registration, unique by construction.
TSA_POLICY_OID = "2.25." + str(uuid.UUID("6f1b2a7e-4c1d-4f55-9a5e-6b0e7c3a1d42").int)

REVOCATION_REASONS = {
    "unspecified": x509.ReasonFlags.unspecified,
    "key_compromise": x509.ReasonFlags.key_compromise,
    "affiliation_changed": x509.ReasonFlags.affiliation_changed,
    "superseded": x509.ReasonFlags.superseded,
    "cessation_of_operation": x509.ReasonFlags.cessation_of_operation,
    "certificate_hold": x509.ReasonFlags.certificate_hold,
}


class KeyDecryptError(Exception):
    """The passphrase (or key-encryption key) does not open the private key."""


def kek() -> bytes:
    """The key-encryption key of the CA and service keys (see core.keys)."""
    return key_encryption_key("esign")


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)


def encrypt_key(key: rsa.RSAPrivateKey, secret: bytes) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(secret),
    )


#: How an official's key is stored: the PKCS#8 PEM encrypted by their passphrase, sealed with AES-256-GCM
#: under a key derived from the key-encryption key (outside the database). PKCS#8's PBKDF2 runs 2,048
#: rounds — cheap to guess through — so a leaked database alone must not let anyone try passphrases.
OFFICIAL_KEY_SEAL = b"KPSEAL1:"
_SEAL_CONTEXT = b"kotapintar esign official key"


def _seal_key() -> bytes:
    return hmac.new(kek(), _SEAL_CONTEXT, hashlib.sha256).digest()


def official_key_seal(key: rsa.RSAPrivateKey, passphrase: str) -> bytes:
    """What ``PkiCertificate.key_pem`` holds for an official: see ``OFFICIAL_KEY_SEAL``."""
    return official_key_wrap(encrypt_key(key, passphrase.encode("utf-8")))


def official_key_wrap(pem: bytes) -> bytes:
    """Seal a passphrase-encrypted PEM under the key-encryption key (also for keys stored before)."""
    nonce = os.urandom(12)
    return OFFICIAL_KEY_SEAL + nonce + AESGCM(_seal_key()).encrypt(nonce, pem, _SEAL_CONTEXT)


def official_key_pem(stored: bytes) -> bytes:
    """The passphrase-encrypted PEM of a stored official key; a key stored before the seal is returned as
    it is. ``KeyDecryptError`` when this server's key-encryption key is not the one that sealed it."""
    if not stored.startswith(OFFICIAL_KEY_SEAL):
        return stored
    body = stored[len(OFFICIAL_KEY_SEAL) :]
    try:
        return AESGCM(_seal_key()).decrypt(body[:12], body[12:], _SEAL_CONTEXT)
    except (InvalidTag, ValueError) as exc:
        raise KeyDecryptError("the key-encryption key does not open this key") from exc


def decrypt_key(pem: bytes, secret: bytes) -> rsa.RSAPrivateKey:
    try:
        key = serialization.load_pem_private_key(pem, password=secret)
    except (ValueError, TypeError) as exc:
        raise KeyDecryptError(str(exc)) from exc
    if not isinstance(key, rsa.RSAPrivateKey):
        raise KeyDecryptError("not an RSA key")
    return key


_service_keys: dict[str, rsa.RSAPrivateKey] = {}
_service_lock = threading.Lock()


def service_key(pem: bytes) -> rsa.RSAPrivateKey:
    """Decrypt a KEK-protected key once per process (PBKDF2 is deliberately slow)."""
    digest = hashlib.sha256(pem).hexdigest()
    with _service_lock:
        key = _service_keys.get(digest)
        if key is None:
            key = decrypt_key(pem, kek())
            _service_keys[digest] = key
        return key


def to_asn1_key(key: rsa.RSAPrivateKey) -> asn1_keys.PrivateKeyInfo:
    der = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return asn1_keys.PrivateKeyInfo.load(der)


def to_asn1_cert(der: bytes) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(der)


def load_cert(der: bytes) -> x509.Certificate:
    return x509.load_der_x509_certificate(der)


def pem(der: bytes) -> bytes:
    return load_cert(der).public_bytes(serialization.Encoding.PEM)


def fingerprint_sha256(der: bytes) -> str:
    """A certificate's SHA-256 fingerprint as certificate viewers show it (AB:CD:…)."""
    return ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest())


#: The attributes a certificate's subject takes from its issuer: the city government it belongs to.
PLACE_OIDS = (
    NameOID.COUNTRY_NAME,
    NameOID.STATE_OR_PROVINCE_NAME,
    NameOID.LOCALITY_NAME,
    NameOID.ORGANIZATION_NAME,
)


def city_place(*, city_name: str, province: str, organisation: str) -> list[x509.NameAttribute[str]]:
    """C, ST, L and O of the city's certificates: set once in the root CA, copied into everything below."""
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "ID")]
    if province:
        attrs.append(x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, province[:128]))
    if city_name:
        attrs.append(x509.NameAttribute(NameOID.LOCALITY_NAME, city_name[:128]))
    if organisation:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]))
    return attrs


def _name(
    common_name: str,
    *,
    place: list[x509.NameAttribute[str]],
    ou: str = "",
    serial_number: str = "",
    title: str = "",
) -> x509.Name:
    attrs = list(place)
    if ou:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ou[:64]))
    if title:
        attrs.append(x509.NameAttribute(NameOID.TITLE, title[:64]))
    if serial_number:
        attrs.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, serial_number[:64]))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]))
    return x509.Name(attrs)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


@dataclass(frozen=True)
class Issued:
    cert_der: bytes
    key: rsa.RSAPrivateKey
    serial: int


def build_root(
    *, common_name: str, place: list[x509.NameAttribute[str]] | None = None, now: dt.datetime | None = None
) -> Issued:
    """A self-signed root; `place` (see `city_place`) names the city government, inherited below."""
    key = new_key()
    name = _name(common_name, place=place or city_place(city_name="", province="", organisation=""))
    start = (now or _now()) - dt.timedelta(hours=1)
    serial = x509.random_serial_number()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=365 * ROOT_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=1), critical=True)
        .add_extension(
            key_usage(sign_certs=True, digital_signature=False, non_repudiation=False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Issued(cert.public_bytes(serialization.Encoding.DER), key, serial)


def key_usage(*, sign_certs: bool, digital_signature: bool, non_repudiation: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=digital_signature,
        content_commitment=non_repudiation,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=sign_certs,
        crl_sign=sign_certs,
        encipher_only=False,
        decipher_only=False,
    )


def build_issued(*, key: rsa.RSAPrivateKey | None = None, **params: Any) -> Issued:
    """Issue a certificate of ``kind`` (issuing, official, tsa, ocsp) under the given CA for ``key``
    (a new one unless given); ``params`` as for :func:`build_certificate`."""
    key = key or new_key()
    der, serial = build_certificate(public_key=key.public_key(), **params)
    return Issued(der, key, serial)


def build_certificate(
    *,
    kind: str,
    public_key: rsa.RSAPublicKey,
    issuer_der: bytes,
    issuer_key: rsa.RSAPrivateKey,
    issuer_public_id: str,
    common_name: str,
    ou: str = "",
    serial_number: str = "",
    title: str = "",
    years: int,
    now: dt.datetime | None = None,
) -> tuple[bytes, int]:
    """A certificate of ``kind`` for ``public_key`` under the given CA: (DER, serial number). The
    private key may live elsewhere (a PKCS#11 token, ``tokens.key_generate``)."""
    issuer = load_cert(issuer_der)
    start = (now or _now()) - dt.timedelta(minutes=5)
    end = min(start + dt.timedelta(days=365 * years), issuer.not_valid_after_utc)
    serial = x509.random_serial_number()
    links = urls_for(issuer_public_id)
    builder = (
        x509.CertificateBuilder()
        .subject_name(
            _name(
                common_name,
                place=[
                    x509.NameAttribute(a.oid, str(a.value)) for a in issuer.subject if a.oid in PLACE_OIDS
                ],
                ou=ou,
                serial_number=serial_number,
                title=title,
            )
        )
        .issuer_name(issuer.subject)
        .public_key(public_key)
        .serial_number(serial)
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
        .add_extension(
            x509.CRLDistributionPoints(
                [
                    x509.DistributionPoint(
                        full_name=[x509.UniformResourceIdentifier(links.crl)],
                        relative_name=None,
                        reasons=None,
                        crl_issuer=None,
                    )
                ]
            ),
            critical=False,
        )
    )
    aia = [
        x509.AccessDescription(
            x509.oid.AuthorityInformationAccessOID.CA_ISSUERS,
            x509.UniformResourceIdentifier(links.ca_issuers),
        )
    ]
    if kind == "issuing":
        builder = builder.add_extension(
            x509.BasicConstraints(ca=True, path_length=0), critical=True
        ).add_extension(
            key_usage(sign_certs=True, digital_signature=False, non_repudiation=False), critical=True
        )
    else:
        builder = builder.add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        if kind in ("official", "tsa"):
            aia.insert(
                0,
                x509.AccessDescription(
                    x509.oid.AuthorityInformationAccessOID.OCSP,
                    x509.UniformResourceIdentifier(links.ocsp),
                ),
            )
            builder = builder.add_extension(
                key_usage(sign_certs=False, digital_signature=True, non_repudiation=True), critical=True
            )
            if kind == "tsa":
                builder = builder.add_extension(
                    x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
                )
        elif kind == "ocsp":
            builder = (
                builder.add_extension(
                    key_usage(sign_certs=False, digital_signature=True, non_repudiation=False),
                    critical=True,
                )
                .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.OCSP_SIGNING]), critical=False)
                .add_extension(x509.OCSPNoCheck(), critical=False)
            )
        else:
            raise ValueError(f"unknown certificate kind {kind}")
    builder = builder.add_extension(x509.AuthorityInformationAccess(aia), critical=False)
    cert = builder.sign(issuer_key, hashes.SHA256())
    return cert.public_bytes(serialization.Encoding.DER), serial


@dataclass(frozen=True)
class RevokedEntry:
    serial: int
    revoked_at: dt.datetime
    reason: str


def build_crl(
    *,
    ca_der: bytes,
    ca_key: rsa.RSAPrivateKey,
    number: int,
    revoked: list[RevokedEntry],
    now: dt.datetime | None = None,
) -> tuple[bytes, dt.datetime, dt.datetime]:
    ca = load_cert(ca_der)
    this_update = (now or _now()) - dt.timedelta(seconds=5)
    next_update = this_update + dt.timedelta(hours=CRL_VALID_HOURS)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca.subject)
        .last_update(this_update)
        .next_update(next_update)
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
    )
    for entry in revoked:
        item = x509.RevokedCertificateBuilder().serial_number(entry.serial).revocation_date(entry.revoked_at)
        flag = REVOCATION_REASONS.get(entry.reason, x509.ReasonFlags.unspecified)
        if flag != x509.ReasonFlags.unspecified:
            item = item.add_extension(x509.CRLReason(flag), critical=False)
        builder = builder.add_revoked_certificate(item.build())
    crl = builder.sign(ca_key, hashes.SHA256())
    return crl.public_bytes(serialization.Encoding.DER), this_update, next_update


def ocsp_response(
    *,
    cert_der: bytes | None,
    issuer_der: bytes,
    responder_der: bytes,
    responder_key: rsa.RSAPrivateKey,
    revoked_at: dt.datetime | None,
    reason: str,
    nonce: bytes | None = None,
    now: dt.datetime | None = None,
    cert_id_hash: hashes.HashAlgorithm | None = None,
) -> bytes:
    """A signed OCSP response for one certificate (good or revoked). The CertID uses the request's
    hash algorithm (clients such as NSS ask with SHA-1 and match the answer on it)."""
    assert cert_der is not None
    cert = load_cert(cert_der)
    issuer = load_cert(issuer_der)
    responder = load_cert(responder_der)
    this_update = (now or _now()) - dt.timedelta(seconds=5)
    status = ocsp.OCSPCertStatus.REVOKED if revoked_at is not None else ocsp.OCSPCertStatus.GOOD
    flag = REVOCATION_REASONS.get(reason) if revoked_at is not None else None
    builder = (
        ocsp.OCSPResponseBuilder()
        .add_response(
            cert=cert,
            issuer=issuer,
            algorithm=cert_id_hash or hashes.SHA256(),
            cert_status=status,
            this_update=this_update,
            next_update=this_update + dt.timedelta(hours=CRL_VALID_HOURS),
            revocation_time=revoked_at,
            revocation_reason=flag if flag and flag != x509.ReasonFlags.unspecified else None,
        )
        .responder_id(ocsp.OCSPResponderEncoding.HASH, responder)
        .certificates([responder])
    )
    if nonce is not None:
        builder = builder.add_extension(x509.OCSPNonce(nonce), critical=False)
    response = builder.sign(responder_key, hashes.SHA256())
    return response.public_bytes(serialization.Encoding.DER)


def ocsp_error(status: ocsp.OCSPResponseStatus) -> bytes:
    return ocsp.OCSPResponseBuilder.build_unsuccessful(status).public_bytes(serialization.Encoding.DER)


class CityTimeStamper(DummyTimeStamper):
    """pyHanko's in-process TSA engine with the city's TSA policy OID; used by the RFC 3161 endpoint
    and directly (in-process) when the platform signs."""

    def _build_tst_info(
        self, message_imprint: tsp.MessageImprint, dt: dt.datetime, req: tsp.TimeStampReq
    ) -> tsp.TSTInfo:
        info = super()._build_tst_info(message_imprint, dt, req)
        info["policy"] = tsp.ObjectIdentifier(TSA_POLICY_OID)
        return info


def timestamper(*, tsa_der: bytes, tsa_key: rsa.RSAPrivateKey, chain_der: list[bytes]) -> CityTimeStamper:
    certs = [to_asn1_cert(d) for d in chain_der]
    store = SimpleCertificateStore.from_certs(certs)  # type: ignore[no-untyped-call]  # pyHanko leaves it unannotated
    return CityTimeStamper(tsa_cert=to_asn1_cert(tsa_der), tsa_key=to_asn1_key(tsa_key), certs_to_embed=store)


# TimeStampResp { status PKIStatusInfo { status rejection(2), failInfo badRequest(2) } }
TSA_REJECTION = bytes.fromhex("3009" + "3007" + "020102" + "03020520")


def tsa_respond(*, request_der: bytes, stamper: CityTimeStamper) -> bytes:
    """Answer one RFC 3161 TimeStampReq (DER) with a TimeStampResp (DER)."""
    try:
        req = tsp.TimeStampReq.load(request_der)
        req.native  # noqa: B018 - forces a full parse so malformed input fails here
        algo = req["message_imprint"]["hash_algorithm"]["algorithm"].native
        if algo not in {"sha256", "sha384", "sha512"}:
            raise ValueError("unsupported hash algorithm")
    except (ValueError, TypeError, KeyError):
        return TSA_REJECTION
    return bytes(stamper.request_tsa_response(req).dump())


# --- Responders: CRL, OCSP, TSA and usability, answered from the database -----------------------------


def crl_refresh(*, ca: PkiCertificate) -> CrlState:
    """Issue a new CRL for the CA (next CRL number) listing every revoked certificate it issued."""
    with transaction.atomic():
        state, _created = CrlState.objects.select_for_update().get_or_create(ca=ca)
        revoked = [
            RevokedEntry(int(r.certificate.serial), r.revoked_at, r.reason)
            for r in Revocation.objects.filter(certificate__issuer=ca).select_related("certificate")
        ]
        state.number += 1
        der, this_update, next_update = build_crl(
            ca_der=bytes(ca.cert_der),
            ca_key=service_key(bytes(ca.key_pem)),
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


def certificate_check_usable(cert: PkiCertificate, *, at: dt.datetime | None = None) -> None:
    """Refuse a revoked or expired (or not yet valid) certificate."""
    moment = at or timezone.now()
    if Revocation.objects.filter(certificate=cert).exists():
        raise CertificateRevoked()
    if moment >= cert.not_after:
        raise CertificateExpired()
    if moment < cert.not_before:
        raise CertificateNotYetValid()


def ocsp_for(
    cert: PkiCertificate, *, nonce: bytes | None = None, cert_id_hash: hashes.HashAlgorithm | None = None
) -> bytes:
    """A signed OCSP response about a certificate issued by the issuing CA."""
    responder = selectors.ca_get(CertKind.OCSP)
    assert cert.issuer is not None
    revocation = Revocation.objects.filter(certificate=cert).first()
    return ocsp_response(
        cert_der=bytes(cert.cert_der),
        issuer_der=bytes(cert.issuer.cert_der),
        responder_der=bytes(responder.cert_der),
        responder_key=service_key(bytes(responder.key_pem)),
        revoked_at=revocation.revoked_at if revocation else None,
        reason=revocation.reason if revocation else "unspecified",
        nonce=nonce,
        cert_id_hash=cert_id_hash,
    )


def _key_hash(cert_der: bytes, algorithm: hashes.HashAlgorithm) -> bytes:
    """Hash of the subject public key BIT STRING (RFC 6960 issuerKeyHash)."""
    spki = (
        load_cert(cert_der)
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
        req = ocsp.load_der_ocsp_request(request_der)
        serial = req.serial_number
        issuer_key_hash = req.issuer_key_hash
        hash_algo = req.hash_algorithm
    except (ValueError, UnsupportedAlgorithm):  # cryptography's parse errors: a malformed request
        return ocsp_error(ocsp.OCSPResponseStatus.MALFORMED_REQUEST)
    try:
        nonce: bytes | None = req.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce
    except (x509.ExtensionNotFound, ValueError):  # no nonce, or an unreadable one: answer without
        nonce = None
    issuer = None
    for ca in PkiCertificate.objects.filter(kind=CertKind.ISSUING):
        if _key_hash(bytes(ca.cert_der), hash_algo) == issuer_key_hash:
            issuer = ca
            break
    if issuer is None:
        return ocsp_error(ocsp.OCSPResponseStatus.UNAUTHORIZED)
    cert = selectors.certificate_by_serial(issuer=issuer, serial=serial)
    if cert is None:
        return ocsp_error(ocsp.OCSPResponseStatus.UNAUTHORIZED)
    return ocsp_for(cert, nonce=nonce, cert_id_hash=hash_algo)


def city_timestamper() -> CityTimeStamper:
    """The city TSA's engine (in-process), as the RFC 3161 endpoint and the signing services use it."""
    tsa = selectors.ca_get(CertKind.TSA)
    return timestamper(
        tsa_der=bytes(tsa.cert_der),
        tsa_key=service_key(bytes(tsa.key_pem)),
        chain_der=selectors.ca_certs_der(),
    )


def tsa_answer(request_der: bytes) -> bytes:
    """Answer an RFC 3161 TimeStampReq (DER) with the city TSA."""
    return tsa_respond(request_der=request_der, stamper=city_timestamper())
