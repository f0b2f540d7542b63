"""Batik Fusion: venues, events and their sessions, ticket types, orders, tickets, check-ins,
batik passport stamps and rewards. Money lives in the wallet app; a ticket order only keeps the
wallet's payment id."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _


def _lang() -> str:
    return (translation.get_language() or "id")[:2]


class BilingualMixin:
    """`obj.t("name")` returns name_en for English readers (when filled) and name_id otherwise."""

    def t(self, field: str) -> str:
        if _lang() == "en":
            value = getattr(self, f"{field}_en", "")
            if value:
                return str(value)
        return str(getattr(self, f"{field}_id", ""))

    # for templates, which cannot pass arguments
    @property
    def tr_name(self) -> str:
        return self.t("name")

    @property
    def tr_summary(self) -> str:
        return self.t("summary")

    @property
    def tr_description(self) -> str:
        return self.t("description")

    @property
    def tr_title(self) -> str:
        return self.t("title")


class Venue(BilingualMixin, models.Model):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    kelurahan_code = models.CharField(_("kelurahan code"), max_length=20, blank=True)
    description_id = models.TextField(_("description (Indonesian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("venue")
        verbose_name_plural = _("venues")

    def __str__(self) -> str:
        return self.name


class Event(BilingualMixin, models.Model):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_id = models.CharField(_("name (Indonesian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    summary_id = models.CharField(_("summary (Indonesian)"), max_length=300, blank=True)
    summary_en = models.CharField(_("summary (English)"), max_length=300, blank=True)
    description_id = models.TextField(_("description (Indonesian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    ongoing = models.BooleanField(_("ongoing"), default=False, help_text=_("A permanent programme."))
    organiser = models.CharField(_("organiser"), max_length=200, blank=True)
    merchant_code = models.CharField(
        _("ticket merchant code"),
        max_length=60,
        default="dinparbudpora-tiket",
        help_text=_("The wallet merchant that receives ticket payments."),
    )
    venues = models.ManyToManyField(Venue, related_name="events", blank=True, verbose_name=_("venues"))
    is_published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "code"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gte=F("starts_at")), name="event_ends_after_start")
        ]

    def __str__(self) -> str:
        return self.name_id


class EventSession(BilingualMixin, models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="sessions", null=True, blank=True)
    title_id = models.CharField(_("title (Indonesian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gte=F("starts_at")), name="session_ends_after_start"),
            models.UniqueConstraint(fields=["event", "title_id", "starts_at"], name="session_unique_slot"),
        ]

    def __str__(self) -> str:
        return self.title_id


class TicketType(BilingualMixin, models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="ticket_types")
    code = models.SlugField(_("code"), max_length=60)
    name_id = models.CharField(_("name (Indonesian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    price_idr = models.PositiveIntegerField(_("price (Rp)"), default=0)
    quota = models.PositiveIntegerField(_("quota"))
    sold = models.PositiveIntegerField(_("issued"), default=0)
    allow_reentry = models.BooleanField(_("re-entry after exit"), default=False)
    is_active = models.BooleanField(_("on sale"), default=True)

    class Meta:
        ordering = ["event", "price_idr", "code"]
        verbose_name = _("ticket type")
        verbose_name_plural = _("ticket types")
        constraints = [
            models.UniqueConstraint(fields=["event", "code"], name="tickettype_unique_code"),
            models.CheckConstraint(condition=Q(sold__lte=F("quota")), name="tickettype_sold_within_quota"),
        ]

    def __str__(self) -> str:
        return f"{self.event.code}/{self.code}"

    @property
    def remaining(self) -> int:
        return max(0, self.quota - self.sold)


class TicketOrder(models.Model):
    """One purchase or free issue: the idempotency key makes a retry return the same tickets. The key
    belongs to its caller: unique per `key_scope` (`core.idempotency.key_scope`)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    key_scope = models.CharField(max_length=64, default="")
    idempotency_key = models.CharField(max_length=255)
    ticket_type = models.ForeignKey(TicketType, on_delete=models.PROTECT, related_name="orders")
    quantity = models.PositiveSmallIntegerField()
    holder_key = models.CharField(max_length=80, db_index=True)
    card_number = models.CharField(max_length=40, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    amount_idr = models.PositiveIntegerField(default=0)
    payment_id = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["key_scope", "idempotency_key"], name="batik_order_scope_key"),
        ]

    def __str__(self) -> str:
        return str(self.public_id)


class Ticket(models.Model):
    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        CANCELLED = "cancelled", _("Cancelled")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("code"), max_length=16, unique=True)
    order = models.ForeignKey(TicketOrder, on_delete=models.PROTECT, related_name="tickets")
    ticket_type = models.ForeignKey(TicketType, on_delete=models.PROTECT, related_name="tickets")
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="tickets")
    holder_key = models.CharField(max_length=80, db_index=True)
    card_number = models.CharField(max_length=40, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    price_idr = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.VALID)
    inside = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")

    def __str__(self) -> str:
        return self.code


class CheckIn(models.Model):
    class Kind(models.TextChoices):
        ENTRY = "entry", _("Entry")
        EXIT = "exit", _("Exit")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="checkins")
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="checkins")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    gate = models.CharField(_("gate"), max_length=100, blank=True)
    scanned_at = models.DateTimeField(_("scanned at"))
    created_at = models.DateTimeField(auto_now_add=True)
    offline = models.BooleanField(default=False)
    nonce = models.CharField(max_length=100, unique=True, null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["scanned_at", "pk"]
        indexes = [models.Index(fields=["event", "kind", "scanned_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.scanned_at:%Y-%m-%d %H:%M}"


class Stamp(models.Model):
    """A batik passport stamp: one per holder and scope (an event, or a venue)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    holder_key = models.CharField(max_length=80)
    card_number = models.CharField(max_length=40, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    scope = models.CharField(max_length=80)
    event = models.ForeignKey(Event, on_delete=models.PROTECT, null=True, blank=True, related_name="stamps")
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, null=True, blank=True, related_name="stamps")
    checkin = models.ForeignKey(CheckIn, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["holder_key", "scope"], name="stamp_once_per_scope")]

    def __str__(self) -> str:
        return self.scope


class Reward(BilingualMixin, models.Model):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_id = models.CharField(_("name (Indonesian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_id = models.TextField(_("description (Indonesian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    stamps_required = models.PositiveSmallIntegerField(_("stamps required"))
    stock = models.PositiveIntegerField(_("stock"), null=True, blank=True, help_text=_("Empty: unlimited."))
    redeemed_count = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["stamps_required", "code"]
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")
        constraints = [
            models.CheckConstraint(condition=Q(stamps_required__gte=1), name="reward_needs_stamps")
        ]

    def __str__(self) -> str:
        return self.name_id


class RewardRedemption(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reward = models.ForeignKey(Reward, on_delete=models.PROTECT, related_name="redemptions")
    holder_key = models.CharField(max_length=80)
    voucher_code = models.CharField(max_length=20, unique=True)
    stamps_at_redemption = models.PositiveSmallIntegerField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["reward", "holder_key"], name="reward_once_per_holder")
        ]

    def __str__(self) -> str:
        return self.voucher_code
