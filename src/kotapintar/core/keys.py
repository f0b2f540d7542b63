"""Secrets the platform derives for itself when the operator has not configured one.

A deployment sets each secret (KEY_ENCRYPTION_KEY, WALLET_QRIS_WEBHOOK_SECRET, …) in the environment.
On a first local run they are derived from SECRET_KEY, one independent value per purpose, so that a
development database works without configuration; rotating SECRET_KEY then makes what they protect
unreadable, which is why `kotapintar check --deploy` style warnings and the README ask for real ones.
"""

from __future__ import annotations

import hashlib

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
