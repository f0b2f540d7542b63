"""An official's key at rest: encrypted by their passphrase (PKCS#8) AND sealed under the key-encryption
key, which lives outside the database. PKCS#8's PBKDF2 runs 2,048 rounds, cheap to guess through; a
leaked database alone must not let anyone try passphrases against the key."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from kotapintar.esign import pki
from kotapintar.esign.errors import KeySealMismatch, WrongPassphrase
from kotapintar.esign.models import PkiCertificate
from kotapintar.esign.pki_signing import load_signer


def test_the_stored_key_does_not_open_with_the_passphrase_alone(make_official: Any, passphrase: str) -> None:
    _user, cert = make_official()
    stored = bytes(cert.key_pem)
    assert b"PRIVATE KEY" not in stored
    with pytest.raises((ValueError, TypeError)):
        serialization.load_pem_private_key(stored, password=passphrase.encode())


def test_the_passphrase_opens_the_key_on_the_server_that_holds_the_kek(
    make_official: Any, passphrase: str
) -> None:
    _user, cert = make_official()
    assert load_signer(certificate_id=cert.pk, passphrase=passphrase).certificate == cert


def test_another_kek_does_not_open_the_key_and_says_so(
    make_official: Any, passphrase: str, settings: Any
) -> None:
    _user, cert = make_official()
    settings.KEY_ENCRYPTION_KEY = "another-servers-kek-0123456789"
    with pytest.raises(KeySealMismatch) as info:
        load_signer(certificate_id=cert.pk, passphrase=passphrase)
    assert info.value.code == "key_seal_mismatch" and info.value.status == 409


def test_a_key_stored_before_sealing_still_opens_and_a_wrong_passphrase_stays_wrong(
    make_official: Any, passphrase: str
) -> None:
    _user, cert = make_official()
    cert.key_pem = pki.official_key_pem(bytes(cert.key_pem))  # as written before the KEK seal
    cert.save(update_fields=["key_pem"])
    assert load_signer(certificate_id=cert.pk, passphrase=passphrase).certificate == cert
    with pytest.raises(WrongPassphrase):
        load_signer(certificate_id=cert.pk, passphrase="bukan-frasa-sandinya")


@pytest.mark.django_db(transaction=True)
def test_the_migration_seals_the_keys_stored_before_and_they_still_open(
    make_official: Any, passphrase: str
) -> None:
    _user, cert = make_official()
    PkiCertificate.objects.filter(pk=cert.pk).update(key_pem=pki.official_key_pem(bytes(cert.key_pem)))
    executor = MigrationExecutor(connection)
    executor.migrate([("esign", "0002_token_keys")])
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("esign"))
    cert.refresh_from_db()
    assert bytes(cert.key_pem).startswith(pki.OFFICIAL_KEY_SEAL)
    assert load_signer(certificate_id=cert.pk, passphrase=passphrase).certificate == cert
