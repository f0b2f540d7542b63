""" "Beranda saya": after login each role finds its own work queue on the home page."""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from kotapintar.batik import services as batik_services
from kotapintar.core.models import Role
from kotapintar.esign.models import DocumentStatus, StepKind, StepStatus, WorkflowStep
from kotapintar.flood.models import Alert, AlertKind, Station, StationKind
from kotapintar.masterplan import services as mp_services
from kotapintar.masterplan.models import Stage
from kotapintar.wallet import services as wallet_services
from tests.masterplan.conftest import (  # noqa: F401 - fixtures
    bappeda_user,
    dewan_user,
    meeting,
    mentor_user,
    opd_user,
    other_opd_user,
    plan,
    reference,
    slot,
    walk,
    worksheet,
)
from tests.masterplan.factories import DocumentFactory

pytestmark = pytest.mark.django_db


class Page(HTMLParser):
    """The parts of the home page these tests read: work-queue sections (their links and text),
    header links by `data-nav` and any element's `href` by id."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.queues: dict[str, dict[str, Any]] = {}
        self.nav: dict[str, str] = {}
        self.by_id: dict[str, str] = {}
        self._queue: str | None = None
        self._depth = 0
        self._in_list = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if self._queue is not None and tag == "section":
            self._depth += 1
        if "data-queue" in a:
            self._queue, self._depth = a["data-queue"], 1
            self.queues[self._queue] = {"links": [], "text": ""}
        if tag == "ul" and self._queue is not None:
            self._in_list = True
        if tag == "a" and self._queue is not None and self._in_list:
            self.queues[self._queue]["links"].append(a.get("href", ""))
        if tag == "a" and "data-nav" in a:
            self.nav[a["data-nav"]] = a.get("href", "")
        if "id" in a:
            self.by_id[a["id"]] = a.get("href", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "ul":
            self._in_list = False
        if tag == "section" and self._queue is not None:
            self._depth -= 1
            if self._depth == 0:
                self._queue = None

    def handle_data(self, data: str) -> None:
        if self._queue is not None:
            self.queues[self._queue]["text"] += data


def page(client: Any) -> Page:
    response = client.get("/")
    assert response.status_code == 200
    return Page(response.content.decode())


def queue(client: Any, key: str) -> dict[str, Any]:
    return page(client).queues[key]


def links(section: dict[str, Any]) -> list[str]:
    return list(section["links"])


def test_anonymous_home_has_no_work_queue(client, city):
    assert "my-home" not in page(client).by_id


def test_home_links_the_verification_page(client, city):
    assert page(client).by_id["verify-link"] == reverse("esign:verify_upload")


def test_anonymous_tte_entry_goes_to_the_verification_page(client, city):
    assert page(client).nav["tte"] == reverse("esign:verify_upload")


def test_signed_in_header_has_the_wallet_and_the_tte_module(login_client, make_user, city):
    client = login_client(make_user(Role.MERCHANT))
    nav = page(client).nav
    assert (nav["dompet"], nav["tte"]) == (reverse("wallet:index"), "/tte/")


def test_anonymous_header_has_no_wallet(client, city):
    assert "dompet" not in page(client).nav


def test_favicon_ico_redirects_to_the_svg_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("core/favicon.svg")


def test_opd_sees_its_open_worksheet(login_client, opd_user, worksheet):  # noqa: F811
    section = queue(login_client(opd_user), "opd")
    assert links(section) == [reverse("masterplan:worksheet", args=[worksheet.public_id])]


def test_opd_does_not_see_another_opds_worksheet(login_client, other_opd_user, worksheet):  # noqa: F811
    assert links(queue(login_client(other_opd_user), "opd")) == []


def test_opd_sees_the_next_stage_deadline(login_client, opd_user, plan):  # noqa: F811
    due = timezone.localdate() + timedelta(days=10)
    Stage.objects.create(
        plan=plan, code="S9", name_id="Penajaman Uji", name_en="Test sharpening", end_date=due
    )
    Stage.objects.create(
        plan=plan, code="S0", name_id="Tahap Lalu", name_en="Past", end_date=due - timedelta(30)
    )
    text = queue(login_client(opd_user), "opd")["text"]
    assert "Penajaman Uji" in text
    assert "Tahap Lalu" not in text


def test_mentor_sees_own_upcoming_slot(login_client, mentor_user, slot):  # noqa: F811
    section = queue(login_client(mentor_user), "mentor")
    assert links(section) == [reverse("masterplan:clinic")]


def test_mentor_does_not_see_another_mentors_slot(login_client, make_user, slot):  # noqa: F811
    assert links(queue(login_client(make_user(Role.MENTOR)), "mentor")) == []


def test_bappeda_sees_a_reviewed_worksheet(login_client, bappeda_user, worksheet, walk):  # noqa: F811
    walk(worksheet, "reviewed")
    section = queue(login_client(bappeda_user), "bappeda")
    assert links(section) == [reverse("masterplan:worksheet", args=[worksheet.public_id])]


def test_bappeda_queue_leaves_out_a_draft(login_client, bappeda_user, worksheet):  # noqa: F811
    assert links(queue(login_client(bappeda_user), "bappeda")) == []


def test_dewan_sees_the_next_meeting(login_client, dewan_user, meeting):  # noqa: F811
    section = queue(login_client(dewan_user), "dewan")
    assert links(section) == [reverse("masterplan:meeting", args=[meeting.public_id])]


def test_dewan_does_not_see_a_past_meeting(login_client, dewan_user, plan, bappeda_user):  # noqa: F811
    mp_services.meeting_create(
        actor=bappeda_user, plan=plan, title="Rapat Lalu", held_at=timezone.now() - timedelta(days=3)
    )
    assert links(queue(login_client(dewan_user), "dewan")) == []


def test_signer_sees_a_document_waiting_for_them(login_client, make_user):
    signer = make_user(Role.PENANDATANGAN)
    doc = DocumentFactory.create(status=DocumentStatus.IN_PROGRESS)
    WorkflowStep.objects.create(document=doc, order=1, kind=StepKind.SIGN, actor=signer)
    section = queue(login_client(signer), "signer")
    assert links(section) == [reverse("esign:document_detail", args=[doc.public_id])]


def test_signer_does_not_see_a_document_signed_already(login_client, make_user):
    signer = make_user(Role.PENANDATANGAN)
    doc = DocumentFactory.create(status=DocumentStatus.IN_PROGRESS)
    WorkflowStep.objects.create(
        document=doc, order=1, kind=StepKind.SIGN, actor=signer, status=StepStatus.DONE
    )
    assert links(queue(login_client(signer), "signer")) == []


def test_tourism_office_sees_the_next_event(login_client, make_user, city):
    start = timezone.now() + timedelta(days=3)
    batik_services.event_upsert(
        actor=None,
        code="pbn-uji",
        venue_codes=[],
        name_id="Pekan Batik Uji",
        starts_at=start,
        ends_at=start + timedelta(days=2),
    )
    section = queue(login_client(make_user(Role.DINAS_PARIWISATA)), "tourism")
    assert links(section) == [reverse("batik:event", args=["pbn-uji"])]


def test_merchant_sees_its_cash_register(login_client, make_user):
    owner = make_user(Role.MERCHANT)
    wallet_services.merchant_create(
        actor=make_user(Role.DINAS_PARIWISATA),
        code="batik-uji",
        name="Batik Uji",
        category="batik",
        owner=owner,
    )
    section = queue(login_client(owner), "merchant")
    assert links(section) == [reverse("wallet:pos", args=["batik-uji"])]


def _alert(station: Station, *, level: int, superseded: bool = False) -> Alert:
    now = timezone.now()
    return Alert.objects.create(
        station=station,
        kind=AlertKind.LEVEL,
        level=level,
        previous_level=0,
        level_name="Siaga II",
        phenomenon_time=now,
        created_at=now,
        expires_at=now + timedelta(hours=6),
        message="Uji",
        superseded_at=now if superseded else None,
    )


@pytest.fixture
def station(city: Any) -> Station:
    return Station.objects.create(
        code="uji-1", name="Kali Uji", kind=StationKind.RIVER, lon=109.67, lat=-6.88
    )


def test_bpbd_sees_an_active_alert(login_client, make_user, station):
    _alert(station, level=2)
    text = queue(login_client(make_user(Role.OPERATOR_BPBD)), "bpbd")["text"]
    assert "Kali Uji" in text


def test_bpbd_does_not_see_a_superseded_alert(login_client, make_user, station):
    _alert(station, level=2, superseded=True)
    assert links(queue(login_client(make_user(Role.OPERATOR_BPBD)), "bpbd")) == []


def test_admin_overview_has_every_queue(login_client, admin_user, city):
    assert list(page(login_client(admin_user)).queues) == [
        "admin",
        "opd",
        "mentor",
        "bappeda",
        "dewan",
        "signer",
        "tourism",
        "merchant",
        "bpbd",
        "walidata",
        "walikota",
    ]


def test_a_role_sees_only_its_own_queue(login_client, make_user, city):
    assert list(page(login_client(make_user(Role.DEWAN))).queues) == ["dewan"]
