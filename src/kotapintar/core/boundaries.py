"""A city's wilayah read from GeoJSON for `kotapintar city-init`, every feature checked before any write.

The kelurahan file is a FeatureCollection with one Polygon or MultiPolygon feature per kelurahan (or
desa), in longitude/latitude (WGS 84). Its properties:

| property | required | meaning |
|---|---|---|
| `code` | yes | Kemendagri code, `PP.KK.CC.NNNN` under the city's code (e.g. `33.76.01.1001`) |
| `name` | yes | the kelurahan's name |
| `kecamatan` | unless a kecamatan file is given | the kecamatan's name |
| `population` | no | residents (a whole number) |
| `population_year` | no | the year of that figure |
| `area_ha` | no | area in hectares; computed from the polygon when absent |

The optional kecamatan file has one feature per kecamatan with `code` (`PP.KK.CC`) and `name`; without
it a kecamatan's boundary is the union of its kelurahan.

Checks: a FeatureCollection; polygons whose rings close, have at least four points and are valid
(no self-intersection); every coordinate inside Indonesia's range; codes well formed, under the city and
unique; names present and unique within a kecamatan. Every problem found is listed (feature number,
code, reason); the first one's code is the error's code.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from shapely.geometry import mapping, shape
from shapely.ops import unary_union
from shapely.validation import explain_validity

from kotapintar.core.errors import (
    BoundaryCodeDuplicate,
    BoundaryCodeInvalid,
    BoundaryGeometryInvalid,
    BoundaryKecamatanMissing,
    BoundaryNameInvalid,
    BoundaryOutsideRange,
    BoundaryRingOpen,
    BoundaryValueInvalid,
    DomainError,
    GeojsonInvalid,
    TooLarge,
)
from kotapintar.lib import geo

MAX_BYTES = 50 * 1024 * 1024
MAX_FEATURES = 5000
#: Indonesia with a margin (Sabang to Merauke, Rote to Miangas), WGS 84.
LON_RANGE = (94.0, 142.0)
LAT_RANGE = (-11.5, 6.5)
CITY_CODE = re.compile(r"^\d{2}\.\d{2}$")
KECAMATAN_CODE = re.compile(r"^\d{2}\.\d{2}\.\d{2}$")
KELURAHAN_CODE = re.compile(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$")
#: Metres per degree of latitude (and of longitude at the equator) on the WGS 84 mean radius.
M_PER_DEGREE = 111_195.0


@dataclass(frozen=True)
class KelurahanIn:
    code: str
    name: str
    kecamatan_code: str
    kecamatan_name: str
    geometry: dict[str, Any]
    population: int
    population_year: int | None
    area_ha: float


@dataclass(frozen=True)
class KecamatanIn:
    code: str
    name: str
    geometry: dict[str, Any]
    population: int
    area_ha: float


@dataclass(frozen=True)
class Wilayah:
    kecamatan: list[KecamatanIn]
    kelurahan: list[KelurahanIn]
    bbox: tuple[float, float, float, float]  # min_lon, min_lat, max_lon, max_lat

    @property
    def population(self) -> int:
        return sum(k.population for k in self.kelurahan)

    @property
    def area_ha(self) -> float:
        return round(sum(k.area_ha for k in self.kelurahan), 1)


@dataclass(frozen=True)
class Problem:
    error: type[DomainError]
    feature: int  # 1-based position in the file
    code: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"feature": self.feature, "code": self.code, "error": self.error.code, "reason": self.reason}


class _Problems:
    def __init__(self, file_label: str) -> None:
        self.file_label = file_label
        self.items: list[Problem] = []

    def add(self, error: type[DomainError], feature: int, code: str, reason: str | Promise) -> None:
        self.items.append(Problem(error, feature, code, str(reason)))

    def raise_any(self) -> None:
        if not self.items:
            return
        first = self.items[0]
        message = _("%(file)s, feature %(n)d%(code)s: %(reason)s") % {
            "file": self.file_label,
            "n": first.feature,
            "code": f" ({first.code})" if first.code else "",
            "reason": first.reason,
        }
        if len(self.items) > 1:
            message = _("%(first)s (and %(more)d more problems, listed in the detail)") % {
                "first": message,
                "more": len(self.items) - 1,
            }
        raise first.error(
            message, detail={"file": self.file_label, "problems": [p.as_dict() for p in self.items]}
        )


def _features(data: bytes, file_label: str) -> list[dict[str, Any]]:
    if len(data) > MAX_BYTES:
        raise TooLarge(detail={"file": file_label, "max_bytes": MAX_BYTES})
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise GeojsonInvalid(
            _("%(file)s is not JSON: %(reason)s") % {"file": file_label, "reason": str(exc)[:200]},
            detail={"file": file_label},
        ) from None
    if (
        not isinstance(doc, dict)
        or doc.get("type") != "FeatureCollection"
        or not isinstance(doc.get("features"), list)
    ):
        raise GeojsonInvalid(
            _("%(file)s is not a GeoJSON FeatureCollection.") % {"file": file_label},
            detail={"file": file_label},
        )
    features = doc["features"]
    if not features:
        raise GeojsonInvalid(
            _("%(file)s holds no features.") % {"file": file_label}, detail={"file": file_label}
        )
    if len(features) > MAX_FEATURES:
        raise TooLarge(detail={"file": file_label, "max_features": MAX_FEATURES})
    return list(features)


def _properties(feature: Any) -> dict[str, Any]:
    props = feature.get("properties") if isinstance(feature, dict) else None
    return props if isinstance(props, dict) else {}


def _text(props: dict[str, Any], key: str) -> str:
    value = props.get(key)
    return value.strip().replace("\x00", "") if isinstance(value, str) else ""


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _polygons(geometry: dict[str, Any]) -> list[Any] | None:
    if geometry.get("type") == "Polygon":
        return [geometry.get("coordinates")]
    if geometry.get("type") == "MultiPolygon":
        coords = geometry.get("coordinates")
        return coords if isinstance(coords, list) else None
    return None


def _check_geometry(feature: Any, n: int, code: str, problems: _Problems) -> dict[str, Any] | None:
    """The feature's geometry when it is a closed, valid polygon inside Indonesia; else a problem."""
    geometry = feature.get("geometry") if isinstance(feature, dict) else None
    if not isinstance(geometry, dict):
        problems.add(BoundaryGeometryInvalid, n, code, _("the feature has no geometry"))
        return None
    polygons = _polygons(geometry)
    if polygons is None or not polygons:
        problems.add(
            BoundaryGeometryInvalid,
            n,
            code,
            _("the geometry is a %(type)s, not a Polygon or MultiPolygon")
            % {"type": str(geometry.get("type"))[:40]},
        )
        return None
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            problems.add(BoundaryGeometryInvalid, n, code, _("a polygon has no rings"))
            return None
        for ring in polygon:
            if not isinstance(ring, list) or not all(
                isinstance(p, list) and len(p) >= 2 and _is_number(p[0]) and _is_number(p[1]) for p in ring
            ):
                problems.add(
                    BoundaryGeometryInvalid, n, code, _("a ring holds something other than coordinates")
                )
                return None
            if len(ring) < 4:
                problems.add(
                    BoundaryGeometryInvalid,
                    n,
                    code,
                    _("a ring has %(count)d points; a polygon needs at least 4") % {"count": len(ring)},
                )
                return None
            if ring[0][:2] != ring[-1][:2]:
                problems.add(
                    BoundaryRingOpen,
                    n,
                    code,
                    _("the ring starts at %(first)s and ends at %(last)s: it does not close")
                    % {"first": ring[0][:2], "last": ring[-1][:2]},
                )
                return None
            for lon, lat, *_rest in ring:
                if not (LON_RANGE[0] <= lon <= LON_RANGE[1] and LAT_RANGE[0] <= lat <= LAT_RANGE[1]):
                    problems.add(
                        BoundaryOutsideRange,
                        n,
                        code,
                        _("the point (%(lon)s, %(lat)s) is outside Indonesia (give longitude, latitude)")
                        % {"lon": lon, "lat": lat},
                    )
                    return None
    shp = shape(geometry)
    if not shp.is_valid:
        problems.add(
            BoundaryGeometryInvalid,
            n,
            code,
            _("the polygon is not valid: %(why)s") % {"why": _why_invalid(explain_validity(shp))},
        )
        return None
    return {"type": geometry["type"], "coordinates": geometry["coordinates"]}


#: GEOS's reasons (shapely.validation.explain_validity) in the reader's language; the place follows.
GEOS_REASONS = {
    "Ring Self-intersection": _("a ring crosses itself"),
    "Self-intersection": _("its edges cross"),
    "Too few points in geometry component": _("too few points"),
    "Hole lies outside shell": _("a hole lies outside the outer ring"),
    "Nested shells": _("one outer ring lies inside another"),
    "Interior is disconnected": _("its inside is cut in two"),
    "Duplicate Rings": _("a ring is repeated"),
    "Nested holes": _("one hole lies inside another"),
    "Invalid Coordinate": _("a coordinate is not a number"),
}


def _why_invalid(explanation: str) -> str:
    """ "Self-intersection[121.405 -1.045]" → "its edges cross (121.405 -1.045)"."""
    reason, _sep, place = explanation.partition("[")
    text = GEOS_REASONS.get(reason.strip())
    if text is None:
        return explanation
    return f"{text} ({place.rstrip(']')})" if place else str(text)


def area_ha(geometry: dict[str, Any]) -> float:
    """The area in hectares of a lon/lat polygon: degrees² scaled at its centroid's latitude (a
    local equirectangular approximation, for a city-sized area)."""
    shp = shape(geometry)
    scale = M_PER_DEGREE * M_PER_DEGREE * math.cos(math.radians(shp.centroid.y))
    return round(float(shp.area) * scale / 10_000, 1)


def _count(
    props: dict[str, Any], key: str, n: int, code: str, problems: _Problems, *, low: int, high: int
) -> int | None:
    value = props.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        problems.add(
            BoundaryValueInvalid,
            n,
            code,
            _("%(key)s must be a whole number from %(low)d to %(high)d, not %(value)s")
            % {"key": key, "low": low, "high": high, "value": str(value)[:40]},
        )
        return None
    return value


def _check_code(
    code: str,
    pattern: re.Pattern[str],
    example: str,
    city_code: str,
    seen: set[str],
    n: int,
    problems: _Problems,
) -> None:
    """A Kemendagri code of the right form, under the city's code, not used by an earlier feature."""
    if not pattern.match(code) or not code.startswith(city_code + "."):
        problems.add(
            BoundaryCodeInvalid,
            n,
            code,
            _("the code must have the form %(example)s, under the city's code") % {"example": example},
        )
    elif code in seen:
        problems.add(
            BoundaryCodeDuplicate, n, code, _("an earlier feature has the same code: one feature per wilayah")
        )


def _kecamatan_layer(
    data: bytes, *, city_code: str, file_label: str
) -> dict[str, tuple[str, dict[str, Any]]]:
    problems = _Problems(file_label)
    layer: dict[str, tuple[str, dict[str, Any]]] = {}
    for n, feature in enumerate(_features(data, file_label), start=1):
        props = _properties(feature)
        code = _text(props, "code")
        _check_code(code, KECAMATAN_CODE, f"{city_code}.01", city_code, set(layer), n, problems)
        name = _text(props, "name")
        if not name:
            problems.add(BoundaryNameInvalid, n, code, _("the kecamatan has no name"))
        geometry = _check_geometry(feature, n, code, problems)
        if geometry is not None and name and code not in layer:
            layer[code] = (name, geometry)
    problems.raise_any()
    return layer


def wilayah_parse(
    *,
    city_code: str,
    kelurahan_data: bytes,
    kecamatan_data: bytes | None = None,
    kelurahan_label: str = "kelurahan.geojson",
    kecamatan_label: str = "kecamatan.geojson",
) -> Wilayah:
    """The kecamatan and kelurahan in the files, each checked; raises the first problem with all listed."""
    kec_layer = (
        _kecamatan_layer(kecamatan_data, city_code=city_code, file_label=kecamatan_label)
        if kecamatan_data is not None
        else None
    )
    problems = _Problems(kelurahan_label)
    kelurahan: list[KelurahanIn] = []
    seen_codes: set[str] = set()
    seen_names: set[tuple[str, str]] = set()
    kec_names: dict[str, str] = {}
    for n, feature in enumerate(_features(kelurahan_data, kelurahan_label), start=1):
        props = _properties(feature)
        code = _text(props, "code")
        before = len(problems.items)
        _check_code(code, KELURAHAN_CODE, f"{city_code}.01.1001", city_code, seen_codes, n, problems)
        seen_codes.add(code)
        kec_code = code[:8]
        name = _text(props, "name")
        if not name:
            problems.add(BoundaryNameInvalid, n, code, _("the kelurahan has no name"))
        elif (kec_code, name.casefold()) in seen_names:
            problems.add(
                BoundaryNameInvalid, n, code, _("another kelurahan of this kecamatan has the same name")
            )
        seen_names.add((kec_code, name.casefold()))
        kec_name = _text(props, "kecamatan")
        if kec_layer is not None:
            if kec_code not in kec_layer:
                problems.add(
                    BoundaryKecamatanMissing,
                    n,
                    code,
                    _("the kecamatan %(code)s is not in the kecamatan file") % {"code": kec_code},
                )
            else:
                kec_name = kec_layer[kec_code][0]
        elif not kec_name:
            problems.add(
                BoundaryKecamatanMissing,
                n,
                code,
                _("the property “kecamatan” (its name) is missing"),
            )
        elif kec_names.setdefault(kec_code, kec_name) != kec_name:
            problems.add(
                BoundaryKecamatanMissing,
                n,
                code,
                _("the kecamatan %(code)s is named both “%(a)s” and “%(b)s”")
                % {"code": kec_code, "a": kec_names[kec_code], "b": kec_name},
            )
        population = _count(props, "population", n, code, problems, low=0, high=20_000_000)
        year = _count(props, "population_year", n, code, problems, low=1900, high=2100)
        given_area = props.get("area_ha")
        if given_area is not None and not (_is_number(given_area) and given_area > 0):
            problems.add(BoundaryValueInvalid, n, code, _("area_ha must be a positive number of hectares"))
        geometry = _check_geometry(feature, n, code, problems)
        if geometry is None or len(problems.items) > before:
            continue
        kelurahan.append(
            KelurahanIn(
                code=code,
                name=name,
                kecamatan_code=kec_code,
                kecamatan_name=kec_name,
                geometry=geometry,
                population=population or 0,
                population_year=year,
                area_ha=round(float(given_area), 1) if given_area is not None else area_ha(geometry),
            )
        )
    problems.raise_any()
    return _assemble(kelurahan, kec_layer)


def _assemble(
    kelurahan: list[KelurahanIn], kec_layer: dict[str, tuple[str, dict[str, Any]]] | None
) -> Wilayah:
    members: dict[str, list[KelurahanIn]] = {}
    for kel in kelurahan:
        members.setdefault(kel.kecamatan_code, []).append(kel)
    kecamatan = []
    for code in sorted(members):
        kels = members[code]
        if kec_layer is not None:
            geometry = kec_layer[code][1]
        else:
            geometry = mapping(unary_union([shape(k.geometry) for k in kels]))
            geometry = json.loads(json.dumps(geometry))  # tuples to lists: what a JSON field gives back
        kecamatan.append(
            KecamatanIn(
                code=code,
                name=kels[0].kecamatan_name,
                geometry=geometry,
                population=sum(k.population for k in kels),
                area_ha=round(sum(k.area_ha for k in kels), 1),
            )
        )
    return Wilayah(
        kecamatan=kecamatan,
        kelurahan=sorted(kelurahan, key=lambda k: k.code),
        bbox=geo.bbox(k.geometry for k in kelurahan),
    )


def city_code_valid(code: str) -> bool:
    return bool(CITY_CODE.match(code))
