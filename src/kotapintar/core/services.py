"""Writes of the core app: wilayah import, OPD, users and roles, API tokens, notifications."""

from __future__ import annotations

import csv
import functools
import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, TypedDict, Unpack

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kotapintar.core import audit, selectors, siteurl
from kotapintar.core.db import hot_cursor
from kotapintar.core.errors import TokenNotFound, ValidationFailed
from kotapintar.core.models import OPD, ApiToken, City, Kecamatan, Kelurahan, Notification, Profile, Role
from kotapintar.core.permissions import require_role
from kotapintar.core.types import Actor
from kotapintar.lib import geo

DATA_DIR = selectors.DATA_DIR
TOKEN_PREFIX = "kp_"  # noqa: S105 - a public prefix, not a secret


# --- Wilayah --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WilayahImportResult:
    city: City
    kecamatan: int
    kelurahan: int
    changed: int


@functools.lru_cache(maxsize=16)
def _load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def wilayah_import(
    *,
    city_code: str,
    city_name: str,
    province: str,
    folder: Path,
    prefix: str,
    vision: str = "",
    address: str = "",
    boundaries_source: str = "",
) -> WilayahImportResult:
    """Load a city's kecamatan and kelurahan from its GeoJSON layers and `wilayah.csv` (idempotent).

    Names are joined on their normalised form (see lib.geo.normalise_name); the CSV gives codes,
    population and tags; the boundary layer gives the geometry.
    """
    with (folder / "wilayah.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    boundaries = _load_json(folder / f"{prefix}Batas_Administrasi.geojson")
    kec_layer = _load_json(folder / f"{prefix}Batas_kecamatan.geojson")
    kel_geom = {
        geo.normalise_name(f["properties"]["KELURAHAN"]): f["geometry"] for f in boundaries["features"]
    }
    kec_geom = {
        geo.normalise_name(f["properties"]["KECAMATAN"]): f["geometry"] for f in kec_layer["features"]
    }
    missing = [r["name"] for r in rows if geo.normalise_name(r["name"]) not in kel_geom]
    if missing:
        raise ValidationFailed(_("Kelurahan without a boundary: %(names)s") % {"names": ", ".join(missing)})

    min_lon, min_lat, max_lon, max_lat = geo.bbox(kel_geom.values())
    changed = 0
    with transaction.atomic():
        city, created = City.objects.get_or_create(
            code=city_code,
            defaults={
                "name": city_name,
                "province": province,
                "vision": vision,
                "address": address,
                "boundaries_source": boundaries_source,
                "min_lon": min_lon,
                "min_lat": min_lat,
                "max_lon": max_lon,
                "max_lat": max_lat,
            },
        )
        changed += int(created)
        kec_rows: dict[str, list[dict[str, str]]] = {}
        for row in rows:
            kec_rows.setdefault(row["kecamatan_code"], []).append(row)
        for kec_code, members in kec_rows.items():
            kec_name = members[0]["kecamatan"]
            kec_defaults = {
                "city": city,
                "name": kec_name,
                "geometry": kec_geom[geo.normalise_name(kec_name)],
                "population": sum(int(r["population_2017"]) for r in members),
                "area_ha": round(sum(float(r["area_ha"]) for r in members), 1),
            }
            kec, kec_created = Kecamatan.objects.get_or_create(code=kec_code, defaults=kec_defaults)
            changed += int(kec_created)
            for row in members:
                _kel, kel_created = Kelurahan.objects.get_or_create(
                    code=row["code"],
                    defaults={
                        "kecamatan": kec,
                        "name": row["name"],
                        "geometry": kel_geom[geo.normalise_name(row["name"])],
                        "population": int(row["population_2017"]),
                        "population_year": 2017,
                        "area_ha": float(row["area_ha"]),
                        "tags": [t for t in row["tags"].split(";") if t],
                        "notes": row["notes"],
                    },
                )
                changed += int(kel_created)
        if changed:
            city.population = sum(int(r["population_2017"]) for r in rows)
            city.population_source = "RTRW 2017"
            city.area_ha = round(sum(float(r["area_ha"]) for r in rows), 1)
            city.save(update_fields=["population", "population_source", "area_ha"])
            audit.record(action="core.wilayah_import", obj=city, data={"changed": changed})
    return WilayahImportResult(
        city=city,
        kecamatan=Kecamatan.objects.filter(city=city).count(),
        kelurahan=Kelurahan.objects.filter(kecamatan__city=city).count(),
        changed=changed,
    )


def opd_ensure(*, city: City, code: str, name: str, short_name: str, kind: str = "") -> tuple[OPD, bool]:
    opd, created = OPD.objects.get_or_create(
        code=code, defaults={"city": city, "name": name, "short_name": short_name, "kind": kind}
    )
    if created:
        audit.record(action="core.opd_create", obj=opd, data={"code": code, "name": name})
    return opd, created


# --- Users and roles ------------------------------------------------------------------------------


def roles_ensure() -> None:
    for role in Role:
        Group.objects.get_or_create(name=role.value)


class UserExtras(TypedDict, total=False):
    """The optional keywords of `user_insert` (and so of `user_ensure`)."""

    full_name: str
    email: str
    opd: OPD | None
    nip: str
    jabatan: str
    is_staff: bool
    actor: Actor


def user_ensure(
    *, username: str, password: str, roles: list[str], **extras: Unpack[UserExtras]
) -> tuple[Any, bool]:
    """Create a user with roles and profile if absent; an existing user is left as it is."""
    existing = get_user_model().objects.filter(username=username).first()
    if existing is not None:
        return existing, False
    return user_insert(username=username, password=password, roles=roles, **extras), True


def user_insert(
    *,
    username: str,
    password: str | None,
    roles: list[str],
    full_name: str = "",
    email: str = "",
    opd: OPD | None = None,
    nip: str = "",
    jabatan: str = "",
    is_staff: bool = False,
    actor: Actor = None,
) -> Any:
    """Insert a user with roles and profile, audited (`password` None: no usable password yet, the
    user sets one through a one-time link). Callers check the username and the actor's right."""
    with transaction.atomic():
        first, _sep, last = full_name.strip().partition(" ")
        user = get_user_model().objects.create_user(
            username=username, password=password, email=email, first_name=first, last_name=last
        )
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])
        for role in roles:
            user.groups.add(Group.objects.get_or_create(name=role)[0])
        Profile.objects.create(user=user, opd=opd, nip=nip, jabatan=jabatan)
        audit.record(
            action="core.user_create",
            actor=actor,
            obj=user,
            data={"username": username, "roles": roles, "opd": opd.code if opd is not None else None},
        )
    return user


# --- API tokens -------------------------------------------------------------------------------------


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def api_token_create(*, user: Any, name: str) -> tuple[ApiToken, str]:
    """Create a token; the raw value is returned once and never stored."""
    name = name.strip()
    if not name:
        raise ValidationFailed(_("Give the token a name."), detail={"field": "name"})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name[:100], prefix=raw[:10], token_hash=_token_hash(raw)
        )
        audit.record(action="core.token_create", actor=user, obj=token, data={"name": token.name})
    return token, raw


def api_token_revoke(*, user: Any, public_id: Any) -> ApiToken:
    """Revoke one of `user`'s own tokens (an administrator revokes anyone's: `console_tokens`)."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(public_id=public_id, user=user).first()
        if token is None:
            raise TokenNotFound()
        return api_token_mark_revoked(token=token, actor=user)


def api_token_revoke_any(*, actor: Actor, public_id: Any) -> ApiToken:
    """The city administrator revokes anyone's token (the console's token list)."""
    admin = require_role(actor, Role.ADMIN_KOTA)
    with transaction.atomic():
        token = (
            ApiToken.objects.select_for_update().select_related("user").filter(public_id=public_id).first()
        )
        if token is None:
            raise TokenNotFound()
        return api_token_mark_revoked(token=token, actor=admin)


def api_token_mark_revoked(*, token: ApiToken, actor: Actor) -> ApiToken:
    """Revoke a token locked by the caller (inside its transaction), audited; revoking twice is a
    no-op. The token stops working at once: authentication reads `revoked_at` on every call."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            action="core.token_revoke", actor=actor, obj=token, data={"owner": token.user.get_username()}
        )
    return token


TOKEN_TOUCH_S = 60


@functools.cache
def _token_user_query(vendor: str) -> tuple[str, list[tuple[Any, list[Any]]]]:
    """SQL for the user of an active token (plus the token id and whether its last use is older
    than TOKEN_TOUCH_S), and each user column's field with the converters the ORM would apply.

    Every API call runs this query: built once per database vendor from the models' own table and
    column names, it costs one round trip and no query compilation."""
    user_model = get_user_model()
    fields = list(user_model._meta.concrete_fields)
    quote = connection.ops.quote_name
    columns = ", ".join(f"u.{quote(f.column or f.attname)}" for f in fields)
    sql = (
        f"SELECT {columns}, t.id, "  # noqa: S608 - names from the models
        f"CASE WHEN t.last_used_at IS NULL OR t.last_used_at < %s THEN 1 ELSE 0 END "
        f"FROM {quote(ApiToken._meta.db_table)} t "
        f"JOIN {quote(user_model._meta.db_table)} u ON u.id = t.user_id "
        f"WHERE t.token_hash = %s AND t.revoked_at IS NULL AND u.is_active"
    )
    converters = []
    for field in fields:
        column = field.get_col(user_model._meta.db_table)
        convs = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        converters.append((field, convs))
    return sql, converters


def api_token_authenticate(*, raw: str) -> Any | None:
    """The active user owning this token, or None. Updates last use at most once a minute."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    now = timezone.now()
    sql, converters = _token_user_query(connection.vendor)
    with hot_cursor() as cursor:
        cursor.execute(sql, [now - timedelta(seconds=TOKEN_TOUCH_S), _token_hash(raw)])
        row = cursor.fetchone()
    if row is None:
        return None
    values = []
    for (field, convs), value in zip(converters, row, strict=False):
        for convert in convs:
            value = convert(value, field, connection)
        values.append(value)
    user = get_user_model().from_db(connection.alias, [f.attname for f, _c in converters], values)
    token_id, stale = row[len(converters)], row[len(converters) + 1]
    if stale:
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
    return user


def notification_mark_read(*, user: Any, public_id: Any | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if public_id is not None:
        qs = qs.filter(public_id=public_id)
    return qs.update(read_at=timezone.now())


def notification_email_send(*, notification_id: int) -> bool:
    """E-mail a notification to its recipient; False when there is nothing to send."""
    from django.conf import settings
    from django.core.mail import send_mail

    note = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if note is None or not note.recipient.email:
        return False
    link = siteurl.absolute_url(note.url) if note.url.startswith("/") else note.url
    body = f"{note.message}\n\n{link}".strip()
    send_mail(
        subject=f"[Kota Pintar] {note.message[:60]}",
        message=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[note.recipient.email],
    )
    return True
