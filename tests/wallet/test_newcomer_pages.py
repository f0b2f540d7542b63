"""What a newcomer hit at the booth and the POS (issue 15 item 4): the card code under the QR, the POS
offering only today's events by name, and a demo QRIS top-up that can be confirmed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from kotapintar.batik.models import Event
from kotapintar.wallet import selectors, services
from kotapintar.wallet.models import Merchant

pytestmark = pytest.mark.django_db


def test_the_booth_shows_the_card_code_under_the_qr(
    login_client: Callable[[Any], Any], operator: Any, funded_card: Callable[..., Any]
) -> None:
    card = funded_card(0)
    html = login_client(operator).get(f"/dompet/loket/kartu/{card.number}/").content.decode()
    assert "Kode kartu (di bawah QR)" in html
    assert card.qr_token in html
    assert services.card_secret_verify(number=card.number, secret=card.qr_token)  # what /batik/saya/ asks


def _event(code: str, name: str, start: Any, days: int = 1) -> None:
    Event.objects.create(code=code, name_id=name, starts_at=start, ends_at=start + timedelta(days=days))


def test_the_pos_offers_only_todays_events_by_name_none_past_preselected(
    login_client: Callable[[Any], Any], operator: Any, merchant_user: Any, merchant: Merchant
) -> None:
    now = timezone.now()
    _event("pbn-2025", "Pekan Batik Nusantara", now - timedelta(days=400))  # registered, long past
    _event("malam-batik", "Malam Batik", now - timedelta(hours=2))
    services.merchant_register_for_event(
        actor=operator, merchant_code=merchant.code, event_code="malam-batik"
    )
    events = selectors.pos_events(code=merchant.code, now=now)
    assert [(e.code, e.name, e.selected) for e in events] == [("malam-batik", "Malam Batik", True)]
    html = login_client(merchant_user).get(f"/dompet/kasir/{merchant.code}/").content.decode()
    assert '<option value="malam-batik" selected>Malam Batik</option>' in html
    assert "pbn-2025" not in html


def test_two_events_today_preselect_none(operator: Any, merchant: Merchant) -> None:
    now = timezone.now()
    for code in ("pagi", "sore"):
        _event(code, code.title(), now - timedelta(hours=1))
        services.merchant_register_for_event(actor=operator, merchant_code=merchant.code, event_code=code)
    assert [e.selected for e in selectors.pos_events(code=merchant.code, now=now)] == [False, False]


def test_the_booth_can_choose_an_event_for_the_pos(operator: Any, merchant: Merchant) -> None:
    now = timezone.now()
    _event("pbn-2025", "Pekan Batik Nusantara", now + timedelta(days=3))  # not today, but chosen
    events = selectors.pos_events(code=merchant.code, chosen="pbn-2025", now=now)
    assert [(e.code, e.selected) for e in events] == [("pbn-2025", True)]
    assert selectors.pos_events(code=merchant.code, chosen="tidak-terdaftar", now=now) == []


def _pending_topup(operator: Any, funded_card: Callable[..., Any]) -> tuple[Any, Any]:
    card = funded_card(0)
    topup = services.topup_qris_create(
        actor=operator, card_number=card.number, amount_idr=25_000, idempotency_key="q1"
    )
    return card, topup


@override_settings(DEMO=True)
def test_in_the_demo_the_booth_confirms_a_qris_top_up_as_the_provider(
    login_client: Callable[[Any], Any], operator: Any, funded_card: Callable[..., Any]
) -> None:
    client = login_client(operator)
    assert "data-topup-demo" in client.get("/dompet/loket/").content.decode()
    card, topup = _pending_topup(operator, funded_card)
    resp = client.post(f"/dompet/loket/isi-ulang/{topup.topup_id}/demo-konfirmasi/")
    assert resp.status_code == 200 and resp.json()["status"] == "posted"
    assert selectors.card_balance(number=card.number) == 25_000


def test_outside_the_demo_only_the_signed_notification_confirms(
    login_client: Callable[[Any], Any], operator: Any, funded_card: Callable[..., Any]
) -> None:
    client = login_client(operator)
    assert "data-topup-demo" not in client.get("/dompet/loket/").content.decode()
    card, topup = _pending_topup(operator, funded_card)
    assert client.post(f"/dompet/loket/isi-ulang/{topup.topup_id}/demo-konfirmasi/").status_code == 404
    assert selectors.card_balance(number=card.number) == 0


@override_settings(DEMO=True)
def test_a_merchant_cannot_confirm_a_demo_top_up(
    login_client: Callable[[Any], Any], operator: Any, merchant_user: Any, funded_card: Callable[..., Any]
) -> None:
    card, topup = _pending_topup(operator, funded_card)
    resp = login_client(merchant_user).post(f"/dompet/loket/isi-ulang/{topup.topup_id}/demo-konfirmasi/")
    assert resp.status_code in (403, 404)
    assert selectors.card_balance(number=card.number) == 0
