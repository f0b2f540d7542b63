"""Wallet limits, secrets and the city's QRIS merchant, read from settings at call time (tests
override them with `settings`)."""

from __future__ import annotations

from django.conf import settings

from kotapintar.core.keys import configured_or_derived, key_encryption_key
from kotapintar.core.models import Role
from kotapintar.core.selectors import city_get_or_none
from kotapintar.lib import qris

#: who runs the wallet's booths and back office (issue and block cards, cash, refunds, settlement)
OPERATOR_ROLES = (Role.DINAS_PARIWISATA.value,)


def limit(name: str) -> int:
    """A wallet limit from settings (WALLET_*; see settings.py and the README)."""
    return int(getattr(settings, name))


def qris_webhook_secret() -> bytes:
    """HMAC key shared with the QRIS acquirer for top-up notifications (WALLET_QRIS_WEBHOOK_SECRET)."""
    return configured_or_derived("WALLET_QRIS_WEBHOOK_SECRET", "wallet-qris-webhook")


def key_passphrase() -> bytes:
    """Protects the card-token signing key at rest (see core.keys)."""
    return key_encryption_key("wallet")


def qris_city_name() -> str:
    """QRIS tag 60 (merchant city, at most 15 characters): the configured city's name in capitals."""
    city = city_get_or_none()
    return city.place_name.upper()[:15] if city is not None else "INDONESIA"


def card_prefix() -> str:
    """The first four digits of the city's card numbers: its Kemendagri code without the dot."""
    city = city_get_or_none()
    digits = "".join(ch for ch in city.code if ch.isdigit())[:4] if city is not None else ""
    return digits.ljust(4, "0")


def city_qris_merchant() -> qris.Merchant:
    """The city's own QRIS merchant that receives top-ups (WALLET_QRIS_MERCHANT_* settings; the name
    and city default to the configured city's)."""
    city = city_get_or_none()
    default_name = f"Dompet {city.name}" if city is not None else "Dompet Kota Pintar"
    return qris.Merchant(
        name=(settings.WALLET_QRIS_MERCHANT_NAME or default_name)[:25],
        city=settings.WALLET_QRIS_MERCHANT_CITY or qris_city_name(),
        mcc=settings.WALLET_QRIS_MERCHANT_MCC,
        pan=settings.WALLET_QRIS_MERCHANT_PAN,
        merchant_id=settings.WALLET_QRIS_MERCHANT_ID,
        nmid=settings.WALLET_QRIS_MERCHANT_NMID,
        criteria=settings.WALLET_QRIS_MERCHANT_CRITERIA,
        postal_code=settings.WALLET_QRIS_MERCHANT_POSTAL_CODE,
        acquirer_gui=QRIS_ACQUIRER_GUI,
    )


# The acquirer GUI of the city wallet's own QRIS (merchant account template, sub-tag 00).
QRIS_ACQUIRER_GUI = "ID.CO.KOTAPINTAR.WWW"
