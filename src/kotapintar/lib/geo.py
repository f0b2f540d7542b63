"""GeoJSON helpers (pure; shapely for geometry)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from shapely.geometry import Point, shape

_PREFIX = re.compile(r"^(kelurahan|kecamatan|desa|kota|kabupaten)\s+", re.IGNORECASE)


def normalise_name(name: str) -> str:
    """'Kelurahan Panjang Baru' and 'Panjangbaru' both become 'panjangbaru'."""
    return re.sub(r"[\s\-_.']", "", _PREFIX.sub("", name.strip())).lower()


def bbox(geometries: Iterable[dict[str, Any]]) -> tuple[float, float, float, float]:
    """(min_lon, min_lat, max_lon, max_lat) over GeoJSON geometries."""
    bounds = [shape(g).bounds for g in geometries]
    if not bounds:
        raise ValueError("no geometries")
    return (
        min(b[0] for b in bounds),
        min(b[1] for b in bounds),
        max(b[2] for b in bounds),
        max(b[3] for b in bounds),
    )


def contains(geometry: dict[str, Any], lon: float, lat: float) -> bool:
    return bool(shape(geometry).covers(Point(lon, lat)))


def is_valid(geometry: dict[str, Any]) -> bool:
    try:
        return bool(shape(geometry).is_valid)
    except (ValueError, TypeError, AttributeError, KeyError):
        return False


def feature(
    geometry: dict[str, Any], properties: dict[str, Any], feature_id: str | None = None
) -> dict[str, Any]:
    result: dict[str, Any] = {"type": "Feature", "geometry": geometry, "properties": properties}
    if feature_id is not None:
        result["id"] = feature_id
    return result


def feature_collection(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}
