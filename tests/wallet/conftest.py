"""Wallet fixtures: an operator (tourism office), a merchant with its owner, funded cards."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from kotapintar.core.models import Role
from kotapintar.core.types import User
from kotapintar.wallet import services
from kotapintar.wallet.models import Merchant
from kotapintar.wallet.types import CardInfo

#: the PIN every `funded_card` is issued with (charging a typed card number needs it)
PIN = "246810"


@pytest.fixture
def operator(make_user: Callable[..., User]) -> User:
    return make_user(Role.DINAS_PARIWISATA, username="operator_booth")


@pytest.fixture
def merchant_user(make_user: Callable[..., User]) -> User:
    return make_user(Role.MERCHANT, username="batik_setono")


@pytest.fixture
def merchant(operator: User, merchant_user: User) -> Merchant:
    m = services.merchant_create(
        actor=operator,
        code="batik-setono-jaya",
        name="Batik Setono Jaya",
        category="batik",
        owner=merchant_user,
    )
    services.merchant_register_for_event(actor=operator, merchant_code=m.code, event_code="pbn-2025")
    return m


@pytest.fixture
def key() -> Callable[[], str]:
    return lambda: str(uuid.uuid4())


@pytest.fixture
def funded_card(operator: User, key: Callable[[], str]) -> Callable[..., CardInfo]:
    """funded_card(50_000): a new anonymous card (PIN `PIN`) topped up in cash at the booth."""

    def _make(amount_idr: int = 100_000, **kwargs: Any) -> CardInfo:
        kwargs.setdefault("pin", PIN)
        card = services.card_issue(actor=operator, **kwargs)
        if amount_idr:
            services.topup_cash(
                actor=operator, card_number=card.number, amount_idr=amount_idr, idempotency_key=key()
            )
        return card

    return _make
