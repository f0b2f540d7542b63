"""Setting up a new city in one step (`kotapintar city-init`): wilayah, OPD, taxonomy, an empty plan, the PKI.

Every input is read and checked before anything is written (`boundaries.wilayah_parse`,
`opdsheet.opd_sheet_parse`); the writes then run in ONE transaction, the city PKI last, so a failure
anywhere leaves the database as it was: no city without its PKI, no PKI without its city. No demo data
(users, events, stations, readings) is created: the city's administrator adds those.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kotapintar.core import audit, services
from kotapintar.core.boundaries import Wilayah, city_code_valid
from kotapintar.core.errors import CityCodeInvalid, CityExists, CityNameInvalid
from kotapintar.core.models import OPD, City, Kecamatan, Kelurahan
from kotapintar.core.opdsheet import OpdIn
from kotapintar.core.types import Actor
from kotapintar.esign import services as esign_services
from kotapintar.masterplan import services as masterplan_services
from kotapintar.masterplan.models import Plan

#: Years a new master plan covers (the Gerakan Menuju 100 Smart City plans run ten years).
PLAN_YEARS = 10


@dataclass(frozen=True)
class CityInitResult:
    city: City
    kecamatan: int
    kelurahan: int
    opd: int
    plan: Plan
    pki: esign_services.PkiInitResult


def city_init_check(*, code: str, name: str) -> None:
    """Refuse a bad code or name, or a database that already serves a city, before reading any file."""
    if not city_code_valid(code):
        raise CityCodeInvalid(detail={"code": code[:40]})
    if not name.strip() or len(name) > 120:
        raise CityNameInvalid(detail={"name": name[:140]})
    existing = City.objects.order_by("pk").first()
    if existing is not None:
        raise CityExists(
            _("%(city)s (%(code)s) is already set up in this database: one installation serves one city.")
            % {"city": existing.name, "code": existing.code},
            detail={"code": existing.code, "name": existing.name},
        )


def city_init(
    *,
    code: str,
    name: str,
    province: str,
    wilayah: Wilayah,
    opds: list[OpdIn],
    plan_start_year: int,
    boundaries_source: str = "",
    address: str = "",
    actor: Actor = None,
) -> CityInitResult:
    """Write the checked city in one transaction; the PKI is made last, inside it."""
    name = name.strip()
    with transaction.atomic():
        city_init_check(code=code, name=name)
        min_lon, min_lat, max_lon, max_lat = wilayah.bbox
        city = City.objects.create(
            code=code,
            name=name,
            province=province.strip()[:120],
            min_lon=min_lon,
            min_lat=min_lat,
            max_lon=max_lon,
            max_lat=max_lat,
            area_ha=wilayah.area_ha,
            population=wilayah.population or None,
            population_source=str(_("boundary file")) if wilayah.population else "",
            boundaries_source=boundaries_source.strip()[:255],
            address=address.strip()[:255],
        )
        kecamatan = {
            k.code: Kecamatan.objects.create(
                city=city,
                code=k.code,
                name=k.name,
                geometry=k.geometry,
                population=k.population,
                area_ha=k.area_ha,
            )
            for k in wilayah.kecamatan
        }
        Kelurahan.objects.bulk_create(
            Kelurahan(
                kecamatan=kecamatan[k.kecamatan_code],
                code=k.code,
                name=k.name,
                geometry=k.geometry,
                population=k.population,
                population_year=k.population_year,
                area_ha=k.area_ha,
            )
            for k in wilayah.kelurahan
        )
        for o in opds:
            services.opd_ensure(city=city, code=o.code, name=o.name, short_name=o.short_name, kind=o.kind)
        services.roles_ensure()
        audit.record(
            action="core.city_init",
            actor=actor,
            obj=city,
            data={
                "code": code,
                "name": name,
                "kecamatan": len(wilayah.kecamatan),
                "kelurahan": len(wilayah.kelurahan),
                "opd": len(opds),
            },
        )
        masterplan_services.reference_ensure()
        plan = masterplan_services.plan_create(
            actor=None,
            city=city,
            title=f"Masterplan Smart City {name} {plan_start_year}–{plan_start_year + PLAN_YEARS - 1}",
            start_year=plan_start_year,
            end_year=plan_start_year + PLAN_YEARS - 1,
        )
        pki = esign_services.pki_init(actor=actor, city=city)
    return CityInitResult(
        city=city,
        kecamatan=len(wilayah.kecamatan),
        kelurahan=len(wilayah.kelurahan),
        opd=OPD.objects.filter(city=city).count(),
        plan=plan,
        pki=pki,
    )
