"""16 POS clients pay from the same 50 cards for 20 s through two real server processes; 10% of
requests are retried with the same key and one server is SIGKILLed mid-run.

Server choice: two `python -m kotapintar runserver --noreload` processes (Django's threaded WSGI
server), on separate ports. Two independent processes let us kill one outright (SIGKILL, no clean
shutdown, possibly in the middle of a transaction) while the other keeps serving — what a load
balancer in front of N web processes sees. Clients fail over and retry with the same key.

Afterwards: no card is negative, the ledger sums to zero and matches the transfer log, every
acknowledged payment is in the ledger exactly once, and every card's balance is its top-up minus
exactly its acknowledged payments (so nothing unacknowledged moved money either):
tests.wallet.exactly_once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from kotapintar.core import services as core_services
from kotapintar.wallet import selectors, services
from kotapintar.wallet.models import Payment
from tests.wallet import loadgen
from tests.wallet.exactly_once import assert_payments_exactly_once

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

CLIENTS = 16
CARDS = 50
DURATION_S = 20.0
RICH, POOR = 2_000_000, 20_000  # 45 cards that last, 5 that run dry (the balance guard is exercised)


def _database_url() -> str:
    s = connection.settings_dict
    host = f"{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
    return f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{host}/{s['NAME']}"


def test_concurrent_payments_survive_retries_and_a_killed_server(
    operator: Any, merchant_user: Any, key: Callable[[], str]
) -> None:
    merchants = []
    for i in range(4):
        m = services.merchant_create(
            actor=operator, code=f"stan-{i}", name=f"Stan {i}", category="kuliner", owner=merchant_user
        )
        merchants.append(m.code)
    cards, start, tokens = [], {}, {}
    for i in range(CARDS):
        card = services.card_issue(actor=operator)
        tokens[card.number] = card.qr_token
        start[card.number] = POOR if i % 10 == 0 else RICH
        services.topup_cash(
            actor=operator, card_number=card.number, amount_idr=start[card.number], idempotency_key=key()
        )
        cards.append(card.number)
    _token, raw = core_services.api_token_create(user=merchant_user, name="pos")

    env = loadgen.server_env(_database_url(), SECRET_KEY=settings.SECRET_KEY)
    ports = [loadgen.free_port(), loadgen.free_port()]
    procs = [loadgen.start_server(port=p, env=env, kind="runserver") for p in ports]
    try:
        for port, proc in zip(ports, procs, strict=True):
            loadgen.wait_ready(port, proc=proc)
        result = loadgen.run_payments(
            ports=ports,
            token=raw,
            merchants=merchants,
            cards=cards,
            clients=CLIENTS,
            duration_s=DURATION_S,
            retry_fraction=0.10,
            amount_range=(1_000, 30_000),
            kill=(DURATION_S / 2, procs[0]),
            tokens=tokens,
        )
    finally:
        for proc in procs:
            loadgen.stop(proc)

    print(  # shown with -s: what the run did
        f"\nrequests={len(result.outcomes)} statuses={dict(Counter(o.status for o in result.outcomes))} "
        f"same_key_retries={len(result.replays)} "
        f"failed_over={sum(1 for o in result.outcomes if o.attempts > 1)} elapsed_s={result.elapsed_s:.1f}"
    )
    assert procs[0].returncode == -9, "the first server was killed with SIGKILL"
    assert not result.errors, result.errors[:5]
    statuses = Counter(o.status for o in result.outcomes)
    assert statuses[201] > 100, statuses
    assert statuses[409] > 0, "some cards ran dry: the balance guard was exercised"
    assert set(statuses) <= {201, 409}, statuses
    assert all(o.body.get("code") == "insufficient_balance" for o in result.outcomes if o.status == 409)
    assert any(o.attempts > 1 for o in result.outcomes), "some requests were in flight on the killed server"

    assert len(result.replays) > 10, "some requests were sent again with the same key"
    assert_payments_exactly_once(result, start)


def test_concurrent_first_uses_of_one_key_make_one_payment(
    operator: Any, merchant_user: Any, key: Callable[[], str]
) -> None:
    """Eight threads send the same Idempotency-Key at the same moment: one payment, eight equal answers."""
    import threading

    from django.db import connections

    merchant = services.merchant_create(actor=operator, code="stan-x", name="Stan X", owner=merchant_user)
    card = services.card_issue(actor=operator)
    services.topup_cash(actor=operator, card_number=card.number, amount_idr=100_000, idempotency_key=key())
    barrier = threading.Barrier(8)
    results: list[Any] = []
    errors: list[BaseException] = []

    def pay() -> None:
        try:
            barrier.wait()
            results.append(
                services.payment_create(
                    actor=merchant_user,
                    merchant_code=merchant.code,
                    card_number=card.number,
                    card_token=card.qr_token,
                    amount_idr=30_000,
                    idempotency_key="same-key-everywhere",
                )
            )
        except BaseException as exc:  # noqa: BLE001 - a thread hands every outcome to the test, which asserts on it
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=pay) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    assert len({r.payment_id for r in results}) == 1 and len(results) == 8
    assert Payment.objects.count() == 1
    assert selectors.card_balance(number=card.number) == 70_000
