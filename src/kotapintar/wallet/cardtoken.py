"""Signed card tokens for the QR on a city card: `KP1.<kid>.<number>.<signature>`.

The signature is Ed25519 over the ASCII text `KP1.<kid>.<number>`, base64url without padding. A
scanner verifies it offline with the city's public key (published at /api/v1/wallet/keys); the
server still checks that the card is active before money moves.
"""

from __future__ import annotations

import base64
import threading

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.db import IntegrityError, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from kotapintar.wallet.conf import key_passphrase
from kotapintar.wallet.errors import InvalidCardToken
from kotapintar.wallet.models import SigningKey

PREFIX = "KP1"
FIRST_KID = "k1"
_lock = threading.Lock()
_private: dict[str, Ed25519PrivateKey] = {}
_public: dict[str, Ed25519PublicKey] = {}
# kid -> public key: a card token is verified on every scanned payment, and a key, once made, is never
# changed or deleted by the application, so it is read once per process. Saving or deleting a
# SigningKey empties it (a test database made anew meets its own keys).
_by_kid: dict[str, Ed25519PublicKey] = {}


@receiver([post_save, post_delete], sender=SigningKey)
def _forget_keys(**_kwargs: object) -> None:
    with _lock:
        _by_kid.clear()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _active_key() -> SigningKey:
    key = SigningKey.objects.filter(active=True).order_by("-created_at").first()
    if key is not None:
        return key
    private = Ed25519PrivateKey.generate()
    try:
        with transaction.atomic():
            return SigningKey.objects.create(
                kid=FIRST_KID,
                private_pem=private.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.BestAvailableEncryption(key_passphrase()),
                ).decode("ascii"),
                public_pem=private.public_key()
                .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
                .decode("ascii"),
            )
    except IntegrityError:  # another process created it first
        return SigningKey.objects.get(kid=FIRST_KID)


def signing_key() -> tuple[str, Ed25519PrivateKey]:
    key = _active_key()
    # Cached per public key (not per kid), so a re-created database never meets a stale key.
    with _lock:
        cached = _private.get(key.public_pem)
        if cached is None:
            loaded = serialization.load_pem_private_key(key.private_pem.encode(), password=key_passphrase())
            assert isinstance(loaded, Ed25519PrivateKey)
            cached = _private[key.public_pem] = loaded
    return key.kid, cached


def public_key(kid: str) -> Ed25519PublicKey | None:
    with _lock:
        known = _by_kid.get(kid)
    if known is not None:
        return known
    pem = SigningKey.objects.filter(kid=kid).values_list("public_pem", flat=True).first()
    if pem is None:
        return None
    with _lock:
        cached = _public.get(pem)
    if cached is None:
        loaded = serialization.load_pem_public_key(pem.encode())
        assert isinstance(loaded, Ed25519PublicKey)
        cached = loaded
    with _lock:
        _public[pem] = _by_kid[kid] = cached
    return cached


def public_keys() -> list[dict[str, str]]:
    """Every key a scanner should accept, as {kid, alg, x (raw base64url), pem}."""
    if not SigningKey.objects.exists():
        _active_key()
    out = []
    for row in SigningKey.objects.order_by("created_at"):
        pub = serialization.load_pem_public_key(row.public_pem.encode())
        raw = pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        out.append(
            {
                "kid": row.kid,
                "alg": "Ed25519",
                "crv": "Ed25519",
                "x": b64url(raw),
                "pem": row.public_pem,
                "active": "true" if row.active else "false",
            }
        )
    return out


def sign(number: str) -> str:
    kid, key = signing_key()
    body = f"{PREFIX}.{kid}.{number}"
    return f"{body}.{b64url(key.sign(body.encode('ascii')))}"


def verify(token: str) -> str:
    """The card number in a genuine token; InvalidCardToken for anything forged, altered or malformed."""
    if not isinstance(token, str) or len(token) > 200 or not token.isascii():
        raise InvalidCardToken()
    parts = token.strip().split(".")
    if len(parts) != 4 or parts[0] != PREFIX:
        raise InvalidCardToken()
    _prefix, kid, number, sig = parts
    if not (number.isdigit() and len(number) == 16 and 1 <= len(kid) <= 16 and kid.isalnum()):
        raise InvalidCardToken()
    pub = public_key(kid)
    if pub is None:
        raise InvalidCardToken()
    try:
        signature = b64url_decode(sig)
        pub.verify(signature, f"{PREFIX}.{kid}.{number}".encode("ascii"))
    except (InvalidSignature, ValueError):
        raise InvalidCardToken() from None
    return number
