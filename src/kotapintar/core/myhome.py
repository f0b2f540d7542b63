""" "Beranda saya": what each signed-in role sees first on the home page after login.

Each section reads through its app's selectors (no queries of its own). `admin_kota` holds every
role (see `permissions.has_role`), so an administrator gets every section: the city overview, after
the administration console's own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kotapintar.batik import selectors as batik_selectors
from kotapintar.core import selectors as core_selectors
from kotapintar.core.models import Role
from kotapintar.core.permissions import has_role, is_signed_in
from kotapintar.core.types import Actor
from kotapintar.esign import selectors as esign_selectors
from kotapintar.flood import selectors as flood_selectors
from kotapintar.masterplan import selectors as mp_selectors
from kotapintar.masterplan.models import Worksheet, WorksheetStatus
from kotapintar.opendata import selectors as opendata_selectors
from kotapintar.wallet import selectors as wallet_selectors

LIMIT = 5


@dataclass(frozen=True)
class Item:
    label: str
    url: str
    note: str = ""


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    items: list[Item] = field(default_factory=list)
    empty: str = ""
    more_url: str = ""
    more_label: str = ""


def _when(value: object) -> str:
    return str(formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT"))  # type: ignore[arg-type]


def _ws_item(ws: Worksheet) -> Item:
    return Item(
        f"{ws.element.code} · {ws.opd.short_name}",
        reverse("masterplan:worksheet", args=[ws.public_id]),
        str(ws.get_status_display()),
    )


def _opd(user: Actor) -> Section:
    plan = mp_selectors.plan_current_or_none()
    items: list[Item] = []
    if plan is not None:
        stage = mp_selectors.stage_next_deadline(plan=plan)
        if stage is not None and stage.end_date is not None:
            items.append(
                Item(
                    _("Next deadline: %(stage)s") % {"stage": mp_selectors.label(stage)},
                    reverse("masterplan:index"),
                    str(formats.date_format(stage.end_date, "DATE_FORMAT")),
                )
            )
        open_ws = mp_selectors.worksheet_list(plan=plan, reader=user, mine=True).exclude(
            status__in=mp_selectors.DONE_WORKSHEET
        )
        items += [_ws_item(ws) for ws in open_ws[:LIMIT]]
    return Section(
        "opd",
        _("My worksheets and deadlines"),
        items,
        _("No open worksheets."),
        reverse("masterplan:index"),
        _("Open the master plan"),
    )


def _mentor(user: Actor) -> Section:
    items = []
    for slot in mp_selectors.slot_list_for_mentor(mentor=user)[:LIMIT]:
        session = getattr(slot, "session", None)
        note = (
            f"{session.worksheet.element.code} · {session.worksheet.opd.short_name}"
            if session is not None
            else _("free")
        )
        items.append(Item(_when(slot.starts_at), reverse("masterplan:clinic"), note))
    return Section(
        "mentor",
        _("My clinic slots"),
        items,
        _("No upcoming clinic slots."),
        reverse("masterplan:index"),
        _("Open the master plan"),
    )


def _bappeda(user: Actor) -> Section:
    plan = mp_selectors.plan_current_or_none()
    items: list[Item] = []
    if plan is not None:
        queue = mp_selectors.worksheet_list(plan=plan, reader=user, status=WorksheetStatus.REVIEWED)
        items = [_ws_item(ws) for ws in queue[:LIMIT]]
    return Section(
        "bappeda",
        _("Worksheets waiting for review"),
        items,
        _("No worksheets are waiting for review."),
        reverse("masterplan:index"),
        _("Open the master plan"),
    )


def _dewan(user: Actor) -> Section:
    plan = mp_selectors.plan_current_or_none()
    meeting = mp_selectors.meeting_next(plan=plan) if plan is not None else None
    items = []
    if meeting is not None:
        items.append(
            Item(
                meeting.title,
                reverse("masterplan:meeting", args=[meeting.public_id]),
                f"{_when(meeting.held_at)} · {meeting.location}",
            )
        )
    return Section(
        "dewan",
        _("Next council meeting"),
        items,
        _("No council meeting is scheduled."),
        reverse("masterplan:index"),
        _("Open the master plan"),
    )


def _signer(user: Actor) -> Section:
    items = [
        Item(doc.title, reverse("esign:document_detail", args=[doc.public_id]), doc.number)
        for doc in esign_selectors.documents_awaiting(user)[:LIMIT]
    ]
    return Section(
        "signer",
        _("Documents waiting for your signature"),
        items,
        _("No documents are waiting for you."),
        reverse("esign:index"),
        _("Open e-signatures"),
    )


def _tourism(user: Actor) -> Section:
    event = batik_selectors.event_list(include_past=False).filter(ongoing=False).first()
    items = []
    if event is not None:
        items.append(Item(event.tr_name, reverse("batik:event", args=[event.code]), _when(event.starts_at)))
    return Section(
        "tourism",
        _("Next event"),
        items,
        _("No upcoming events."),
        reverse("batik:index"),
        _("Open Batik Fusion"),
    )


def _merchant(user: Actor) -> Section:
    items = [
        Item(m.name, reverse("wallet:pos", args=[m.code]), _("Open the cash register"))
        for m in wallet_selectors.merchants_for_user(user=user)[:LIMIT]
    ]
    return Section(
        "merchant",
        _("My cash registers"),
        items,
        _("No merchant is linked to your account."),
        reverse("wallet:index"),
        _("Open the wallet"),
    )


def _bpbd(user: Actor) -> Section:
    items = [
        Item(
            f"{a.station.name}: {a.level_name}",
            reverse("flood:index"),
            _when(a.created_at),
        )
        for a in flood_selectors.alert_list(active_only=True, limit=LIMIT)
    ]
    return Section(
        "bpbd",
        _("Active flood alerts"),
        items,
        _("No active alerts."),
        reverse("flood:index"),
        _("Open flood & rob"),
    )


def _walidata(user: Actor) -> Section:
    items = [
        Item(e.dataset.title_id, reverse("opendata:dataset", args=[e.dataset.name]), _("not public"))
        for e in opendata_selectors.catalogue(public_only=False)
        if not e.state.public and not e.dataset.personal
    ][:LIMIT]
    return Section(
        "walidata",
        _("Datasets not yet public"),
        items,
        _("Every dataset is public."),
        reverse("opendata:manage"),
        _("Open data publication"),
    )


def _mayor(user: Actor) -> Section:
    """The mayor's office: its home is the control room; the section gives its headline figures."""
    plan = mp_selectors.plan_current_or_none()
    items = [Item(_("Control room"), reverse("controlroom:room"), _("the city on one screen"))]
    if plan is not None:
        items.append(
            Item(
                _("Master plan progress"),
                reverse("masterplan:monitoring"),
                f"{formats.number_format(mp_selectors.plan_progress(plan=plan).percent, 1)}%",
            )
        )
    alerts = flood_selectors.alert_list(active_only=True)
    items.append(Item(_("Active flood alerts"), reverse("flood:index"), str(len(alerts))))
    return Section(
        "walikota",
        _("Mayor's office"),
        items,
        "",
        reverse("controlroom:room"),
        _("Open the control room"),
    )


def _admin(user: Actor) -> Section:
    users = core_selectors.user_list()
    anchor = core_selectors.audit_anchor_latest()
    items = [
        Item(
            _("Users"),
            reverse("kelola:users"),
            _("%(active)s active, %(inactive)s deactivated")
            % {
                "active": users.filter(is_active=True).count(),
                "inactive": users.filter(is_active=False).count(),
            },
        ),
        Item(
            _("API tokens"),
            reverse("kelola:tokens"),
            _("%(n)s active") % {"n": core_selectors.api_token_list_all(active_only=True).count()},
        ),
        Item(
            _("Audit log"),
            reverse("kelola:audit"),
            _("last anchor %(when)s") % {"when": _when(anchor.anchored_at)} if anchor else _("no anchor yet"),
        ),
        Item(_("System status"), reverse("kelola:status")),
    ]
    return Section(
        "admin", _("Administration"), items, "", reverse("kelola:index"), _("Open the administration")
    )


SECTIONS: list[tuple[str, Callable[[Actor], Section]]] = [
    (Role.ADMIN_KOTA, _admin),
    (Role.OPD, _opd),
    (Role.MENTOR, _mentor),
    (Role.BAPPEDA, _bappeda),
    (Role.DEWAN, _dewan),
    (Role.PENANDATANGAN, _signer),
    (Role.DINAS_PARIWISATA, _tourism),
    (Role.MERCHANT, _merchant),
    (Role.OPERATOR_BPBD, _bpbd),
    (Role.WALIDATA, _walidata),
    (Role.WALIKOTA, _mayor),
]


def sections_for(user: Actor) -> list[Section]:
    """The work queues of the user's roles, in a fixed order; none for an anonymous reader."""
    if not is_signed_in(user):
        return []
    return [build(user) for role, build in SECTIONS if has_role(user, role)]
