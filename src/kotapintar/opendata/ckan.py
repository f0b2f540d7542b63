"""The CKAN Action API, read-only: what CKAN portals (data.go.id and the provincial portals, through
ckanext-harvest's CKAN harvester) and the `ckanapi` client need to harvest the city's catalogue.

Request and answer shapes are CKAN's: parameters as query string (GET) or a JSON object (POST, as
`ckanapi` sends them); `{"help", "success": true, "result"}`; errors
`{"help", "success": false, "error": {"__type", "message", …}}` with CKAN's statuses.
"""

from __future__ import annotations

import json
import re
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.urls import reverse

from kotapintar.core import siteurl
from kotapintar.core.models import OPD
from kotapintar.masterplan import selectors as masterplan_selectors
from kotapintar.opendata import errors, registry, selectors
from kotapintar.opendata.selectors import Entry

CKAN_VERSION = "2.10.4"  # the API version whose shapes this answers with
ROWS_MAX = 1000
FORMATS = {
    "csv": ("CSV", "text/csv"),
    "json": ("JSON", "application/json"),
    "geojson": ("GeoJSON", "application/geo+json"),
}
LICENSES = {
    "cc-by": ("Creative Commons Attribution 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    "cc-zero": ("Creative Commons CCZero", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "odc-odbl": (
        "Open Data Commons Open Database License (ODbL)",
        "https://opendatacommons.org/licenses/odbl/1-0/",
    ),
    "odc-by": ("Open Data Commons Attribution License", "https://opendatacommons.org/licenses/by/1-0/"),
}
SORT_FIELDS = {"id", "name", "title_string", "metadata_modified", "metadata_created", "score"}
FACET_FIELDS = {"organization", "groups", "tags", "res_format", "license_id"}
FQ_TERM = re.compile(r'\s*\+?([a-z_]+):("(?:[^"\\]|\\.)*"|\[[^\]]*\]|[^\s"\[\]()]+)\s*', re.IGNORECASE)
RANGE = re.compile(r"^\[\s*(\S+)\s+TO\s+(\S+)\s*\]$")


def ckan_time(value: datetime | None) -> str | None:
    """CKAN's timestamps: UTC without an offset, microseconds always."""
    if value is None:
        return None
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds")


def parse_time(text: str) -> datetime | None:
    """A bound of a Solr date range: `*`, or an ISO date-time (with `Z` or not; naive is UTC)."""
    if text == "*":
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise errors.CkanSearchError(f"Search error: invalid date {text!r}") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def stable_id(kind: str, key: str) -> str:
    return str(uuid.uuid5(registry.NAMESPACE, f"{kind}:{key}"))


def license_id() -> str:
    return settings.OPENDATA_LICENSE if settings.OPENDATA_LICENSE in LICENSES else "cc-by"


def resource_url(dataset: registry.Dataset, resource: registry.Resource, fmt: str) -> str:
    return siteurl.absolute_url(
        reverse("opendata:resource", kwargs={"name": dataset.name, "resource": resource.name, "fmt": fmt})
    )


# --- dictionaries, as CKAN writes them ------------------------------------------------------------


def organization_dict(opd: OPD) -> dict[str, Any]:
    return {
        "id": stable_id("organization", opd.code),
        "name": opd.code,
        "title": opd.name,
        "display_name": opd.name,
        "description": opd.short_name,
        "type": "organization",
        "is_organization": True,
        "approval_status": "approved",
        "state": "active",
        "image_url": "",
        "created": None,
    }


@dataclass(frozen=True)
class Group:
    code: str
    title: str
    description: str

    @property
    def name(self) -> str:
        return self.code.lower()


def groups() -> list[Group]:
    return [
        Group(code, name_id, name_en) for code, name_id, name_en in masterplan_selectors.dimension_names()
    ]


def group_dict(group: Group) -> dict[str, Any]:
    return {
        "id": stable_id("group", group.code),
        "name": group.name,
        "title": group.title,
        "display_name": group.title,
        "description": group.description,
        "type": "group",
        "is_organization": False,
        "approval_status": "approved",
        "state": "active",
        "image_url": "",
    }


def tag_dict(name: str) -> dict[str, Any]:
    return {
        "id": stable_id("tag", name),
        "name": name,
        "display_name": name,
        "vocabulary_id": None,
        "state": "active",
    }


def resource_dicts(e: Entry) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for resource in e.dataset.resources:
        for fmt in resource.formats:
            label, mimetype = FORMATS[fmt]
            out.append(
                {
                    "id": e.dataset.resource_id(resource, fmt),
                    "package_id": e.dataset.id,
                    "name": f"{resource.title_id} ({label})",
                    "description": resource.title_en,
                    "format": label,
                    "mimetype": mimetype,
                    "url": resource_url(e.dataset, resource, fmt),
                    "url_type": None,
                    "position": len(out),
                    "state": "active",
                    "created": ckan_time(e.state.created_at),
                    "last_modified": ckan_time(e.state.data_changed_at),
                    "metadata_modified": ckan_time(e.modified),
                    "datastore_active": False,
                }
            )
    return out


def extras(e: Entry) -> dict[str, str]:
    """The dataset's extras: coverage, frequency, contact and the Satu Data statistical metadata."""
    city = selectors.city()
    start, end = e.dataset.temporal()
    out = {
        "frequency": e.dataset.frequency,
        "language": "id",
        "kode_wilayah": city.code if city else "",
        "wilayah": city.name if city else "",
        "satu_data_kegiatan": e.dataset.statistics.kegiatan,
        "satu_data_variabel": json.dumps(list(e.dataset.statistics.variabel), ensure_ascii=False),
        "satu_data_indikator": json.dumps(list(e.dataset.statistics.indikator), ensure_ascii=False),
        "contact_email": settings.OPENDATA_CONTACT_EMAIL,
        "title_en": e.dataset.title_en,
        "notes_en": e.dataset.notes_en,
    }
    if city is not None:
        out["spatial"] = json.dumps(
            {
                "type": "Polygon",
                "coordinates": [
                    [
                        [city.min_lon, city.min_lat],
                        [city.max_lon, city.min_lat],
                        [city.max_lon, city.max_lat],
                        [city.min_lon, city.max_lat],
                        [city.min_lon, city.min_lat],
                    ]
                ],
            }
        )
    if start is not None:
        out["temporal_start"] = start.isoformat()
    if end is not None:
        out["temporal_end"] = end.isoformat()
    out.update(e.dataset.extras)
    return out


def package_dict(e: Entry) -> dict[str, Any]:
    by_code = {g.code: g for g in groups()}
    org = organization_dict(e.state.opd) if e.state.opd else None
    resources = resource_dicts(e)
    lic = license_id()
    return {
        "id": e.dataset.id,
        "name": e.dataset.name,
        "title": e.dataset.title_id,
        "notes": e.dataset.notes_id,
        "type": "dataset",
        "state": "active",
        "private": False,
        "url": siteurl.absolute_url(reverse("opendata:dataset", kwargs={"name": e.dataset.name})),
        "version": None,
        "author": e.state.opd.name if e.state.opd else "",
        "author_email": settings.OPENDATA_CONTACT_EMAIL,
        "maintainer": "Walidata",
        "maintainer_email": settings.OPENDATA_CONTACT_EMAIL,
        "license_id": lic,
        "license_title": LICENSES[lic][0],
        "license_url": LICENSES[lic][1],
        "isopen": True,
        "metadata_created": ckan_time(e.state.created_at),
        "metadata_modified": ckan_time(e.modified),
        "organization": org,
        "owner_org": org["id"] if org else None,
        "groups": [group_dict(by_code[c]) for c in e.dataset.dimensions if c in by_code],
        "tags": [tag_dict(t) for t in e.dataset.tags],
        "num_tags": len(e.dataset.tags),
        "extras": [{"key": k, "value": v} for k, v in sorted(extras(e).items())],
        "resources": resources,
        "num_resources": len(resources),
        "relationships_as_object": [],
        "relationships_as_subject": [],
    }


# --- search -----------------------------------------------------------------------------------------


def _facet_values(e: Entry, field: str) -> list[str]:
    if field == "organization":
        return [e.state.opd.code] if e.state.opd else []
    if field == "groups":
        return [c.lower() for c in e.dataset.dimensions]
    if field == "tags":
        return list(e.dataset.tags)
    if field == "res_format":
        return sorted({FORMATS[f][0] for r in e.dataset.resources for f in r.formats})
    if field == "license_id":
        return [license_id()]
    if field == "name":
        return [e.dataset.name]
    if field == "id":
        return [e.dataset.id]
    raise errors.CkanSearchError(f"Search error: unknown field {field!r} in fq")


def _filter(fq: str) -> Callable[[Entry], bool]:
    """Solr's `fq` as harvesters send it: `field:value` terms (quoted or not, with an optional `+`),
    and date ranges `metadata_modified:[FROM TO UNTIL]`, all of which must hold."""
    tests: list[Callable[[Entry], bool]] = []
    pos = 0
    while pos < len(fq):
        m = FQ_TERM.match(fq, pos)
        if m is None or m.end() == pos:
            raise errors.CkanSearchError(f"Search error: cannot parse fq at {fq[pos : pos + 40]!r}")
        field, raw = m.group(1).lower(), m.group(2)
        pos = m.end()
        if raw.startswith("["):
            r = RANGE.match(raw)
            if r is None or field not in ("metadata_modified", "metadata_created"):
                raise errors.CkanSearchError(f"Search error: bad range {field}:{raw}")
            lo, hi = parse_time(r.group(1)), parse_time(r.group(2))

            def in_range(
                e: Entry, field: str = field, lo: datetime | None = lo, hi: datetime | None = hi
            ) -> bool:
                at = e.modified if field == "metadata_modified" else e.state.created_at
                return (lo is None or at >= lo) and (hi is None or at <= hi)

            tests.append(in_range)
            continue
        value = raw[1:-1].replace('\\"', '"') if raw.startswith('"') else raw
        if field not in FACET_FIELDS | {"name", "id"}:  # an error at once, not only when data exists
            raise errors.CkanSearchError(f"Search error: unknown field {field!r} in fq")

        def matches(e: Entry, field: str = field, value: str = value) -> bool:
            return value in _facet_values(e, field)

        tests.append(matches)
    return lambda e: all(t(e) for t in tests)


def _score(e: Entry, words: list[str]) -> int:
    if not words:
        return 1
    text = " ".join(
        [e.dataset.name, e.dataset.title_id, e.dataset.title_en, e.dataset.notes_id, e.dataset.notes_en]
        + list(e.dataset.tags)
        + ([e.state.opd.name, e.state.opd.code] if e.state.opd else [])
    ).lower()
    found = [w for w in words if w in text]
    return len(found) if len(found) == len(words) else 0


def _sort_key(spec: str) -> list[tuple[str, bool]]:
    keys = []
    for part in spec.split(","):
        bits = part.split()
        if not bits:
            continue
        if len(bits) != 2 or bits[0] not in SORT_FIELDS or bits[1].lower() not in ("asc", "desc"):
            raise errors.CkanSearchError(f"Search error: cannot sort by {part.strip()!r}")
        keys.append((bits[0], bits[1].lower() == "desc"))
    return keys or [("score", True), ("metadata_modified", True)]


def _int(params: dict[str, Any], name: str, default: int, maximum: int | None = None) -> int:
    raw = params.get(name, default)
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise errors.CkanValidation(f"Invalid input: {name}", {name: ["Invalid integer"]}) from None
    if value < 0:
        raise errors.CkanValidation(f"Invalid input: {name}", {name: ["Must be a natural number"]})
    if maximum is not None and value > maximum:
        raise errors.CkanValidation(
            f"Invalid input: {name}", {name: [f"Must be less than or equal to {maximum}"]}
        )
    return value


def _facet_fields(params: dict[str, Any]) -> list[str]:
    raw = params.get("facet.field")
    if raw in (None, ""):
        return []
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise errors.CkanValidation(
                "Invalid input: facet.field", {"facet.field": ["Not a JSON list"]}
            ) from None
    if not isinstance(raw, list) or not all(isinstance(f, str) for f in raw):
        raise errors.CkanValidation("Invalid input: facet.field", {"facet.field": ["Not a list of strings"]})
    unknown = [f for f in raw if f not in FACET_FIELDS]
    if unknown:
        raise errors.CkanSearchError(f"Search error: cannot facet on {unknown[0]!r}")
    return raw


def package_search(params: dict[str, Any]) -> dict[str, Any]:
    rows = _int(params, "rows", 10, ROWS_MAX)
    start = _int(params, "start", 0)
    sort = str(params.get("sort") or "score desc, metadata_modified desc")
    keys = _sort_key(sort)
    q = str(params.get("q") or "*:*").strip()
    fq = str(params.get("fq") or "").strip()
    facet_fields = _facet_fields(params)
    # terms written as field:value in q filter like fq; the rest are words to find
    q_terms = " ".join(t for t in q.split() if ":" in t and t != "*:*")
    words = [t.lower() for t in q.split() if ":" not in t]
    keep = _filter(" ".join(x for x in (fq, q_terms) if x))
    scored = [(e, _score(e, words)) for e in selectors.catalogue()]
    hits = [(e, s) for e, s in scored if s > 0 and keep(e)]

    def value(item: tuple[Entry, int], field: str) -> Any:
        e, score = item
        return {
            "id": e.dataset.id,
            "name": e.dataset.name,
            "title_string": e.dataset.title_id.lower(),
            "metadata_modified": e.modified,
            "metadata_created": e.state.created_at,
            "score": score,
        }[field]

    for field, desc in reversed(keys):

        def key(item: tuple[Entry, int], field: str = field) -> Any:
            return value(item, field)

        hits.sort(key=key, reverse=desc)
    facets: dict[str, Counter[str]] = {f: Counter() for f in facet_fields}
    for e, _s in hits:
        for f in facet_fields:
            facets[f].update(_facet_values(e, f))
    return {
        "count": len(hits),
        "sort": sort,
        "results": [package_dict(e) for e, _s in hits[start : start + rows]],
        "facets": {f: dict(c) for f, c in facets.items()},
        "search_facets": {
            f: {"title": f, "items": [{"name": k, "display_name": k, "count": n} for k, n in c.most_common()]}
            for f, c in facets.items()
        },
    }


# --- the actions -------------------------------------------------------------------------------------


def _entry(params: dict[str, Any]) -> Entry:
    key = params.get("id") or params.get("name_or_id") or params.get("name")
    if not key:
        raise errors.CkanValidation("Missing value", {"id": ["Missing value"]})
    found = selectors.entry(str(key))
    if found is None:
        raise errors.CkanNotFound("Not found")
    return found


def _page(items: list[Any], params: dict[str, Any]) -> list[Any]:
    offset = _int(params, "offset", 0)
    limit = _int(params, "limit", ROWS_MAX, ROWS_MAX)
    return items[offset : offset + limit]


def site_read(params: dict[str, Any]) -> Any:
    return True


def status_show(params: dict[str, Any]) -> Any:
    city = selectors.city()
    return {
        "site_title": f"Satu Data {city.name}" if city else "Satu Data",
        "site_description": "Kota Pintar",
        "site_url": siteurl.site_url(),
        "ckan_version": CKAN_VERSION,
        "error_emails_to": None,
        "locale_default": "id",
        "extensions": [],
    }


def package_list(params: dict[str, Any]) -> Any:
    return _page(sorted(e.dataset.name for e in selectors.catalogue()), params)


def package_show(params: dict[str, Any]) -> Any:
    return package_dict(_entry(params))


def current_package_list_with_resources(params: dict[str, Any]) -> Any:
    entries = sorted(selectors.catalogue(), key=lambda e: e.modified, reverse=True)
    return [package_dict(e) for e in _page(entries, params)]


def _truthy(value: Any) -> bool:
    return str(value).lower() in ("1", "true", "yes", "on")


def _members(entries: list[Entry], value: str, field: str) -> list[Entry]:
    """The datasets whose `field` (organization, groups) holds `value`."""
    return [e for e in entries if value in _facet_values(e, field)]


def organization_list(params: dict[str, Any]) -> Any:
    entries = selectors.catalogue()
    orgs = selectors.organisations(entries)
    if _truthy(params.get("all_fields", False)):
        return [
            organization_dict(o) | {"package_count": len(_members(entries, o.code, "organization"))}
            for o in orgs
        ]
    return [o.code for o in orgs]


def _shown(out: dict[str, Any], members: list[Entry], params: dict[str, Any]) -> dict[str, Any]:
    """An organisation or group as *_show answers it: its package count, and its packages when asked."""
    out = out | {"package_count": len(members)}
    if _truthy(params.get("include_datasets", False)):
        out["packages"] = [package_dict(e) for e in members]
    return out


def organization_show(params: dict[str, Any]) -> Any:
    key = str(params.get("id") or "")
    entries = selectors.catalogue()
    for opd in selectors.organisations(entries):
        if key in (opd.code, stable_id("organization", opd.code)):
            return _shown(organization_dict(opd), _members(entries, opd.code, "organization"), params)
    raise errors.CkanNotFound("Organization was not found.")


def group_list(params: dict[str, Any]) -> Any:
    if _truthy(params.get("all_fields", False)):
        entries = selectors.catalogue()
        return [group_dict(g) | {"package_count": len(_members(entries, g.name, "groups"))} for g in groups()]
    return [g.name for g in groups()]


def group_show(params: dict[str, Any]) -> Any:
    key = str(params.get("id") or "")
    entries = selectors.catalogue()
    for g in groups():
        if key in (g.name, g.code, stable_id("group", g.code)):
            return _shown(group_dict(g), _members(entries, g.name, "groups"), params)
    raise errors.CkanNotFound("Group was not found.")


def tag_list(params: dict[str, Any]) -> Any:
    names = sorted({t for e in selectors.catalogue() for t in e.dataset.tags})
    query = str(params.get("query") or "").lower()
    names = [n for n in names if query in n.lower()]
    if _truthy(params.get("all_fields", False)):
        return [tag_dict(n) for n in names]
    return names


def resource_show(params: dict[str, Any]) -> Any:
    key = str(params.get("id") or "")
    if not key:
        raise errors.CkanValidation("Missing value", {"id": ["Missing value"]})
    for e in selectors.catalogue():
        for r in resource_dicts(e):
            if r["id"] == key:
                return r
    raise errors.CkanNotFound("Resource was not found.")


ACTIONS: dict[str, Callable[[dict[str, Any]], Any]] = {
    f.__name__: f
    for f in (
        site_read,
        status_show,
        package_list,
        package_show,
        package_search,
        current_package_list_with_resources,
        organization_list,
        organization_show,
        group_list,
        group_show,
        tag_list,
        resource_show,
    )
}
