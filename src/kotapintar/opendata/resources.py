"""A dataset's resource as a file: CSV (text cells formula-safe, lib.sheets), JSON, GeoJSON."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext

from kotapintar.lib.sheets import csv_writer
from kotapintar.opendata import registry

PREVIEW_ROWS = 10


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def csv_lines(resource: registry.Resource) -> Iterator[str]:
    buf = io.StringIO()
    writer = csv_writer(buf)
    writer.writerow([c.name for c in resource.columns])
    for row in resource.rows():
        writer.writerow([_plain(row.get(c.name)) for c in resource.columns])
        if buf.tell() > 64_000:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def json_bytes(dataset: registry.Dataset, resource: registry.Resource) -> bytes:
    body = {
        "dataset": dataset.name,
        "resource": resource.name,
        "columns": [
            {"name": c.name, "type": c.kind, "title_id": c.title_id, "title_en": c.title_en}
            for c in resource.columns
        ],
        "rows": [{c.name: _plain(row.get(c.name)) for c in resource.columns} for row in resource.rows()],
    }
    return json.dumps(body, ensure_ascii=False).encode()


def _column(c: registry.Column) -> dict[str, Any]:
    out: dict[str, Any] = {"name": c.name, "type": c.kind, "title_id": c.title_id, "title_en": c.title_en}
    if c.labels is not None:  # the code list, named in Indonesian and in English
        with translation.override("id"):
            names_id = {str(k): str(v) for k, v in c.labels.choices}
        with translation.override("en"):
            out["values"] = {
                k: {"id": names_id[k], "en": str(v)} for k, v in ((str(k), v) for k, v in c.labels.choices)
            }
    return out


def geojson_bytes(resource: registry.Resource) -> bytes:
    assert resource.geometry is not None
    features = []
    for row in resource.rows():
        geometry = resource.geometry(row)
        if geometry is None:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {c.name: _plain(row.get(c.name)) for c in resource.columns},
            }
        )
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode()


@dataclass(frozen=True)
class Preview:
    resource: registry.Resource
    columns: list[registry.Column]
    rows: list[list[Any]]
    total: int
    geojson: str  # the features for the page's map, "" when the resource is not spatial


def preview(dataset: registry.Dataset, resource: registry.Resource, *, english: bool = False) -> Preview:
    """The first rows as the page's reader sees them: codes named in the page's language, yes/no
    in words, and a column of the other language's text left out."""
    columns = [c for c in resource.columns if not c.lang or (c.lang == "en") == english]
    rows = list(resource.rows())

    def shown(c: registry.Column, value: Any) -> Any:
        if isinstance(value, bool):
            return gettext("yes") if value else gettext("no")
        return _plain(c.label(value))

    table = [[shown(c, row.get(c.name)) for c in columns] for row in rows[:PREVIEW_ROWS]]
    geo = geojson_bytes(resource).decode() if resource.geometry is not None else ""
    return Preview(resource, columns, table, len(rows), geo)
