"""Wallet limits and secrets: a Django setting of the same name wins, else the environment, else the
default. Read at call time so tests can override them with `settings` fixtures."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from django.conf import settings

DEFAULTS: dict[str, int] = {
    "WALLET_MIN_AMOUNT_IDR": 1,
    "WALLET_MAX_TOPUP_IDR": 2_000_000,
    "WALLET_MAX_PAYMENT_IDR": 5_000_000,
    "WALLET_MAX_BALANCE_IDR": 10_000_000,
    "WALLET_SETTLEMENT_FEE_BPS": 0,  # MDR on settlement in basis points (0 for UMI up to Rp500.000)
    "WALLET_CASHOUT_FEE_IDR": 0,
    "WALLET_QRIS_TOPUP_TTL_S": 15 * 60,
    "WALLET_MAX_CARDS_PER_USER": 3,
}


def limit(name: str) -> int:
    value = getattr(settings, name, None)
    if value is None:
        raw = os.environ.get(name, "")
        value = int(raw) if raw.strip() else DEFAULTS[name]
    return int(value)


def _secret(name: str) -> str:
    value = getattr(settings, name, None)
    if value:
        return str(value)
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, "")


def qris_webhook_secret() -> bytes:
    """HMAC key shared with the QRIS acquirer for top-up notifications (WALLET_QRIS_WEBHOOK_SECRET).
    Derived from SECRET_KEY when unset, which is good for development only."""
    configured = _secret("WALLET_QRIS_WEBHOOK_SECRET")
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
