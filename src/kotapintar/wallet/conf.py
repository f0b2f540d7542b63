"""Wallet limits and secrets, read from settings at call time (tests override them with `settings`)."""

from __future__ import annotations

import hashlib

from django.conf import settings


def limit(name: str) -> int:
    """A wallet limit from settings (WALLET_*; see settings.py and the README)."""
    return int(getattr(settings, name))


def qris_webhook_secret() -> bytes:
    """HMAC key shared with the QRIS acquirer for top-up notifications (WALLET_QRIS_WEBHOOK_SECRET).
    Derived from SECRET_KEY when unset, which is good for development only."""
    configured = str(getattr(settings, "WALLET_QRIS_WEBHOOK_SECRET", "") or "")
    if configured:
        return configured.encode("utf-8")
    return hashlib.sha256(b"kotapintar-wallet-qris-webhook:" + settings.SECRET_KEY.encode()).digest()


def key_passphrase() -> bytes:
    """Protects the card-token signing key at rest: KEY_ENCRYPTION_KEY, or derived from SECRET_KEY."""
    configured = getattr(settings, "KEY_ENCRYPTION_KEY", "") or ""
    if configured:
        return str(configured).encode("utf-8")
    return hashlib.sha256(b"kotapintar-wallet-kek:" + settings.SECRET_KEY.encode()).hexdigest().encode()


# The city's own QRIS merchant that receives top-ups (an acquirer account of the city float).
CITY_QRIS_MERCHANT = {
    "name": "Dompet Kota Pekalongan",
    "city": "PEKALONGAN",
    "mcc": "9399",
    "pan": "936000000000337500",
    "merchant_id": "KPWALLET",
    "nmid": "ID1026337500001",
    "criteria": "BLU",
    "postal_code": "51111",
}
QRIS_ACQUIRER_GUI = "ID.CO.KOTAPINTAR.WWW"
