"""Alarms: judging readings against thresholds (hysteresis), rain sums and silence, and the alerts they raise.

`alarms_evaluate` takes the new readings of a batch (from `services.ingest`), steps each station
alarm's state machine (`lib.hysteresis`) under a row lock and records an `Alert` for every level
change; `alert_record` also plans the alert's notification deliveries (`services.deliveries`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from kotapintar.core import audit
from kotapintar.core.models import Role
from kotapintar.core.permissions import is_signed_in, require_role
from kotapintar.core.types import Actor
from kotapintar.flood.errors import AlreadyAcknowledged
from kotapintar.flood.formatting import alert_message
from kotapintar.flood.models import (
    LEVEL_NAMES,
    LEVEL_PARAMETERS,
    Alert,
    AlertKind,
    AlertState,
    Datastream,
    Observation,
    Parameter,
    Station,
    StationStatus,
    ThresholdSet,
)
from kotapintar.flood.rain import RAIN_WINDOWS_H, rain_category, rain_level
from kotapintar.flood.readings import Row, Stream, by_datastream, db_time
from kotapintar.flood.services.deliveries import deliveries_plan
from kotapintar.flood.services.incidents import incident_renew, incident_step
from kotapintar.flood.services.locks import row_lock
from kotapintar.flood.thresholds import limits_of as threshold_limits
from kotapintar.lib import hysteresis

#: An alert is published with this lifetime and re-issued while its condition lasts.
ALERT_TTL = timedelta(hours=6)
RAIN_OFF_DELAY = timedelta(hours=1)


def alert_state_lock(station_id: int, kind: str, parameter: str) -> AlertState:
    """Lock one station alarm's state (created at Normal if it has none yet) for a transition."""
    AlertState.objects.get_or_create(station_id=station_id, kind=kind, parameter=parameter)
    return AlertState.objects.select_for_update().get(station_id=station_id, kind=kind, parameter=parameter)


def _hstate(state: AlertState) -> hysteresis.State:
    return hysteresis.State(
        level=state.level,
        below_since=state.below_since,
        pending_level=state.pending_level,
        last_time=state.last_time,
        above_since=state.above_since,
        above_count=state.above_count,
        above_level=state.above_level,
    )


def threshold_versions(station_id: int, parameter: str) -> list[ThresholdSet]:
    """Every threshold version of a station's parameter, oldest first."""
    return list(
        ThresholdSet.objects.filter(station_id=station_id, parameter=parameter).order_by("valid_from")
    )


def threshold_at(versions: list[ThresholdSet], at: datetime) -> ThresholdSet | None:
    """The version in force at `at` (None before the first one)."""
    current = None
    for ts in versions:
        if ts.valid_from <= at:
            current = ts
    return current


def level_name_of(level: int, ts: ThresholdSet | None) -> str:
    """A level's name: the station's alias when the threshold version has one, else the standard name."""
    return ts.level_name(level) if ts is not None else str(LEVEL_NAMES.get(level, level))


def _states_lock(keys: Sequence[tuple[int, str, str]]) -> dict[tuple[int, str, str], AlertState]:
    """Lock (creating if absent) the alarm states of several station alarms at once, in pk order."""
    if not keys:
        return {}
    wanted = set(keys)
    station_ids = sorted({k[0] for k in wanted})
    kinds = sorted({k[1] for k in wanted})

    def fetch() -> dict[tuple[int, str, str], AlertState]:
        rows = (
            AlertState.objects.select_for_update()
            .filter(station_id__in=station_ids, kind__in=kinds)
            .order_by("pk")
        )
        return {(st.station_id, st.kind, st.parameter): st for st in rows}

    found = fetch()
    missing = wanted - set(found)
    if missing:
        AlertState.objects.bulk_create(
            [AlertState(station_id=sid, kind=kind, parameter=param) for sid, kind, param in sorted(missing)],
            ignore_conflicts=True,
        )
        found = fetch()
    return {k: v for k, v in found.items() if k in wanted}


def _states_save(states: list[AlertState]) -> None:
    """Write back the hysteresis state of many alarms in one statement (PostgreSQL) or a few (SQLite)."""

    def t(value: datetime | None) -> Any:
        return db_time(value) if value is not None else None

    rows = [
        (
            st.pk,
            st.level,
            t(st.below_since),
            st.pending_level,
            t(st.last_time),
            t(st.changed_at),
            t(st.above_since),
            st.above_count,
            st.above_level,
        )
        for st in states
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            row_sql = (
                "(%s::bigint, %s::smallint, %s::timestamptz, %s::smallint, %s::timestamptz, %s::timestamptz, "
                "%s::timestamptz, %s::smallint, %s::smallint)"
            )
            values = ",".join([row_sql] * len(rows))
            cursor.execute(
                "UPDATE flood_alertstate AS s SET level = v.level, below_since = v.below_since, "  # noqa: S608
                "pending_level = v.pending_level, last_time = v.last_time, changed_at = v.changed_at, "
                "above_since = v.above_since, above_count = v.above_count, above_level = v.above_level "
                f"FROM (VALUES {values}) AS v(id, level, below_since, pending_level, last_time, changed_at, "
                "above_since, above_count, above_level) WHERE s.id = v.id",
                [x for row in rows for x in row],
            )
        else:
            cursor.executemany(
                "UPDATE flood_alertstate SET level = %s, below_since = %s, pending_level = %s, "
                "last_time = %s, changed_at = %s, above_since = %s, above_count = %s, above_level = %s "
                "WHERE id = %s",
                [(lv, bs, pl, lt, ca, asi, ac, al, pk) for pk, lv, bs, pl, lt, ca, asi, ac, al in rows],
            )


def alarms_evaluate(rows: list[Row], by_ds: dict[int, list[Row]] | None = None) -> list[Alert]:
    """Evaluate the alarms of new readings; a constant number of queries per batch when nothing changes.

    `by_ds` is `by_datastream(rows)` when the caller has it already.
    """
    if by_ds is None:
        by_ds = by_datastream(rows)
    streams = {ds_rows[0].ds.id: ds_rows[0].ds for ds_rows in by_ds.values()}
    level_ds = [ds for ds in streams.values() if ds.parameter in LEVEL_PARAMETERS]
    versions: dict[tuple[int, str], list[ThresholdSet]] = defaultdict(list)
    if level_ds:
        for ts in ThresholdSet.objects.filter(
            station_id__in={ds.station_id for ds in level_ds}, parameter__in={ds.parameter for ds in level_ds}
        ).order_by("valid_from"):
            versions[(ts.station_id, ts.parameter)].append(ts)
    keys = [
        (ds.station_id, str(AlertKind.LEVEL), ds.parameter)
        for ds in level_ds
        if versions[(ds.station_id, ds.parameter)]
    ]
    keys += [
        (ds.station_id, str(AlertKind.RAIN), ds.parameter)
        for ds in streams.values()
        if ds.parameter == Parameter.RAINFALL
    ]
    states = _states_lock(keys)
    alerts: list[Alert] = []
    dirty: list[AlertState] = []
    for ds_id, ds in streams.items():
        if ds.parameter in LEVEL_PARAMETERS:
            state = states.get((ds.station_id, str(AlertKind.LEVEL), ds.parameter))
            if state is not None:
                alerts += _evaluate_level(ds, by_ds[ds_id], state, versions[(ds.station_id, ds.parameter)])
                dirty.append(state)
        elif ds.parameter == Parameter.RAINFALL:
            state = states.get((ds.station_id, str(AlertKind.RAIN), ds.parameter))
            if state is not None:
                alerts += _evaluate_rain(ds, by_ds[ds_id], state)
                dirty.append(state)
    if dirty:
        _states_save(dirty)
    silent = set(
        AlertState.objects.filter(
            kind=AlertKind.SILENT, level__gt=0, station_id__in={ds.station_id for ds in streams.values()}
        ).values_list("station_id", "parameter")
    )
    for ds_id, ds in streams.items():
        if (ds.station_id, ds.parameter) in silent:
            alerts += _silent_clear(ds, by_ds[ds_id][-1])
    return alerts


def _apply(state: AlertState, new: hysteresis.State, changed: bool, now: datetime) -> None:
    state.level = new.level
    state.below_since = new.below_since
    state.pending_level = new.pending_level
    state.last_time = new.last_time
    state.above_since = new.above_since
    state.above_count = new.above_count
    state.above_level = new.above_level
    if changed:
        state.changed_at = now


def _evaluate_level(
    ds: Stream, rows: list[Row], state: AlertState, versions: list[ThresholdSet]
) -> list[Alert]:
    current = _hstate(state)
    alerts: list[Alert] = []
    changed_any = False
    limits_of: dict[int, hysteresis.Limits] = {}
    # Fast path, same result as step(): while the level is steady and a reading stays inside the
    # band that neither escalates nor starts the countdown, only `last_time` moves (kept in `last`
    # and written into `current` before the next real step and at the end).
    band: tuple[float, float] | None = None
    band_of: ThresholdSet | None = None
    deadband = 0.0
    last = current.last_time
    # The version in force walks forward with the (time-ordered) rows: same as threshold_at().
    ts: ThresholdSet | None = None
    upcoming = iter(versions)
    following = next(upcoming, None)
    for row in rows:
        while following is not None and following.valid_from <= row.time:
            ts, following = following, next(upcoming, None)
        if ts is None:
            continue
        limits = limits_of.get(id(ts))  # the versions live as long as this call: id() is stable
        if limits is None:
            limits = limits_of[id(ts)] = threshold_limits(ts)
        if band_of is not ts:
            if last is not current.last_time:
                current = hysteresis.State(level=current.level, last_time=last)
            band, band_of, deadband = hysteresis.steady_band(current, limits), ts, limits.deadband
        if (
            band is not None
            and (last is None or row.time > last)
            and row.value < band[1]
            and row.value + deadband >= band[0]
        ):
            last = row.time
            continue
        if last is not current.last_time:
            current = hysteresis.State(level=current.level, last_time=last)
        previous = current.level
        current, changed = hysteresis.step(current, row.value, row.time, limits)
        last = current.last_time
        band = hysteresis.steady_band(current, limits)
        if changed:
            changed_any = True
            alerts.append(
                alert_record(
                    station_id=ds.station_id,
                    kind=AlertKind.LEVEL,
                    parameter=ds.parameter,
                    level=current.level,
                    previous=previous,
                    value=row.value,
                    at=row.time,
                    level_name=level_name_of(current.level, ts),
                    detail={"limits": [ts.waspada, ts.siaga, ts.awas], "threshold_set": ts.pk},
                )
            )
    if last is not current.last_time:
        current = hysteresis.State(level=current.level, last_time=last)
    _apply(state, current, changed_any, timezone.now())
    return alerts


def _evaluate_rain(ds: Stream, rows: list[Row], state: AlertState) -> list[Alert]:
    start = rows[0].time - timedelta(hours=24)
    series = list(
        Observation.objects.filter(
            datastream_id=ds.id, phenomenon_time__gt=start, phenomenon_time__lte=rows[-1].time
        ).values_list("phenomenon_time", "value")
    )
    current = _hstate(state)
    limits = hysteresis.Limits((1.0, 2.0, 3.0), deadband=0.0, off_delay=RAIN_OFF_DELAY)
    alerts: list[Alert] = []
    changed_any = False
    for row in rows:
        sums = {
            h: round(sum(v for t, v in series if row.time - timedelta(hours=h) < t <= row.time), 2)
            for h in RAIN_WINDOWS_H
        }
        raw = rain_level(sums)
        previous = current.level
        current, changed = hysteresis.step(current, float(raw), row.time, limits)
        if changed:
            changed_any = True
            categories = {str(h): rain_category(mm, h) for h, mm in sums.items()}
            alerts.append(
                alert_record(
                    station_id=ds.station_id,
                    kind=AlertKind.RAIN,
                    parameter=ds.parameter,
                    level=current.level,
                    previous=previous,
                    value=sums[1],
                    at=row.time,
                    level_name=str(LEVEL_NAMES[current.level]),
                    detail={"sums_mm": {str(h): mm for h, mm in sums.items()}, "categories": categories},
                )
            )
    _apply(state, current, changed_any, timezone.now())
    return alerts


def _silent_clear(ds: Stream, newest: Row) -> list[Alert]:
    state = alert_state_lock(ds.station_id, AlertKind.SILENT, ds.parameter)
    if state.level == 0:
        return []
    previous = state.level
    state.level = 0
    state.changed_at = timezone.now()
    state.last_time = newest.time
    state.save(update_fields=["level", "changed_at", "last_time"])
    return [
        alert_record(
            station_id=ds.station_id,
            kind=AlertKind.SILENT,
            parameter=ds.parameter,
            level=0,
            previous=previous,
            value=newest.value,
            at=newest.time,
            level_name=str(LEVEL_NAMES[0]),
            detail={},
        )
    ]


def alert_record(
    *,
    station_id: int,
    kind: str,
    parameter: str,
    level: int,
    previous: int,
    value: float | None,
    at: datetime,
    level_name: str,
    detail: dict[str, Any],
    reissue_of: Alert | None = None,
) -> Alert:
    now = timezone.now()
    station = Station.objects.select_related("kelurahan").get(pk=station_id)
    Alert.objects.filter(
        station_id=station_id, kind=kind, parameter=parameter, superseded_at__isnull=True
    ).update(superseded_at=now)
    message = (detail.get("message") if kind == AlertKind.ROB else None) or alert_message(
        station=station,
        kind=kind,
        parameter=parameter,
        level=level,
        previous=previous,
        level_name=level_name,
        value=value,
        sums=detail.get("sums_mm"),
    )
    alert = Alert.objects.create(
        station_id=station_id,
        kind=kind,
        parameter=parameter,
        level=level,
        previous_level=previous,
        level_name=level_name[:40],
        value=value,
        phenomenon_time=at,
        created_at=now,
        expires_at=now + (ALERT_TTL if level > 0 else timedelta(hours=1)),
        message=message,
        detail=detail,
        reissue_of=reissue_of,
    )
    audit.record(
        action="flood.alert_raise" if level > previous else "flood.alert_lower",
        actor=None,
        obj=alert,
        data={"station": station.code, "kind": kind, "parameter": parameter, "from": previous, "to": level},
    )
    deliveries_plan(alert, station, step=incident_step(alert))
    return alert


def check_alert_ack(*, actor: Actor, alert: Alert) -> Alert:
    require_role(actor, Role.OPERATOR_BPBD)
    locked = row_lock(Alert.objects.all(), alert.pk)
    if locked.acknowledged_at is not None:
        raise AlreadyAcknowledged()
    return locked


def alert_acknowledge(*, actor: Actor, alert: Alert) -> Alert:
    with transaction.atomic():
        locked = check_alert_ack(actor=actor, alert=alert)
        locked.acknowledged_at = timezone.now()
        locked.acknowledged_by = actor if is_signed_in(actor) else None  # check_alert_ack: signed in
        locked.save(update_fields=["acknowledged_at", "acknowledged_by"])
        audit.record(action="flood.alert_acknowledge", actor=actor, obj=locked, data={"level": locked.level})
    return locked


def silent_check(*, now: datetime | None = None) -> list[Alert]:
    """Raise "sensor silent" for every datastream without data for k × its expected interval."""
    now = now or timezone.now()
    alerts: list[Alert] = []
    streams = Datastream.objects.select_related("station", "latest").filter(
        station__status=StationStatus.ACTIVE
    )
    for ds in streams:
        latest = getattr(ds, "latest", None)
        last = latest.phenomenon_time if latest is not None else ds.station.created_at
        silent = now - last > timedelta(seconds=ds.expected_interval_s * ds.silent_after_intervals)
        if not silent:
            continue
        with transaction.atomic():
            state = alert_state_lock(ds.station_id, AlertKind.SILENT, ds.parameter)
            if state.level > 0:
                continue
            state.level = 1
            state.changed_at = now
            state.save(update_fields=["level", "changed_at"])
            alerts.append(
                alert_record(
                    station_id=ds.station_id,
                    kind=AlertKind.SILENT,
                    parameter=ds.parameter,
                    level=1,
                    previous=0,
                    value=None,
                    at=last,
                    level_name=gettext("No data"),
                    detail={"last_data": last.isoformat(), "expected_interval_s": ds.expected_interval_s},
                )
            )
    return alerts


def alerts_reissue(*, now: datetime | None = None) -> list[Alert]:
    """Re-issue active alerts that expire within the hour, so a published alert never goes stale."""
    now = now or timezone.now()
    out = []
    due = Alert.objects.filter(
        superseded_at__isnull=True, level__gt=0, expires_at__lte=now + timedelta(hours=1)
    )
    for old in due:
        with transaction.atomic():
            locked = Alert.objects.select_for_update().filter(pk=old.pk, superseded_at__isnull=True).first()
            if locked is None:
                continue
            locked.superseded_at = now
            locked.save(update_fields=["superseded_at"])
            new = Alert.objects.create(
                station_id=locked.station_id,
                kind=locked.kind,
                parameter=locked.parameter,
                level=locked.level,
                previous_level=locked.previous_level,
                level_name=locked.level_name,
                value=locked.value,
                phenomenon_time=locked.phenomenon_time,
                created_at=now,
                expires_at=now + ALERT_TTL,
                message=locked.message,
                detail=locked.detail,
                reissue_of=locked,
                acknowledged_at=locked.acknowledged_at,
                acknowledged_by=locked.acknowledged_by,
            )
            incident_renew(new, now=now)
            out.append(new)
    return out
