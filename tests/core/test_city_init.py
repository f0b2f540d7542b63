"""`kotapintar city-init` sets up a second city (the synthetic Kota Teluk Uji, tests/core/data/teluk_uji)
with nothing of Pekalongan in it, and refuses each bad input with the feature or row, the reason and a
declared code, leaving the database as it was. Messages are checked in Indonesian, the first language."""

from __future__ import annotations

import copy
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from kotapintar.core.models import OPD, AuditEntry, City, Kecamatan, Kelurahan
from kotapintar.esign.models import CertKind, PkiCertificate
from kotapintar.masterplan.models import Dimension, Plan, Programme, Worksheet

DATA = Path(__file__).resolve().parent / "data" / "teluk_uji"
KELURAHAN = DATA / "kelurahan.geojson"
KECAMATAN = DATA / "kecamatan.geojson"
OPD_CSV = DATA / "opd.csv"
CODE = "72.99"
NAME = "Kota Teluk Uji"

pytestmark = pytest.mark.django_db


def city_init(*extra: str, boundaries: Path = KELURAHAN, code: str = CODE) -> str:
    out = io.StringIO()
    call_command(
        "city_init",
        "--name",
        NAME,
        "--kemendagri-code",
        code,
        "--province",
        "Sulawesi Tengah",
        "--boundaries",
        str(boundaries),
        "--plan-start-year",
        "2026",
        *extra,
        stdout=out,
    )
    return out.getvalue()


def refused(*extra: str, boundaries: Path = KELURAHAN, code: str = CODE) -> str:
    """The command's error text; asserts that nothing at all was written."""
    entries = AuditEntry.objects.count()
    with pytest.raises(CommandError) as info:
        city_init(*extra, boundaries=boundaries, code=code)
    assert not City.objects.exists() and not Kelurahan.objects.exists() and not OPD.objects.exists()
    assert not PkiCertificate.objects.exists() and not Plan.objects.exists()
    assert AuditEntry.objects.count() == entries
    return str(info.value)


def geojson_with(tmp_path: Path, change: Any) -> Path:
    doc = json.loads(KELURAHAN.read_text(encoding="utf-8"))
    change(doc["features"])
    path = tmp_path / "kelurahan.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def workbook(tmp_path: Path, *rows: list[str]) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    path = tmp_path / "opd.xlsx"
    wb.save(path)
    return path


# --- A second city -------------------------------------------------------------------------------


def test_city_init_sets_up_wilayah_opd_taxonomy_and_an_empty_plan() -> None:
    city_init("--kecamatan", str(KECAMATAN), "--opd", str(OPD_CSV))
    city = City.objects.get()
    assert (city.code, city.name, city.province) == (CODE, NAME, "Sulawesi Tengah")
    assert list(Kecamatan.objects.values_list("code", "name")) == [
        ("72.99.01", "Teluk Barat"),
        ("72.99.02", "Teluk Timur"),
    ]
    assert Kelurahan.objects.filter(kecamatan__city=city).count() == 6
    assert Kelurahan.objects.get(code="72.99.02.1003").name == "Tanjung Jaya"
    assert city.bbox == pytest.approx((121.40, -1.05, 121.43, -1.03))
    # 0.01° × 0.01° near the equator is about 1.11 km × 1.11 km = 123.6 ha
    assert Kelurahan.objects.get(code="72.99.01.1001").area_ha == pytest.approx(123.6, abs=0.5)
    assert sorted(OPD.objects.values_list("code", flat=True)) == [
        "bappeda",
        "bpbd",
        "dinkes",
        "diskominfo",
        "setda",
    ]
    assert Dimension.objects.count() == 6
    plan = Plan.objects.get()
    assert plan.city == city and (plan.start_year, plan.end_year) == (2026, 2035)
    assert NAME in plan.title
    assert not Worksheet.objects.exists() and not Programme.objects.exists()


def test_city_init_names_the_city_pki_after_the_city() -> None:
    city_init()
    root = PkiCertificate.objects.get(kind=CertKind.ROOT)
    subject = x509.load_der_x509_certificate(bytes(root.cert_der)).subject
    assert subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == f"{NAME} Root CA"
    assert subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == f"Pemerintah {NAME}"
    assert subject.get_attributes_for_oid(NameOID.STATE_OR_PROVINCE_NAME)[0].value == "Sulawesi Tengah"
    for cert in PkiCertificate.objects.all():
        der = x509.load_der_x509_certificate(bytes(cert.cert_der))
        assert "Pekalongan" not in der.subject.rfc4514_string(), cert.kind


def test_city_init_creates_no_demo_data() -> None:
    city_init("--opd", str(OPD_CSV))
    assert not get_user_model().objects.exists()
    from kotapintar.batik.models import Event
    from kotapintar.flood.models import Station
    from kotapintar.wallet.models import Card, Merchant

    assert not Event.objects.exists() and not Station.objects.exists()
    assert not Card.objects.exists() and not Merchant.objects.exists()


def test_kecamatan_boundaries_default_to_the_union_of_their_kelurahan() -> None:
    city_init()
    barat = Kecamatan.objects.get(code="72.99.01")
    assert barat.name == "Teluk Barat"
    assert barat.geometry["type"] == "Polygon"
    lons = [p[0] for p in barat.geometry["coordinates"][0]]
    assert (min(lons), max(lons)) == pytest.approx((121.40, 121.43))


def test_opd_list_from_an_xlsx_workbook(tmp_path: Path) -> None:
    path = workbook(
        tmp_path,
        ["code", "name", "short_name"],
        ["bappeda", "Badan Perencanaan Pembangunan Daerah", "Bappeda"],
        ["diskominfo", "Dinas Komunikasi dan Informatika", "Diskominfo"],
    )
    city_init("--opd", str(path))
    assert sorted(OPD.objects.values_list("short_name", flat=True)) == ["Bappeda", "Diskominfo"]


PAGES = [
    "/",
    "/banjir/",
    "/banjir/lapor/",
    "/batik/",
    "/batik/kalender.ics",
    "/masterplan/",
    "/tte/verifikasi/",
]


def test_pages_show_the_new_city_and_no_pekalongan(client: Client) -> None:
    city_init("--boundaries-source", "Data sintetis untuk uji")
    home = client.get("/").content.decode()
    assert f"<h1>{NAME}</h1>" in home
    bbox = re.search(r'id="map"[^>]* data-bbox="([^"]+)"', home)
    assert bbox is not None
    assert [float(v) for v in bbox.group(1).split(",")] == pytest.approx([121.40, -1.05, 121.43, -1.03])
    assert "Data sintetis untuk uji" in home
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "pekalongan" not in response.content.decode().lower(), url


def test_flood_page_offers_no_rob_layers_the_city_does_not_have(client: Client) -> None:
    city_init()
    page = client.get("/banjir/").content.decode()
    assert 'id="flood-map"' in page and "data-rob=" not in page
    assert client.get(reverse("flood:layer", args=["rob"])).status_code == 404


# --- Bad input -------------------------------------------------------------------------------------


def test_a_file_that_is_not_geojson_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "kelurahan.geojson"
    path.write_text("<kml/>", encoding="utf-8")
    assert "[geojson_invalid]" in refused(boundaries=path)


def test_a_feature_collection_of_points_is_refused(tmp_path: Path) -> None:
    def to_point(features: list[dict[str, Any]]) -> None:
        features[1]["geometry"] = {"type": "Point", "coordinates": [121.41, -1.04]}

    message = refused(boundaries=geojson_with(tmp_path, to_point))
    assert "fitur 2 (72.99.01.1002)" in message and "Point" in message
    assert "[boundary_geometry_invalid]" in message


def test_a_polygon_that_does_not_close_is_refused_with_its_feature(tmp_path: Path) -> None:
    def open_ring(features: list[dict[str, Any]]) -> None:
        features[3]["geometry"]["coordinates"][0].pop()

    message = refused(boundaries=geojson_with(tmp_path, open_ring))
    assert "fitur 4 (72.99.02.1001)" in message and "tidak tertutup" in message
    assert "[boundary_ring_open]" in message


def test_a_self_intersecting_polygon_is_refused(tmp_path: Path) -> None:
    def bow_tie(features: list[dict[str, Any]]) -> None:
        features[0]["geometry"]["coordinates"] = [
            [[121.40, -1.05], [121.41, -1.04], [121.41, -1.05], [121.40, -1.04], [121.40, -1.05]]
        ]

    message = refused(boundaries=geojson_with(tmp_path, bow_tie))
    assert "fitur 1 (72.99.01.1001): poligon tidak valid: sisinya bersilangan (121.405 -1.045)" in message
    assert "[boundary_geometry_invalid]" in message


def test_duplicate_codes_are_refused(tmp_path: Path) -> None:
    def duplicate(features: list[dict[str, Any]]) -> None:
        features[2]["properties"]["code"] = features[1]["properties"]["code"]

    message = refused(boundaries=geojson_with(tmp_path, duplicate))
    assert "fitur 3 (72.99.01.1002)" in message and "[boundary_code_duplicate]" in message


def test_the_same_kelurahan_twice_is_refused(tmp_path: Path) -> None:
    def twice(features: list[dict[str, Any]]) -> None:
        extra = copy.deepcopy(features[0])
        extra["properties"]["code"] = "72.99.01.1009"
        features.append(extra)

    message = refused(boundaries=geojson_with(tmp_path, twice))
    assert "fitur 7 (72.99.01.1009)" in message and "[boundary_name_invalid]" in message


def test_codes_of_another_city_are_refused(tmp_path: Path) -> None:
    def other_city(features: list[dict[str, Any]]) -> None:
        features[0]["properties"]["code"] = "33.75.01.1002"

    message = refused(boundaries=geojson_with(tmp_path, other_city))
    assert "fitur 1 (33.75.01.1002)" in message and "[boundary_code_invalid]" in message


def test_coordinates_given_as_latitude_longitude_are_refused(tmp_path: Path) -> None:
    def swapped(features: list[dict[str, Any]]) -> None:
        ring = features[0]["geometry"]["coordinates"][0]
        features[0]["geometry"]["coordinates"][0] = [[lat, lon] for lon, lat in ring]

    message = refused(boundaries=geojson_with(tmp_path, swapped))
    assert "fitur 1" in message and "[boundary_outside_range]" in message


def test_every_problem_is_listed_not_only_the_first(tmp_path: Path) -> None:
    def two_problems(features: list[dict[str, Any]]) -> None:
        features[0]["geometry"]["coordinates"][0].pop()
        features[5]["properties"]["name"] = ""

    message = refused(boundaries=geojson_with(tmp_path, two_problems))
    assert "dan 1 masalah lain" in message
    assert "fitur 6 (72.99.02.1003): kelurahan tidak memiliki nama [boundary_name_invalid]" in message


def test_a_bad_city_code_is_refused_before_any_file_is_read() -> None:
    assert "[city_code_invalid]" in refused(code="3376")


def test_an_opd_sheet_without_a_required_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "opd.csv"
    path.write_text("code,name\nbappeda,Badan Perencanaan\n", encoding="utf-8")
    message = refused("--opd", str(path))
    assert "short_name" in message and "[opd_sheet_columns_missing]" in message


def test_an_xlsx_opd_sheet_without_a_required_column_is_refused(tmp_path: Path) -> None:
    path = workbook(tmp_path, ["kode", "nama", "short_name"], ["bappeda", "Badan Perencanaan", "Bappeda"])
    message = refused("--opd", str(path))
    assert "code, name" in message and "[opd_sheet_columns_missing]" in message


def test_a_bad_opd_row_is_refused_with_its_row_number(tmp_path: Path) -> None:
    path = tmp_path / "opd.csv"
    path.write_text(
        "code,name,short_name\nbappeda,Badan Perencanaan,Bappeda\nDinas Kesehatan,Dinas Kesehatan,\n",
        encoding="utf-8",
    )
    message = refused("--opd", str(path))
    assert "opd.csv, baris 3" in message and "short_name kosong" in message
    assert "[opd_sheet_row_invalid]" in message


def test_a_second_city_in_the_same_database_is_refused() -> None:
    city_init()
    with pytest.raises(CommandError, match=r"Kota Teluk Uji \(72\.99\) sudah disiapkan.*\[city_exists\]"):
        city_init()
    assert City.objects.count() == 1


def test_a_failure_while_making_the_pki_leaves_nothing_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    from kotapintar.esign import pki

    def broken(**_kw: Any) -> Any:
        raise RuntimeError("key generation failed")

    monkeypatch.setattr(pki, "build_root", broken)
    with pytest.raises(RuntimeError):
        city_init("--opd", str(OPD_CSV))
    assert not City.objects.exists() and not OPD.objects.exists() and not Plan.objects.exists()
    assert not PkiCertificate.objects.exists()


def test_a_kelurahan_whose_kecamatan_is_not_in_the_kecamatan_file_is_refused(tmp_path: Path) -> None:
    doc = json.loads(KECAMATAN.read_text(encoding="utf-8"))
    doc["features"] = doc["features"][:1]
    kecamatan = tmp_path / "kecamatan.geojson"
    kecamatan.write_text(json.dumps(doc), encoding="utf-8")
    message = refused("--kecamatan", str(kecamatan))
    assert "fitur 4 (72.99.02.1001)" in message and "72.99.02" in message
    assert "[boundary_kecamatan_missing]" in message


def test_the_pekalongan_demo_is_not_seeded_into_another_citys_database() -> None:
    city_init()
    with pytest.raises(CommandError, match=r"\[city_exists\]"):
        call_command("seed_demo", "--only", "core", stdout=io.StringIO())
    assert list(City.objects.values_list("code", flat=True)) == [CODE]
    assert not get_user_model().objects.exists()
