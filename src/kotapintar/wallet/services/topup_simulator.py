"""Play the QRIS acquirer in a demo or a test: the signed notification it would send, through the same
code path as `POST /api/v1/wallet/topups/qris/notify` (`topup_qris_notify`). A real top-up is only ever
confirmed by the acquirer's own signed notification; the booth offers this only when settings.DEMO is on.
"""

from __future__ import annotations

import json
import secrets
from uuid import UUID

from kotapintar.wallet.selectors import topup_get
from kotapintar.wallet.services.topups import qris_notify_signature, topup_qris_notify
from kotapintar.wallet.types import TopUpResult


def topup_qris_simulate(*, topup_id: UUID, paid: bool = True) -> TopUpResult:
    """Notify the pending QRIS top-up as paid (or failed), signed as the acquirer signs."""
    topup = topup_get(topup_id=topup_id)
    body = json.dumps(
        {
            "topup_id": str(topup.topup_id),
            "status": "paid" if paid else "failed",
            "amount_idr": topup.amount_idr,
            "provider_reference": "SIM" + secrets.token_hex(6).upper(),
        }
    ).encode()
    return topup_qris_notify(body=body, signature=qris_notify_signature(body))
