"""Citizen reports: no login, inside the city only, photo checked and stripped, rate-limited, reviewed."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from kotapintar.core.errors import PermissionDenied
from kotapintar.core.models import Role
from kotapintar.flood import selectors, services
from kotapintar.flood.models import CitizenReport, ReportStatus
from tests.flood.conftest import point_in

pytestmark = pytest.mark.django_db


def jpeg_with_exif() -> bytes:
    img = Image.new("RGB", (64, 48), (30, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "KameraHP"  # Make
    exif[0x0110] = "Model X"  # Model
    exif[0x010E] = "lokasi -6.8812, 109.6731"  # ImageDescription
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def post(client, **fields):
    return client.post("/api/v1/flood/reports", fields)


def test_a_citizen_reports_without_an_account(client, city):
    lon, lat = point_in("Krapyak")
    response = post(client, lon=lon, lat=lat, depth_cm=40, text="Air masuk rumah")
    body = response.json()
    assert (response.status_code, body["kelurahan"], body["depth_state"], body["status"]) == (
        201,
        "Krapyak",
        2,
        "pending",
    )


@pytest.mark.parametrize(("lon", "lat", "code"), [(0, 0, "bad_location"), (110.4, -6.97, "outside_city")])
def test_points_outside_the_city_or_at_zero_are_refused(client, city, lon, lat, code):
    response = post(client, lon=lon, lat=lat, depth_cm=20)
    assert (response.status_code, response.json()["code"]) == (422, code)
    assert not CitizenReport.objects.exists()


def test_the_photo_is_stored_without_exif(client, city):
    lon, lat = point_in("Krapyak")
    photo = SimpleUploadedFile("a.jpg", jpeg_with_exif(), content_type="image/jpeg")
    assert Image.open(io.BytesIO(jpeg_with_exif())).getexif()  # the upload does carry EXIF
    response = post(client, lon=lon, lat=lat, depth_cm=20, photo=photo)
    report = CitizenReport.objects.get()
    with report.photo.open("rb") as f:
        stored = Image.open(io.BytesIO(f.read()))
        assert (stored.format, dict(stored.getexif())) == ("JPEG", {})
    assert response.json()["photo_url"].endswith("/foto.jpg")


def test_a_file_that_is_not_an_image_is_refused(client, city):
    lon, lat = point_in("Krapyak")
    fake = SimpleUploadedFile("a.jpg", b"%PDF-1.7 not an image", content_type="image/jpeg")
    response = post(client, lon=lon, lat=lat, depth_cm=20, photo=fake)
    assert (response.status_code, response.json()["code"]) == (422, "photo_type")


def test_reports_are_rate_limited_per_address(client, city, settings):
    settings.FLOOD_REPORT_RATE = (2, 3600)
    lon, lat = point_in("Krapyak")
    codes = [post(client, lon=lon, lat=lat, depth_cm=10).status_code for _ in range(3)]
    assert codes == [201, 201, 429]


def test_bpbd_verifies_and_the_kelurahan_state_follows_the_depth_class(make_user, city):
    lon, lat = point_in("Panjang Wetan")
    report = services.citizen_report_create(lon=lon, lat=lat, depth_cm=90, client_key="t")
    states = {s.kelurahan.name: s.state for s in selectors.kelurahan_states()}
    assert states["Panjang Wetan"] == 0  # unverified reports do not colour the map
    services.citizen_report_review(actor=make_user(Role.OPERATOR_BPBD), report=report, verified=True)
    states = {s.kelurahan.name: s.state for s in selectors.kelurahan_states()}
    assert states["Panjang Wetan"] == 3


def test_old_verified_reports_no_longer_count(make_user, city):
    lon, lat = point_in("Panjang Wetan")
    report = services.citizen_report_create(lon=lon, lat=lat, depth_cm=200, client_key="t")
    services.citizen_report_review(actor=make_user(Role.OPERATOR_BPBD), report=report, verified=True)
    later = timezone.now() + timedelta(hours=7)
    states = {s.kelurahan.name: s.state for s in selectors.kelurahan_states(now=later)}
    assert states["Panjang Wetan"] == 0


def test_a_station_in_siaga_makes_its_kelurahan_take_care(river):
    from tests.flood.conftest import T0, reading

    services.readings_ingest(readings=[reading("loji-1", 170, T0)], source="http")
    states = {s.kelurahan.name: s.state for s in selectors.kelurahan_states()}
    assert states["Podosugih"] == 1


def test_only_bpbd_reviews(make_user, city):
    lon, lat = point_in("Krapyak")
    report = services.citizen_report_create(lon=lon, lat=lat, depth_cm=10, client_key="t")
    with pytest.raises(PermissionDenied):
        services.citizen_report_review(actor=make_user(Role.BAPPEDA), report=report, verified=True)
    report.refresh_from_db()
    assert report.status == ReportStatus.PENDING


@pytest.mark.parametrize(("depth", "state"), [(5, 1), (10, 2), (70, 2), (71, 3), (150, 3), (151, 4)])
def test_depth_classes(depth, state):
    assert selectors.depth_state(depth) == state
