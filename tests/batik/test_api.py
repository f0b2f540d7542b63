"""/api/v1/batik/: public catalogue, purchase with Idempotency-Key, check-in, batch, rewards, analytics."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kotapintar.batik.models import CheckIn, Ticket
from tests.batik.conftest import CARD

pytestmark = pytest.mark.django_db
API = "/api/v1/batik"


def test_events_list_is_public(client, event):
    r = client.get(f"{API}/events")
    assert r.status_code == 200
    assert [e["code"] for e in r.json()] == [event.code]


def test_event_detail_in_english(client, event, adult):
    r = client.get(f"{API}/events/{event.code}", HTTP_ACCEPT_LANGUAGE="en")
    assert r.json()["name"] == "Test Batik Week"
    assert r.json()["ticket_types"][0]["name"] == "Adult"


def test_unknown_event_is_404(client, event):
    r = client.get(f"{API}/events/tidak-ada")
    assert r.status_code == 404
    assert r.json()["code"] == "event_not_found"


def test_venues_list(client, venue):
    assert client.get(f"{API}/venues").json()[0]["code"] == venue.code


def test_purchase_needs_an_idempotency_key(token_client, staff, adult, fake_wallet):
    body = {"event_code": adult.event.code, "ticket_type_code": adult.code, "card_number": CARD}
    r = token_client(staff).post(f"{API}/tickets/purchase", body, content_type="application/json")
    assert r.status_code == 422


def test_purchase_then_retry_returns_200_with_the_same_tickets(token_client, staff, adult, fake_wallet):
    c = token_client(staff)
    body = {"event_code": adult.event.code, "ticket_type_code": adult.code, "card_number": CARD}
    first = c.post(
        f"{API}/tickets/purchase", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="abc"
    )
    again = c.post(
        f"{API}/tickets/purchase", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="abc"
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["ticket_codes"] == again.json()["ticket_codes"]
    assert fake_wallet.balances[CARD] == 93_000


def test_sold_out_is_409(token_client, staff, adult, fake_wallet):
    adult.quota = 0
    adult.save()
    body = {"event_code": adult.event.code, "ticket_type_code": adult.code, "card_number": CARD}
    r = token_client(staff).post(
        f"{API}/tickets/purchase", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert r.status_code == 409
    assert r.json()["code"] == "sold_out"


def test_free_ticket_twice_is_409(token_client, make_user, free_type, fake_wallet):
    c = token_client(make_user())
    body = {"event_code": free_type.event.code, "ticket_type_code": free_type.code}
    assert c.post(f"{API}/tickets/free", body, content_type="application/json").status_code == 201
    r = c.post(f"{API}/tickets/free", body, content_type="application/json")
    assert r.status_code == 409
    assert r.json()["code"] == "free_ticket_already_issued"


def test_checkin_then_second_scan_is_409_with_first_use(token_client, staff, buy, event):
    code = buy().ticket_codes[0]
    c = token_client(staff)
    body = {"event_code": event.code, "code": code, "gate": "Gerbang Jetayu"}
    assert c.post(f"{API}/checkins", body, content_type="application/json").status_code == 201
    r = c.post(f"{API}/checkins", body, content_type="application/json")
    assert r.status_code == 409
    assert r.json()["detail"]["gate"] == "Gerbang Jetayu"


def test_checkin_by_visitor_is_403(token_client, make_user, buy, event):
    code = buy().ticket_codes[0]
    r = token_client(make_user()).post(
        f"{API}/checkins", {"event_code": event.code, "code": code}, content_type="application/json"
    )
    assert r.status_code == 403
    assert not CheckIn.objects.exists()


def test_batch_upload_twice_is_idempotent(token_client, staff, buy, event):
    codes = buy(quantity=2).ticket_codes
    t = (timezone.now() - timedelta(minutes=5)).isoformat()
    body = {
        "event_code": event.code,
        "gate": "G",
        "scans": [{"nonce": f"n{i}", "code": c, "scanned_at": t} for i, c in enumerate(codes)],
    }
    c = token_client(staff)
    first = c.post(f"{API}/checkins/batch", body, content_type="application/json").json()
    again = c.post(f"{API}/checkins/batch", body, content_type="application/json").json()
    assert (first["accepted"], again["accepted"], again["duplicates"]) == (2, 0, 2)
    assert CheckIn.objects.count() == 2


def test_control_characters_in_gate_are_422(token_client, staff, buy, event):
    code = buy().ticket_codes[0]
    r = token_client(staff).post(
        f"{API}/checkins",
        {"event_code": event.code, "code": code, "gate": "a\x00b"},
        content_type="application/json",
    )
    assert r.status_code == 422


def test_ticket_of_someone_else_is_403(token_client, make_user, buy):
    code = buy().ticket_codes[0]
    assert token_client(make_user()).get(f"{API}/tickets/{code}").status_code == 403


def test_staff_see_a_ticket_with_its_scans(token_client, staff, buy, event):
    code = buy().ticket_codes[0]
    c = token_client(staff)
    c.post(f"{API}/checkins", {"event_code": event.code, "code": code}, content_type="application/json")
    assert [x["kind"] for x in c.get(f"{API}/tickets/{code}").json()["checkins"]] == ["entry"]


def test_reward_configure_and_list(token_client, staff, client, db):
    body = {"code": "voucher-5", "name_id": "Voucher", "stamps_required": 5}
    assert token_client(staff).put(f"{API}/rewards", body, content_type="application/json").status_code == 200
    assert client.get(f"{API}/rewards").json()[0]["stamps_required"] == 5


def test_analytics_reports_turnover_in_billions(token_client, staff, buy, event, fake_wallet):
    buy()
    fake_wallet.turnover[event.code] = 7_411_000_000
    r = token_client(staff).get(f"{API}/analytics")
    figures = {e["code"]: e for e in r.json()["events"]}
    assert figures[event.code]["turnover_text"] == "Rp7,4 miliar"


def test_analytics_is_for_the_tourism_office(token_client, make_user, db):
    assert token_client(make_user()).get(f"{API}/analytics").status_code == 403


def test_stamps_of_a_card_need_its_token(token_client, make_user, fake_wallet, db):
    r = token_client(make_user()).get(f"{API}/stamps", {"card_number": CARD})
    assert r.status_code == 403
    assert Ticket.objects.count() == 0


def test_tourism_office_creates_a_venue_and_an_event(token_client, staff, city):
    c = token_client(staff)
    venue = {"code": "lapangan-mataram", "name": "Lapangan Mataram", "lat": -6.8921, "lon": 109.6850}
    assert c.put(f"{API}/venues", venue, content_type="application/json").status_code == 200
    event = {
        "code": "pbn-2026",
        "name_id": "Pekan Batik Nusantara 2026",
        "venue_codes": ["lapangan-mataram"],
        "starts_at": "2026-10-01T09:00:00+07:00",
        "ends_at": "2026-10-05T22:00:00+07:00",
    }
    r = c.put(f"{API}/events", event, content_type="application/json")
    assert r.status_code == 200
    assert r.json()["venue_codes"] == ["lapangan-mataram"]


def test_venue_outside_the_city_is_422(token_client, staff, city):
    venue = {"code": "semarang", "name": "Semarang", "lat": -6.99, "lon": 110.42}
    r = token_client(staff).put(f"{API}/venues", venue, content_type="application/json")
    assert r.status_code == 422
    assert r.json()["code"] == "venue_outside_city"


def test_event_ending_before_it_starts_is_422(token_client, staff, venue):
    event = {
        "code": "x",
        "name_id": "X",
        "starts_at": "2026-10-05T09:00:00+07:00",
        "ends_at": "2026-10-01T09:00:00+07:00",
    }
    assert token_client(staff).put(f"{API}/events", event, content_type="application/json").status_code == 422


def test_visitor_cannot_create_events(token_client, make_user, venue):
    event = {
        "code": "x",
        "name_id": "X",
        "starts_at": "2026-10-01T09:00:00+07:00",
        "ends_at": "2026-10-01T10:00:00+07:00",
    }
    assert (
        token_client(make_user()).put(f"{API}/events", event, content_type="application/json").status_code
        == 403
    )
