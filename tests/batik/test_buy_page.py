"""What a newcomer hit buying tickets on the event page (issue 15 item 4): two tickets show both, a
free ticket says "Gratis"."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from kotapintar.batik.models import Ticket
from tests.batik.conftest import CARD

pytestmark = pytest.mark.django_db


def _open_card(client: Any) -> None:
    assert client.post(reverse("batik:me_login"), {"card": CARD, "secret": "rahasia"}).status_code == 302


def _buy(client: Any, ticket_type: Any, quantity: int, key: str) -> Any:
    return client.post(
        reverse("batik:buy", args=[ticket_type.event.code]),
        {"card": CARD, "ticket_type": ticket_type.code, "quantity": str(quantity), "key": key},
        follow=True,
    )


def test_buying_two_tickets_shows_both(client: Any, fake_wallet: Any, adult: Any) -> None:
    _open_card(client)
    page = _buy(client, adult, 2, "form-2").content.decode()
    codes = list(Ticket.objects.values_list("code", flat=True))
    assert len(codes) == 2
    for code in codes:
        assert code in page and reverse("batik:ticket", args=[code]) in page
    assert page.count("<svg") >= 2
    assert "Terbayar Rp14.000. 2 tiket Anda siap" in page


def test_one_ticket_still_opens_its_page(client: Any, fake_wallet: Any, adult: Any) -> None:
    _open_card(client)
    response = _buy(client, adult, 1, "form-1")
    code = Ticket.objects.get().code
    assert response.redirect_chain[-1][0] == reverse("batik:ticket", args=[code])
    assert "Terbayar Rp7.000. Tiket Anda siap" in response.content.decode()


def test_a_free_ticket_says_gratis_not_paid_rp0(client: Any, fake_wallet: Any, free_type: Any) -> None:
    _open_card(client)
    page = _buy(client, free_type, 1, "form-free").content.decode()
    assert "Gratis. Tiket Anda siap" in page
    assert "Rp0" not in page
