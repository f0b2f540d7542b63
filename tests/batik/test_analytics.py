"""Visitor analytics: days in WIB, distinct visitors, repeat visitors, turnover from the wallet."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from kotapintar.batik import selectors, services

pytestmark = pytest.mark.django_db


def _enter(staff, code, event, when):
    with time_machine.travel(when, tick=False):
        services.checkin_scan(actor=staff, code=code, event_code=event.code, scanned_at=when)


def test_a_late_evening_scan_counts_on_the_local_day(buy, staff, event):
    code = buy().ticket_codes[0]
    _enter(staff, code, event, datetime(2026, 3, 5, 17, 30, tzinfo=UTC))  # 00:30 WIB on 6 March
    figures = {f.code: f for f in selectors.analytics().events}
    assert figures[event.code].by_day == {date(2026, 3, 6): 1}


def test_visitors_are_distinct_holders(buy, staff, event):
    a, b = buy(quantity=2).ticket_codes  # one card, two tickets
    services.checkin_scan(actor=staff, code=a, event_code=event.code)
    services.checkin_scan(actor=staff, code=b, event_code=event.code)
    figures = {f.code: f for f in selectors.analytics().events}
    assert (figures[event.code].visitors, figures[event.code].entries) == (1, 2)


def test_a_holder_at_two_events_is_a_repeat_visitor(buy, staff, event, other_event, other_type, fake_wallet):
    services.checkin_scan(actor=staff, code=buy().ticket_codes[0], event_code=event.code)
    code = services.ticket_issue_free(
        actor=staff,
        event_code=other_event.code,
        ticket_type_code=other_type.code,
        card_number="6001000000000001",
    ).ticket_codes[0]
    services.checkin_scan(actor=staff, code=code, event_code=other_event.code)
    result = selectors.analytics()
    assert (result.total_visitors, result.repeat_visitors) == (1, 1)


def test_turnover_comes_from_the_wallet_per_event(fake_wallet, event, db):
    fake_wallet.turnover[event.code] = 7_411_000_000
    result = selectors.analytics()
    assert result.turnover_text == "Rp7,4 miliar"


def test_category_names_are_translated(fake_wallet, event, db):
    assert selectors.analytics().by_category[0][:2] == ("batik", "Batik")


def test_the_chart_has_a_time_axis_and_points_per_event_only_on_their_days(
    buy, staff, event, other_event, other_type, fake_wallet, login_client
):
    """Two events 40 days apart: each event's points sit on its own days (x = days since 1970), so the
    gap keeps its length and no line or zero joins one event to the other."""
    import json

    from django.urls import reverse

    _enter(staff, buy().ticket_codes[0], event, datetime(2026, 3, 5, 3, 0, tzinfo=UTC))
    code = services.ticket_issue_free(
        actor=staff,
        event_code=other_event.code,
        ticket_type_code=other_type.code,
        card_number="6001000000000002",
    ).ticket_codes[0]
    _enter(staff, code, other_event, datetime(2026, 4, 14, 3, 0, tzinfo=UTC))
    html = login_client(staff).get(reverse("batik:analytics")).content.decode()
    chart = json.loads(html.split('id="chart-data" type="application/json">')[1].split("</script>")[0])
    points = {s["label"]: s["data"] for s in chart["series"]}
    first = (date(2026, 3, 5) - date(1970, 1, 1)).days
    assert points[event.name_id] == [{"x": first, "y": 1}]
    assert points[other_event.name_id] == [{"x": first + 40, "y": 1}]


def test_a_cancelled_ticket_is_neither_sold_nor_revenue(buy, staff, event, monkeypatch):
    from kotapintar.batik import wallet_port

    monkeypatch.setattr(wallet_port, "refund", lambda **kwargs: 93_000)  # its price went back to the card
    kept, cancelled = buy(quantity=2).ticket_codes
    services.ticket_cancel(actor=staff, code=cancelled)
    figures = {f.code: f for f in selectors.analytics().events}
    assert (figures[event.code].tickets, figures[event.code].ticket_revenue_idr) == (1, 7_000)
