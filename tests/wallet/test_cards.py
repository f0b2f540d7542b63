"""City cards: numbers with a check digit, signed QR tokens, block, replace with the balance moved."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kotapintar.lib.money import luhn_valid
from kotapintar.wallet import cardtoken, selectors, services
from kotapintar.wallet.errors import CardBlocked, InvalidCardToken
from kotapintar.wallet.models import Merchant
from tests.wallet.conftest import PIN

pytestmark = pytest.mark.django_db


def test_card_numbers_begin_with_the_citys_kemendagri_code(operator: Any, city: Any) -> None:
    type(city).objects.filter(pk=city.pk).update(code="72.99")
    assert services.card_issue(actor=operator).number.startswith("7299")


def test_card_number_has_a_valid_check_digit(operator: Any, city: Any) -> None:
    card = services.card_issue(actor=operator)
    assert len(card.number) == 16 and card.number.startswith("3375")  # Kota Pekalongan, 33.75
    assert luhn_valid(card.number)
    wrong = card.number[:-1] + str((int(card.number[-1]) + 1) % 10)
    assert not luhn_valid(wrong)


def test_qr_token_verifies_offline_with_the_published_key(operator: Any, client: Any) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    card = services.card_issue(actor=operator)
    keys = client.get("/api/v1/wallet/keys").json()["keys"]
    prefix, kid, number, sig = card.qr_token.split(".")
    key = next(k for k in keys if k["kid"] == kid)
    public = Ed25519PublicKey.from_public_bytes(cardtoken.b64url_decode(key["x"]))
    public.verify(cardtoken.b64url_decode(sig), f"{prefix}.{kid}.{number}".encode())  # raises if invalid
    assert number == card.number
    assert services.card_token_verify(token=card.qr_token) == card.number


def test_token_signed_with_another_key_is_refused(operator: Any) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    card = services.card_issue(actor=operator)
    body = f"KP1.k1.{card.number}"
    forged = f"{body}.{cardtoken.b64url(Ed25519PrivateKey.generate().sign(body.encode()))}"
    with pytest.raises(InvalidCardToken):
        services.card_token_verify(token=forged)


def test_holder_can_issue_own_card_but_not_anonymous_ones(make_user: Callable[..., Any]) -> None:
    visitor = make_user(username="wisatawan")
    mine = services.card_issue(actor=visitor, holder_user=visitor, anonymous=False)
    assert not mine.anonymous and mine.holder_username == "wisatawan"
    assert [c.number for c in selectors.cards_for_user(user=visitor)] == [mine.number]
    from kotapintar.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.card_issue(actor=visitor)


def test_replace_moves_balance_and_retires_old_card(
    operator: Any, merchant: Merchant, funded_card: Callable[..., Any]
) -> None:
    old = funded_card(64_000, nfc_uid="04A1B2C3D4E5F6")
    new = services.card_replace(actor=operator, number=old.number, idempotency_key="r1")
    again = services.card_replace(actor=operator, number=old.number, idempotency_key="r1")
    assert again.number == new.number
    assert new.balance_idr == 64_000
    assert selectors.card_balance(number=old.number) == 0
    assert selectors.card_get(number=old.number).status == "replaced"
    assert selectors.card_get(number=old.number).replaced_by == new.number
    with pytest.raises(CardBlocked):
        services.payment_create(
            actor=operator,
            merchant_code=merchant.code,
            card_number=old.number,
            pin=PIN,
            amount_idr=1,
            idempotency_key="x",
        )
    assert selectors.ledger_check().ok


def test_history_is_signed_from_the_card_side(
    operator: Any, merchant: Merchant, funded_card: Callable[..., Any]
) -> None:
    card = funded_card(50_000)
    services.payment_create(
        actor=operator,
        merchant_code=merchant.code,
        card_number=card.number,
        pin=PIN,
        amount_idr=12_000,
        idempotency_key="h1",
        event_code="pbn-2025",
    )
    history = selectors.card_history(number=card.number)
    assert [h.amount_idr for h in history] == [-12_000, 50_000]
    assert history[0].counterparty == "Batik Setono Jaya" and history[0].event_code == "pbn-2025"


def test_card_api_is_private_to_holder_and_operators(
    token_client: Callable[[Any], Any], make_user: Callable[..., Any], funded_card: Callable[..., Any]
) -> None:
    card = funded_card(1_000)
    stranger = token_client(make_user(username="orang_lain"))
    assert stranger.get(f"/api/v1/wallet/cards/{card.number}").status_code == 403


def test_visitor_links_an_anonymous_card_with_its_token(
    operator: Any, token_client: Callable[[Any], Any], make_user: Callable[..., Any]
) -> None:
    card = services.card_issue(actor=operator)
    visitor = make_user(username="pengunjung")
    client = token_client(visitor)
    resp = client.post(
        "/api/v1/wallet/cards/link", {"card_token": card.qr_token}, content_type="application/json"
    )
    assert resp.status_code == 200 and resp.json()["holder_username"] == "pengunjung"
    assert client.get(f"/api/v1/wallet/cards/{card.number}").status_code == 200
    other = token_client(make_user(username="orang_lain"))
    taken = other.post(
        "/api/v1/wallet/cards/link", {"card_token": card.qr_token}, content_type="application/json"
    )
    assert taken.status_code == 409 and taken.json()["code"] == "card_linked_elsewhere"


@pytest.mark.parametrize(
    ("secret", "status_change", "opens"),
    [
        ("own token", None, True),
        ("other card's token", None, False),
        ("forged", None, False),
        ("own token", "block", False),
        ("own token", "replace", False),
    ],
)
def test_card_secret_opens_only_an_active_card_with_its_own_token(
    operator: Any, secret: str, status_change: str | None, opens: bool
) -> None:
    card = services.card_issue(actor=operator)
    other = services.card_issue(actor=operator)
    token = {"own token": card.qr_token, "other card's token": other.qr_token, "forged": card.qr_token + "x"}
    if status_change == "block":
        services.card_block(actor=operator, number=card.number)
    elif status_change == "replace":
        services.card_replace(actor=operator, number=card.number, idempotency_key="replace-1")
    assert services.card_secret_verify(number=card.number, secret=token[secret]) is opens
