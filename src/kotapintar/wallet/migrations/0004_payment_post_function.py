"""PostgreSQL: post a card payment in one statement (`wallet_payment_post`).

A payment is the hottest write of the city wallet (every POS sale). On PostgreSQL the whole of it —
claim the Idempotency-Key, lock the card, check merchant, rights, card status and event
registration, move the two balances in account-id order, insert the transfer and the payment — runs
in this function, so a sale is one statement (its own transaction when the caller has none) instead
of seven round trips. The rules are those of the Python path that SQLite runs
(`wallet.services.payments.payment_post_python`); tests/wallet/test_payment_paths_pg.py runs every
refusal and success through both and compares them.

It returns (r_outcome, r_id, r_balance, r_merchant_name): 'posted' with the new payment, or 'replay'
with the id of the first payment made with this key. Every refusal raises SQLSTATE KP001 with the
reason as the message (and the detail where one helps), so the statement — the claimed key included —
is rolled back: in_flight, key_reused (detail: the key's operation), card_not_found,
merchant_not_found, merchant_inactive, need_roles (the actor is neither the merchant's owner nor
the card's holder, and the caller has not said whether the actor is staff or pays with a scanned
card token), forbidden, card_blocked (detail: the card status), merchant_not_registered,
insufficient_balance.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION wallet_payment_post(
    p_key varchar, p_fingerprint varchar, p_payment_id uuid, p_transfer_id uuid,
    p_card varchar, p_merchant varchar, p_amount bigint, p_event varchar, p_reference varchar,
    p_method varchar, p_actor bigint, p_staff boolean, p_by_token boolean, p_now timestamptz,
    OUT r_outcome text, OUT r_id uuid, OUT r_balance bigint, OUT r_merchant_name varchar)
LANGUAGE plpgsql AS $fn$
DECLARE
    v_claimed uuid;
    v_prior_op varchar;
    v_prior_fp varchar;
    v_card_id bigint;
    v_card_status varchar;
    v_holder bigint;
    v_card_account bigint;
    v_merchant_id bigint;
    v_active boolean;
    v_owner bigint;
    v_merchant_account bigint;
BEGIN
    -- 1. claim the key; a concurrent first use of it waits here until that transaction ends
    INSERT INTO wallet_idempotencykey AS k (key, operation, fingerprint, object_id, created_at)
    VALUES (p_key, 'payment', p_fingerprint, p_payment_id, p_now)
    ON CONFLICT (key) DO NOTHING
    RETURNING k.object_id INTO v_claimed;
    IF v_claimed IS NULL THEN
        SELECT k.operation, k.fingerprint, k.object_id INTO v_prior_op, v_prior_fp, r_id
          FROM wallet_idempotencykey k WHERE k.key = p_key;
        IF NOT FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'KP001', MESSAGE = 'in_flight';
        END IF;
        IF v_prior_op <> 'payment' OR v_prior_fp <> p_fingerprint THEN
            RAISE EXCEPTION USING ERRCODE = 'KP001', MESSAGE = 'key_reused', DETAIL = v_prior_op;
        END IF;
        r_outcome := 'replay';
        RETURN;
    END IF;

    -- 2. the card (locked) and the merchant
    SELECT c.id, c.status, c.holder_id, c.account_id, m.id, m.name, m.active, m.owner_id, m.account_id
      INTO v_card_id, v_card_status, v_holder, v_card_account,
           v_merchant_id, r_merchant_name, v_active, v_owner, v_merchant_account
      FROM wallet_card c CROSS JOIN wallet_merchant m
     WHERE c.number = p_card AND m.code = p_merchant
       FOR UPDATE OF c;
    IF NOT FOUND THEN
        IF EXISTS (SELECT 1 FROM wallet_merchant m WHERE m.code = p_merchant) THEN
            RAISE EXCEPTION USING ERRCODE = 'KP001', MESSAGE = 'card_not_found';
        END IF;
        RAISE EXCEPTION USING ERRCODE = 'KP001', MESSAGE = 'merchant_not_found';
    END IF;
    IF NOT v_active THEN
        RAISE EXCEPTION USING ERRCODE = 'KP001', MESSAGE = 'merchant_inactive';
    END IF;

    -- 3. rights: the shop's own POS and the card's holder need no role lookup
    IF p_actor IS NULL OR p_actor IS DISTINCT FROM v_owner AND p_actor IS DISTINCT FROM v_holder THEN
        IF p_staff IS NULL THEN
            RAISE EXCEPTION USING ERRCODE = 'KP001', MESSAGE = 'need_roles';
        END IF;
        IF NOT (p_staff OR coalesce(p_by_token, false)) THEN
            RAISE EXCEPTION USING ERRCODE = 'KP001', MESSAGE = 'forbidden';
        END IF;
    END IF;
    IF v_card_status <> 'active' THEN
        RAISE EXCEPTION USING ERRCODE = 'KP001', MESSAGE = 'card_blocked', DETAIL = v_card_status;
    END IF;
    IF p_event <> '' AND NOT EXISTS (
        SELECT 1 FROM wallet_merchantevent e WHERE e.merchant_id = v_merchant_id AND e.event_code = p_event
    ) THEN
        RAISE EXCEPTION USING ERRCODE = 'KP001', MESSAGE = 'merchant_not_registered';
    END IF;

    -- 4. move the money, locking the two accounts in account-id order like every other transfer
    IF v_merchant_account < v_card_account THEN
        UPDATE wallet_account a SET balance_idr = a.balance_idr + p_amount WHERE a.id = v_merchant_account;
    END IF;
    UPDATE wallet_account a SET balance_idr = a.balance_idr - p_amount
     WHERE a.id = v_card_account AND a.balance_idr - p_amount >= 0
    RETURNING a.balance_idr INTO r_balance;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'KP001', MESSAGE = 'insufficient_balance';
    END IF;
    IF v_merchant_account > v_card_account THEN
        UPDATE wallet_account a SET balance_idr = a.balance_idr + p_amount WHERE a.id = v_merchant_account;
    END IF;

    INSERT INTO wallet_transfer (public_id, debit_account_id, credit_account_id, amount_idr, kind,
                                 ref_type, ref_id, memo, created_at)
    VALUES (p_transfer_id, v_card_account, v_merchant_account, p_amount, 'payment',
            'payment', p_payment_id, left(p_event, 200), p_now);
    INSERT INTO wallet_payment (public_id, card_id, merchant_id, event_code, amount_idr, refunded_idr,
                                status, method, reference, card_balance_after_idr, created_by_id, created_at)
    VALUES (p_payment_id, v_card_id, v_merchant_id, p_event, p_amount, 0,
            'posted', p_method, p_reference, r_balance, p_actor, p_now);
    r_outcome := 'posted';
    r_id := p_payment_id;
END
$fn$;
"""

DROP = (
    "DROP FUNCTION IF EXISTS wallet_payment_post(varchar, varchar, uuid, uuid, varchar, varchar, bigint, "
    "varchar, varchar, varchar, bigint, boolean, boolean, timestamptz)"
)


def _on_postgresql(sql: str) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("wallet", "0003_float_and_payout"),
    ]

    operations = [
        migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP), elidable=False),
    ]
