"""Reads of the open data catalogue: the declared datasets with their state, public ones only unless
asked otherwise."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from kotapintar.core.models import OPD, City
from kotapintar.opendata import registry
from kotapintar.opendata.models import DatasetState


@dataclass(frozen=True)
class Entry:
    dataset: registry.Dataset
    state: DatasetState

    @property
    def modified(self) -> datetime:
        return self.state.metadata_modified  # type: ignore[return-value]


def stale_names(*, now: datetime | None = None) -> list[str]:
    """Datasets never checked, or not checked for OPENDATA_REFRESH_S seconds."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.OPENDATA_REFRESH_S)
    fresh = set(DatasetState.objects.filter(checked_at__gte=cutoff).values_list("name", flat=True))
    return [d.name for d in registry.datasets() if d.name not in fresh]


def catalogue(*, public_only: bool = True) -> list[Entry]:
    states = {s.name: s for s in DatasetState.objects.select_related("opd")}
    out = []
    for dataset in registry.datasets():
        state = states.get(dataset.name)
        if state is None or (public_only and not (state.public and not dataset.personal)):
            continue
        out.append(Entry(dataset, state))
    return out


def entry(key: str, *, public_only: bool = True) -> Entry | None:
    """A dataset by name or by id."""
    for e in catalogue(public_only=public_only):
        if key in (e.dataset.name, e.dataset.id):
            return e
    return None


def organisations(entries: list[Entry]) -> list[OPD]:
    """The OPD that produce the given datasets."""
    seen: dict[int, OPD] = {}
    for e in entries:
        if e.state.opd is not None:
            seen[e.state.opd.pk] = e.state.opd
    return sorted(seen.values(), key=lambda o: o.code)


def city() -> City | None:
    return City.objects.filter(code=settings.CITY_CODE).first() or City.objects.first()
