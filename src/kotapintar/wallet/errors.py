"""Every error code of the wallet, declared once: code, base class (its HTTP status), message.

A service raises the class (`raise CardNotFound(detail=...)`), with a more specific translated
message where it helps. `idempotency_key_reused` is a core code (core.errors.IdempotencyKeyReused).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kotapintar.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed, declare

# cards
CardNotFound = declare("card_not_found", NotFound, _("No city card has this number."))
CardBlocked = declare("card_blocked", Conflict, _("This card is blocked or replaced and cannot be used."))
InvalidCardToken = declare(
    "invalid_card_token",
    ValidationFailed,
    _("The card QR code is not valid: it was altered or not issued by the city."),
)
InvalidNfcUid = declare(
    "invalid_nfc_uid", ValidationFailed, _("The NFC UID must be 4, 7 or 10 bytes in hexadecimal.")
)
NfcUidTaken = declare("nfc_uid_taken", Conflict, _("Another active card already has this NFC UID."))
TooManyCards = declare("too_many_cards", Conflict, _("You already have the maximum number of cards."))
CardLinkedElsewhere = declare(
    "card_linked_elsewhere", Conflict, _("This card is already linked to another account.")
)
# charging by a typed card number: the holder's PIN or a one-time code from their card page
CardAuthRequired = declare(
    "card_auth_required",
    PermissionDenied,
    _("A typed card number needs the holder's PIN or a one-time code from their card page (or scan it)."),
)
WrongPin = declare("wrong_pin", PermissionDenied, _("The PIN is wrong."))
PinNotSet = declare(
    "pin_not_set", Conflict, _("This card has no PIN: scan the card, or use a one-time code from its page.")
)
PinLocked = declare(
    "pin_locked",
    Conflict,
    _("Too many wrong PINs or codes: charging this card by its number is locked until a booth unlocks it."),
)
InvalidPin = declare("invalid_pin", ValidationFailed, _("The PIN must be 6 digits."))
CodeWrong = declare("code_wrong", PermissionDenied, _("The one-time code is wrong or was already used."))
CodeExpired = declare(
    "code_expired", PermissionDenied, _("The one-time code has expired: make a new one on the card page.")
)
# replacing a lost card
ReplacementHasMoney = declare(
    "replacement_has_money",
    Conflict,
    _("The replacement card already holds money: use an empty card."),
)
ReplacementBlocked = declare(
    "replacement_blocked", Conflict, _("The replacement card is blocked or replaced: use an active card.")
)
ReplacementSameCard = declare("replacement_same_card", ValidationFailed, _("A card cannot replace itself."))
# money and idempotency
InsufficientBalance = declare(
    "insufficient_balance", Conflict, _("The card balance is not enough for this amount.")
)
BalanceLimit = declare(
    "balance_limit", Conflict, _("This top-up would take the card above its maximum balance.")
)
AmountOutOfRange = declare(
    "amount_out_of_range", ValidationFailed, _("The amount is outside the allowed range.")
)
InvalidIdempotencyKey = declare(
    "invalid_idempotency_key",
    ValidationFailed,
    _("The Idempotency-Key must be 1 to 255 visible ASCII characters."),
)
InFlight = declare("in_flight", Conflict, _("This request is already being processed. Retry in a moment."))
# merchants
MerchantNotFound = declare("merchant_not_found", NotFound, _("No merchant has this code."))
MerchantInactive = declare("merchant_inactive", PermissionDenied, _("This merchant is not active."))
MerchantNotRegistered = declare(
    "merchant_not_registered", PermissionDenied, _("This merchant is not registered for the event.")
)
MerchantExists = declare("merchant_exists", Conflict, _("A merchant with this code already exists."))
InvalidCategory = declare("invalid_category", ValidationFailed, _("Unknown merchant category."))
InvalidCriteria = declare("invalid_criteria", ValidationFailed, _("Unknown QRIS merchant criteria."))
InvalidMcc = declare("invalid_mcc", ValidationFailed, _("The merchant category code must be 4 digits."))
InvalidPostalCode = declare(
    "invalid_postal_code", ValidationFailed, _("The postal code must be up to 10 digits.")
)
InvalidName = declare("invalid_name", ValidationFailed, _("The merchant name must be 1 to 120 characters."))
InvalidEventCode = declare("invalid_event_code", ValidationFailed, _("An event code is required."))
# payments and refunds
PaymentNotFound = declare("payment_not_found", NotFound, _("No payment has this id."))
RefundNotAllowed = declare("refund_not_allowed", Conflict, _("This payment has nothing left to refund."))
MerchantBalanceTooLow = declare(
    "merchant_balance_too_low", Conflict, _("The merchant account holds too little to refund this amount.")
)
# QRIS and top-ups
InvalidQris = declare("invalid_qris", ValidationFailed, _("The QRIS payload is not valid."))
ForeignQris = declare(
    "foreign_qris", ValidationFailed, _("This QRIS belongs to a merchant outside the city wallet.")
)
TopUpNotFound = declare("topup_not_found", NotFound, _("No top-up has this id."))
InvalidSignature = declare(
    "invalid_signature", PermissionDenied, _("The notification signature is not valid.")
)
InvalidStatus = declare("invalid_status", ValidationFailed, _("Unknown notification status."))
NotQris = declare("not_qris", ValidationFailed, _("This top-up was not made by QRIS."))
TopUpAlreadyResolved = declare(
    "topup_already_resolved",
    Conflict,
    _("This top-up was already resolved differently; reconcile it with the provider."),
)
AmountMismatch = declare("amount_mismatch", ValidationFailed, _("The paid amount differs from the top-up."))
# settlement
DayNotOver = declare("day_not_over", ValidationFailed, _("Only a finished business day can be settled."))
SettlementNotFound = declare("settlement_not_found", NotFound, _("No settlement has this id."))
