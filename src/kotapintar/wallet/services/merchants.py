"""Merchants: create one (with its account and QRIS ids) and register it for events."""

from __future__ import annotations

import hashlib

from django.db import transaction

from kotapintar.core import audit
from kotapintar.core.permissions import require_role
from kotapintar.core.types import Actor, User
from kotapintar.lib import qris
from kotapintar.wallet import conf
from kotapintar.wallet.errors import (
    InvalidCategory,
    InvalidCriteria,
    InvalidEventCode,
    InvalidMcc,
    InvalidName,
    InvalidPostalCode,
    MerchantExists,
    MerchantNotFound,
)
from kotapintar.wallet.models import Account, AccountKind, Merchant, MerchantCategory, MerchantEvent


def merchant_qris_mid(code: str) -> str:
    """A stable 12-character merchant id for QRIS sub-tag 02 (QRIS allows at most 15)."""
    return "KP" + hashlib.sha1(code.encode(), usedforsecurity=False).hexdigest()[:10].upper()


def _merchant_fields_check(*, name: str, category: str, mcc: str, criteria: str, postal_code: str) -> None:
    if category not in MerchantCategory.values:
        raise InvalidCategory()
    if criteria not in qris.MERCHANT_CRITERIA:
        raise InvalidCriteria()
    if not (len(mcc) == 4 and mcc.isdigit()):
        raise InvalidMcc()
    if len(postal_code) > 10 or not (postal_code.isdigit() or postal_code == ""):
        raise InvalidPostalCode()
    if not (1 <= len(name) <= 120):
        raise InvalidName()


def merchant_create(
    *,
    actor: Actor,
    code: str,
    name: str,
    category: str = MerchantCategory.OTHER,
    owner: User | None = None,
    location: str = "",
    mcc: str = "5999",
    nmid: str = "",
    criteria: str = "UMI",
    postal_code: str = "",
) -> Merchant:
    user = require_role(actor, *conf.OPERATOR_ROLES)
    _merchant_fields_check(name=name, category=category, mcc=mcc, criteria=criteria, postal_code=postal_code)
    with transaction.atomic():
        if Merchant.objects.filter(code=code).exists():
            raise MerchantExists()
        account = Account.objects.create(
            code=f"merchant:{code}"[:64], kind=AccountKind.MERCHANT, name=name[:120], no_negative=True
        )
        merchant = Merchant.objects.create(
            code=code,
            name=name,
            category=category,
            account=account,
            owner=owner,
            location=location,
            mcc=mcc,
            nmid=nmid or f"ID20{merchant_qris_mid(code)[2:]}"[:15],
            criteria=criteria,
            postal_code=postal_code,
            city=conf.qris_city_name(),
            qris_mid=merchant_qris_mid(code),
        )
        audit.record(
            action="wallet.merchant_create",
            actor=user,
            obj=merchant,
            data={"code": code, "category": category},
        )
    return merchant


def merchant_register_for_event(*, actor: Actor, merchant_code: str, event_code: str) -> bool:
    """Allow a merchant to take payments at an event. Idempotent; True when newly registered."""
    user = require_role(actor, *conf.OPERATOR_ROLES)
    if not event_code or len(event_code) > 64:
        raise InvalidEventCode()
    with transaction.atomic():
        merchant = Merchant.objects.select_related("account").filter(code=merchant_code).first()
        if merchant is None:
            raise MerchantNotFound(detail={"merchant_code": merchant_code})
        _link, created = MerchantEvent.objects.get_or_create(merchant=merchant, event_code=event_code)
        if created:
            audit.record(
                action="wallet.merchant_register_event",
                actor=user,
                obj=merchant,
                data={"event_code": event_code},
            )
    return created
