"""Public pages, the iCalendar feed, the ticket QR, the wallet PWA, the gate and the analytics pages."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kotapintar.batik import services
from kotapintar.batik.models import Ticket
from tests.batik.conftest import CARD

pytestmark = pytest.mark.django_db


def test_index_lists_events_in_indonesian(client, event):
    r = client.get(reverse("batik:index"))
    assert r.status_code == 200
    assert "Pekan Batik Uji" in r.content.decode()


def test_event_page_in_english(client, event):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Test Batik Week" in client.get(reverse("batik:event", args=[event.code])).content.decode()


def test_unknown_event_page_is_404(client, db):
    assert client.get(reverse("batik:event", args=["tidak-ada"])).status_code == 404


def test_event_ical_is_rfc5545(client, event, venue):
    services.session_upsert(
        actor=None,
        event=event,
        title_id="Pembukaan, panggung; utama",
        starts_at=event.starts_at,
        ends_at=event.starts_at,
        venue=venue,
    )
    r = client.get(reverse("batik:event_ical", args=[event.code]))
    body = r.content.decode()
    assert r["Content-Type"].startswith("text/calendar")
    assert body.count("BEGIN:VEVENT") == 1
    assert "Pembukaan\\, panggung\\; utama" in body.replace("\r\n ", "")
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


def test_all_events_ical_has_one_vevent_per_event_without_sessions(client, event, other_event):
    body = client.get(reverse("batik:ical")).content.decode()
    assert body.count("BEGIN:VEVENT") == 2


def test_ticket_page_shows_a_qr_svg(client, buy):
    code = buy().ticket_codes[0]
    html = client.get(reverse("batik:ticket", args=[code])).content.decode()
    assert "<svg" in html and code in html


def test_visitor_opens_card_with_secret_and_buys(client, fake_wallet, adult):
    r = client.post(reverse("batik:me_login"), {"card": CARD, "secret": "rahasia"})
    assert r.status_code == 302
    page = client.get(reverse("batik:me")).content.decode()
    assert "Rp100.000" in page and "<svg" in page
    r = client.post(
        reverse("batik:buy", args=[adult.event.code]),
        {"card": CARD, "ticket_type": adult.code, "quantity": "1", "key": "form-1"},
    )
    ticket = Ticket.objects.get()
    assert r["Location"] == reverse("batik:ticket", args=[ticket.code])
    assert fake_wallet.balances[CARD] == 93_000


def test_wrong_card_secret_is_refused(client, fake_wallet, db):
    client.post(reverse("batik:me_login"), {"card": CARD, "secret": "salah"})
    assert "batik_card" not in client.session


def test_buy_with_a_card_not_opened_is_refused(client, fake_wallet, adult):
    client.post(
        reverse("batik:buy", args=[adult.event.code]),
        {"card": CARD, "ticket_type": adult.code, "quantity": "1", "key": "x"},
    )
    assert not Ticket.objects.exists()


def test_double_submitted_buy_form_pays_once(client, fake_wallet, adult):
    client.post(reverse("batik:me_login"), {"card": CARD, "secret": "rahasia"})
    form = {"card": CARD, "ticket_type": adult.code, "quantity": "1", "key": "form-1"}
    client.post(reverse("batik:buy", args=[adult.event.code]), form)
    client.post(reverse("batik:buy", args=[adult.event.code]), form)
    assert Ticket.objects.count() == 1


def test_manifest_scope_covers_the_wallet_page(client, db):
    data = client.get(reverse("batik:manifest")).json()
    assert data["scope"] == reverse("batik:me") == data["start_url"]


def test_service_worker_is_served_under_the_wallet_scope(client, db):
    r = client.get(reverse("batik:sw"))
    assert r["Content-Type"].startswith("application/javascript")
    assert r["Service-Worker-Allowed"] == reverse("batik:me")


def test_gate_page_for_staff(login_client, staff, event):
    assert login_client(staff).get(reverse("batik:gate")).status_code == 200


def test_gate_page_hidden_from_visitors(login_client, make_user, db):
    assert login_client(make_user()).get(reverse("batik:gate")).status_code == 404


def test_analytics_csv(login_client, staff, buy, event):
    code = buy().ticket_codes[0]
    services.checkin_scan(actor=staff, code=code, event_code=event.code)
    r = login_client(staff).get(reverse("batik:analytics_csv"))
    rows = r.content.decode("utf-8-sig").splitlines()
    assert rows[0].startswith("event_code,")
    assert any(row.startswith(f"{event.code},") and ",1," in row for row in rows[1:])


def test_analytics_page_formats_turnover(login_client, staff, event, fake_wallet):
    fake_wallet.turnover[event.code] = 7_411_000_000
    html = login_client(staff).get(reverse("batik:analytics")).content.decode()
    assert "Rp7,4 miliar" in html


def test_tourism_office_configures_a_reward_on_its_page(login_client, staff):
    c = login_client(staff)
    r = c.post(
        reverse("batik:rewards"),
        {"code": "voucher-5", "name_id": "Voucher Rp25.000", "stamps_required": "5", "is_active": "on"},
    )
    assert r.status_code == 302
    assert "Voucher Rp25.000" in c.get(reverse("batik:rewards")).content.decode()


def test_reward_page_hidden_from_visitors(login_client, make_user, db):
    assert login_client(make_user()).get(reverse("batik:rewards")).status_code == 404


def test_analytics_csv_escapes_formula_text(login_client, staff, venue):
    start = timezone.now() - timedelta(days=1)
    services.event_upsert(
        actor=None,
        code="pbn-formula",
        venue_codes=[venue.code],
        name_id='=HYPERLINK("http://attacker.example","klik")',
        name_en="=1+2",
        starts_at=start,
        ends_at=start + timedelta(days=5),
    )
    r = login_client(staff).get(reverse("batik:analytics_csv"), headers={"Accept-Language": "id"})
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    names = {row[1] for row in rows[1:] if row[0] == "pbn-formula"}
    assert names and all(name.startswith("'=") for name in names)
