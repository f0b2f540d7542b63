"""The live map and a citizen report in a real browser (Chromium, no internet)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kotapintar.flood import services
from kotapintar.flood.models import CitizenReport
from tests.flood.conftest import point_in, reading

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_live_map_shows_kelurahan_states_and_stations(page, river):
    services.readings_ingest(readings=[reading("loji-1", 172.5, timezone.now())], source="http")
    page.goto("/banjir/")
    expect(page.locator("#flood-map path.kelurahan")).to_have_count(27)
    expect(page.locator("#flood-map path.kelurahan.state-1")).to_have_count(1)  # Podosugih: take care
    expect(page.locator('#flood-map [data-station="loji-1"].lvl-2')).to_have_count(1)
    expect(page.locator("#flood-map-status")).to_contain_text("27 kelurahan")
    expect(page.locator("#open-incidents")).to_contain_text("Siaga II")
    page.locator('#flood-map [data-station="loji-1"]').click()
    expect(page.locator(".leaflet-popup-content")).to_contain_text("172,5 cm")  # the Indonesian decimal comma
    assert not page.console_errors


def test_the_station_chart_legend_is_the_parameter_label_in_the_page_language(page, river):
    services.readings_ingest(readings=[reading("loji-1", 120.25, timezone.now())], source="http")
    page.goto("/banjir/stasiun/loji-1/")
    expect(page.locator("#station-chart")).to_have_attribute("data-points", "1")
    legends = page.evaluate(
        "() => Chart.getChart(document.getElementById('station-chart')).data.datasets.map(d => d.label)"
    )
    assert legends[0] == "Tinggi muka air (cm)"
    page.click("button[data-lang=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    legends = page.evaluate(
        "() => Chart.getChart(document.getElementById('station-chart')).data.datasets.map(d => d.label)"
    )
    assert legends[0] == "Water level (cm)"


def test_numbers_follow_the_page_language(page, city):
    page.goto("/")
    shown = (
        "() => [KotaPintar.number(58.34, 1), KotaPintar.rupiah(1250000), KotaPintar.rupiahShort(7411000000)]"
    )
    assert page.evaluate(shown) == ["58,3", "Rp1.250.000", "Rp7,4 miliar"]
    page.click("button[data-lang=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.evaluate(shown) == ["58.3", "Rp1,250,000", "Rp7.4 billion"]


def test_a_citizen_reports_a_flood_from_the_map(page, city):
    lon, lat = point_in("Panjang Wetan")
    page.goto("/banjir/lapor/")
    expect(page.locator("#report-map .leaflet-map-pane")).to_have_count(1)
    page.fill("#id_lat", f"{lat:.6f}")
    page.fill("#id_lon", f"{lon:.6f}")
    page.fill("#id_depth_cm", "45")
    page.fill("#id_text", "Air rob masuk ke jalan")
    page.click("#report-submit")
    expect(page.locator(".messages")).to_contain_text("Terima kasih")
    report = CitizenReport.objects.get()
    assert report.kelurahan is not None
    assert (report.kelurahan.name, report.depth_cm, report.status) == ("Panjang Wetan", 45, "pending")
    assert not page.console_errors


def test_clicking_the_map_fills_the_location(page, city):
    page.goto("/banjir/lapor/")
    page.locator("#report-map").click(position={"x": 300, "y": 160})
    expect(page.locator("#id_lat")).not_to_have_value("")
    assert -7.0 < float(page.input_value("#id_lat")) < -6.8


def test_the_station_chart_draws_a_month_of_hourly_averages(page, river):
    now = timezone.now()
    services.readings_ingest(
        readings=[reading("loji-1", 60.0 + h, now - timedelta(hours=h)) for h in range(1, 49)], source="http"
    )
    page.goto("/banjir/stasiun/loji-1/?rentang=30d")
    expect(page.locator("#station-chart")).to_have_attribute("data-points", "48")
    expect(page.locator("#chart-ranges strong")).to_have_text("30 hari")
    assert not page.console_errors
