"""Every error code of Batik Fusion, declared once: code, base class (its HTTP status), message.

`idempotency_key_reused`, `bad_kind` and `batch_too_large` are core codes (core.errors); the wallet's
own errors (card_not_found, insufficient_balance, …) reach batik's callers unchanged.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kotapintar.core.errors import (
    Conflict,
    IdempotencyKeyReused,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    declare,
)

IdempotencyMismatch = IdempotencyKeyReused  # declared in core: the wallet answers the same

# the catalogue
EventNotFound = declare("event_not_found", NotFound, _("No such event."))
VenueNotFound = declare("venue_not_found", NotFound, _("No such venue."))
TicketTypeNotFound = declare("ticket_type_not_found", NotFound, _("No such ticket type for this event."))
RewardNotFound = declare("reward_not_found", NotFound, _("No such reward."))
VenueOutsideCity = declare("venue_outside_city", ValidationFailed, _("The venue must lie inside the city."))
EventDates = declare("event_dates", ValidationFailed, _("An event cannot end before it starts."))
QuotaBelowSold = declare(
    "quota_below_sold", ValidationFailed, _("The quota cannot be lower than the tickets already issued.")
)
RewardStamps = declare("reward_stamps", ValidationFailed, _("A reward needs at least one stamp."))
# tickets and the visitor's card
TicketNotFound = declare("unknown_ticket", NotFound, _("Unknown ticket code."))
SoldOut = declare("sold_out", Conflict, _("This ticket type is sold out."))
NotOnSale = declare("not_on_sale", Conflict, _("This ticket type is not on sale."))
FreeTicketAlreadyIssued = declare(
    "free_ticket_already_issued",
    Conflict,
    _("A free ticket of this type was already issued to this visitor."),
)
FreeTicketQuantity = declare(
    "free_ticket_quantity", ValidationFailed, _("A free ticket is issued one per visitor.")
)
NotFree = declare("not_free", ValidationFailed, _("This ticket type is not free."))
BadQuantity = declare(
    "bad_quantity", ValidationFailed, _("This number of tickets cannot be ordered at once.")
)
BadIdempotencyKey = declare(
    "bad_idempotency_key", ValidationFailed, _("Send an Idempotency-Key of 1 to 200 characters.")
)
NoHolder = declare("no_holder", ValidationFailed, _("Give a card number or a user account for the visitor."))
CardTokenMismatch = declare(
    "card_token_mismatch", ValidationFailed, _("The card QR token does not belong to this card.")
)
UnknownCard = declare("unknown_card", ValidationFailed, _("Unknown card number."))
CardNotYours = declare(
    "card_not_yours", PermissionDenied, _("Show the card's QR code or sign in as its owner.")
)
# check-in
WrongEvent = declare("ticket_other_event", Conflict, _("This ticket is for another event."))
TicketCancelled = declare("ticket_cancelled", Conflict, _("This ticket was cancelled."))
TicketAlreadyUsed = declare("ticket_already_used", Conflict, _("This ticket was already used."))
TicketNotInside = declare("ticket_not_inside", Conflict, _("This ticket has not entered, so it cannot exit."))
ScanTooOld = declare("scan_too_old", ValidationFailed, _("The scan time is too old to upload."))
ScanInFuture = declare("scan_in_future", ValidationFailed, _("The scan time lies in the future."))
# the batik passport
NotEnoughStamps = declare(
    "not_enough_stamps", Conflict, _("Not enough batik passport stamps for this reward yet.")
)
RewardAlreadyRedeemed = declare("reward_already_redeemed", Conflict, _("This reward was already redeemed."))
RewardOutOfStock = declare("reward_out_of_stock", Conflict, _("This reward is out of stock."))
