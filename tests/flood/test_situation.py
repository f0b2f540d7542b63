"""One situation: the live page, the PDF report and the API show the same figures on the demo."""

from __future__ import annotations

import re
import subprocess
from typing import Any

import pytest
from django.utils import translation

from kotapintar.flood import demo, sitrep

pytestmark = pytest.mark.django_db

FIGURES = ("incidents", "affected_kelurahan", "exposed_population")
PDF_LABELS = {
    "incidents": "open incidents",
    "affected_kelurahan": "kelurahan affected",
    "exposed_population": "residents exposed",
}


def number(text: str) -> int:
    return int(re.sub(r"[^\d]", "", text))


@pytest.fixture
def seeded(city: Any) -> None:
    demo.seed(out=lambda _line: None)


def page_figures(client: Any) -> dict[str, int]:
    html = client.get("/banjir/").content.decode()
    found = dict(re.findall(r'data-figure="(\w+)">([^<]*)<', html))
    return {k: number(found[k]) for k in FIGURES}


def pdf_figures(tmp_path: Any) -> dict[str, int]:
    with translation.override("en"):
        pdf = sitrep.render_pdf()
    path = tmp_path / "sitrep.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
    flat = " ".join(text.split())  # the summary line under the title comes first
    out = {}
    for key, label in PDF_LABELS.items():
        match = re.search(rf"([\d.,]+) {label}", flat)
        assert match, f"{label!r} not in the report"
        out[key] = number(match.group(1))
    return out


def test_the_page_the_pdf_and_the_api_agree_on_the_demo(client, seeded, tmp_path):
    api = client.get("/api/v1/flood/situation").json()
    from_api = {k: api[k] for k in FIGURES}
    assert from_api["affected_kelurahan"] > 0 and from_api["exposed_population"] > 0
    assert page_figures(client) == from_api
    assert pdf_figures(tmp_path) == from_api


def test_the_api_lists_the_open_incidents_it_counts(client, seeded):
    api = client.get("/api/v1/flood/situation").json()
    opened = client.get("/api/v1/flood/incidents?state=open").json()
    assert sorted(api["open_incidents"]) == sorted(i["id"] for i in opened)
    assert api["incidents"] == len(opened)
