"""On "my card" (/batik/saya/) the holder sets the PIN and makes one-time codes for a merchant who types
the card number (issue 15 item 2); the real wallet, no fake."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.hashers import check_password
from django.contrib.messages import get_messages
from django.urls import reverse

from kotapintar.core.models import Role
from kotapintar.wallet import selectors as wallet_selectors
from kotapintar.wallet import services as wallet_services
from kotapintar.wallet.models import Card

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(client: Any, make_user: Any) -> Any:
    """A funded card opened on this phone with the code under its QR."""
    booth = make_user(Role.DINAS_PARIWISATA, username="loket")
    card = wallet_services.card_issue(actor=booth)
    wallet_services.topup_cash(actor=booth, card_number=card.number, amount_idr=50_000, idempotency_key="t")
    assert (
        client.post(reverse("batik:me_login"), {"card": card.number, "secret": card.qr_token}).status_code
        == 302
    )
    return card


def _messages(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_holder_sets_a_pin_on_my_card(client: Any, opened: Any) -> None:
    page = client.get(reverse("batik:me")).content.decode()
    assert 'action="/batik/saya/pin/"' in page
    response = client.post(reverse("batik:me_pin"), {"card": opened.number, "pin": "482913"})
    assert check_password("482913", Card.objects.get(number=opened.number).pin_hash)
    assert any("PIN tersimpan" in m for m in _messages(response))


def test_a_pin_is_changed_only_with_the_current_one(client: Any, opened: Any) -> None:
    client.post(reverse("batik:me_pin"), {"card": opened.number, "pin": "482913"})
    response = client.post(reverse("batik:me_pin"), {"card": opened.number, "pin": "111222"})
    assert any("PIN saat ini" in m for m in _messages(response))
    assert check_password("482913", Card.objects.get(number=opened.number).pin_hash)


def test_a_one_time_code_from_my_card_pays_a_typed_number_once(
    client: Any, opened: Any, make_user: Any
) -> None:
    owner = make_user(Role.MERCHANT, username="warung")
    operator = make_user(Role.DINAS_PARIWISATA, username="dinas")
    wallet_services.merchant_create(actor=operator, code="warung", name="Warung", owner=owner)
    response = client.post(reverse("batik:me_code"), {"card": opened.number})
    text = " ".join(_messages(response))
    code = re.search(r"\b(\d{6})\b", text)
    assert code is not None, text
    wallet_services.payment_create(
        actor=owner,
        merchant_code="warung",
        card_number=opened.number,
        one_time_code=code.group(1),
        amount_idr=5_000,
        idempotency_key="p1",
    )
    assert wallet_selectors.card_balance(number=opened.number) == 45_000


def test_a_card_not_opened_here_gets_no_code(client: Any, db: Any) -> None:
    response = client.post(reverse("batik:me_code"), {"card": "3375000000000017"})
    assert response.status_code == 302
    assert not Card.objects.exists()
