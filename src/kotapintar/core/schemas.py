"""Request and response schemas of the core API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from ninja import Schema
from pydantic import Field


class ErrorOut(Schema):
    code: str
    message: str
    detail: Any = None


# The error answers most endpoints declare (`response={200: X, **ERRORS}`).
ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


class GeometryOut(Schema):
    type: str
    coordinates: list[Any]


class KelurahanPropertiesOut(Schema):
    code: str
    name: str
    kecamatan: str
    kecamatan_code: str
    population: int
    population_year: int | None
    area_ha: float
    density_per_ha: float | None
    tags: list[str]


class KelurahanFeatureOut(Schema):
    type: Literal["Feature"]
    id: str
    geometry: GeometryOut
    properties: KelurahanPropertiesOut


class KelurahanCollectionOut(Schema):
    type: Literal["FeatureCollection"]
    features: list[KelurahanFeatureOut]


class KecamatanPropertiesOut(Schema):
    code: str
    name: str
    population: int
    area_ha: float


class KecamatanFeatureOut(Schema):
    type: Literal["Feature"]
    id: str
    geometry: GeometryOut
    properties: KecamatanPropertiesOut


class KecamatanCollectionOut(Schema):
    type: Literal["FeatureCollection"]
    features: list[KecamatanFeatureOut]


class CityOut(Schema):
    code: str
    name: str
    province: str
    vision: str
    bbox: list[float]
    population: int | None
    area_ha: float | None


class OPDOut(Schema):
    code: str
    name: str
    short_name: str
    kind: str


class MeOut(Schema):
    username: str
    full_name: str
    email: str
    roles: list[str]
    opd: str | None
    language: str


class TokenIn(Schema):
    name: str = Field(min_length=1, max_length=100)


class TokenOut(Schema):
    id: UUID
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreatedOut(TokenOut):
    token: str


class NotificationOut(Schema):
    id: UUID
    kind: str
    message: str
    url: str
    created_at: datetime
    read_at: datetime | None


class MarkedOut(Schema):
    marked: int


class AuditOut(Schema):
    seq: int
    created_at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    data: dict[str, Any]
    hash: str
