"""Officials' keys in a PKCS#11 token (SoftHSM2): generated in the token, certified by the city's issuing
CA, never extractable, used by every signing path; token failures are declared codes, never a 500."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.core.management import CommandError, call_command
from pkcs11 import Attribute, ObjectClass
from pkcs11 import exceptions as p11

from kotapintar.core.models import Role
from kotapintar.esign import services, tokens, verification
from kotapintar.esign.errors import (
    TokenKeyMissing,
    TokenMissing,
    TokenPinWrong,
    TokenUnavailable,
    WrongPassphrase,
)
from kotapintar.esign.models import KeyProtection, PkiCertificate
from tests.esign.conftest import PASSPHRASE, TOKEN_LABEL
from tests.esign.helpers import latest_pdf

pytestmark = pytest.mark.django_db

Official = tuple[Any, PkiCertificate]


@pytest.fixture
def official(make_token_official: Callable[[], Official]) -> Official:
    return make_token_official()


def token_key(cert: PkiCertificate) -> tokens.TokenKey:
    return tokens.key_open(config=tokens.token_config(), key_id=bytes.fromhex(cert.token_key_id))


def waiting_document(make_user: Any, opd: Any, user: Any, pdf: bytes) -> Any:
    creator = make_user(Role.OPD, opd=opd)
    doc = services.document_upload(actor=creator, title="Surat token", data=pdf)
    services.workflow_start(actor=creator, document=doc, steps=[services.StepSpec(kind="sign", actor=user)])
    return doc


def test_keygen_keeps_only_the_token_reference_in_the_database(official: Official) -> None:
    _user, cert = official
    assert cert.key_protection == KeyProtection.TOKEN
    assert bytes(cert.key_pem) == b""
    assert cert.token_label == TOKEN_LABEL
    assert token_key(cert).attribute(Attribute.CLASS) == ObjectClass.PRIVATE_KEY


def test_certificate_is_issued_by_the_city_ca_for_the_token_key(
    official: Official, pki: services.PkiInitResult
) -> None:
    _user, cert = official
    x509_cert = x509.load_der_x509_certificate(bytes(cert.cert_der))
    issuing = x509.load_der_x509_certificate(bytes(pki.issuing.cert_der))
    assert cert.issuer == pki.issuing
    x509_cert.verify_directly_issued_by(issuing)
    usage = x509_cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment
    # The certificate's key is the token's: a signature made in the token verifies with it.
    public_key = x509_cert.public_key()
    assert isinstance(public_key, rsa.RSAPublicKey)
    signature = token_key(cert).sign(b"surat", padding.PKCS1v15(), hashes.SHA256())
    public_key.verify(signature, b"surat", padding.PKCS1v15(), hashes.SHA256())


def test_private_key_is_sensitive_and_not_extractable(official: Official) -> None:
    key = token_key(official[1])
    assert key.attribute(Attribute.EXTRACTABLE) is False
    assert key.attribute(Attribute.SENSITIVE) is True
    assert key.attribute(Attribute.NEVER_EXTRACTABLE) is True
    with pytest.raises(p11.AttributeSensitive):
        key.attribute(Attribute.PRIVATE_EXPONENT)


def test_document_sign_with_the_token_key_validates(
    official: Official, make_user: Any, opd: Any, letter_pdf: Any, settings: Any
) -> None:
    settings.ESIGN_LEVEL = "B-T"
    user, cert = official
    doc = waiting_document(make_user, opd, user, letter_pdf())
    record = services.document_sign(actor=user, document=doc, passphrase=PASSPHRASE)
    assert record.certificate == cert
    report = verification.verify_pdf(latest_pdf(doc))
    assert report["valid"], report
    (signature,) = report["signatures"]
    assert signature["signer"]["nip"] == cert.nip


@pytest.mark.parametrize("level", ["B-B", "B-T"])
def test_fast_batch_signs_with_the_token_key(
    official: Official, make_user: Any, opd: Any, letter_pdf: Any, level: str
) -> None:
    user, _cert = official
    docs = [waiting_document(make_user, opd, user, letter_pdf(nomor=f"{n}/hsm")) for n in range(2)]
    results = services.document_sign_batch(
        actor=user, documents_=docs, passphrase=PASSPHRASE, level=level, fast=True
    )
    assert [r.code for r in results] == ["signed", "signed"]
    for doc in docs:
        report = verification.verify_pdf(latest_pdf(doc))
        assert report["valid"], report


def test_wrong_passphrase_is_refused_before_the_token_signs(
    official: Official, make_user: Any, opd: Any, letter_pdf: Any
) -> None:
    user, _cert = official
    doc = waiting_document(make_user, opd, user, letter_pdf())
    with pytest.raises(WrongPassphrase):
        services.document_sign(actor=user, document=doc, passphrase="bukan-frasa-ini")
    assert doc.signatures.count() == 0


def test_wrong_token_pin_is_a_declared_error(
    official: Official, make_user: Any, opd: Any, letter_pdf: Any, token_settings: Any
) -> None:
    user, _cert = official
    doc = waiting_document(make_user, opd, user, letter_pdf())
    tokens.close_sessions()
    token_settings.ESIGN_PKCS11_PIN = "0000-salah"
    with pytest.raises(TokenPinWrong):
        services.document_sign(actor=user, document=doc, passphrase=PASSPHRASE)
    assert doc.signatures.count() == 0


def test_wrong_token_pin_answers_409_on_the_api(
    official: Official, make_user: Any, opd: Any, letter_pdf: Any, token_settings: Any, client: Any
) -> None:
    user, _cert = official
    doc = waiting_document(make_user, opd, user, letter_pdf())
    tokens.close_sessions()
    token_settings.ESIGN_PKCS11_PIN = "0000-salah"
    client.force_login(user)
    response = client.post(
        f"/api/v1/esign/documents/{doc.public_id}/sign",
        {"passphrase": PASSPHRASE},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "token_pin_wrong"


def test_token_missing_is_a_declared_error(
    official: Official, make_user: Any, opd: Any, letter_pdf: Any, token_settings: Any
) -> None:
    user, cert = official
    PkiCertificate.objects.filter(pk=cert.pk).update(token_label="tidak-ada")
    token_settings.ESIGN_PKCS11_TOKEN = "tidak-ada"
    doc = waiting_document(make_user, opd, user, letter_pdf())
    with pytest.raises(TokenMissing):
        services.document_sign(actor=user, document=doc, passphrase=PASSPHRASE)


def test_key_gone_from_the_token_is_a_declared_error(
    official: Official, make_user: Any, opd: Any, letter_pdf: Any
) -> None:
    user, cert = official
    PkiCertificate.objects.filter(pk=cert.pk).update(token_key_id="00" * 16)
    doc = waiting_document(make_user, opd, user, letter_pdf())
    with pytest.raises(TokenKeyMissing):
        services.document_sign(actor=user, document=doc, passphrase=PASSPHRASE)


def test_keygen_without_a_loadable_module_is_token_unavailable(
    token_settings: Any, pki: Any, make_user: Any
) -> None:
    token_settings.ESIGN_PKCS11_MODULE = "/tidak/ada/libpkcs11.so"
    user = make_user(Role.PENANDATANGAN, username="pejabat_tanpa_modul")
    with pytest.raises(TokenUnavailable):
        services.certificate_issue(actor=None, user=user, passphrase=PASSPHRASE, in_token=True)
    assert not PkiCertificate.objects.filter(user=user).exists()


def test_keygen_command_generates_in_the_token(
    token_settings: Any, pki: Any, make_user: Any, monkeypatch: Any, capsys: Any
) -> None:
    user = make_user(Role.PENANDATANGAN, username="pejabat_cli_hsm")
    monkeypatch.setenv("TTE_PASS", PASSPHRASE)
    call_command("esign_token_keygen", "--signer", user.username, "--passphrase-env", "TTE_PASS")
    cert = PkiCertificate.objects.get(user=user)
    assert cert.key_protection == KeyProtection.TOKEN
    assert TOKEN_LABEL in capsys.readouterr().out
    assert token_key(cert).attribute(Attribute.EXTRACTABLE) is False


def test_keygen_command_names_the_token_error(
    token_settings: Any, pki: Any, make_user: Any, monkeypatch: Any
) -> None:
    token_settings.ESIGN_PKCS11_TOKEN = "tidak-ada"
    user = make_user(Role.PENANDATANGAN, username="pejabat_cli_hsm2")
    monkeypatch.setenv("TTE_PASS", PASSPHRASE)
    with pytest.raises(CommandError, match="token_missing"):
        call_command("esign_token_keygen", "--signer", user.username, "--passphrase-env", "TTE_PASS")
