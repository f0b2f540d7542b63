"""`kotapintar city-init`: set up a city that is not the demo's, from its boundaries and OPD list.

    kotapintar city-init --name "Kota Tegal" --kemendagri-code 33.76 --province "Jawa Tengah" \\
        --boundaries kelurahan.geojson [--kecamatan kecamatan.geojson] [--opd opd.xlsx]

Reads and checks every file first (see core/boundaries.py and core/opdsheet.py for the formats), then
writes the city, its kecamatan and kelurahan, the OPD, the smart-city taxonomy, an empty master plan
and the city PKI in one transaction. A refused input exits 1 with the file, the feature or row, the
reason and the error code; nothing is written then.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from kotapintar.core import boundaries, cityinit, opdsheet
from kotapintar.core.errors import DomainError, ValidationFailed


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ValidationFailed(
            _("%(file)s cannot be read: %(reason)s") % {"file": path, "reason": exc.strerror or exc},
            detail={"file": path},
        ) from None


def _error(exc: DomainError) -> CommandError:
    lines = [f"{exc.message} [{exc.code}]"]
    detail = exc.detail if isinstance(exc.detail, dict) else {}
    for p in detail.get("problems", [])[1:]:
        if "feature" in p:
            where = _("feature %(n)d") % {"n": p["feature"]} + (f" ({p['code']})" if p.get("code") else "")
            lines.append(f"  {where}: {p['reason']} [{p['error']}]")
        else:
            where = _("row %(n)d") % {"n": p["row"]}
            lines.append(f"  {where}: {'; '.join(p['reasons'])}")
    return CommandError("\n".join(lines), returncode=1)


class Command(BaseCommand):
    help = (
        "Set up a new city: kelurahan (and kecamatan) boundaries from GeoJSON, the OPD list from "
        "an .xlsx or .csv file, the smart-city taxonomy, an empty master plan and the city PKI. "
        "No demo data. Refuses bad input with the feature or row and the reason; writes nothing then."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help='the city\'s name, e.g. "Kota Tegal"')
        parser.add_argument("--kemendagri-code", required=True, help="the city's Kemendagri code, e.g. 33.76")
        parser.add_argument("--province", default="", help='e.g. "Jawa Tengah"')
        parser.add_argument("--boundaries", required=True, help="kelurahan GeoJSON (one feature each)")
        parser.add_argument("--kecamatan", help="kecamatan GeoJSON (else each is the union of its kelurahan)")
        parser.add_argument("--opd", help="OPD list, .xlsx or .csv (columns code, name, short_name[, kind])")
        parser.add_argument("--boundaries-source", default="", help="attribution shown under the maps")
        parser.add_argument("--address", default="", help="city hall address for letterheads")
        parser.add_argument(
            "--plan-start-year", type=int, help="first year of the empty master plan (default: this year)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["kemendagri_code"].strip()
        try:
            cityinit.city_init_check(code=code, name=options["name"])
            wilayah = boundaries.wilayah_parse(
                city_code=code,
                kelurahan_data=_read(options["boundaries"]),
                kecamatan_data=_read(options["kecamatan"]) if options["kecamatan"] else None,
                kelurahan_label=Path(options["boundaries"]).name,
                kecamatan_label=Path(options["kecamatan"]).name if options["kecamatan"] else "",
            )
            opds = (
                opdsheet.opd_sheet_parse(data=_read(options["opd"]), filename=Path(options["opd"]).name)
                if options["opd"]
                else []
            )
            result = cityinit.city_init(
                code=code,
                name=options["name"],
                province=options["province"],
                wilayah=wilayah,
                opds=opds,
                plan_start_year=options["plan_start_year"] or timezone.localdate().year,
                boundaries_source=options["boundaries_source"],
                address=options["address"],
            )
        except DomainError as exc:
            raise _error(exc) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("%(city)s (%(code)s) is set up: %(kec)d kecamatan, %(kel)d kelurahan, %(opd)d OPD.")
                % {
                    "city": result.city.name,
                    "code": result.city.code,
                    "kec": result.kecamatan,
                    "kel": result.kelurahan,
                    "opd": result.opd,
                }
            )
        )
        self.stdout.write(_("  master plan: %(title)s (empty)") % {"title": result.plan.title})
        self.stdout.write(_("  city PKI: %(root)s") % {"root": result.pki.root.subject})
        self.stdout.write(
            _("  next: create the administrator (`kotapintar createsuperuser`), then `kotapintar run`.")
        )
