"""What a payment load run must leave behind, whatever was killed during it (shared by the wallet
concurrency test and the scale-out test): no card negative, a balanced ledger, every acknowledged
payment in the ledger exactly once and nothing else, each card's balance its top-up minus exactly its
acknowledged payments, and a same-key retry answered with the first answer."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count

from kotapintar.wallet import selectors
from kotapintar.wallet.models import Account, Payment, Transfer
from tests.wallet.loadgen import LoadResult


def assert_payments_exactly_once(result: LoadResult, start: dict[str, int]) -> None:
    """`start`: each card's number and its balance before the run."""
    for first, again in result.replays:
        if first.status == 201:
            assert again.status == 201 and again.body["payment_id"] == first.body["payment_id"]

    assert not Account.objects.filter(kind="card", balance_idr__lt=0).exists()
    check = selectors.ledger_check()
    assert check.ok, check

    acked = {o.body["payment_id"]: o for o in result.acknowledged}
    assert len(acked) == len(result.acknowledged), "two keys never share one payment"
    per_payment = dict(
        Transfer.objects.filter(kind="payment")
        .values_list("ref_id")
        .annotate(n=Count("id"))
        .values_list("ref_id", "n")
    )
    assert {str(k) for k in per_payment} == set(acked), "no payment without an acknowledgement, none missing"
    assert set(per_payment.values()) <= {1}
    assert Payment.objects.count() == len(acked)

    spent: dict[str, int] = defaultdict(int)
    for o in acked.values():
        spent[o.card] += o.amount
    for number, balance in start.items():
        assert selectors.card_balance(number=number) == balance - spent[number]
