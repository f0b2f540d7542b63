"""Demo data of the wallet: the stalls of Pasar Grosir Batik Setono and food stalls, the tourism
office's ticket merchant, city cards with balances and a realistic history of payments at the batik
events the batik app seeds (pbn-2025, batik-night-carnival-2025, batik-night-market-2026,
festival-sarung-batik-2026, museum-batik-workshop), so the analytics show turnover.

Everything goes through the services (real ledger transfers); only the timestamps of the historic
rows are then set to the event days, which is what a seed of past data has to do. Idempotent: every
operation uses a fixed idempotency key and a second run changes nothing.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from kotapintar.core.types import Actor
from kotapintar.lib.money import format_idr
from kotapintar.wallet import cardtoken, selectors, services
from kotapintar.wallet.models import Card, CardStatus, Merchant, Payment, TopUp, Transfer
from kotapintar.wallet.types import PaymentResult

WIB = ZoneInfo("Asia/Jakarta")
ORGANISER = "dinparbudpora-tiket"

# code, name, category, location, mcc
MERCHANTS: list[tuple[str, str, str, str, str]] = [
    ("toko-batik-setono", "Toko Batik Setono", "batik", "Pasar Grosir Setono, Blok A-12", "5699"),
    ("batik-pesisir-setono", "Batik Pesisir Setono", "batik", "Pasar Grosir Setono, Blok A-27", "5699"),
    ("batik-jlamprang-collection", "Jlamprang Collection", "batik", "Pasar Grosir Setono, Blok B-04", "5699"),
    ("batik-tiga-negeri", "Batik Tiga Negeri Bu Rini", "batik", "Pasar Grosir Setono, Blok B-18", "5699"),
    ("batik-buketan-ayu", "Batik Buketan Ayu", "batik", "Pasar Grosir Setono, Blok C-09", "5699"),
    ("sarung-goyor-medono", "Sarung Goyor Medono", "batik", "Pasar Grosir Setono, Blok C-21", "5699"),
    (
        "canting-pekalongan",
        "Canting & Malam Pekalongan",
        "kerajinan",
        "Pasar Grosir Setono, Blok D-02",
        "5970",
    ),
    ("tenun-atbm-medono", "Tenun ATBM Medono", "kerajinan", "Kampung Tenun Medono", "5970"),
    ("nasi-megono-bu-sri", "Nasi Megono Bu Sri", "kuliner", "Pujasera Setono", "5812"),
    ("tauto-pak-di", "Tauto Pekalongan Pak Di", "kuliner", "Pujasera Setono", "5812"),
    ("garang-asem-jetayu", "Garang Asem Jetayu", "kuliner", "Lapangan Jetayu", "5812"),
    ("kopi-tahlil-jetayu", "Kopi Tahlil Jetayu", "kuliner", "Lapangan Jetayu", "5814"),
    ("es-dawet-kalimanggis", "Es Dawet Kalimanggis", "kuliner", "Jl. Diponegoro", "5814"),
    (ORGANISER, "Tiket Dinparbudpora", "tiket", "Dinparbudpora Kota Pekalongan", "7922"),
]

# event, (start, end) of the trading windows, merchants present, payments to seed
EVENTS: list[tuple[str, list[datetime], list[str], int]] = [
    (
        "pbn-2025",
        [datetime(2025, 11, 27 + d, 10, tzinfo=WIB) for d in range(4)]
        + [datetime(2025, 12, 1, 10, tzinfo=WIB)],
        [m[0] for m in MERCHANTS],
        260,
    ),
    (
        "batik-night-carnival-2025",
        [datetime(2025, 10, 4, 18, 30, tzinfo=WIB)],
        ["garang-asem-jetayu", "kopi-tahlil-jetayu", "es-dawet-kalimanggis", "tauto-pak-di", ORGANISER],
        70,
    ),
    (
        "batik-night-market-2026",
        [datetime(2026, 3, 5 + d, 19, tzinfo=WIB) for d in range(10)],
        [m[0] for m in MERCHANTS if m[2] in ("batik", "kuliner", "kerajinan")] + [ORGANISER],
        180,
    ),
    (
        "festival-sarung-batik-2026",
        [datetime(2026, 4, 1, 7, tzinfo=WIB)],
        [
            "sarung-goyor-medono",
            "batik-pesisir-setono",
            "nasi-megono-bu-sri",
            "es-dawet-kalimanggis",
            ORGANISER,
        ],
        50,
    ),
    (
        "museum-batik-workshop",
        [datetime(2026, 6, 6, 9, tzinfo=WIB) + timedelta(weeks=w) for w in range(8)],
        ["canting-pekalongan", ORGANISER],
        40,
    ),
]

PRICES: dict[str, tuple[int, int, int]] = {  # min, max, step (rupiah)
    "batik": (85_000, 750_000, 5_000),
    "kerajinan": (15_000, 250_000, 5_000),
    "kuliner": (8_000, 45_000, 1_000),
    "tiket": (5_000, 20_000, 1_000),
}
CARDS = 40


def seed(*, out: Callable[[str], None]) -> None:
    User = get_user_model()
    operator = (
        User.objects.filter(username="pariwisata").first() or User.objects.filter(is_superuser=True).first()
    )
    if operator is None:
        out("  wallet: no operator (seed core first) — skipped")
        return
    owner = User.objects.filter(username="merchant").first()

    created = 0
    for code, name, category, location, mcc in MERCHANTS:
        if not Merchant.objects.filter(code=code).exists():
            services.merchant_create(
                actor=operator,
                code=code,
                name=name,
                category=category,
                owner=owner if code == "toko-batik-setono" else None,
                location=location,
                mcc=mcc,
                postal_code="51118",
            )
            created += 1
    for event_code, _days, merchants, _n in EVENTS:
        for code in merchants:
            services.merchant_register_for_event(actor=operator, merchant_code=code, event_code=event_code)

    if Payment.objects.filter(reference__startswith="demo-").exists():
        out(f"  wallet: {Merchant.objects.count()} merchants, event payments already seeded")
    else:
        _seed_events(operator, created, out)
    _seed_recent_days(operator, out)


def _seed_events(operator: Actor, created: int, out: Callable[[str], None]) -> None:
    """The cards, and the payments at the past batik events (fixed dates)."""
    rng = random.Random(3375)
    with transaction.atomic():
        numbers: list[str] = []
        for i in range(CARDS):
            info = services.card_issue(actor=operator, nfc_uid=f"04{i:012X}" if i % 3 == 0 else "")
            numbers.append(info.number)
        categories = {m[0]: m[2] for m in MERCHANTS}
        count = 0
        for event_code, days, merchants, n in EVENTS:
            for j in range(n):
                number = rng.choice(numbers)
                code = rng.choice(merchants)
                low, high, step = PRICES[categories[code]]
                amount = rng.randrange(low, high + 1, step)
                when = rng.choice(days) + timedelta(minutes=rng.randint(0, 240), seconds=rng.randint(0, 59))
                p = _pay_backdated(
                    operator,
                    rng,
                    number=number,
                    code=code,
                    amount=amount,
                    when=when,
                    keys=("demo", f"{event_code}-{j}"),
                    event_code=event_code,
                    reference=f"demo-{event_code}-{j}"[:64],
                )
                count += 1
                if j % 40 == 7:  # an occasional refund (wrong size, returned sarong)
                    r = services.payment_refund(
                        actor=operator,
                        payment_id=p.payment_id,
                        idempotency_key=f"demo-refund-{event_code}-{j}",
                    )
                    Transfer.objects.filter(ref_id=r.refund_id).update(
                        created_at=when + timedelta(minutes=20)
                    )
        # a blocked card and a replaced one, so the booth page has examples
        services.card_block(actor=operator, number=numbers[-1], reason="hilang (demo)")
        services.card_replace(actor=operator, number=numbers[-2], idempotency_key="demo-replace-1")
    total = sum(Payment.objects.values_list("amount_idr", flat=True))
    out(
        f"  wallet: {Merchant.objects.count()} merchants ({created} new), {Card.objects.count()} cards, "
        f"{count} payments worth {format_idr(total)}"
    )


#: Everyday trading in the days before the seed (not at an event): merchants and payments per day
#: (more at the weekend), so the 30-day turnover is current whenever the demo is seeded.
RECENT_DAYS = 30
RECENT_MERCHANTS = [m[0] for m in MERCHANTS if m[2] in ("batik", "kerajinan", "kuliner")]
RECENT_EVENT = ("museum-batik-workshop", "canting-pekalongan")  # malam and canting for the museum session


def _seed_recent_days(operator: Actor, out: Callable[[str], None]) -> None:
    """City-card payments on each of the RECENT_DAYS days before today (WIB), 08:00–21:00, paid by
    the demo cards; a day already seeded is skipped, so a second run adds nothing and a run on a later
    day adds only the days since. Top-ups come before the payment they fund: no balance goes below 0."""
    today = timezone.localtime(timezone.now(), WIB).date()
    days = [today - timedelta(days=d) for d in range(RECENT_DAYS, 0, -1)]
    seeded = {
        ref[len("demo-hari-") : len("demo-hari-") + 8]
        for ref in Payment.objects.filter(reference__startswith="demo-hari-").values_list(
            "reference", flat=True
        )
    }
    days = [d for d in days if d.strftime("%Y%m%d") not in seeded]
    numbers = list(
        Card.objects.filter(status=CardStatus.ACTIVE, payments__reference__startswith="demo-")
        .distinct()
        .order_by("pk")
        .values_list("number", flat=True)
    )
    if not days or not numbers:
        return
    categories = {m[0]: m[2] for m in MERCHANTS}
    count = total = 0
    with transaction.atomic():
        for day in days:
            ymd = day.strftime("%Y%m%d")
            rng = random.Random(f"wallet-demo-{ymd}")  # the same payments for a day whenever it is seeded
            n = rng.randint(8, 14) * (3 if day.weekday() >= 5 else 2) // 2
            times = sorted(
                datetime(day.year, day.month, day.day, 8, tzinfo=WIB)
                + timedelta(minutes=rng.randint(0, 13 * 60 - 1), seconds=rng.randint(0, 59))
                for _ in range(n)
            )
            for j, when in enumerate(times):
                number = rng.choice(numbers)
                at_museum = rng.random() < 0.15
                code = RECENT_EVENT[1] if at_museum else rng.choice(RECENT_MERCHANTS)
                low, high, step = PRICES[categories[code]]
                if categories[code] == "batik":  # an everyday sarong or shirt, not a festival piece
                    high = 350_000
                amount = rng.randrange(low, high + 1, step)
                _pay_backdated(
                    operator,
                    rng,
                    number=number,
                    code=code,
                    amount=amount,
                    when=when,
                    keys=("demo-hari", f"{ymd}-{j}"),
                    event_code=RECENT_EVENT[0] if at_museum else "",
                    reference=f"demo-hari-{ymd}-{j}",
                )
                count += 1
                total += amount
    out(f"  wallet: {count} everyday payments over {len(days)} days before today worth {format_idr(total)}")


def _pay_backdated(
    operator: Actor,
    rng: random.Random,
    *,
    number: str,
    code: str,
    amount: int,
    when: datetime,
    keys: tuple[str, str],
    event_code: str,
    reference: str,
) -> PaymentResult:
    """A demo card payment at ``when`` (the card topped up in cash shortly before when its balance is short;
    no balance goes below 0), through the services, then back-dated with its ledger transfers. ``keys``:
    the idempotency keys' prefix and suffix (``{prefix}-topup-{suffix}``, ``{prefix}-pay-{suffix}``)."""
    prefix, suffix = keys
    if selectors.card_balance(number=number) < amount:
        top = min(2_000_000, max(100_000, ((amount // 50_000) + 2) * 50_000))
        t = services.topup_cash(
            actor=operator, card_number=number, amount_idr=top, idempotency_key=f"{prefix}-topup-{suffix}"
        )
        _backdate_topup(t.topup_id, when - timedelta(minutes=rng.randint(5, 60)))
    p = services.payment_create(
        actor=operator,
        merchant_code=code,
        card_number=number,
        card_token=cardtoken.sign(number),  # the visitor's card scanned at the stall
        amount_idr=amount,
        idempotency_key=f"{prefix}-pay-{suffix}",
        event_code=event_code,
        reference=reference,
    )
    Payment.objects.filter(public_id=p.payment_id).update(created_at=when)
    Transfer.objects.filter(ref_id=p.payment_id).update(created_at=when)
    return p


def _backdate_topup(topup_id: UUID, when: datetime) -> None:
    TopUp.objects.filter(public_id=topup_id).update(created_at=when, resolved_at=when)
    Transfer.objects.filter(ref_id=topup_id).update(created_at=when)
