"""Seal bytes with a passphrase: scrypt derives an AES-256-GCM key; associated data binds the context.

A wrong passphrase and altered associated data fail the same way (the GCM tag), which is what a
restore wants: nothing is written unless both the passphrase and the manifest are the original ones.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from kotapintar.core.errors import BackupInvalid, BackupPassphraseWeak, BackupWrongPassphrase

MIN_PASSPHRASE_CHARS = 12
SCRYPT_N = 2**15  # ~32 MiB and ~0.1 s per derivation: cheap once, costly for a guesser
SCRYPT_R = 8
SCRYPT_P = 1


def _key(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def seal(plaintext: bytes, *, passphrase: str, associated: bytes) -> bytes:
    """The sealed form (a small JSON document) of `plaintext`."""
    if len(passphrase) < MIN_PASSPHRASE_CHARS:
        raise BackupPassphraseWeak()
    salt, nonce = os.urandom(16), os.urandom(12)
    key = _key(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    sealed = {
        "kdf": "scrypt",
        "n": SCRYPT_N,
        "r": SCRYPT_R,
        "p": SCRYPT_P,
        "salt": _b64(salt),
        "cipher": "AES-256-GCM",
        "nonce": _b64(nonce),
        "ciphertext": _b64(AESGCM(key).encrypt(nonce, plaintext, associated)),
    }
    return json.dumps(sealed, indent=2).encode("utf-8")


def unseal(sealed: bytes, *, passphrase: str, associated: bytes) -> bytes:
    """The plaintext; BackupWrongPassphrase when the passphrase or the associated data differ."""
    try:
        doc: dict[str, Any] = json.loads(sealed)
        if doc.get("kdf") != "scrypt" or doc.get("cipher") != "AES-256-GCM":
            raise ValueError("unknown scheme")
        n, r, p = int(doc["n"]), int(doc["r"]), int(doc["p"])
        if not (2**14 <= n <= 2**20 and 1 <= r <= 32 and 1 <= p <= 16):
            raise ValueError("scrypt parameters out of range")
        salt = base64.b64decode(doc["salt"], validate=True)
        nonce = base64.b64decode(doc["nonce"], validate=True)
        ciphertext = base64.b64decode(doc["ciphertext"], validate=True)
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupInvalid(detail=f"keys: {exc}") from exc
    try:
        return AESGCM(_key(passphrase, salt, n, r, p)).decrypt(nonce, ciphertext, associated)
    except InvalidTag as exc:
        raise BackupWrongPassphrase() from exc
