# ruff: noqa: E501 - demo content lines are prose
"""Batik Fusion demo data: the city's batik venues and events (facts from the domain notes), their
sessions and ticket types, some tickets with check-ins and passport stamps, and a reward.

Dates not published for an edition (the 2025 carnival, the 2026 night market) are placeholders on
the usual pattern (Hari Batik in October; evenings during Ramadan) and say so in their summary.
Idempotent: a second run changes nothing.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from kotapintar.batik import services
from kotapintar.batik.models import CheckIn, Event, Ticket, TicketOrder, TicketType

WIB = ZoneInfo("Asia/Jakarta")

# code, name, address, lat, lon, description (id), description (en)
VENUES: list[tuple[str, str, str, float, float, str, str]] = [
    (
        "museum-batik",
        "Museum Batik Pekalongan",
        "Jl. Jetayu No. 1, Pekalongan Utara",
        -6.8796,
        109.6768,
        "Gedung tahun 1906, diresmikan Presiden SBY 12 Juli 2006; lebih dari 1.300 koleksi batik.",
        "A 1906 building opened by President SBY on 12 July 2006; more than 1,300 batik pieces.",
    ),
    (
        "gor-jetayu",
        "GOR Jetayu",
        "Kawasan Budaya Jetayu, Pekalongan Utara",
        -6.8790,
        109.6759,
        "Gedung olahraga di Kawasan Budaya Jetayu; start karnaval batik.",
        "Sports hall in the Jetayu heritage quarter; the carnival's start.",
    ),
    (
        "lapangan-jetayu",
        "Lapangan Jetayu",
        "Kawasan Budaya Jetayu, Pekalongan Utara",
        -6.8785,
        109.6765,
        "Lapangan terbuka untuk ekspo Pekan Batik Nusantara dan panggung karnaval.",
        "Open field for the Pekan Batik Nusantara expo and the carnival stage.",
    ),
    (
        "jalan-diponegoro",
        "Jl. Diponegoro",
        "Jl. Diponegoro, Pekalongan",
        -6.8850,
        109.6770,
        "Rute karnaval dan kirab budaya.",
        "Route of the carnival and the cultural procession.",
    ),
    (
        "alun-alun",
        "Alun-Alun Kota Pekalongan",
        "Jl. Alun-Alun, Kauman, Pekalongan Timur",
        -6.8875,
        109.6760,
        "Titik awal kirab budaya ulang tahun kota.",
        "Start of the city anniversary procession.",
    ),
    (
        "stadion-hoegeng",
        "Stadion Hoegeng",
        "Jl. Jenderal Sudirman, Pekalongan",
        -6.8947,
        109.6705,
        "Start karnaval dan kirab budaya.",
        "Start of the carnival and the procession.",
    ),
    (
        "lapangan-mataram",
        "Lapangan Mataram",
        "Jl. Mataram, Pekalongan",
        -6.8921,
        109.6850,
        "Lokasi Pekan Batik Nusantara 2023.",
        "Venue of Pekan Batik Nusantara 2023.",
    ),
    (
        "pasar-grosir-setono",
        "Pasar Grosir Batik Setono",
        "Setono, Pekalongan Timur",
        -6.8960,
        109.6905,
        "Pusat grosir batik; Batik Night Market saat Ramadan.",
        "Batik wholesale market; the Batik Night Market during Ramadan.",
    ),
]


def _wib(y: int, m: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=WIB)


EVENTS = [
    {
        "code": "pbn-2025",
        "venues": ["lapangan-jetayu", "museum-batik", "gor-jetayu"],
        "name_id": "Pekan Batik Nusantara 2025",
        "name_en": "Pekan Batik Nusantara 2025 (Batik Week)",
        "summary_id": 'Tema "Kemilau Batik Otentik Penggerak Ekonomi Negeri" — ekspo, pameran dan bazar batik di Kawasan Budaya Jetayu.',
        "summary_en": 'Theme "Kemilau Batik Otentik Penggerak Ekonomi Negeri" — batik expo, exhibition and bazaar in the Jetayu heritage quarter.',
        "description_id": "Ekspo tahunan sekitar Hari Batik Nasional. Stan UMKM batik, kuliner, business matching dan lokakarya di Museum Batik.",
        "description_en": "The annual expo around National Batik Day: batik SME stands, food, business matching and workshops at the Batik Museum.",
        "starts_at": _wib(2025, 11, 27, 9),
        "ends_at": _wib(2025, 12, 1, 22),
        "organiser": "Dinparbudpora Kota Pekalongan",
    },
    {
        "code": "batik-night-carnival-2025",
        "venues": ["gor-jetayu", "jalan-diponegoro", "lapangan-jetayu"],
        "name_id": "Pekalongan Batik Night Carnival 2025",
        "name_en": "Pekalongan Batik Night Carnival 2025",
        "summary_id": "Parade kostum batik malam hari untuk Hari Batik (tanggal contoh).",
        "summary_en": "Night-time batik costume parade for Batik Day (placeholder date).",
        "description_id": "Kostum minimal 70% motif Pekalongan (Jlamprang, Buketan, 3 Negeri, Liris, Benji). Rute GOR Jetayu → Jl. Diponegoro.",
        "description_en": "Costumes with at least 70% Pekalongan motifs (Jlamprang, Buketan, 3 Negeri, Liris, Benji). Route GOR Jetayu → Jl. Diponegoro.",
        "starts_at": _wib(2025, 10, 4, 18, 30),
        "ends_at": _wib(2025, 10, 4, 22, 30),
        "organiser": "Dinparbudpora Kota Pekalongan",
    },
    {
        "code": "batik-night-market-2026",
        "venues": ["pasar-grosir-setono"],
        "name_id": "Pekalongan Batik Night Market 2026",
        "name_en": "Pekalongan Batik Night Market 2026",
        "summary_id": "Pasar malam batik dan kuliner di Pasar Grosir Batik Setono bagi pemudik selama Ramadan (tanggal contoh).",
        "summary_en": "Batik and food night market at Pasar Grosir Batik Setono for mudik travellers during Ramadan (placeholder dates).",
        "starts_at": _wib(2026, 3, 5, 19),
        "ends_at": _wib(2026, 3, 15, 23),
        "organiser": "Dinparbudpora Kota Pekalongan",
    },
    {
        "code": "festival-sarung-batik-2026",
        "venues": ["alun-alun", "jalan-diponegoro"],
        "name_id": "Kirab Budaya / Festival Sarung Batik 2026",
        "name_en": "Cultural Procession / Sarung Batik Festival 2026",
        "summary_id": "Kirab ulang tahun kota 1 April: semua peserta berjalan bersarung batik.",
        "summary_en": "The city anniversary procession on 1 April: every participant walks in a sarung batik.",
        "starts_at": _wib(2026, 4, 1, 7),
        "ends_at": _wib(2026, 4, 1, 12),
        "organiser": "Pemerintah Kota Pekalongan",
    },
    {
        "code": "museum-batik-workshop",
        "venues": ["museum-batik"],
        "ongoing": True,
        "name_id": "Lokakarya Membatik Museum Batik",
        "name_en": "Batik Museum Batik-making Workshop",
        "summary_id": "Tiket masuk museum termasuk sesi membatik. Praktik Baik Pelestarian UNESCO.",
        "summary_en": "Museum entry includes a batik-making session. A UNESCO Best Safeguarding Practice.",
        "description_id": "Sekitar 100 pengunjung per hari, 300 saat libur.",
        "description_en": "About 100 visitors a day, 300 on holidays.",
        "starts_at": _wib(2025, 1, 1, 8),
        "ends_at": _wib(2025, 12, 31, 15),  # moved to the end of next year by coming_events()
        "organiser": "Museum Batik Pekalongan",
    },
]

# The coming editions, so that the Batik Fusion pages always show what is ahead whenever the demo
# is seeded: (code prefix, first year after the seeded past edition, (month, day, hour) of start
# and end, venues, names and summaries with {year}). The anniversary procession is on 1 April every
# year; the other dates are placeholders until the city's calendar is published.
RECURRING: list[dict[str, object]] = [
    {
        "prefix": "pbn",
        "first_year": 2026,
        "start": (12, 3, 9),
        "end": (12, 7, 22),
        "venues": ["lapangan-jetayu", "museum-batik", "gor-jetayu"],
        "name_id": "Pekan Batik Nusantara {year}",
        "name_en": "Pekan Batik Nusantara {year} (Batik Week)",
        "summary_id": "Ekspo, pameran dan bazar batik di Kawasan Budaya Jetayu (tanggal contoh).",
        "summary_en": "Batik expo, exhibition and bazaar in the Jetayu heritage quarter (placeholder dates).",
        "description_id": "Stan UMKM batik, kuliner, business matching dan lokakarya di Museum Batik.",
        "description_en": "Batik SME stands, food, business matching and workshops at the Batik Museum.",
        "organiser": "Dinparbudpora Kota Pekalongan",
        "ticket": ("umum", "Masuk umum", "General entry", 0, 150_000, True),
        "opening": ("Pembukaan Pekan Batik Nusantara", "Opening of the Batik Week", "lapangan-jetayu", 2),
    },
    {
        "prefix": "batik-night-market",
        "first_year": 2027,
        "start": (2, 25, 19),
        "end": (3, 7, 23),
        "venues": ["pasar-grosir-setono"],
        "name_id": "Pekalongan Batik Night Market {year}",
        "name_en": "Pekalongan Batik Night Market {year}",
        "summary_id": "Pasar malam batik dan kuliner di Pasar Grosir Batik Setono selama Ramadan (tanggal contoh).",
        "summary_en": "Batik and food night market at Pasar Grosir Batik Setono during Ramadan (placeholder dates).",
        "organiser": "Dinparbudpora Kota Pekalongan",
        "ticket": ("umum", "Masuk umum", "General entry", 0, 50_000, True),
    },
    {
        "prefix": "festival-sarung-batik",
        "first_year": 2027,
        "start": (4, 1, 7),
        "end": (4, 1, 12),
        "venues": ["alun-alun", "jalan-diponegoro"],
        "name_id": "Kirab Budaya / Festival Sarung Batik {year}",
        "name_en": "Cultural Procession / Sarung Batik Festival {year}",
        "summary_id": "Kirab ulang tahun kota 1 April: semua peserta berjalan bersarung batik.",
        "summary_en": "The city anniversary procession on 1 April: every participant walks in a sarung batik.",
        "organiser": "Pemerintah Kota Pekalongan",
        "ticket": ("peserta", "Peserta kirab", "Procession participant", 0, 5_000, False),
    },
]


def coming_events(now: datetime) -> list[dict[str, Any]]:
    """The next edition of each recurring event that has not ended at ``now``."""
    out = []
    for spec in RECURRING:
        year = max(int(str(spec["first_year"])), now.astimezone(WIB).year)
        while True:
            end = _wib(year, *spec["end"])  # type: ignore[misc]
            if end >= now:
                break
            year += 1
        event = {
            k: (v.format(year=year) if isinstance(v, str) else v)
            for k, v in spec.items()
            if k not in ("prefix", "first_year", "start", "end")
        }
        event["code"] = f"{spec['prefix']}-{year}"
        event["starts_at"] = _wib(year, *spec["start"])  # type: ignore[misc]
        event["ends_at"] = end
        out.append(event)
    return out


# event code, title id, title en, venue, start, end
SESSIONS = [
    (
        "pbn-2025",
        "Pembukaan Pekan Batik Nusantara",
        "Opening of the Batik Week",
        "lapangan-jetayu",
        _wib(2025, 11, 27, 9),
        _wib(2025, 11, 27, 11),
    ),
    (
        "pbn-2025",
        "Ekspo dan bazar batik (hari 1–5)",
        "Batik expo and bazaar (days 1–5)",
        "lapangan-jetayu",
        _wib(2025, 11, 27, 11),
        _wib(2025, 12, 1, 22),
    ),
    (
        "pbn-2025",
        "Lokakarya membatik tulis",
        "Hand-drawn batik workshop",
        "museum-batik",
        _wib(2025, 11, 28, 9),
        _wib(2025, 11, 28, 12),
    ),
    (
        "pbn-2025",
        "Business matching UMKM batik",
        "Batik SME business matching",
        "gor-jetayu",
        _wib(2025, 11, 29, 13),
        _wib(2025, 11, 29, 16),
    ),
    (
        "pbn-2025",
        "Penutupan dan pengumuman penjualan",
        "Closing and sales announcement",
        "lapangan-jetayu",
        _wib(2025, 12, 1, 19),
        _wib(2025, 12, 1, 22),
    ),
    (
        "batik-night-carnival-2025",
        "Parade karnaval GOR Jetayu → Jl. Diponegoro",
        "Parade GOR Jetayu → Jl. Diponegoro",
        "gor-jetayu",
        _wib(2025, 10, 4, 18, 30),
        _wib(2025, 10, 4, 22, 30),
    ),
    (
        "festival-sarung-batik-2026",
        "Kirab dari Alun-Alun ke Jl. Diponegoro",
        "Procession from the Alun-Alun to Jl. Diponegoro",
        "alun-alun",
        _wib(2026, 4, 1, 7),
        _wib(2026, 4, 1, 12),
    ),
    (
        "batik-night-market-2026",
        "Pasar malam batik dan kuliner",
        "Batik and food night market",
        "pasar-grosir-setono",
        _wib(2026, 3, 5, 19),
        _wib(2026, 3, 15, 23),
    ),
]

# The museum's daily batik sessions, on the days from the seeding day on (museum_sessions()):
# title id, title en, (start hour, end hour) WIB
MUSEUM_SESSIONS = [
    ("Sesi membatik pagi", "Morning batik session", (9, 11)),
    ("Sesi membatik siang", "Afternoon batik session", (13, 15)),
]
MUSEUM_SESSION_DAYS = 7


def museum_sessions(now: datetime) -> list[tuple[str, str, str, str, datetime, datetime]]:
    """The museum workshop's sessions on the MUSEUM_SESSION_DAYS days from ``now``'s day (WIB)."""
    today = now.astimezone(WIB).date()
    out = []
    for d in range(MUSEUM_SESSION_DAYS):
        day = today + timedelta(days=d)
        for t_id, t_en, (start, end) in MUSEUM_SESSIONS:
            out.append(
                (
                    "museum-batik-workshop",
                    t_id,
                    t_en,
                    "museum-batik",
                    _wib(day.year, day.month, day.day, start),
                    _wib(day.year, day.month, day.day, end),
                )
            )
    return out


# event, code, name id, name en, price, quota, re-entry
TICKET_TYPES = [
    ("pbn-2025", "umum", "Masuk umum", "General entry", 0, 150_000, True),
    (
        "batik-night-carnival-2025",
        "tribun",
        "Tribun penonton Jetayu",
        "Jetayu grandstand seat",
        10_000,
        1_500,
        False,
    ),
    ("batik-night-market-2026", "umum", "Masuk umum", "General entry", 0, 50_000, True),
    ("festival-sarung-batik-2026", "peserta", "Peserta kirab", "Procession participant", 0, 5_000, False),
    ("museum-batik-workshop", "pelajar", "Pelajar", "Student", 3_000, 100_000, False),
    ("museum-batik-workshop", "dewasa", "Dewasa", "Adult", 7_000, 100_000, False),
    ("museum-batik-workshop", "wisman", "Wisatawan mancanegara", "Foreign visitor", 20_000, 100_000, False),
]

#: demo visitors' cards (the wallet demo issues cards; these holders are ticket holders only)
DEMO_HOLDERS = [f"card:demo-{i:03d}" for i in range(1, 61)]
GATES = ["Gerbang Jetayu", "Gerbang Museum", "Gerbang Diponegoro"]


def seed(*, out: Callable[[str], None]) -> None:
    for code, name, address, lat, lon, d_id, d_en in VENUES:
        services.venue_upsert(
            actor=None,
            code=code,
            name=name,
            address=address,
            lat=lat,
            lon=lon,
            description_id=d_id,
            description_en=d_en,
        )
    now = timezone.now()
    coming = coming_events(now)
    for spec in [*EVENTS, *coming]:
        fields = dict(spec)
        code, venues = str(fields.pop("code")), list(fields.pop("venues"))
        fields.pop("ticket", None)
        fields.pop("opening", None)
        if fields.get("ongoing"):
            fields["ends_at"] = _wib(now.astimezone(WIB).year + 1, 12, 31, 15)
        services.event_upsert(actor=None, code=code, venue_codes=venues, **fields)
    events = {e.code: e for e in Event.objects.all()}
    sessions = [*SESSIONS, *museum_sessions(now)]
    ticket_types = list(TICKET_TYPES)
    for spec in coming:
        code, start = str(spec["code"]), spec["starts_at"]
        assert isinstance(start, datetime)
        ticket_types.append((code, *spec["ticket"]))
        opening = spec.get("opening")
        if isinstance(opening, tuple):
            o_id, o_en, o_venue, hours = opening
            sessions.append((code, o_id, o_en, o_venue, start, start + timedelta(hours=hours)))
    for ev, t_id, t_en, venue, start, end in sessions:
        from kotapintar.batik.models import Venue

        services.session_upsert(
            actor=None,
            event=events[ev],
            title_id=t_id,
            title_en=t_en,
            starts_at=start,
            ends_at=end,
            venue=Venue.objects.get(code=venue),
        )
    for ev, code, n_id, n_en, price, quota, reentry in ticket_types:
        services.ticket_type_upsert(
            actor=None,
            event=events[ev],
            code=code,
            name_id=n_id,
            name_en=n_en,
            price_idr=price,
            quota=quota,
            allow_reentry=reentry,
        )
    services.reward_upsert(
        actor=None,
        code="voucher-batik-5-stempel",
        name_id="Voucher belanja batik Rp25.000",
        name_en="Rp25,000 batik shopping voucher",
        stamps_required=5,
        stock=500,
        description_id="Untuk pemegang 5 stempel paspor batik; ditukar di stan Dinparbudpora.",
        description_en="For holders of 5 batik passport stamps; exchange at the Dinparbudpora stand.",
    )
    services.reward_upsert(
        actor=None,
        code="sesi-membatik-gratis-3-stempel",
        name_id="Sesi membatik gratis di Museum Batik",
        name_en="Free batik-making session at the Batik Museum",
        stamps_required=3,
        stock=None,
    )
    _seed_visits(out)
    _seed_museum_visits(now, out)
    out(
        f"  {len(VENUES)} venues, {len(EVENTS) + len(coming)} events, {len(sessions)} sessions, {len(ticket_types)} ticket types"
    )


def _seed_visits(out: Callable[[str], None]) -> None:
    """Free entry tickets for PBN 2025 and the 2026 festivals, scanned over the event days."""
    if TicketOrder.objects.filter(idempotency_key__startswith="demo:").exists():
        return
    rng = random.Random(2025)
    plan = [
        (
            "pbn-2025",
            "umum",
            DEMO_HOLDERS[:45],
            [_wib(2025, 11, 27 + d, 10) for d in range(4)] + [_wib(2025, 12, 1, 10)],
        ),
        (
            "batik-night-market-2026",
            "umum",
            DEMO_HOLDERS[20:50],
            [_wib(2026, 3, 5 + d, 19) for d in range(10)],
        ),
        ("festival-sarung-batik-2026", "peserta", DEMO_HOLDERS[30:60], [_wib(2026, 4, 1, 7)]),
    ]
    with transaction.atomic():
        for event_code, tt_code, holders, days in plan:
            tt = TicketType.objects.select_related("event").get(event__code=event_code, code=tt_code)
            for holder in holders:
                order = services.do_ticket_issue(
                    actor=None,
                    tt=tt,
                    quantity=1,
                    key=f"demo:{event_code}:{holder}",
                    scope="system",
                    hkey=holder,
                    card_number="",
                    user=None,
                    amount_idr=0,
                    payment_id="",
                )
                ticket = Ticket.objects.get(order=order)
                visits = rng.sample(days, k=min(len(days), rng.choice([1, 1, 1, 2, 3])))
                for day in sorted(visits):
                    when = day + timedelta(minutes=rng.randint(0, 300))
                    ticket.refresh_from_db()
                    if not ticket.inside:
                        services.do_checkin(
                            actor=None,
                            ticket=ticket,
                            kind=CheckIn.Kind.ENTRY,
                            gate=rng.choice(GATES),
                            scanned_at=when,
                            nonce=None,
                            offline=False,
                        )
                    ticket.refresh_from_db()
                    services.do_checkin(
                        actor=None,
                        ticket=ticket,
                        kind=CheckIn.Kind.EXIT,
                        gate=rng.choice(GATES),
                        scanned_at=when + timedelta(hours=2),
                        nonce=None,
                        offline=False,
                    )
    # visitors of all three festivals have 3 stamps: two of them took the free museum session
    for holder in DEMO_HOLDERS[30:32]:
        services.reward_redeem(actor=None, reward_code="sesi-membatik-gratis-3-stempel", holder=holder)
    out(f"  {Ticket.objects.count()} tickets, {CheckIn.objects.count()} scans, 2 rewards redeemed")


#: Days before the seeding day with museum visitors: a week, so the control room's 30-day visits stay
#: current (a day is 100–300 tickets, each scanned in and out through the services: a seed stays quick).
MUSEUM_VISIT_DAYS = 7
MUSEUM_KEY = "demo-museum:"
# ticket type, share of the visitors: mostly students and local adults, a few foreign visitors
MUSEUM_MIX = [("pelajar", 0.40), ("dewasa", 0.55), ("wisman", 0.05)]
MUSEUM_OPEN, MUSEUM_CLOSE = 8, 15  # WIB


def _seed_museum_visits(now: datetime, out: Callable[[str], None]) -> None:
    """Museum Batik visitors on each of the MUSEUM_VISIT_DAYS days before today (WIB): about 100 a
    day, 250–320 at the weekend, entering 08:00–14:30 and leaving by 15:00.

    The museum's tickets are paid (student, adult, foreign visitor) and these were bought at the
    museum counter, not with the city card: the order records the amount paid (face value times the
    quantity) and no wallet payment (`payment_id` empty), as the ticket service already treats a paid
    ticket without a payment (a cancellation refunds nothing to a card). So the money shows only as
    the event's ticket revenue on the analytics page; the wallet's turnover, the open data and the
    control room count card payments only and are unchanged. A visitor without a card is the holder
    ``counter:<day>-<n>`` (one per order; a family or a school group buys several tickets in one
    order). A day already seeded is skipped (a second run adds nothing); the day's visits come from
    its own seeded random, whenever it is seeded."""
    from django.contrib.auth import get_user_model

    today = now.astimezone(WIB).date()
    days = [today - timedelta(days=d) for d in range(MUSEUM_VISIT_DAYS, 0, -1)]
    seeded = {
        key[len(MUSEUM_KEY) : len(MUSEUM_KEY) + 8]
        for key in TicketOrder.objects.filter(idempotency_key__startswith=MUSEUM_KEY).values_list(
            "idempotency_key", flat=True
        )
    }
    days = [d for d in days if d.strftime("%Y%m%d") not in seeded]
    if not days:
        return
    clerk = get_user_model().objects.filter(username="pariwisata").first()  # the counter's staff
    types = {
        tt.code: tt
        for tt in TicketType.objects.select_related("event").filter(event__code="museum-batik-workshop")
    }
    codes, weights = zip(*MUSEUM_MIX, strict=True)
    tickets = 0
    with transaction.atomic():
        for day in days:
            ymd = day.strftime("%Y%m%d")
            rng = random.Random(f"batik-museum-{ymd}")
            weekend = day.weekday() >= 5
            visitors = rng.randint(250, 320) if weekend else rng.randint(85, 120)
            opens = _wib(day.year, day.month, day.day, MUSEUM_OPEN)
            closes = _wib(day.year, day.month, day.day, MUSEUM_CLOSE)
            n = 0
            while visitors > 0:
                n += 1
                if not weekend and rng.random() < 0.04:  # a school class: students with a teacher
                    group = [("pelajar", min(visitors, rng.randint(6, 9))), ("dewasa", 1)]
                else:
                    code = rng.choices(codes, weights)[0]
                    group = [(code, min(visitors, rng.choice([1, 1, 2, 2, 2, 3, 4])))]
                entered = opens + timedelta(minutes=round(rng.triangular(0, 390, 120)))
                left = min(closes, entered + timedelta(minutes=rng.randint(45, 150)))
                for k, (code, quantity) in enumerate(group):
                    tt = types[code]
                    order = services.do_ticket_issue(
                        actor=clerk,
                        tt=tt,
                        quantity=quantity,
                        key=f"{MUSEUM_KEY}{ymd}:{n:03d}:{k}",
                        scope="system",
                        hkey=f"counter:{ymd}-{n:03d}",
                        card_number="",
                        user=None,
                        amount_idr=tt.price_idr * quantity,
                        payment_id="",  # paid at the counter, not with the city card
                    )
                    sold = max(opens, entered - timedelta(minutes=rng.randint(2, 10)))
                    TicketOrder.objects.filter(pk=order.pk).update(created_at=sold)
                    Ticket.objects.filter(order=order).update(created_at=sold)
                    for ticket in Ticket.objects.filter(order=order).select_related("event"):
                        for kind, when in ((CheckIn.Kind.ENTRY, entered), (CheckIn.Kind.EXIT, left)):
                            services.do_checkin(
                                actor=clerk,
                                ticket=ticket,
                                kind=kind,
                                gate="Gerbang Museum",
                                scanned_at=when + timedelta(seconds=rng.randint(0, 59)),
                                nonce=None,
                                offline=False,
                            )
                    tickets += quantity
                    visitors -= quantity
    out(f"  Museum Batik: {tickets} visitors over {len(days)} days, tickets bought at the counter")
