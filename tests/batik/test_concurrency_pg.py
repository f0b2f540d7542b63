"""Concurrency on PostgreSQL: many gates scan the same ticket at once, many buyers race for the last
tickets. Row locks (ticket, ticket type) make exactly one entry and never more tickets than the quota."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from kotapintar.batik import services
from kotapintar.batik.models import CheckIn, Stamp, Ticket
from kotapintar.core.errors import DomainError
from kotapintar.wallet import selectors as wallet_selectors
from kotapintar.wallet import services as wallet

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
THREADS = 12


def _race(n: int, work: Callable[[int], Any]) -> list[Any]:
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except DomainError as exc:
            results[i] = exc.code
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_same_ticket_scanned_at_many_gates_enters_once(staff, event, free_type, fake_wallet):
    code = services.ticket_issue_free(
        actor=staff, event_code=event.code, ticket_type_code=free_type.code, card_number="6001000000000001"
    ).ticket_codes[0]
    results = _race(
        THREADS,
        lambda i: (
            services.checkin_scan(actor=staff, code=code, event_code=event.code, gate=f"Gerbang {i}").status
        ),
    )
    assert Counter(results) == {"ok": 1, "ticket_already_used": THREADS - 1}
    assert CheckIn.objects.count() == 1
    assert Stamp.objects.count() == 1


def test_buyers_racing_for_the_last_tickets_never_exceed_the_quota(staff, event, adult):
    wallet.merchant_create(actor=staff, code="dinparbudpora-tiket", name="Tiket", category="tiket")
    wallet.merchant_register_for_event(
        actor=staff, merchant_code="dinparbudpora-tiket", event_code=event.code
    )
    adult.quota = 5
    adult.save()
    cards = []
    for _i in range(THREADS):
        info = wallet.card_issue(actor=staff)
        wallet.topup_cash(
            actor=staff, card_number=info.number, amount_idr=20_000, idempotency_key=str(uuid.uuid4())
        )
        cards.append(info)
    results = _race(
        THREADS,
        lambda i: (
            services.ticket_purchase(
                actor=None,
                event_code=event.code,
                ticket_type_code=adult.code,
                card_number=cards[i].number,
                card_token=cards[i].qr_token,
                idempotency_key=f"race-{i}",
            ).amount_idr
        ),
    )
    assert Counter(results) == {7_000: 5, "sold_out": THREADS - 5}
    adult.refresh_from_db()
    assert adult.sold == Ticket.objects.count() == 5
    paid = sum(20_000 - wallet_selectors.card_balance(number=c.number) for c in cards)
    assert paid == 5 * 7_000  # the refused buyers paid nothing


def test_same_nonce_uploaded_by_two_phones_at_once_is_recorded_once(staff, event, free_type, fake_wallet):
    code = services.ticket_issue_free(
        actor=staff, event_code=event.code, ticket_type_code=free_type.code, card_number="6001000000000001"
    ).ticket_codes[0]
    results = _race(
        4,
        lambda i: (
            services.checkin_scan(
                actor=staff, code=code, event_code=event.code, nonce="scanner-7:42", offline=True
            ).status
        ),
    )
    assert sorted(results) == ["duplicate", "duplicate", "duplicate", "ok"]
    assert CheckIn.objects.count() == 1
