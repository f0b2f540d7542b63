"""Idempotency keys belong to their caller (issue 12): unique per (scope, key), not per key.

`scope` is `user:<id>` for a signed-in caller, `card:<number>` for an anonymous payment made with the
card's scanned QR token, `system` for the platform itself (`wallet.services.idempotency.key_scope`).
The same key from another caller is a fresh request. Existing keys get the scope of the operation's
creator where the result records one (payments, refunds, top-ups, cash-outs); the others (card
replacements, float moves) keep the empty scope, which no new request has, so they no longer replay.

On PostgreSQL `wallet_payment_post` (migration 0004) is replaced by the same function with a first
parameter `p_scope` that claims and looks up the key within the scope.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.db import migrations, models

# going back restores the function as migration 0004 made it
CREATE_OLD: str = import_module("kotapintar.wallet.migrations.0004_payment_post_function").CREATE

CREATE = r"""
CREATE OR REPLACE FUNCTION wallet_payment_post(
    p_scope varchar, p_key varchar, p_fingerprint varchar, p_payment_id uuid, p_transfer_id uuid,
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
    -- 1. claim the caller's key; a concurrent first use of it waits here until that transaction ends
    INSERT INTO wallet_idempotencykey AS k (scope, key, operation, fingerprint, object_id, created_at)
    VALUES (p_scope, p_key, 'payment', p_fingerprint, p_payment_id, p_now)
    ON CONFLICT (scope, key) DO NOTHING
    RETURNING k.object_id INTO v_claimed;
    IF v_claimed IS NULL THEN
        SELECT k.operation, k.fingerprint, k.object_id INTO v_prior_op, v_prior_fp, r_id
          FROM wallet_idempotencykey k WHERE k.scope = p_scope AND k.key = p_key;
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

DROP_OLD = (
    "DROP FUNCTION IF EXISTS wallet_payment_post(varchar, varchar, uuid, uuid, varchar, varchar, bigint, "
    "varchar, varchar, varchar, bigint, boolean, boolean, timestamptz)"
)
DROP_NEW = (
    "DROP FUNCTION IF EXISTS wallet_payment_post(varchar, varchar, varchar, uuid, uuid, varchar, varchar, "
    "bigint, varchar, varchar, varchar, bigint, boolean, boolean, timestamptz)"
)


def _on_postgresql(*statements: str) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


def backfill_scopes(apps: Any, schema_editor: Any) -> None:
    """The scope of each existing key: the user who made its result, else its card (payments) or
    the platform."""
    key_model = apps.get_model("wallet", "IdempotencyKey")
    made_by = {
        "payment": apps.get_model("wallet", "Payment"),
        "refund": apps.get_model("wallet", "Refund"),
        "topup_cash": apps.get_model("wallet", "TopUp"),
        "topup_qris": apps.get_model("wallet", "TopUp"),
        "cashout": apps.get_model("wallet", "CashOut"),
    }
    for operation, model in made_by.items():
        keys = key_model.objects.filter(operation=operation, object_id__isnull=False)
        for key in keys.iterator(chunk_size=1000):
            row = model.objects.filter(public_id=key.object_id).first()
            if row is None:
                continue
            if row.created_by_id is not None:
                scope = f"user:{row.created_by_id}"
            elif operation == "payment":
                scope = f"card:{row.card.number}"
            else:
                scope = "system"
            key_model.objects.filter(pk=key.pk).update(scope=scope)


class Migration(migrations.Migration):
    dependencies = [
        ("wallet", "0004_payment_post_function"),
    ]

    operations = [
        migrations.AddField(
            model_name="idempotencykey",
            name="scope",
            field=models.CharField(default="", max_length=64),
        ),
        migrations.AlterField(
            model_name="idempotencykey",
            name="key",
            field=models.CharField(max_length=255),
        ),
        migrations.AddConstraint(
            model_name="idempotencykey",
            constraint=models.UniqueConstraint(
                fields=("scope", "key"), name="wallet_idempotencykey_scope_key"
            ),
        ),
        migrations.RunPython(backfill_scopes, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(
            _on_postgresql(DROP_OLD, CREATE), _on_postgresql(DROP_NEW, CREATE_OLD), elidable=False
        ),
    ]
