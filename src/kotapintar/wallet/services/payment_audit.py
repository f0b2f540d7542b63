"""Payments enter the audit hash chain in batches (`kotapintar wallet-audit-payments`)."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from kotapintar.core import audit
from kotapintar.wallet.models import PAYMENT_AUDIT_MARK, AuditMark, Payment

PAYMENT_AUDIT_DELAY_S = 60


def payment_audit_batch(*, limit: int = 5000, now: datetime | None = None) -> int:
    """Append one audit entry for the next batch of payments; returns how many it covered.

    Payments are not audited one by one: the audit chain's head row is a single lock, and holding
    it in every payment would serialise all payments of the city behind one commit at a time.
    The ledger rows are immutable; this batch entry (run by `kotapintar wallet-audit-payments`)
    adds them to the hash chain: ids, count, total and a SHA-256 over every payment's fields.
    Only payments older than PAYMENT_AUDIT_DELAY_S are taken, so none still in flight is skipped.
    """
    now = now or timezone.now()
    with transaction.atomic():
        mark, _created = AuditMark.objects.select_for_update().get_or_create(name=PAYMENT_AUDIT_MARK)
        cutoff = now - timedelta(seconds=PAYMENT_AUDIT_DELAY_S)
        candidates = list(
            Payment.objects.filter(pk__gt=mark.last_pk)
            .order_by("pk")
            .values_list(
                "pk",
                "public_id",
                "amount_idr",
                "card__number",
                "merchant__code",
                "event_code",
                "created_at",
                "created_by_id",
            )[:limit]
        )
        # stop at the first payment that is too recent: a lower id may still be in flight
        rows = []
        for row in candidates:
            if row[6] >= cutoff:
                break
            rows.append(row)
        if not rows:
            return 0
        digest = hashlib.sha256()
        for pk, public_id, amount, card, merchant, event, created_at, by in rows:
            line = (
                f"{pk}|{public_id}|{amount}|{card}|{merchant}|{event}|{created_at.isoformat()}|{by or ''}\n"
            )
            digest.update(line.encode())
        audit.record(
            action="wallet.payments_batch",
            actor=None,
            object_type="wallet.payment",
            object_id=f"{rows[0][0]}-{rows[-1][0]}",
            data={
                "count": len(rows),
                "first_pk": rows[0][0],
                "last_pk": rows[-1][0],
                "total_idr": sum(r[2] for r in rows),
                "sha256": digest.hexdigest(),
            },
        )
        mark.last_pk = rows[-1][0]
        mark.save(update_fields=["last_pk", "updated_at"])
    return len(rows)
