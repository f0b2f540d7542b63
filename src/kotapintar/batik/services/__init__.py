"""Writes of Batik Fusion, one module per concept; callers use `services.<function>`.

Every state change runs in one transaction, locks the rows it reads (ticket type for quota, ticket
for check-in, reward for redemption) and is audited. Authorisation follows the check_/do_ split:
`check_*` validates and locks, `do_*` mutates.

- `holders`: ticket codes, holder keys (card or account), who may act for a visitor
- `catalogue`: venues, events, sessions, ticket types, rewards (the tourism office)
- `tickets`: purchase with the city card, free tickets, cancellation
- `checkin`: gate scans, offline batches
- `passport`: stamps and reward redemption
"""

from kotapintar.batik.services.catalogue import (
    event_upsert,
    reward_upsert,
    session_upsert,
    ticket_type_upsert,
    venue_upsert,
)
from kotapintar.batik.services.checkin import (
    BatchItemResult,
    BatchResult,
    CheckInResult,
    check_checkin,
    checkin_batch_upload,
    checkin_scan,
    do_checkin,
)
from kotapintar.batik.services.holders import (
    STAFF_ROLES,
    TICKET_CODE_LENGTH,
    check_holder_access,
    holder_key,
    normalise_code,
)
from kotapintar.batik.services.passport import (
    RedemptionResult,
    reward_redeem,
    reward_redeem_for,
    stamp_award,
    stamp_collect_at_venue,
)
from kotapintar.batik.services.tickets import (
    CancelResult,
    OrderResult,
    check_ticket_order,
    do_ticket_issue,
    ticket_cancel,
    ticket_issue_free,
    ticket_purchase,
)

__all__ = [
    "STAFF_ROLES",
    "TICKET_CODE_LENGTH",
    "BatchItemResult",
    "BatchResult",
    "CancelResult",
    "CheckInResult",
    "OrderResult",
    "RedemptionResult",
    "check_checkin",
    "check_holder_access",
    "check_ticket_order",
    "checkin_batch_upload",
    "checkin_scan",
    "do_checkin",
    "do_ticket_issue",
    "event_upsert",
    "holder_key",
    "normalise_code",
    "reward_redeem",
    "reward_redeem_for",
    "reward_upsert",
    "session_upsert",
    "stamp_award",
    "stamp_collect_at_venue",
    "ticket_cancel",
    "ticket_issue_free",
    "ticket_purchase",
    "ticket_type_upsert",
    "venue_upsert",
]
