"""Secrets the platform derives for itself when the operator has not configured one.

A deployment sets each secret (KEY_ENCRYPTION_KEY, WALLET_QRIS_WEBHOOK_SECRET, …) in the environment.
On a first local run they are derived from SECRET_KEY, one independent value per purpose, so that a
development database works without configuration; rotating SECRET_KEY then makes what they protect
unreadable, which is why `kotapintar check --deploy` style warnings and the README ask for real ones.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings


def configured_or_derived(setting: str, purpose: str) -> bytes:
    """The secret in `settings.<setting>`, or one derived from SECRET_KEY for `purpose` when unset."""
    configured = str(getattr(settings, setting, "") or "")
    if configured:
        return configured.encode("utf-8")
    label = f"kotapintar-{purpose}:".encode()
    return hashlib.sha256(label + settings.SECRET_KEY.encode()).hexdigest().encode()


def key_encryption_key(purpose: str) -> bytes:
    """The passphrase that encrypts private keys at rest (PKCS#8): KEY_ENCRYPTION_KEY, or derived."""
    return configured_or_derived("KEY_ENCRYPTION_KEY", f"{purpose}-kek")


# --- Key material kept outside the database -------------------------------------------------------
#
# What `kotapintar backup` seals with the operator's passphrase and `kotapintar restore` puts back.
# The database holds the private keys only encrypted (PKCS#8 under KEY_ENCRYPTION_KEY, or a key
# derived from SECRET_KEY when that is unset), so a database dump without these is unusable for
# signing, and one with them in clear would hand out every key. Adding a key is one row here.


@dataclass(frozen=True)
class KeyMaterial:
    """One secret the platform reads from its settings.

    `setting` is the settings name (given as NAME, NAME_FILE, or — with `default_file` — the file the
    platform creates for itself on a first run). With `is_path`, the setting names a file and its
    contents are what matters (a PEM bundle)."""

    setting: str
    is_path: bool = False
    default_file: Callable[[], Path] | None = None


def _secret_key_file() -> Path:
    return Path(settings.DATA_DIR) / "secret_key"


KEY_MATERIAL: tuple[KeyMaterial, ...] = (
    KeyMaterial("SECRET_KEY", default_file=_secret_key_file),  # sessions; derives the unset ones below
    KeyMaterial("KEY_ENCRYPTION_KEY"),  # encrypts CA, TSA, OCSP and signers' private keys at rest
    KeyMaterial("WALLET_QRIS_WEBHOOK_SECRET"),  # the QRIS acquirer's callback signatures
    KeyMaterial("AUDIT_HMAC_KEY"),  # keys the audit log's hash chain
    KeyMaterial("ESIGN_TRUST_ROOTS_FILE", is_path=True),  # extra trusted roots (e.g. the BSrE chain)
)
