"""The city card wallet's audit actions in words (kotapintar.core.audit_labels)."""

from django.utils.translation import gettext_lazy as _

from kotapintar.core.audit_labels import register

register(
    {
        "wallet.card_block": _("Card blocked"),
        "wallet.card_issue": _("Card issued"),
        "wallet.card_link": _("Card linked to an account"),
        "wallet.card_pin_locked": _("Card PIN locked after wrong tries"),
        "wallet.card_pin_set": _("Card PIN set"),
        "wallet.card_pin_unlock": _("Card PIN unlocked"),
        "wallet.card_replace": _("Card replaced, balance moved"),
        "wallet.card_unblock": _("Card unblocked"),
        "wallet.cashout": _("Merchant cash-out"),
        "wallet.cash_deposit": _("Cash deposited to the city float"),
        "wallet.qris_settle": _("QRIS settlement received"),
        "wallet.merchant_create": _("Merchant registered"),
        "wallet.merchant_register_event": _("Merchant registered for an event"),
        "wallet.payment_refund": _("Payment refunded"),
        "wallet.payments_batch": _("Payments audited (batch)"),
        "wallet.settlement": _("Settlement computed"),
        "wallet.settlement_payout": _("Settlement paid out"),
        "wallet.topup_cash": _("Top-up in cash"),
        "wallet.topup_qris_create": _("QRIS top-up requested"),
        "wallet.topup_qris_post": _("QRIS top-up paid"),
        "wallet.topup_qris_void": _("QRIS top-up failed"),
        "wallet.topup_qris_expire": _("QRIS top-ups expired"),
    }
)
