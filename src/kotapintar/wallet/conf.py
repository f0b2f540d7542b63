"""Wallet limits and secrets, read from settings at call time (tests override them with `settings`)."""

from __future__ import annotations

from django.conf import settings

from kotapintar.core.keys import configured_or_derived, key_encryption_key


def limit(name: str) -> int:
    """A wallet limit from settings (WALLET_*; see settings.py and the README)."""
    return int(getattr(settings, name))


def qris_webhook_secret() -> bytes:
    """HMAC key shared with the QRIS acquirer for top-up notifications (WALLET_QRIS_WEBHOOK_SECRET)."""
    return configured_or_derived("WALLET_QRIS_WEBHOOK_SECRET", "wallet-qris-webhook")


def key_passphrase() -> bytes:
    """Protects the card-token signing key at rest (see core.keys)."""
    return key_encryption_key("wallet")


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
