"""Fixtures of the master plan tests: a plan, a worksheet of the user's OPD, one user per role."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from kotapintar.core.models import OPD, Role
from kotapintar.masterplan import services
from kotapintar.masterplan.models import CouncilMeeting, Element, MentorSlot, Plan, Worksheet
from tests.masterplan.factories import programme_payload


@pytest.fixture
def reference(db: Any) -> None:
    services.reference_ensure()


@pytest.fixture
def bappeda_user(make_user: Callable[..., Any], city: Any) -> Any:
    bappeda_opd = OPD.objects.get_or_create(
        code="bappeda", defaults={"city": city, "name": "Bappeda", "short_name": "Bappeda"}
    )[0]
    return make_user(Role.BAPPEDA, opd=bappeda_opd, username="perencana")


@pytest.fixture
def opd_user(make_user: Callable[..., Any], opd: OPD) -> Any:
    return make_user(Role.OPD, opd=opd, username="staf_kominfo")


@pytest.fixture
def other_opd_user(make_user: Callable[..., Any], other_opd: OPD) -> Any:
    return make_user(Role.OPD, opd=other_opd, username="staf_dlh")


@pytest.fixture
def mentor_user(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.MENTOR, username="mentor_ugm")


@pytest.fixture
def dewan_user(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.DEWAN, username="anggota_dewan")


@pytest.fixture
def citizen(make_user: Callable[..., Any]) -> Any:
    return make_user(username="warga")


@pytest.fixture
def role_users(
    bappeda_user: Any,
    opd_user: Any,
    other_opd_user: Any,
    mentor_user: Any,
    dewan_user: Any,
    citizen: Any,
    admin_user: Any,
) -> dict[str, Any]:
    return {
        "bappeda": bappeda_user,
        "opd": opd_user,
        "other_opd": other_opd_user,
        "mentor": mentor_user,
        "dewan": dewan_user,
        "citizen": citizen,
        "admin": admin_user,
    }


@pytest.fixture
def plan(reference: None, city: Any, bappeda_user: Any) -> Plan:
    return services.plan_create(
        actor=bappeda_user,
        city=city,
        title="Masterplan Uji 2019–2028",
        start_year=2019,
        end_year=2028,
        rpjmd_goals=[{"code": "M1", "text": "Tata kelola"}],
    )


@pytest.fixture
def worksheet(plan: Plan, opd: OPD, other_opd: OPD, opd_user: Any) -> Worksheet:
    ws = services.worksheet_create(
        actor=opd_user, plan=plan, opd=opd, element=Element.objects.get(code="GOV-1")
    )
    services.programme_save(actor=opd_user, worksheet=ws, data=programme_payload())
    return ws


@pytest.fixture
def slot(mentor_user: Any) -> MentorSlot:
    start = timezone.now() + timedelta(days=2)
    return services.mentor_slot_create(actor=mentor_user, starts_at=start, ends_at=start + timedelta(hours=1))


@pytest.fixture
def meeting(plan: Plan, bappeda_user: Any) -> CouncilMeeting:
    return services.meeting_create(
        actor=bappeda_user, plan=plan, title="Rapat Dewan", held_at=timezone.now() + timedelta(days=7)
    )


def after(when: Any) -> Any:
    """Pin "now" five minutes after `when` (a slot's or a meeting's start): verdicts, endorsements and
    minutes wait for their slot or meeting (services.schedule)."""
    return time_machine.travel(when + timedelta(minutes=5), tick=False)


def advance(
    ws: Worksheet,
    to: str,
    *,
    opd_user: Any,
    mentor_user: Any,
    bappeda_user: Any,
    dewan_user: Any,
    slot: MentorSlot,
    meeting: CouncilMeeting,
) -> Worksheet:
    """Walk a worksheet through the flow up to the status `to`; the verdict and acceptance happen
    once the slot has started, the endorsement once the meeting has started."""
    order = ["draft", "submitted", "clinic", "reviewed", "accepted", "endorsed"]
    steps = {
        "submitted": lambda w: services.worksheet_submit(actor=opd_user, worksheet=w),
        "clinic": lambda w: services.clinic_book(actor=opd_user, worksheet=w, slot=slot),
        "reviewed": lambda w: services.clinic_verdict(actor=mentor_user, worksheet=w, verdict="accepted"),
        "accepted": lambda w: services.worksheet_accept(actor=bappeda_user, worksheet=w),
        "endorsed": lambda w: services.worksheet_endorse(actor=dewan_user, worksheet=w, meeting=meeting),
    }
    waits_for = {"reviewed": slot.starts_at, "accepted": slot.starts_at, "endorsed": meeting.held_at}
    if to == "revision":
        advance(
            ws,
            "clinic",
            opd_user=opd_user,
            mentor_user=mentor_user,
            bappeda_user=bappeda_user,
            dewan_user=dewan_user,
            slot=slot,
            meeting=meeting,
        )
        with after(slot.starts_at):
            services.clinic_verdict(actor=mentor_user, worksheet=ws, verdict="revision")
    else:
        ws.refresh_from_db()
        current = order.index(ws.status) if ws.status in order else 0
        for status in order[current + 1 : order.index(to) + 1]:
            if status in waits_for:
                with after(waits_for[status]):
                    steps[status](ws)
            else:
                steps[status](ws)
    ws.refresh_from_db()
    return ws


@pytest.fixture
def walk(
    opd_user: Any,
    mentor_user: Any,
    bappeda_user: Any,
    dewan_user: Any,
    slot: MentorSlot,
    meeting: CouncilMeeting,
) -> Callable[[Worksheet, str], Worksheet]:
    def _walk(ws: Worksheet, to: str) -> Worksheet:
        return advance(
            ws,
            to,
            opd_user=opd_user,
            mentor_user=mentor_user,
            bappeda_user=bappeda_user,
            dewan_user=dewan_user,
            slot=slot,
            meeting=meeting,
        )

    return _walk


@pytest.fixture
def demo(db: Any, settings: Any) -> Plan:
    settings.DEMO_PASSWORD = "Demo-Pekalongan-2018"
    with open("/dev/null", "w") as sink:
        call_command("seed_demo", "--only", "core", "masterplan", stdout=sink)
    return Plan.objects.get()
