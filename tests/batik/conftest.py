"""Batik fixtures: a small catalogue (venue, event, ticket types), staff users and a fake wallet.

`fake_wallet` stands in for the wallet app behind `batik.wallet_port` (raising the wallet's own
errors) so that batik's own behaviour is tested on its own; tests/batik/test_wallet_integration.py
runs the same flows on the real wallet.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from kotapintar.batik import services, wallet_port
from kotapintar.batik.models import Event, TicketType, Venue
from kotapintar.core.models import Role
from kotapintar.core.types import Actor, User
from kotapintar.wallet.errors import CardNotFound, InsufficientBalance, InvalidCardToken


@dataclass
class FakeWallet:
    balances: dict[str, int] = field(default_factory=dict)
    payments: dict[str, wallet_port.Payment] = field(default_factory=dict)
    owners: dict[int, list[str]] = field(default_factory=dict)
    turnover: dict[str, int] = field(default_factory=dict)

    def pay(
        self,
        *,
        actor: Actor,
        merchant_code: str,
        card_number: str,
        amount_idr: int,
        idempotency_key: str,
        event_code: str,
        reference: str,
        card_token: str | None = None,
        grant: Any = None,
    ) -> wallet_port.Payment:
        if idempotency_key in self.payments:
            return self.payments[idempotency_key]
        if card_number not in self.balances:
            raise CardNotFound(detail={"card_number": card_number})
        if self.balances[card_number] < amount_idr:
            raise InsufficientBalance()
        self.balances[card_number] -= amount_idr
        self.turnover[event_code] = self.turnover.get(event_code, 0) + amount_idr
        p = wallet_port.Payment(
            payment_id=f"pay-{len(self.payments) + 1}",
            status="posted",
            amount_idr=amount_idr,
            card_number=card_number,
            card_balance_idr=self.balances[card_number],
            created_at=timezone.now(),
        )
        self.payments[idempotency_key] = p
        return p

    def authorise(
        self, *, actor: Actor, card_number: str, pin: str, one_time_code: str, used_for: str
    ) -> Any:
        """The fake cards have no PIN: any known card may be charged by number (the real check is
        tested on the real wallet, tests/batik/test_wallet_integration.py)."""
        if card_number not in self.balances:
            raise CardNotFound(detail={"card_number": card_number})
        return None

    def card_from_token(self, *, token: str) -> str:
        if not token.startswith("tok-") or token[4:] not in self.balances:
            raise InvalidCardToken()
        return token[4:]


@pytest.fixture
def fake_wallet(monkeypatch: pytest.MonkeyPatch) -> FakeWallet:
    fw = FakeWallet(balances={"6001000000000001": 100_000, "6001000000000002": 5_000})
    monkeypatch.setattr(wallet_port, "pay", fw.pay)
    monkeypatch.setattr(wallet_port, "authorise", fw.authorise)
    monkeypatch.setattr(wallet_port, "card_from_token", fw.card_from_token)
    monkeypatch.setattr(wallet_port, "card_exists", lambda *, number: number in fw.balances)
    monkeypatch.setattr(wallet_port, "cards_for_user", lambda *, user: fw.owners.get(user.pk, []))
    monkeypatch.setattr(wallet_port, "card_balance", lambda *, number: fw.balances[number])
    monkeypatch.setattr(wallet_port, "card_qr_token", lambda *, number: f"tok-{number}")
    monkeypatch.setattr(wallet_port, "card_history", lambda *, number, limit=20: [])
    monkeypatch.setattr(wallet_port, "card_pin_state", lambda *, number: (False, False))
    monkeypatch.setattr(
        wallet_port, "card_secret_ok", lambda *, number, secret: number in fw.balances and secret == "rahasia"
    )
    monkeypatch.setattr(wallet_port, "turnover_by_event", lambda: dict(fw.turnover))
    monkeypatch.setattr(
        wallet_port, "turnover_by_category", lambda *, event_code=None: {"batik": 7_400_000_000}
    )
    monkeypatch.setattr(
        wallet_port, "turnover_by_merchant", lambda *, event_code=None: [("toko-a", "Toko A", 5_000_000)]
    )
    return fw


CARD = "6001000000000001"
POOR_CARD = "6001000000000002"


@pytest.fixture
def staff(make_user: Callable[..., User]) -> User:
    return make_user(Role.DINAS_PARIWISATA, username="petugas_gerbang")


@pytest.fixture
def venue(city: Any) -> Venue:
    return services.venue_upsert(
        actor=None,
        code="museum-batik",
        name="Museum Batik Pekalongan",
        address="Jl. Jetayu No. 1",
        lat=-6.8793,
        lon=109.6756,
    )


@pytest.fixture
def event(venue: Venue) -> Event:
    start = timezone.now() - timedelta(days=1)
    return services.event_upsert(
        actor=None,
        code="pbn-test",
        venue_codes=[venue.code],
        name_id="Pekan Batik Uji",
        name_en="Test Batik Week",
        starts_at=start,
        ends_at=start + timedelta(days=5),
    )


@pytest.fixture
def other_event(venue: Venue) -> Event:
    start = timezone.now() - timedelta(days=1)
    return services.event_upsert(
        actor=None,
        code="karnaval-uji",
        venue_codes=[venue.code],
        name_id="Karnaval Uji",
        starts_at=start,
        ends_at=start + timedelta(days=2),
    )


@pytest.fixture
def adult(event: Event) -> TicketType:
    return services.ticket_type_upsert(
        actor=None, event=event, code="dewasa", name_id="Dewasa", name_en="Adult", price_idr=7_000, quota=100
    )


@pytest.fixture
def free_type(event: Event) -> TicketType:
    return services.ticket_type_upsert(
        actor=None, event=event, code="gratis", name_id="Gratis", price_idr=0, quota=50
    )


@pytest.fixture
def other_type(other_event: Event) -> TicketType:
    return services.ticket_type_upsert(
        actor=None, event=other_event, code="umum", name_id="Umum", price_idr=0, quota=50
    )


@pytest.fixture
def buy(fake_wallet: FakeWallet, adult: TicketType) -> Any:
    counter = iter(range(1, 10_000))

    def _buy(card: str = CARD, *, tt: TicketType = adult, quantity: int = 1, key: str | None = None) -> Any:
        return services.ticket_purchase(
            actor=None,
            event_code=tt.event.code,
            ticket_type_code=tt.code,
            card_number=card,
            idempotency_key=key or f"k-{next(counter)}",
            quantity=quantity,
            card_token=f"tok-{card}",
        )

    return _buy


def at(hour: int, day: int = 1) -> datetime:
    return datetime(2025, 11, 27 + day - 1, hour, tzinfo=UTC)
