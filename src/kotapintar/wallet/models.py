"""Cards, a double-entry ledger (accounts and immutable transfers), merchants, top-ups, payments,
refunds, cash-outs, settlements and idempotency keys.

Every movement of money is one `Transfer` row that debits one `Account` and credits another by a
positive integer number of rupiah; both balances change in the same database transaction. A debit
lowers `balance_idr`, a credit raises it, so the sum of all balances is always zero. Card and merchant
accounts carry `no_negative`: a guarded UPDATE (`WHERE balance_idr >= amount`) and a CHECK constraint
keep them at zero or above. Transfers are never edited or deleted; a mistake is fixed by a
correcting transfer (a refund, a reversal).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import admin
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class AccountKind(models.TextChoices):
    CARD = "card", _("Card")
    MERCHANT = "merchant", _("Merchant")
    CASH = "cash", _("Booth cash")
    QRIS_CLEARING = "qris_clearing", _("QRIS top-up clearing")
    FLOAT = "float", _("City float")
    FEES = "fees", _("Fees")
    SETTLEMENT = "settlement", _("Merchant settlement payable")


class Account(models.Model):
    code = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=16, choices=AccountKind.choices)
    name = models.CharField(max_length=120, blank=True)
    balance_idr = models.BigIntegerField(default=0)
    no_negative = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(no_negative=False) | Q(balance_idr__gte=0), name="wallet_account_no_negative"
            )
        ]

    def __str__(self) -> str:
        return self.code

    @admin.display(description=_("name"))
    def display_name(self) -> str:
        """The account's name in the reader's language: the stored `name` of a system account is the
        English one written when it was opened ("Booth cash (pariwisata)")."""
        if self.kind == AccountKind.CASH:
            return gettext("Booth cash (%(operator)s)") % {"operator": self.code.removeprefix("cash:")}
        if self.kind in (AccountKind.CARD, AccountKind.MERCHANT):
            return self.name or self.code
        return str(self.get_kind_display())


class TransferKind(models.TextChoices):
    TOPUP_CASH = "topup_cash", _("Cash top-up")
    TOPUP_QRIS = "topup_qris", _("QRIS top-up")
    PAYMENT = "payment", _("Payment")
    REFUND = "refund", _("Refund")
    CASHOUT = "cashout", _("Cash-out")
    CARD_MOVE = "card_move", _("Balance moved to a replacement card")
    SETTLEMENT = "settlement", _("Merchant settlement")
    FEE = "fee", _("Fee")
    CASH_DEPOSIT = "cash_deposit", _("Booth cash paid into the bank")
    ACQUIRER_SETTLEMENT = "acquirer", _("QRIS acquirer settlement")
    PAYOUT = "payout", _("Settlement paid to the merchant")


class Transfer(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    debit_account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="debits")
    credit_account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="credits")
    amount_idr = models.BigIntegerField()
    kind = models.CharField(max_length=16, choices=TransferKind.choices)
    ref_type = models.CharField(max_length=16, blank=True)
    ref_id = models.UUIDField(null=True, blank=True)
    memo = models.CharField(max_length=200, blank=True)
    # not indexed: transfers are read by account or by reference and in id order (migration 0008)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_idr__gt=0), name="wallet_transfer_positive"),
            models.CheckConstraint(
                condition=~Q(debit_account=F("credit_account")), name="wallet_transfer_two_accounts"
            ),
        ]
        indexes = [models.Index(fields=["ref_type", "ref_id"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount_idr}"


class CardStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    BLOCKED = "blocked", _("Blocked")
    REPLACED = "replaced", _("Replaced")


class Card(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(max_length=16, unique=True)
    account = models.OneToOneField(Account, on_delete=models.PROTECT, related_name="card")
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="city_cards"
    )
    nfc_uid = models.CharField(max_length=32, blank=True, db_index=True)
    status = models.CharField(max_length=10, choices=CardStatus.choices, default=CardStatus.ACTIVE)
    replaced_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    block_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    blocked_at = models.DateTimeField(null=True, blank=True)
    # charging by the typed number: the holder's PIN as a slow hash (Django's password hashers),
    # wrong PINs and codes counted, locked at WALLET_PIN_MAX_ATTEMPTS until a booth unlocks it
    pin_hash = models.CharField(max_length=128, blank=True)
    pin_failures = models.PositiveSmallIntegerField(default=0)
    pin_locked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.number


class CardCode(models.Model):
    """A short-lived one-time code from the holder's card page, for one charge by the typed number.

    Only its keyed digest is stored; it is used at most once (`used_at`) and expires at `expires_at`."""

    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # the Idempotency-Key (with its scope) of the charge that used it: a retry of that charge passes
    used_for = models.CharField(max_length=330, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["card", "digest"])]

    def __str__(self) -> str:
        return f"{self.card_id}@{self.expires_at:%H:%M}"


class MerchantCategory(models.TextChoices):
    BATIK = "batik", _("Batik")
    KULINER = "kuliner", _("Food and drink")
    KERAJINAN = "kerajinan", _("Crafts")
    TIKET = "tiket", _("Tickets")
    OTHER = "other", _("Other")


class Merchant(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=120)
    category = models.CharField(
        max_length=12, choices=MerchantCategory.choices, default=MerchantCategory.OTHER
    )
    account = models.OneToOneField(Account, on_delete=models.PROTECT, related_name="merchant")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="merchants"
    )
    mcc = models.CharField(max_length=4, default="5999")
    nmid = models.CharField(max_length=15, blank=True)
    qris_mid = models.CharField(max_length=15, unique=True)
    criteria = models.CharField(max_length=3, default="UMI")
    city = models.CharField(max_length=15, blank=True)  # QRIS tag 60; set from the city when created
    postal_code = models.CharField(max_length=10, blank=True)
    location = models.CharField(max_length=200, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MerchantEvent(models.Model):
    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="events")
    event_code = models.SlugField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["merchant", "event_code"], name="wallet_merchant_event")
        ]

    def __str__(self) -> str:
        return f"{self.merchant_id}@{self.event_code}"


class PaymentStatus(models.TextChoices):
    POSTED = "posted", _("Paid")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
    REFUNDED = "refunded", _("Refunded")


class PaymentMethod(models.TextChoices):
    CARD = "card", _("City card")
    QRIS = "qris", _("QRIS")


class Payment(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    card = models.ForeignKey(Card, on_delete=models.PROTECT, related_name="payments")
    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="payments")
    event_code = models.CharField(max_length=64, blank=True)
    amount_idr = models.BigIntegerField()
    refunded_idr = models.BigIntegerField(default=0)
    status = models.CharField(max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.POSTED)
    method = models.CharField(max_length=8, choices=PaymentMethod.choices, default=PaymentMethod.CARD)
    reference = models.CharField(max_length=64, blank=True)
    card_balance_after_idr = models.BigIntegerField()
    # Who rang the sale up: a record, not money. No database constraint (migration 0008): its check
    # locked the user's row in every payment, and all the POS of a shop are one user. Django still
    # sets it to NULL when the user is deleted (on_delete is Django's), and the payment function
    # writes the id of the user the request was just authenticated as.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at"]
        # event_code: equality only (turnover by event), so no pattern-ops twin (migration 0008)
        indexes = [models.Index(fields=["event_code"], name="wallet_payment_event_code")]
        constraints = [
            models.CheckConstraint(condition=Q(amount_idr__gt=0), name="wallet_payment_positive"),
            models.CheckConstraint(
                condition=Q(refunded_idr__gte=0) & Q(refunded_idr__lte=F("amount_idr")),
                name="wallet_payment_refund_le_amount",
            ),
        ]

    def __str__(self) -> str:
        return str(self.public_id)


class Refund(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount_idr = models.BigIntegerField()
    card_balance_after_idr = models.BigIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.public_id)


class TopUpMethod(models.TextChoices):
    CASH = "cash", _("Cash at a booth")
    QRIS = "qris", _("QRIS")


class TopUpStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the payment provider")
    POSTED = "posted", _("Posted")
    VOIDED = "voided", _("Voided")


class TopUp(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    card = models.ForeignKey(Card, on_delete=models.PROTECT, related_name="topups")
    amount_idr = models.BigIntegerField()
    method = models.CharField(max_length=8, choices=TopUpMethod.choices)
    status = models.CharField(max_length=8, choices=TopUpStatus.choices)
    qris_payload = models.CharField(max_length=512, blank=True)
    provider_reference = models.CharField(max_length=64, blank=True)
    card_balance_after_idr = models.BigIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(amount_idr__gt=0), name="wallet_topup_positive")]

    def __str__(self) -> str:
        return str(self.public_id)


class CashOut(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    card = models.ForeignKey(Card, on_delete=models.PROTECT, related_name="cashouts")
    amount_idr = models.BigIntegerField()
    fee_idr = models.BigIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.public_id)


class Settlement(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="settlements")
    business_date = models.DateField()
    payments_count = models.IntegerField(default=0)
    gross_idr = models.BigIntegerField(default=0)
    refunds_idr = models.BigIntegerField(default=0)
    fee_idr = models.BigIntegerField(default=0)
    net_idr = models.BigIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    paid_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-business_date", "merchant__code"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "business_date"], name="wallet_settlement_once")
        ]

    def __str__(self) -> str:
        return f"{self.merchant_id} {self.business_date}"


class IdempotencyKey(models.Model):
    """A client-chosen key for one money operation: the first result is found again by `object_id`.

    A key belongs to its caller: unique per `scope` (`user:<id>`, or `card:<number>` for an anonymous
    payment with the card's scanned QR token), so the same key from anyone else is a fresh request."""

    scope = models.CharField(max_length=64, default="")
    key = models.CharField(max_length=255)
    operation = models.CharField(max_length=32)
    fingerprint = models.CharField(max_length=64)
    object_id = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="wallet_idempotencykey_scope_key"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"


class SigningKey(models.Model):
    """The city's Ed25519 key for card QR tokens; the private key is PKCS#8, encrypted at rest."""

    kid = models.CharField(max_length=16, unique=True)
    private_pem = models.TextField()
    public_pem = models.TextField()
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.kid


PAYMENT_AUDIT_MARK = "payments"  # the AuditMark of the batched payment audit


class AuditMark(models.Model):
    """How far the batched audit of payments got (`payment_audit_batch`)."""

    name = models.CharField(max_length=32, unique=True)
    last_pk = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name}@{self.last_pk}"
