"""Reads of the core app."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from kotapintar.core.errors import CityMissing, NotFound, UserNotFound
from kotapintar.core.health import health_checks_run
from kotapintar.core.models import (
    OPD,
    ApiToken,
    AuditAnchor,
    AuditEntry,
    City,
    Heartbeat,
    Kecamatan,
    Kelurahan,
    Notification,
)
from kotapintar.lib import geo

DATA_DIR = Path(__file__).resolve().parent / "data"


def city_get(*, code: str | None = None) -> City:

    city = City.objects.filter(code=code or settings.CITY_CODE).first() or City.objects.order_by("pk").first()
    if city is None:
        raise CityMissing()
    return city


@dataclass(frozen=True)
class CityLayers:
    """Extra map layers shipped for a city: `core/data/<folder>/layers.json` names its city code,
    the layer files (by name: `rob`, `sungai`), their source and whether they are demo data."""

    city_code: str
    files: dict[str, Path]
    source: str
    demo: bool


@functools.cache
def _layer_manifests() -> dict[str, CityLayers]:
    found = {}
    for manifest in sorted(DATA_DIR.glob("*/layers.json")):
        doc = json.loads(manifest.read_text(encoding="utf-8"))
        found[doc["city_code"]] = CityLayers(
            city_code=doc["city_code"],
            files={name: manifest.parent / file for name, file in doc["layers"].items()},
            source=doc.get("source", ""),
            demo=bool(doc.get("demo")),
        )
    return found


def city_layers(*, city: City | None) -> CityLayers | None:
    """The extra map layers of the city, if the platform ships any for it."""
    return _layer_manifests().get(city.code) if city is not None else None


def city_get_or_none() -> City | None:
    try:
        return city_get()
    except NotFound:
        return None


def kecamatan_list() -> QuerySet[Kecamatan]:
    return Kecamatan.objects.order_by("code")


def kelurahan_list(*, kecamatan_code: str | None = None) -> QuerySet[Kelurahan]:
    qs = Kelurahan.objects.select_related("kecamatan").order_by("code")
    if kecamatan_code:
        qs = qs.filter(kecamatan__code=kecamatan_code)
    return qs


def kelurahan_get(*, code: str) -> Kelurahan:
    kel = Kelurahan.objects.select_related("kecamatan").filter(code=code).first()
    if kel is None:
        raise NotFound()
    return kel


def kelurahan_at(*, lon: float, lat: float) -> Kelurahan | None:
    """The kelurahan whose boundary covers the point, if any."""
    for kel in Kelurahan.objects.only("id", "code", "name", "geometry"):
        if geo.contains(kel.geometry, lon, lat):
            return kel
    return None


def kelurahan_properties(kel: Kelurahan) -> dict[str, Any]:
    density = round(kel.population / kel.area_ha, 1) if kel.area_ha else None
    return {
        "code": kel.code,
        "name": kel.name,
        "kecamatan": kel.kecamatan.name,
        "kecamatan_code": kel.kecamatan.code,
        "population": kel.population,
        "population_year": kel.population_year,
        "area_ha": kel.area_ha,
        "density_per_ha": density,
        "tags": kel.tags,
    }


def kelurahan_feature_collection(*, kecamatan_code: str | None = None) -> dict[str, Any]:
    return geo.feature_collection(
        [
            geo.feature(kel.geometry, kelurahan_properties(kel), kel.code)
            for kel in kelurahan_list(kecamatan_code=kecamatan_code)
        ]
    )


def kecamatan_feature_collection() -> dict[str, Any]:
    return geo.feature_collection(
        [
            geo.feature(
                k.geometry,
                {"code": k.code, "name": k.name, "population": k.population, "area_ha": k.area_ha},
                k.code,
            )
            for k in kecamatan_list()
        ]
    )


def opd_list() -> QuerySet[OPD]:
    return OPD.objects.order_by("short_name")


def opd_get(*, code: str) -> OPD:
    opd = OPD.objects.filter(code=code).first()
    if opd is None:
        raise NotFound()
    return opd


def api_token_list(*, user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def notification_list(*, user: Any, unread_only: bool = False, limit: int = 50) -> list[Notification]:
    qs = Notification.objects.filter(recipient=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return list(qs.order_by("-created_at")[:limit])


def notification_unread_count(*, user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def health() -> dict[str, Any]:
    """Database reachable, every migration applied, no stale process heartbeat, and every check the apps
    registered (`core.health`, e.g. the wallet's payment-audit lag) ok. A database outage is reported
    (the reason in `error`); anything else is a bug and raises."""
    status: dict[str, Any] = {"database": False, "migrations": False}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        status["database"] = True
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        status["migrations"] = not plan
        status["pending_migrations"] = len(plan)
        status["processes"] = processes_health()
        if status["migrations"]:
            status["checks"] = health_checks_run()
    except DatabaseError as exc:
        status["error"] = type(exc).__name__
    stale = [p["name"] for p in status.get("processes", []) if p["stale"]]
    status["stale_processes"] = stale
    failing = [name for name, check in status.get("checks", {}).items() if not check["ok"]]
    status["failing_checks"] = failing
    status["ok"] = bool(status["database"] and status["migrations"] and not stale and not failing)
    return status


def processes_health(*, now: datetime | None = None) -> list[dict[str, Any]]:
    """Every process that beats (`core.heartbeats`): its heartbeat's age and whether it is stale, i.e.
    older than HEARTBEAT_STALE_S (the process died without stopping)."""
    now = now or timezone.now()
    return [
        {
            "name": hb.name,
            "role": hb.role,
            "host": hb.host,
            "pid": hb.pid,
            "age_s": round((now - hb.beat_at).total_seconds(), 1),
            "stale": (now - hb.beat_at).total_seconds() > settings.HEARTBEAT_STALE_S,
        }
        for hb in Heartbeat.objects.order_by("role", "name")
    ]


def audit_list(
    *, object_type: str | None = None, object_id: str | None = None, limit: int = 100
) -> list[AuditEntry]:
    qs = AuditEntry.objects.order_by("-seq")
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    return list(qs[: max(1, min(limit, 1000))])


def audit_search(
    *,
    actor: str = "",
    obj: str = "",
    action: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEntry]:
    """Audit entries, newest first. `actor`: part of the username (or "system"); `obj`: part of the
    object type (`core.opd`) or the exact object id; `action`: part of the action; the dates are
    whole days in the city's time zone, both included."""
    qs = AuditEntry.objects.order_by("-seq")
    if actor.strip():
        qs = qs.filter(actor_label__icontains=actor.strip())
    if obj.strip():
        qs = qs.filter(Q(object_type__icontains=obj.strip()) | Q(object_id=obj.strip()))
    if action.strip():
        qs = qs.filter(action__icontains=action.strip())
    zone = timezone.get_current_timezone()
    if date_from is not None:
        qs = qs.filter(created_at__gte=datetime.combine(date_from, time.min, tzinfo=zone))
    if date_to is not None:
        qs = qs.filter(created_at__lt=datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=zone))
    return qs


def audit_anchor_latest() -> AuditAnchor | None:
    return AuditAnchor.objects.order_by("-seq", "-pk").first()


# --- the administration console -------------------------------------------------------------------------


def user_list(
    *, q: str = "", role: str = "", opd_id: int | None = None, active: bool | None = None
) -> QuerySet[Any]:
    """Users for the console: `q` matches the username, name or e-mail."""
    qs = (
        get_user_model()
        .objects.select_related("profile__opd")
        .prefetch_related("groups")
        .order_by("username")
    )
    if q.strip():
        term = q.strip()
        qs = qs.filter(
            Q(username__icontains=term)
            | Q(first_name__icontains=term)
            | Q(last_name__icontains=term)
            | Q(email__icontains=term)
        )
    if role:
        qs = qs.filter(groups__name=role)
    if opd_id is not None:
        qs = qs.filter(profile__opd_id=opd_id)
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs


def user_get(*, user_id: int) -> Any:
    user = get_user_model().objects.select_related("profile__opd").filter(pk=user_id).first()
    if user is None:
        raise UserNotFound()
    return user


def api_token_list_all(*, q: str = "", active_only: bool = False) -> QuerySet[ApiToken]:
    """Every user's tokens (never their secret: only the prefix is kept), newest first."""
    qs = ApiToken.objects.select_related("user").order_by("-created_at")
    if q.strip():
        term = q.strip()
        qs = qs.filter(
            Q(user__username__icontains=term) | Q(name__icontains=term) | Q(prefix__startswith=term)
        )
    if active_only:
        qs = qs.filter(revoked_at__isnull=True, user__is_active=True)
    return qs


def opd_list_with_members() -> QuerySet[OPD]:
    return OPD.objects.annotate(member_count=Count("members")).order_by("short_name")
