"""Domain errors of Batik Fusion: a stable code, a translated message, the 4xx status."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kotapintar.core.errors import Conflict, IdempotencyKeyReused, NotFound, ValidationFailed

IdempotencyMismatch = IdempotencyKeyReused  # declared in core: the wallet answers the same


class EventNotFound(NotFound):
    code = "event_not_found"
    default_message = _("No such event.")


class VenueNotFound(NotFound):
    code = "venue_not_found"
    default_message = _("No such venue.")


class TicketTypeNotFound(NotFound):
    code = "ticket_type_not_found"
    default_message = _("No such ticket type for this event.")


class TicketNotFound(NotFound):
    code = "unknown_ticket"
    default_message = _("Unknown ticket code.")


class RewardNotFound(NotFound):
    code = "reward_not_found"
    default_message = _("No such reward.")


class SoldOut(Conflict):
    code = "sold_out"
    default_message = _("This ticket type is sold out.")


class NotOnSale(Conflict):
    code = "not_on_sale"
    default_message = _("This ticket type is not on sale.")


class FreeTicketAlreadyIssued(Conflict):
    code = "free_ticket_already_issued"
    default_message = _("A free ticket of this type was already issued to this visitor.")


class WrongEvent(Conflict):
    code = "ticket_other_event"
    default_message = _("This ticket is for another event.")


class TicketCancelled(Conflict):
    code = "ticket_cancelled"
    default_message = _("This ticket was cancelled.")


class TicketAlreadyUsed(Conflict):
    code = "ticket_already_used"
    default_message = _("This ticket was already used.")


class TicketNotInside(Conflict):
    code = "ticket_not_inside"
    default_message = _("This ticket has not entered, so it cannot exit.")


class NotEnoughStamps(Conflict):
    code = "not_enough_stamps"
    default_message = _("Not enough batik passport stamps for this reward yet.")


class RewardAlreadyRedeemed(Conflict):
    code = "reward_already_redeemed"
    default_message = _("This reward was already redeemed.")


class RewardOutOfStock(Conflict):
    code = "reward_out_of_stock"
    default_message = _("This reward is out of stock.")


class NoHolder(ValidationFailed):
    code = "no_holder"
    default_message = _("Give a card number or a user account for the visitor.")
