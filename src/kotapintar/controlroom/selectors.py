"""What the control room shows, as one snapshot for the page, its JSON poll and the public twin.

Every tile carries the age of its data and whether it is stale: a metric tile (kotapintar.core.metrics)
is stale after its metric's `stale_after_s`; the flood map after the same limit as the sensor figures
(`flood.active_alerts`: incidents open and close as readings arrive); plan tiles age with the last
worksheet change and are never stale (a plan changes by people, not by a feed).

The number of queries does not grow with the plan: progress, dimensions, OPDs and budget are grouped
in the database, bound indicators are read in two queries, and each metric (and each of its months)
is read once however many indicators are bound to it (`masterplan.live.LiveReader`).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Max, Q, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kotapintar.batik import selectors as batik_selectors
from kotapintar.core import metrics
from kotapintar.flood import selectors as flood_selectors
from kotapintar.flood.selectors import IncidentFilter
from kotapintar.masterplan import budget as mp_budget
from kotapintar.masterplan import live
from kotapintar.masterplan import selectors as mp
from kotapintar.masterplan.models import BudgetLine, Plan, Programme, Worksheet

FLOOD_MODULE = "/banjir/"
FLOOD_FEED_METRIC = "flood.active_alerts"  # its age is the age of the newest sensor reading
INDICATOR_ROWS = 8
INCIDENT_ROWS = 50
EVENT_ROWS = 6
RAG_ORDER = {"red": 0, "amber": 1, "none": 2, "green": 3}


def age_label(age_s: float | None) -> str:
    if age_s is None:
        return _("no data yet")
    s = max(0, int(age_s))
    if s < 60:
        return _("updated just now")
    if s < 3600:
        return _("updated %(n)s min ago") % {"n": s // 60}
    if s < 86_400:
        return _("updated %(n)s h ago") % {"n": s // 3600}
    return _("updated %(n)s days ago") % {"n": s // 86_400}


def fmt(value: float | int | None, decimals: int = 0) -> str:
    if value is None:
        return "–"
    if float(value).is_integer():
        decimals = 0
    return str(formats.number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True))


def tile(
    tile_id: str, label: str, *, value: str, unit: str, as_of: datetime | None, now: datetime, stale: bool
) -> dict[str, Any]:
    age = (now - as_of).total_seconds() if as_of is not None else None
    return {
        "id": tile_id,
        "label": label,
        "value": value,
        "unit": unit,
        "as_of": as_of.isoformat() if as_of else None,
        "age_s": None if age is None else int(age),
        "age": age_label(age),
        "stale": stale,
    }


def metric_tile(m: metrics.Metric, reader: live.LiveReader) -> dict[str, Any]:
    r = reader.read(m)
    t = tile(
        m.code,
        m.name(mp.lang_en()),
        value=fmt(r.value, 1),
        unit=m.unit,
        as_of=r.as_of,
        now=reader.now,
        stale=r.stale,
    )
    t["module"] = m.module
    if r.error:
        t["age"] = _("the database did not answer")
    return t


def _plan_part(plan: Plan, reader: mp.Reader, now: datetime, year: int) -> dict[str, Any]:
    progress = mp.plan_progress(plan=plan)
    changed = Worksheet.objects.filter(plan=plan).aggregate(t=Max("updated_at"))["t"]
    dims = [
        {
            "code": d["code"],
            "name": d["name"],
            "done": d["done"],
            "total": d["total"],
            "percent": d["percent"],
        }
        for d in mp.dimension_progress(plan=plan, reader=reader)
    ]
    done = Q(status__in=mp.DONE_WORKSHEET)
    per_opd: dict[str, dict[str, Any]] = {
        r["opd__short_name"]: {
            "opd": r["opd__short_name"],
            "total": r["total"],
            "done": r["done"],
            "programmes": 0,
        }
        for r in Worksheet.objects.filter(plan=plan)
        .values("opd__short_name")
        .annotate(total=Count("pk"), done=Count("pk", filter=done))
    }
    programmes = mp.visible_to(reader, Programme.objects.filter(plan=plan), "worksheet__")
    for opd_name, n in programmes.values_list("worksheet__opd__short_name").annotate(n=Count("pk")):
        if opd_name in per_opd:
            per_opd[opd_name]["programmes"] = n
    opds = sorted(per_opd.values(), key=lambda o: (-o["programmes"], o["opd"]))
    for o in opds:
        o["percent"] = round(100 * o["done"] / o["total"], 1) if o["total"] else 0.0
    budget_rows = (
        mp.visible_to(
            reader, BudgetLine.objects.filter(programme__plan=plan, year=year), "programme__worksheet__"
        )
        .values_list("programme__worksheet__element__dimension__code")
        .annotate(total=Sum("amount_idr"))
    )
    by_dim: dict[str, int] = defaultdict(int)
    for dim_code, amount in budget_rows:
        by_dim[dim_code] += int(amount or 0)
    total = sum(by_dim.values())
    return {
        "title": plan.title,
        "year": year,
        "percent": progress.percent,
        "progress": tile(
            "plan.progress",
            _("Plan progress"),
            value=fmt(progress.percent, 1),
            unit="%",
            as_of=changed,
            now=now,
            stale=False,
        ),
        "dimensions": dims,
        "opds": opds,
        "budget": tile(
            "plan.budget",
            _("Planned budget %(year)s") % {"year": year},
            value=fmt(total / 1_000_000),
            unit=_("million Rp"),
            as_of=changed,
            now=now,
            stale=False,
        ),
        "budget_dimensions": [
            {
                "code": d["code"],
                "name": d["name"],
                "amount": fmt(by_dim.get(d["code"], 0) / 1_000_000),
                "percent": round(100 * by_dim.get(d["code"], 0) / total, 1) if total else 0.0,
            }
            for d in dims
        ],
        "realisation": _realisation_part(plan, reader),
    }


def _realised_row(label: str, row: dict[str, Any]) -> dict[str, Any]:
    pct = row["percent"]
    return {
        "label": label,
        "planned": fmt(row["planned"] / 1_000_000),
        "realised": "–" if row["realised"] is None else fmt(row["realised"] / 1_000_000),
        "percent": "–" if pct is None else f"{fmt(pct, 1)}%",
        "bar": min(pct or 0.0, 100.0),
        "over": row["over"],
        "recorded": f"{row['recorded']}/{row['lines']}",
    }


def _realisation_part(plan: Plan, reader: mp.Reader) -> dict[str, Any]:
    """Planned against realised budget (million Rp), per year and per OPD (latest year recorded)."""
    r = mp_budget.realisation(plan=plan, reader=reader)
    return {
        "years": [_realised_row(str(y["year"]), y) for y in r["years"]],
        "opd_year": r["opd_year"],
        "opds": [_realised_row(o["opd"], o) for o in r["opds"][:6]],
        "note": _(
            "Realised against planned, million Rp, in percent of the lines already recorded "
            "(recorded/lines); red when above the plan."
        ),
    }


def _indicator_part(
    plan: Plan, reader: mp.Reader, year: int, live_reader: live.LiveReader, public: bool
) -> dict[str, Any]:
    rows = []
    for ind in live.bound_indicators(plan=plan, reader=reader, year=year):
        m = metrics.metric(ind.metric_code)
        if public and (m is None or not m.public):
            continue
        rows.append(live.bound_row(ind, year, live_reader, months=0))
    counts = {"green": 0, "amber": 0, "red": 0, "none": 0}
    for r in rows:
        counts[r["status"]] += 1
    worst = sorted(rows, key=lambda r: (RAG_ORDER[r["status"]], r["programme"], r["code"]))[:INDICATOR_ROWS]
    shown = []
    for r in worst:
        m = metrics.metric(r["metric_code"] or "")
        trend = live.trend(m, live_reader) if m is not None else []
        top = max((abs(p["value"]) for p in trend if p["value"] is not None), default=0)
        for p in trend:  # bar height of the sparkline, in % of the largest month
            p["h"] = 0 if p["value"] is None or not top else max(8, round(100 * abs(p["value"]) / top))
        shown.append(
            {
                "programme": r["programme"],
                "code": r["code"],
                "name": r["name"],
                "value": fmt(r["value"], 1),
                "target": fmt(r["target"], 1),
                "unit": r["unit"],
                "status": r["status"],
                "reason": r["reason"],
                "stale": r["stale"],
                "trend": trend,
            }
        )
    newest = max((r["as_of"] for r in rows if r["as_of"] is not None), default=None)
    return {
        "counts": counts,
        "total": len(rows),
        "rows": shown,
        "tile": tile(
            "plan.indicators",
            _("Indicators bound to live figures"),
            value=fmt(len(rows)),
            unit=_("indicators"),
            as_of=newest,
            now=live_reader.now,
            stale=all(r["stale"] for r in rows) if rows else False,  # grey only when every feed is late
        ),
    }


def _flood_part(live_reader: live.LiveReader) -> dict[str, Any]:
    feed = metrics.metric(FLOOD_FEED_METRIC)
    reading = live_reader.read(feed) if feed is not None else None
    incidents = [
        {
            "station": i.station.name,
            "code": i.station.code,
            "lat": i.station.lat,
            "lon": i.station.lon,
            "level": i.level,
            "level_name": i.level_name,
            "hazard": i.get_hazard_display(),
            "opened": formats.date_format(timezone.localtime(i.opened_at), "j M H:i"),
        }
        for i in flood_selectors.incident_list(flt=IncidentFilter(state="open"), limit=INCIDENT_ROWS)
    ]
    return {
        "incidents": incidents,
        "tile": tile(
            "flood.incidents",
            _("Open flood incidents"),
            value=fmt(flood_selectors.incidents_open_count()),  # the map lists at most INCIDENT_ROWS
            unit=_("incidents"),
            as_of=reading.as_of if reading else None,
            now=live_reader.now,
            stale=reading.stale if reading else True,
        ),
    }


def _events_part(now: datetime) -> dict[str, Any]:
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    end = start + timedelta(days=1)
    events = list(
        batik_selectors.event_list(include_past=True)
        .filter(starts_at__lt=end, ends_at__gte=start)
        .values("code", "name_id", "name_en", "starts_at")[:EVENT_ROWS]
    )
    en = mp.lang_en()
    return {
        "rows": [
            {
                "name": (e["name_en"] or e["name_id"]) if en else e["name_id"],
                "time": formats.date_format(timezone.localtime(e["starts_at"]), "j M H:i"),
                "url": f"/batik/acara/{e['code']}/",
            }
            for e in events
        ],
    }


def modules_named(plan: Plan | None, reader: mp.Reader) -> dict[str, str]:
    """Module URL → the quick win that delivers it, for the tile groups' headings."""
    if plan is None:
        return {}
    return {
        p.module_url: mp.label(p)
        for p in mp.programme_list(plan=plan, reader=reader, quick_win=True).exclude(module_url="")
    }


def snapshot(*, reader: mp.Reader, public: bool = False, now: datetime | None = None) -> dict[str, Any]:
    """Everything the control room shows at `now`. `public`: only public metrics, and plan data only
    from accepted or endorsed worksheets (pass an anonymous reader)."""
    now = now or timezone.now()
    live_reader = live.LiveReader(now=now)
    plan = mp.plan_current_or_none()
    tiles = [metric_tile(m, live_reader) for m in metrics.metrics(public_only=public)]
    names = modules_named(plan, reader)
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for t in tiles:
        if t["module"] != FLOOD_MODULE:
            groups[t["module"]].append(t)
    out: dict[str, Any] = {
        "generated_at": now.isoformat(),
        "generated": formats.date_format(timezone.localtime(now), "H:i:s"),
        "public": public,
        "plan": None,
        "indicators": None,
        "quick_wins": [
            {"module": module, "name": names.get(module, module), "tiles": group}
            for module, group in sorted(groups.items())
        ],
        "flood": {**_flood_part(live_reader), "tiles": [t for t in tiles if t["module"] == FLOOD_MODULE]},
        "events": _events_part(now),
    }
    if plan is not None:
        year = min(max(timezone.localtime(now).year, plan.start_year), plan.end_year)
        out["plan"] = _plan_part(plan, reader, now, year)
        out["indicators"] = _indicator_part(plan, reader, year, live_reader, public)
    return out


def all_tiles(snap: dict[str, Any]) -> list[dict[str, Any]]:
    """Every tile of a snapshot, for the page's poll: each has an id, a value, an age and `stale`."""
    found = [t for g in snap["quick_wins"] for t in g["tiles"]]
    found += snap["flood"]["tiles"] + [snap["flood"]["tile"]]
    if snap["plan"] is not None:
        found += [snap["plan"]["progress"], snap["plan"]["budget"], snap["indicators"]["tile"]]
    return found
