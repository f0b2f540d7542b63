"""CRL, OCSP (GET and POST) and RFC 3161 endpoints, served by the platform; revocation shows at once."""

from __future__ import annotations

import base64
import hashlib
import urllib.parse
from typing import Any

from asn1crypto import tsp
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp
from django.test import Client
from pyhanko.sign.timestamps.api import TimeStamper

from kotapintar.esign import pki as pki_mod
from kotapintar.esign import services


def ocsp_request(cert: Any, issuer: Any) -> bytes:
    req = (
        ocsp.OCSPRequestBuilder()
        .add_certificate(
            pki_mod.load_cert(bytes(cert.cert_der)),
            pki_mod.load_cert(bytes(issuer.cert_der)),
            hashes.SHA1(),  # noqa: S303 - the CertID hash NSS and most clients send
        )
        .build()
    )
    return req.public_bytes(serialization.Encoding.DER)


def test_crl_is_der_signed_by_issuing_ca(client: Client, pki: Any) -> None:
    response = client.get(f"/tte/pki/crl/{pki.issuing.public_id}.crl")
    assert response["Content-Type"] == "application/pkix-crl"
    crl = x509.load_der_x509_crl(response.content)
    assert crl.is_signature_valid(pki_issuing_key(pki))


def pki_issuing_key(result: Any) -> Any:
    return pki_mod.load_cert(bytes(result.issuing.cert_der)).public_key()


def test_ocsp_post_says_good(client: Client, make_official: Any, pki: Any) -> None:
    _user, cert = make_official()
    body = ocsp_request(cert, pki.issuing)
    response = client.post("/tte/pki/ocsp/", data=body, content_type="application/ocsp-request")
    answer = ocsp.load_der_ocsp_response(response.content)
    assert answer.response_status == ocsp.OCSPResponseStatus.SUCCESSFUL
    assert answer.certificate_status == ocsp.OCSPCertStatus.GOOD


def test_ocsp_get_follows_rfc6960_encoding(client: Client, make_official: Any, pki: Any) -> None:
    _user, cert = make_official()
    encoded = urllib.parse.quote(base64.b64encode(ocsp_request(cert, pki.issuing)).decode(), safe="")
    answer = ocsp.load_der_ocsp_response(client.get(f"/tte/pki/ocsp/{encoded}").content)
    assert answer.certificate_status == ocsp.OCSPCertStatus.GOOD


def test_revocation_updates_crl_and_ocsp_at_once(client: Client, make_official: Any, pki: Any) -> None:
    _user, cert = make_official()
    services.certificate_revoke(actor=None, certificate=cert, reason="key_compromise")
    crl = x509.load_der_x509_crl(client.get(f"/tte/pki/crl/{pki.issuing.public_id}.crl").content)
    assert crl.get_revoked_certificate_by_serial_number(int(cert.serial)) is not None
    body = ocsp_request(cert, pki.issuing)
    answer = ocsp.load_der_ocsp_response(client.post("/tte/pki/ocsp/", data=body, content_type="x").content)
    assert answer.certificate_status == ocsp.OCSPCertStatus.REVOKED


def test_crl_number_increases_on_revocation(make_official: Any, pki: Any) -> None:
    _user, cert = make_official()
    before = x509.load_der_x509_crl(pki_mod.crl_current(ca=pki.issuing))
    services.certificate_revoke(actor=None, certificate=cert)
    after = x509.load_der_x509_crl(pki_mod.crl_current(ca=pki.issuing))
    number = lambda c: c.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number  # noqa: E731
    assert number(after) == number(before) + 1


def test_ocsp_garbage_is_malformed_request(client: Client, pki: Any) -> None:
    answer = ocsp.load_der_ocsp_response(
        client.post("/tte/pki/ocsp/", data=b"junk", content_type="x").content
    )
    assert answer.response_status == ocsp.OCSPResponseStatus.MALFORMED_REQUEST


def test_tsa_grants_rfc3161_token(client: Client, pki: Any) -> None:
    digest = hashlib.sha256(b"dokumen").digest()
    _nonce, req = TimeStamper().request_cms(digest, "sha256")
    response = client.post("/tte/pki/tsa/", data=req.dump(), content_type="application/timestamp-query")
    assert response["Content-Type"] == "application/timestamp-reply"
    resp = tsp.TimeStampResp.load(response.content)
    assert resp["status"]["status"].native == "granted"
    info = resp["time_stamp_token"]["content"]["encap_content_info"]["content"].parsed
    assert info["message_imprint"]["hashed_message"].native == digest
    assert info["policy"].dotted == pki_mod_policy()


def pki_mod_policy() -> str:
    return pki_mod.TSA_POLICY_OID


def test_tsa_rejects_garbage(client: Client, pki: Any) -> None:
    der = client.post("/tte/pki/tsa/", data=b"x", content_type="x").content
    # asn1crypto insists on a timeStampToken, which RFC 3161 omits on rejection: read the status alone
    status = tsp.PKIStatusInfo.load(der[2:])
    assert status["status"].native == "rejection"
    assert "bad_request" in status["fail_info"].native


def test_keys_are_encrypted_at_rest(pki: Any, make_official: Any) -> None:
    _user, cert = make_official()
    for stored in (pki.root, pki.issuing, pki.tsa, pki.ocsp):
        assert b"ENCRYPTED PRIVATE KEY" in bytes(stored.key_pem)
    assert b"ENCRYPTED PRIVATE KEY" in pki_mod.official_key_pem(bytes(cert.key_pem))  # under the seal


def test_official_certificate_profile(make_official: Any) -> None:
    _user, cert = make_official(title="Sekretaris Daerah")
    parsed = pki_mod.load_cert(bytes(cert.cert_der))
    usage = parsed.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment
    subject = parsed.subject
    assert subject.get_attributes_for_oid(x509.oid.NameOID.SERIAL_NUMBER)[0].value == cert.nip
    assert subject.get_attributes_for_oid(x509.oid.NameOID.ORGANIZATIONAL_UNIT_NAME)


def test_tsa_certificate_has_critical_timestamping_eku(pki: Any) -> None:
    ext = pki_mod.load_cert(bytes(pki.tsa.cert_der)).extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert ext.critical and x509.oid.ExtendedKeyUsageOID.TIME_STAMPING in ext.value


def test_ocsp_certificate_has_ocsp_signing_eku(pki: Any) -> None:
    ext = pki_mod.load_cert(bytes(pki.ocsp.cert_der)).extensions.get_extension_for_class(
        x509.ExtendedKeyUsage
    )
    assert x509.oid.ExtendedKeyUsageOID.OCSP_SIGNING in ext.value


def test_pki_init_is_idempotent(pki: Any) -> None:
    again = services.pki_init()
    assert again.created is False and again.root.pk == pki.root.pk


def test_crl_refresh_command_issues_next_number(pki: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    before = pki_mod.crl_current(ca=pki.issuing)
    out = StringIO()
    call_command("esign_crl_refresh", stdout=out)
    after = pki_mod.crl_current(ca=pki.issuing)
    assert crl_number(after) == crl_number(before) + 1
    assert "CRL #" in out.getvalue()


def crl_number(der: bytes) -> int:
    return int(
        x509.load_der_x509_crl(der).extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
    )
