"""Stations and what describes them: datastreams, threshold versions, datum offsets, tide constituents."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kotapintar.core import audit
from kotapintar.core.errors import BadKind
from kotapintar.core.models import Kelurahan, Role
from kotapintar.core.permissions import is_signed_in, require_role
from kotapintar.core.selectors import city_get, kelurahan_at
from kotapintar.core.types import Actor
from kotapintar.flood.errors import (
    BadAliases,
    BadConstituents,
    BadInterval,
    BadLocation,
    BadOffset,
    BadParameter,
    BadTime,
    DatumExists,
    OutsideCity,
    StationExists,
    ThresholdExists,
)
from kotapintar.flood.models import (
    LEVEL_PARAMETERS,
    PARAMETER_SPECS,
    Datastream,
    DatumOffset,
    Station,
    StationKind,
    ThresholdSet,
)
from kotapintar.flood.services.locks import row_lock
from kotapintar.flood.thresholds import limits_check
from kotapintar.lib import tide

#: No reading or threshold lies before this time.
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class DatastreamSpec:
    parameter: str
    expected_interval_s: int = 600
    sensor: str = ""


def location_check(lon: float, lat: float) -> Kelurahan | None:
    """Refuse a point that is not a place in the city; return its kelurahan (if it lies in one)."""
    if not (math.isfinite(lon) and math.isfinite(lat)) or (lon == 0 and lat == 0):
        raise BadLocation()
    city = city_get()
    if not city.contains_point(lon, lat):
        raise OutsideCity()
    return kelurahan_at(lon=lon, lat=lat)


def station_create(
    *,
    actor: Actor,
    code: str,
    name: str,
    kind: str,
    lon: float,
    lat: float,
    datastreams: Sequence[DatastreamSpec] = (),
    river: str = "",
    subsystem: str = "",
    description: str = "",
    warns_kelurahan: Sequence[str] = (),
    pump_units: int = 0,
    capacity_lps: int = 0,
    subsidence_cm_per_year: float = 0.0,
) -> Station:
    if actor is not None:
        require_role(actor, Role.OPERATOR_BPBD)
    if kind not in StationKind.values:
        raise BadKind(_("Unknown station kind."))
    with transaction.atomic():
        if Station.objects.filter(code=code).exists():
            raise StationExists()
        kel = location_check(lon, lat)
        station = Station.objects.create(
            code=code,
            name=name,
            kind=kind,
            lon=lon,
            lat=lat,
            kelurahan=kel,
            river=river,
            subsystem=subsystem,
            description=description,
            warns_kelurahan=list(warns_kelurahan),
            pump_units=pump_units,
            capacity_lps=capacity_lps,
            subsidence_cm_per_year=subsidence_cm_per_year,
        )
        for spec in datastreams:
            datastream_add(station=station, spec=spec)
        audit.record(
            action="flood.station_create", actor=actor, obj=station, data={"code": code, "kind": kind}
        )
    return station


def datastream_add(*, station: Station, spec: DatastreamSpec) -> Datastream:
    if spec.parameter not in PARAMETER_SPECS:
        raise BadParameter()
    if spec.expected_interval_s < 10:
        raise BadInterval()
    unit = PARAMETER_SPECS[spec.parameter][0]
    ds, _created = Datastream.objects.get_or_create(
        station=station,
        parameter=spec.parameter,
        defaults={"unit": unit, "expected_interval_s": spec.expected_interval_s, "sensor": spec.sensor},
    )
    return ds


def _check_valid_from(valid_from: datetime) -> None:
    if valid_from.tzinfo is None:
        raise BadTime(_("The time needs a time zone."))
    if not EARLIEST <= valid_from <= timezone.now() + timedelta(days=3660):
        raise BadTime(_("The date must lie between 1990 and ten years from now."))


def check_threshold_edit(*, actor: Actor, station: Station) -> Station:
    """An operator (or the system) may change what judges a station; lock the station for it."""
    if actor is not None:
        require_role(actor, Role.OPERATOR_BPBD)
    return row_lock(Station.objects.all(), station.pk)


def threshold_set_create(
    *,
    actor: Actor,
    station: Station,
    parameter: str,
    valid_from: datetime,
    waspada: float,
    siaga: float,
    awas: float,
    deadband: float = 5.0,
    off_delay_s: int = 1800,
    aliases: Sequence[str] = (),
    reason: str = "",
    on_readings: int = 2,
    on_delay_s: int = 0,
) -> ThresholdSet:
    """A new version of a station's limits, valid from `valid_from` (readings are judged by their time)."""
    limits_check(
        waspada=waspada,
        siaga=siaga,
        awas=awas,
        deadband=deadband,
        off_delay_s=off_delay_s,
        on_readings=on_readings,
        on_delay_s=on_delay_s,
    )
    if parameter not in LEVEL_PARAMETERS:
        raise BadParameter(_("Thresholds apply to water and sea levels."))
    if aliases and (len(aliases) != 4 or any(len(a) > 40 for a in aliases)):
        raise BadAliases()
    _check_valid_from(valid_from)
    with transaction.atomic():
        locked = check_threshold_edit(actor=actor, station=station)
        if ThresholdSet.objects.filter(station=locked, parameter=parameter, valid_from=valid_from).exists():
            raise ThresholdExists()
        ts = ThresholdSet.objects.create(
            on_readings=on_readings,
            on_delay_s=on_delay_s,
            station=locked,
            parameter=parameter,
            valid_from=valid_from,
            waspada=waspada,
            siaga=siaga,
            awas=awas,
            deadband=deadband,
            off_delay_s=off_delay_s,
            aliases=list(aliases),
            reason=reason,
            created_by=actor if is_signed_in(actor) else None,
        )
        audit.record(
            action="flood.threshold_set_create",
            actor=actor,
            obj=locked,
            data={
                "parameter": parameter,
                "valid_from": valid_from,
                "limits": [waspada, siaga, awas],
                "deadband": deadband,
                "off_delay_s": off_delay_s,
                "aliases": list(aliases),
                "reason": reason,
            },
        )
    return ts


def datum_offset_create(
    *,
    actor: Actor,
    station: Station,
    valid_from: datetime,
    offset_cm: float,
    reference: str,
    survey: str = "",
) -> DatumOffset:
    if not math.isfinite(offset_cm) or abs(offset_cm) > 10000:
        raise BadOffset()
    _check_valid_from(valid_from)
    with transaction.atomic():
        locked = check_threshold_edit(actor=actor, station=station)
        if DatumOffset.objects.filter(station=locked, valid_from=valid_from).exists():
            raise DatumExists()
        offset = DatumOffset.objects.create(
            station=locked, valid_from=valid_from, offset_cm=offset_cm, reference=reference, survey=survey
        )
        audit.record(
            action="flood.datum_offset_create",
            actor=actor,
            obj=locked,
            data={"valid_from": valid_from, "offset_cm": offset_cm, "reference": reference, "survey": survey},
        )
    return offset


def station_tide_set(*, actor: Actor, station: Station, model_json: dict[str, Any], epoch: date) -> Station:
    """Keep a gauge's fitted constituents (the TideModel JSON of lib.tide)."""
    try:
        model = tide.TideModel.from_json(model_json)
    except tide.TideError as exc:
        raise BadConstituents(detail=str(exc)) from exc
    with transaction.atomic():
        locked = check_threshold_edit(actor=actor, station=station)
        locked.tide_constituents = model.to_json()
        locked.tide_epoch = epoch
        locked.save(update_fields=["tide_constituents", "tide_epoch"])
        audit.record(
            action="flood.station_tide_set",
            actor=actor,
            obj=locked,
            data={"constituents": len(model.constituents), "epoch": epoch},
        )
    return locked
