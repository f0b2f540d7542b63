"""Wallet writes, one module per concept; callers use `services.<function>`.

- `idempotency`: client-chosen keys (a retry returns the first result, moves nothing)
- `ledger`: `book()` — every movement of money, double-entry, guarded, in account order
- `cards`, `merchants`: issue/link/block/replace cards; create merchants, register them for events
- `card_auth`: charging a typed card number needs the holder's PIN or a one-time code
- `payments`: card and QRIS payments (the PostgreSQL function and the Python path); `refunds`;
  `payment_audit` (payments enter the audit chain in batches)
- `topups` (cash and QRIS), `cashouts`, `settlement` (merchants' days), `city_float` (the city's bank)
"""

from kotapintar.wallet.services.card_auth import (
    ChargeGrant,
    OneTimeCode,
    card_code_create,
    card_pin_set,
    card_pin_unlock,
    charge_authorise,
)
from kotapintar.wallet.services.cards import (
    card_block,
    card_issue,
    card_link,
    card_number_normalise,
    card_replace,
    card_secret_verify,
    card_token_verify,
    card_unblock,
)
from kotapintar.wallet.services.cashouts import cashout_create
from kotapintar.wallet.services.city_float import FloatMove, cash_deposit, qris_clearing_settle
from kotapintar.wallet.services.merchants import merchant_create, merchant_register_for_event
from kotapintar.wallet.services.payment_audit import payment_audit_batch
from kotapintar.wallet.services.payments import payment_create, payment_qris_pay
from kotapintar.wallet.services.refunds import payment_refund
from kotapintar.wallet.services.settlement import settlement_payout, settlement_run
from kotapintar.wallet.services.topup_simulator import topup_qris_simulate
from kotapintar.wallet.services.topups import (
    qris_notify_signature,
    topup_cash,
    topup_qris_create,
    topup_qris_expire,
    topup_qris_notify,
)

__all__ = [
    "ChargeGrant",
    "FloatMove",
    "OneTimeCode",
    "card_code_create",
    "card_pin_set",
    "card_pin_unlock",
    "charge_authorise",
    "card_block",
    "card_issue",
    "card_link",
    "card_number_normalise",
    "card_replace",
    "card_secret_verify",
    "card_token_verify",
    "card_unblock",
    "cash_deposit",
    "cashout_create",
    "merchant_create",
    "merchant_register_for_event",
    "payment_audit_batch",
    "payment_create",
    "payment_qris_pay",
    "payment_refund",
    "qris_clearing_settle",
    "qris_notify_signature",
    "settlement_payout",
    "settlement_run",
    "topup_cash",
    "topup_qris_create",
    "topup_qris_expire",
    "topup_qris_notify",
    "topup_qris_simulate",
]
