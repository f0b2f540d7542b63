"""Seal the officials' keys stored before sealing (``pki.official_key_seal``): each passphrase-encrypted
PKCS#8 PEM is wrapped with AES-256-GCM under a key derived from the key-encryption key, which lives outside
the database. Written out here (not imported) so that the migration keeps meaning what it meant."""

from __future__ import annotations

import hashlib
import hmac
import os
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.db import migrations

SEAL = b"KPSEAL1:"
CONTEXT = b"kotapintar esign official key"


def _aead() -> AESGCM:
    from kotapintar.core.keys import key_encryption_key

    return AESGCM(hmac.new(key_encryption_key("esign"), CONTEXT, hashlib.sha256).digest())


def seal(apps: Any, schema_editor: Any) -> None:
    certificate = apps.get_model("esign", "PkiCertificate")
    aead = None
    for cert in certificate.objects.filter(kind="official", key_protection="passphrase").only("key_pem"):
        pem = bytes(cert.key_pem)
        if not pem or pem.startswith(SEAL):
            continue
        aead = aead or _aead()
        nonce = os.urandom(12)
        cert.key_pem = SEAL + nonce + aead.encrypt(nonce, pem, CONTEXT)
        cert.save(update_fields=["key_pem"])


def unseal(apps: Any, schema_editor: Any) -> None:
    certificate = apps.get_model("esign", "PkiCertificate")
    aead = None
    for cert in certificate.objects.filter(kind="official", key_protection="passphrase").only("key_pem"):
        stored = bytes(cert.key_pem)
        if not stored.startswith(SEAL):
            continue
        aead = aead or _aead()
        body = stored[len(SEAL) :]
        cert.key_pem = aead.decrypt(body[:12], body[12:], CONTEXT)
        cert.save(update_fields=["key_pem"])


class Migration(migrations.Migration):
    dependencies = [("esign", "0002_token_keys")]

    operations = [migrations.RunPython(seal, unseal)]
