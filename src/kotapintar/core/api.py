"""Core API: the city, its wilayah as GeoJSON, OPD, the caller, API tokens, notifications, audit."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import Router, Status

from kotapintar.core import selectors, services
from kotapintar.core.auth import AUTH, PUBLIC
from kotapintar.core.models import ApiToken, Notification, Role
from kotapintar.core.permissions import require_role, user_roles
from kotapintar.core.schemas import (
    AuditOut,
    CityOut,
    ErrorOut,
    KecamatanCollectionOut,
    KelurahanCollectionOut,
    KelurahanFeatureOut,
    MarkedOut,
    MeOut,
    NotificationOut,
    OPDOut,
    TokenCreatedOut,
    TokenIn,
    TokenOut,
)

router = Router(tags=["core"])
E4 = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _token_out(token: ApiToken) -> dict[str, Any]:
    return {
        "id": token.public_id,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "revoked_at": token.revoked_at,
    }


@router.get("/city", response={200: CityOut, **E4}, auth=PUBLIC, summary="The city this platform serves")
def city(request: HttpRequest) -> dict[str, Any]:
    c = selectors.city_get()
    return {
        "code": c.code,
        "name": c.name,
        "province": c.province,
        "vision": c.vision,
        "bbox": list(c.bbox),
        "population": c.population,
        "area_ha": c.area_ha,
    }


@router.get(
    "/kecamatan", response={200: KecamatanCollectionOut, **E4}, auth=PUBLIC, summary="Kecamatan (GeoJSON)"
)
def kecamatan(request: HttpRequest) -> dict[str, Any]:
    return selectors.kecamatan_feature_collection()


@router.get(
    "/kelurahan", response={200: KelurahanCollectionOut, **E4}, auth=PUBLIC, summary="Kelurahan (GeoJSON)"
)
def kelurahan(request: HttpRequest, kecamatan: str | None = None) -> dict[str, Any]:
    return selectors.kelurahan_feature_collection(kecamatan_code=kecamatan)


@router.get(
    "/kelurahan/{code}", response={200: KelurahanFeatureOut, **E4}, auth=PUBLIC, summary="One kelurahan"
)
def kelurahan_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    kel = selectors.kelurahan_get(code=code)
    return {
        "type": "Feature",
        "id": kel.code,
        "geometry": kel.geometry,
        "properties": selectors.kelurahan_properties(kel),
    }


@router.get("/opd", response={200: list[OPDOut], **E4}, auth=PUBLIC, summary="City agencies (OPD)")
def opd(request: HttpRequest) -> Any:
    return selectors.opd_list()


@router.get("/me", response={200: MeOut, **E4}, auth=AUTH, summary="The caller")
def me(request: HttpRequest) -> dict[str, Any]:
    user: Any = request.user
    profile = getattr(user, "profile", None)
    return {
        "username": user.get_username(),
        "full_name": user.get_full_name(),
        "email": user.email,
        "roles": sorted(user_roles(user)),
        "opd": profile.opd.code if profile is not None and profile.opd is not None else None,
        "language": get_language() or "id",
    }


@router.get("/tokens", response={200: list[TokenOut], **E4}, auth=AUTH, summary="My API tokens")
def tokens(request: HttpRequest) -> list[dict[str, Any]]:
    return [_token_out(t) for t in selectors.api_token_list(user=request.user)]


@router.post(
    "/tokens", response={201: TokenCreatedOut, **E4}, auth=AUTH, summary="Create an API token (shown once)"
)
def token_create(request: HttpRequest, payload: TokenIn) -> Status[dict[str, Any]]:
    token, raw = services.api_token_create(user=request.user, name=payload.name)
    return Status(201, {**_token_out(token), "token": raw})


@router.delete("/tokens/{token_id}", response={200: TokenOut, **E4}, auth=AUTH, summary="Revoke an API token")
def token_revoke(request: HttpRequest, token_id: UUID) -> dict[str, Any]:
    return _token_out(services.api_token_revoke(user=request.user, public_id=token_id))


def _notification_out(n: Notification) -> dict[str, Any]:
    return {
        "id": n.public_id,
        "kind": n.kind,
        "message": n.message,
        "url": n.url,
        "created_at": n.created_at,
        "read_at": n.read_at,
    }


@router.get(
    "/notifications", response={200: list[NotificationOut], **E4}, auth=AUTH, summary="My notifications"
)
def notifications(request: HttpRequest, unread: bool = False) -> list[dict[str, Any]]:
    return [_notification_out(n) for n in selectors.notification_list(user=request.user, unread_only=unread)]


@router.post(
    "/notifications/read", response={200: MarkedOut, **E4}, auth=AUTH, summary="Mark notifications read"
)
def notifications_read(request: HttpRequest, notification_id: UUID | None = None) -> dict[str, int]:
    return {"marked": services.notification_mark_read(user=request.user, public_id=notification_id)}


@router.get(
    "/audit", response={200: list[AuditOut], **E4}, auth=AUTH, summary="Audit log (city administrators)"
)
def audit_log(
    request: HttpRequest, object_type: str | None = None, object_id: str | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    require_role(request.user, Role.ADMIN_KOTA)
    return [
        {
            "seq": e.seq,
            "created_at": e.created_at,
            "actor": e.actor_label,
            "action": e.action,
            "object_type": e.object_type,
            "object_id": e.object_id,
            "data": e.data,
            "hash": e.hash,
        }
        for e in selectors.audit_list(object_type=object_type, object_id=object_id, limit=limit)
    ]
