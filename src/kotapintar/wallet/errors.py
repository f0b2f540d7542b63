"""Wallet domain errors: each a stable code, a translated message and its 4xx status."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kotapintar.core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)


class CardNotFound(NotFound):
    code = "card_not_found"
    default_message = _("No city card has this number.")


class CardBlocked(Conflict):
    code = "card_blocked"
    default_message = _("This card is blocked or replaced and cannot be used.")


class InvalidCardToken(ValidationFailed):
    code = "invalid_card_token"
    default_message = _("The card QR code is not valid: it was altered or not issued by the city.")


class InsufficientBalance(Conflict):
    code = "insufficient_balance"
    default_message = _("The card balance is not enough for this amount.")


class BalanceLimit(Conflict):
    code = "balance_limit"
    default_message = _("This top-up would take the card above its maximum balance.")


class AmountOutOfRange(ValidationFailed):
    code = "amount_out_of_range"
    default_message = _("The amount is outside the allowed range.")


class MerchantNotFound(NotFound):
    code = "merchant_not_found"
    default_message = _("No merchant has this code.")


class MerchantInactive(PermissionDenied):
    code = "merchant_inactive"
    default_message = _("This merchant is not active.")


class MerchantNotRegistered(PermissionDenied):
    code = "merchant_not_registered"
    default_message = _("This merchant is not registered for the event.")


class InvalidIdempotencyKey(ValidationFailed):
    code = "invalid_idempotency_key"
    default_message = _("The Idempotency-Key must be 1 to 255 visible ASCII characters.")


class PaymentNotFound(NotFound):
    code = "payment_not_found"
    default_message = _("No payment has this id.")


class RefundNotAllowed(Conflict):
    code = "refund_not_allowed"
    default_message = _("This payment has nothing left to refund.")


class MerchantBalanceTooLow(Conflict):
    code = "merchant_balance_too_low"
    default_message = _("The merchant account holds too little to refund this amount.")


class TopUpNotFound(NotFound):
    code = "topup_not_found"
    default_message = _("No top-up has this id.")


class InvalidQris(ValidationFailed):
    code = "invalid_qris"
    default_message = _("The QRIS payload is not valid.")


class InvalidSignature(PermissionDenied):
    code = "invalid_signature"
    default_message = _("The notification signature is not valid.")
