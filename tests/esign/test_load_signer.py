"""Opening the official's key for a signing session (``pki_signing.load_signer``): the passphrase opens
it, and the key must be the certificate's and sign what the certificate verifies."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from kotapintar.esign import pki
from kotapintar.esign.errors import SigningError, WrongPassphrase
from kotapintar.esign.pki_signing import load_signer


def test_the_opened_key_signs_what_the_certificate_verifies(make_official: Any, passphrase: str) -> None:
    _user, cert = make_official()
    loaded = load_signer(certificate_id=cert.pk, passphrase=passphrase)
    signature = loaded.key.sign(b"surat", padding.PKCS1v15(), hashes.SHA256())
    public = pki.load_cert(bytes(cert.cert_der)).public_key()
    assert isinstance(public, rsa.RSAPublicKey)
    public.verify(signature, b"surat", padding.PKCS1v15(), hashes.SHA256())


def test_a_wrong_passphrase_is_wrong_passphrase(make_official: Any) -> None:
    _user, cert = make_official()
    with pytest.raises(WrongPassphrase):
        load_signer(certificate_id=cert.pk, passphrase="bukan-frasa-sandinya")


def test_a_key_that_is_not_the_certificates_never_signs(make_official: Any, passphrase: str) -> None:
    _user, cert = make_official()
    cert.key_pem = pki.official_key_seal(pki.new_key(), passphrase)  # opens, but is another key
    cert.save(update_fields=["key_pem"])
    with pytest.raises(SigningError) as info:
        load_signer(certificate_id=cert.pk, passphrase=passphrase)
    assert not isinstance(info.value, WrongPassphrase)


def test_a_damaged_private_key_never_signs(make_official: Any, passphrase: str) -> None:
    """The public half is the certificate's, the private exponent and a CRT exponent are wrong (with
    only the CRT one wrong OpenSSL notices and still signs correctly): the test signature fails."""
    _user, cert = make_official()
    good = pki.decrypt_key(pki.official_key_pem(bytes(cert.key_pem)), passphrase.encode()).private_numbers()
    damaged = rsa.RSAPrivateNumbers(
        p=good.p,
        q=good.q,
        d=good.d ^ 2,
        dmp1=good.dmp1 ^ 2,
        dmq1=good.dmq1,
        iqmp=good.iqmp,
        public_numbers=good.public_numbers,
    ).private_key(unsafe_skip_rsa_key_validation=True)
    cert.key_pem = pki.official_key_wrap(pki.encrypt_key(damaged, passphrase.encode()))
    cert.save(update_fields=["key_pem"])
    with pytest.raises(SigningError) as info:
        load_signer(certificate_id=cert.pk, passphrase=passphrase)
    assert not isinstance(info.value, WrongPassphrase)
