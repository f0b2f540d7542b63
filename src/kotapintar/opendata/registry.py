"""The datasets the platform publishes, each declared by the app that owns the data.

An app declares its datasets in its own `datasets.py` with `register(Dataset(...))`; the open data app
discovers those modules at start-up (apps.py), so a new module adds datasets without touching this
app. A dataset declares what a catalogue needs (names, producing OPD, smart-city dimensions, tags,
update frequency, the Satu Data statistical metadata of Peraturan BPS 5/2020) and its resources:
tables whose rows come from the owning app's selectors — aggregates and public facts only, never a
person. A dataset that would carry personal data says so (`personal=True`) and can never be public.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

Row = dict[str, Any]

#: a fixed namespace: a dataset's and a resource's id are the same on every installation and every run
NAMESPACE = uuid.UUID("5b1f3c0e-6c3a-4f55-9a55-0b8d2c1a7e11")

#: how the frequencies read on a page (Indonesian, English)
FREQUENCY_LABELS = {
    "continuous": ("terus-menerus", "continuous"),
    "hourly": ("setiap jam", "hourly"),
    "daily": ("harian", "daily"),
    "monthly": ("bulanan", "monthly"),
    "annual": ("tahunan", "annual"),
    "irregular": ("tidak tetap", "irregular"),
}

#: the update frequencies a dataset can declare: CKAN's `frequency` extra and the EU frequency authority
FREQUENCIES = {
    "continuous": "CONT",
    "hourly": "HOURLY",
    "daily": "DAILY",
    "monthly": "MONTHLY",
    "annual": "ANNUAL",
    "irregular": "IRREG",
}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # string, integer, number, date, datetime, boolean
    title_id: str
    title_en: str
    labels: Any = None  # a Django Choices class: the files keep the code, pages and metadata name it
    lang: str = ""  # "en" for a column of English text: shown on English pages only

    def label(self, value: Any) -> Any:
        """The value as a reader sees it, in the active language."""
        if self.labels is not None and value is not None:
            return str(dict(self.labels.choices).get(value, value))
        return value


@dataclass(frozen=True)
class Resource:
    """One table of a dataset; published as CSV and JSON, and as GeoJSON when `geometry` is given."""

    name: str
    title_id: str
    title_en: str
    columns: tuple[Column, ...]
    rows: Callable[[], Iterable[Row]]
    geometry: Callable[[Row], dict[str, Any] | None] | None = None

    @property
    def formats(self) -> tuple[str, ...]:
        return ("csv", "json", "geojson") if self.geometry is not None else ("csv", "json")


@dataclass(frozen=True)
class Statistics:
    """Peraturan BPS 5/2020: metadata kegiatan (the activity), variabel and indikator."""

    kegiatan: str
    variabel: tuple[str, ...]
    indikator: tuple[str, ...] = ()


@dataclass(frozen=True)
class Dataset:
    name: str  # stable, URL-safe: the CKAN name and the last part of every URL of the dataset
    title_id: str
    title_en: str
    notes_id: str
    notes_en: str
    opd: str  # code of the producing OPD (the organisation), when the city has it
    dimensions: tuple[str, ...]  # smart-city dimension codes: the CKAN groups, DCAT themes
    tags: tuple[str, ...]
    frequency: str  # a key of FREQUENCIES
    statistics: Statistics
    resources: tuple[Resource, ...]
    temporal: Callable[[], tuple[date | None, date | None]] = lambda: (None, None)
    personal: bool = False
    extras: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return str(uuid.uuid5(NAMESPACE, f"dataset:{self.name}"))

    def resource_id(self, resource: Resource, fmt: str) -> str:
        return str(uuid.uuid5(NAMESPACE, f"resource:{self.name}:{resource.name}:{fmt}"))


# Columns many resources share, and the geometry of a row with `lat` and `lon`.
KELURAHAN_CODE = Column(
    "kode_kelurahan", "string", "Kode kelurahan (Kemendagri)", "Kelurahan code (Kemendagri)"
)
LAT = Column("lat", "number", "Lintang", "Latitude")
LON = Column("lon", "number", "Bujur", "Longitude")


def point(row: Row) -> dict[str, Any] | None:
    """A GeoJSON point from a row's `lat` and `lon` (None when either is missing)."""
    if row.get("lat") is None or row.get("lon") is None:
        return None
    return {"type": "Point", "coordinates": [row["lon"], row["lat"]]}


_REGISTRY: dict[str, Dataset] = {}


def register(dataset: Dataset) -> Dataset:
    if dataset.frequency not in FREQUENCIES:
        raise ValueError(f"dataset {dataset.name}: unknown frequency {dataset.frequency!r}")
    known = _REGISTRY.get(dataset.name)
    if known is not None and known is not dataset:
        raise ValueError(f"dataset {dataset.name} is declared twice")
    _REGISTRY[dataset.name] = dataset
    return dataset


def datasets() -> list[Dataset]:
    return sorted(_REGISTRY.values(), key=lambda d: d.name)


def dataset(name: str) -> Dataset | None:
    return _REGISTRY.get(name)
